// Package fakediscord is a fake of the Discord HTTP API learnbot calls, on
// loopback, for tests and load tests: the two calls of a DM (open the DM
// channel, send the message, honouring enforce_nonce as Discord does), the
// follow-ups of deferred interactions and GET /users/@me. It serves them
// under /api/v10/, as discord.com does: learnbot's Discord API URL is
// <fake>/api/v10/.
//
// It counts DMs per recipient channel and, by default, records the
// follow-ups for tests to read; CountOnly keeps counts only, for load tests.
// Given the record of the Slack fake (RecordTo), the two share their counts,
// responses and resets.
package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakerecord"
)

// Server is the fake. It is an http.Handler.
type Server struct {
	token     string // bot token
	countOnly bool
	t         testing.TB // reports malformed requests; may be nil
	rec       *fakerecord.Recorder
	mux       *http.ServeMux
	now       func() time.Time

	nonceMu sync.Mutex // serializes messages, for enforce_nonce
	mu      sync.Mutex
	dms     map[string]int       // accepted messages by channel
	nonces  map[string]sentNonce // messages sent with enforce_nonce
	posts   []Response           // follow-ups, unless countOnly
}

// Response is one follow-up of a deferred interaction, kept under the
// interaction's token.
type Response struct {
	ID              string    `json:"id"` // the interaction token
	At              time.Time `json:"at"`
	Text            string    `json:"text"`
	ReplaceOriginal bool      `json:"replace_original"` // it edits the original response
}

// Stats is what the fake saw since its last reset: the counts of its
// record (of every fake sharing it) and its own.
type Stats struct {
	fakerecord.Stats
	// Accepted messages per channel ("DM"+user ID), only when asked for
	// (?detail=1).
	DiscordDMs map[string]int `json:"discord_dms,omitempty"`
}

// Option configures a fake.
type Option func(*Server)

// CountOnly keeps counts and response texts, not the follow-ups' list:
// for load tests.
func CountOnly() Option { return func(s *Server) { s.countOnly = true } }

// ReportTo fails t on requests a real Discord would refuse as malformed.
func ReportTo(t testing.TB) Option { return func(s *Server) { s.t = t } }

// RecordTo keeps the counts and responses in rec, shared with the other
// fakes given it, instead of a record of the fake's own. Calls are counted
// as "discord:" and the route ("discord:channels/messages").
func RecordTo(rec *fakerecord.Recorder) Option { return func(s *Server) { s.rec = rec } }

// New returns a fake that accepts this bot token (without "Bot ").
//
// Besides the API under /api/v10/ it serves, for tests and loadgen,
// GET /stats, GET /wait/{id} (a follow-up by interaction token) and
// POST /reset.
func New(token string, opts ...Option) *Server {
	s := &Server{token: token, now: time.Now, mux: http.NewServeMux()}
	for _, o := range opts {
		o(s)
	}
	if s.rec == nil {
		s.rec = fakerecord.New()
	}
	s.forget()
	s.rec.OnReset(s.forget)
	s.mux.HandleFunc("POST /api/v10/users/@me/channels", s.serveChannel)
	s.mux.HandleFunc("POST /api/v10/channels/{channel}/messages", s.serveMessage)
	s.mux.HandleFunc("GET /api/v10/users/@me", s.serveMe)
	// follow-ups of deferred interactions
	s.mux.HandleFunc("PATCH /api/v10/webhooks/{app}/{token}/messages/@original", s.serveFollowUp)
	s.mux.HandleFunc("POST /api/v10/webhooks/{app}/{token}", s.serveFollowUp)
	s.rec.Register(s.mux)
	s.mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.Stats(r.URL.Query().Get("detail") == "1"))
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Stats returns the counts; detail adds the per-recipient map.
func (s *Server) Stats(detail bool) Stats {
	st := Stats{Stats: s.rec.Stats()}
	if detail {
		s.mu.Lock()
		defer s.mu.Unlock()
		st.DiscordDMs = make(map[string]int, len(s.dms))
		for k, v := range s.dms {
			st.DiscordDMs[k] = v
		}
	}
	return st
}

// Calls counts the calls of one route ("channels/messages") since the
// last reset.
func (s *Server) Calls(route string) int { return s.rec.Calls("discord:" + route) }

// Reset forgets the counts, the nonces and what was sent, here and in every
// fake sharing the record.
func (s *Server) Reset() { s.rec.Reset() }

// forget is the fake's part of a reset.
func (s *Server) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dms = map[string]int{}
	s.nonces = map[string]sentNonce{}
	s.posts = nil
}

// Posts lists the follow-ups in order.
func (s *Server) Posts() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.posts...)
}

func (s *Server) serveChannel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if !s.auth(w, r, "users/@me/channels") || !s.decode(w, r, &body) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q,"type":1,"recipients":[{"id":%q,"username":"u"}]}`, "DM"+body.RecipientID, body.RecipientID)
}

func (s *Server) serveMessage(w http.ResponseWriter, r *http.Request) {
	if !s.auth(w, r, "channels/messages") {
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
	s.rec.Delivered()
	s.mu.Lock()
	s.dms[channel]++
	id := int64(900000000000000000 + s.dms[channel])
	if nonce != "" {
		s.nonces[nonce] = sentNonce{id: id, channel: channel, at: s.now()}
	}
	s.mu.Unlock()
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

func (s *Server) serveFollowUp(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content string `json:"content"`
	}
	if !s.decode(w, r, &body) {
		return
	}
	resp := Response{ID: r.PathValue("token"), At: s.now(), Text: body.Content, ReplaceOriginal: r.Method == http.MethodPatch}
	if !s.countOnly {
		s.mu.Lock()
		s.posts = append(s.posts, resp)
		s.mu.Unlock()
	}
	s.rec.Respond(resp.ID, resp)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"id":"1","channel_id":"1","content":"","type":0}`))
}

// auth counts a call of route and checks the bot token, answering 401 as
// Discord does when it is wrong.
func (s *Server) auth(w http.ResponseWriter, r *http.Request, route string) bool {
	s.rec.Call("discord:" + route)
	if r.Header.Get("Authorization") != "Bot "+s.token {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"401: Unauthorized","code":0}`))
		return false
	}
	return true
}

// serveMe answers GET /users/@me: who the bot token belongs to.
func (s *Server) serveMe(w http.ResponseWriter, r *http.Request) {
	if !s.auth(w, r, "users/@me") {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"id":"900000000000000001","username":"learnbot","bot":true}`))
}

// decode reads a JSON body into v, answering 400 (and telling the test)
// when it is not JSON.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		if s.t != nil {
			s.t.Errorf("fake discord: %s: bad JSON: %v", r.URL.Path, err)
		}
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}
