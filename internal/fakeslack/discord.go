package fakeslack

import (
	"fmt"
	"io"
	"net/http"
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
	_, _ = io.Copy(io.Discard, r.Body)
	channel := r.PathValue("channel")
	n := s.delivered(s.discord, channel)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":"%d","channel_id":%q,"content":"","type":0}`, 900000000000000000+n, channel)
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
