package fakeslack

import (
	"fmt"
	"net/http"
	"time"
)

// The Discord half: the two calls of a DM, and the follow-ups of deferred
// interactions (recorded as responses under the interaction token).

func (s *Server) serveDiscordChannel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if !s.discordAuth(w, r, "users/@me/channels") || !s.decode(w, r, &body) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q,"type":1,"recipients":[{"id":%q,"username":"u"}]}`, "DM"+body.RecipientID, body.RecipientID)
}

func (s *Server) serveDiscordMessage(w http.ResponseWriter, r *http.Request) {
	if !s.discordAuth(w, r, "channels/messages") {
		return
	}
	var body struct {
		Nonce        any  `json:"nonce"`
		EnforceNonce bool `json:"enforce_nonce"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	channel := r.PathValue("channel")
	nonce := ""
	if body.EnforceNonce && body.Nonce != nil {
		nonce = fmt.Sprint(body.Nonce)
	}
	w.Header().Set("Content-Type", "application/json")
	// One nonce's check and creation are one step, as on Discord.
	s.nonceMu.Lock()
	defer s.nonceMu.Unlock()
	s.mu.Lock()
	prev, seen := s.nonces[nonce]
	s.mu.Unlock()
	if nonce != "" && seen && s.now().Sub(prev.at) < NonceWindow {
		// Discord returns the message created with this nonce before.
		fmt.Fprintf(w, `{"id":"%d","channel_id":%q,"content":"","type":0}`, prev.id, prev.channel)
		return
	}
	n := s.delivered(s.discord, channel)
	id := int64(900000000000000000 + n)
	if nonce != "" {
		s.locked(func() { s.nonces[nonce] = sentNonce{id: id, channel: channel, at: s.now()} })
	}
	fmt.Fprintf(w, `{"id":"%d","channel_id":%q,"content":"","type":0}`, id, channel)
}

// NonceWindow is how long the fake, like Discord ("a few minutes"),
// answers a message sent with enforce_nonce and a nonce it has seen with
// the message created then, creating none.
const NonceWindow = 3 * time.Minute

// sentNonce is the message a nonce created.
type sentNonce struct {
	id      int64
	channel string
	at      time.Time
}

func (s *Server) serveDiscordFollowUp(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content string `json:"content"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	s.respond(Response{ID: r.PathValue("token"), At: s.now(), Text: body.Content, ReplaceOriginal: r.Method == http.MethodPatch})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"id":"1","channel_id":"1","content":"","type":0}`))
}

func (s *Server) discordAuth(w http.ResponseWriter, r *http.Request, method string) bool {
	s.mu.Lock()
	s.calls["discord:"+method]++
	s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bot "+s.discordToken {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"401: Unauthorized","code":0}`))
		return false
	}
	return true
}

// serveDiscordMe answers GET /users/@me: who the bot token belongs to.
func (s *Server) serveDiscordMe(w http.ResponseWriter, r *http.Request) {
	if !s.discordAuth(w, r, "users/@me") {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"id":"900000000000000001","username":"learnbot","bot":true}`))
}
