// Package fakeslack is a fake of the platform APIs learnbot calls, for load
// tests on loopback: the Slack Web API methods of a DM and of a command
// (users.info, conversations.open, chat.postMessage, views.publish),
// response_url posts, and Discord's two DM calls. It counts what it got,
// DMs per recipient in particular, so that a benchmark can tell lost DMs
// from duplicated ones, and it can rate-limit chat.postMessage the way Slack
// does: 429 with a Retry-After header in whole seconds.
//
// It keeps no message bodies: a fan-out of 10,000 DMs must cost the fake
// little next to the learnbot it measures.
package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Server is the fake. It is an http.Handler.
type Server struct {
	token        string // Slack bot token
	discordToken string
	mux          *http.ServeMux
	now          func() time.Time

	mu        sync.Mutex
	limiter   *rate.Limiter // chat.postMessage; nil: no limit
	postRate  float64
	calls     map[string]int
	slackDMs  map[string]int // accepted chat.postMessage by channel
	discord   map[string]int // accepted Discord DMs by channel
	limited   int            // chat.postMessage answered 429
	first     time.Time      // first accepted DM since the last reset
	last      time.Time
	responses map[string]Response
	waiting   map[string][]chan Response
}

// Response is one post to a response_url (Slack) or to an interaction
// webhook (Discord follow-ups).
type Response struct {
	ID              string    `json:"id"`
	At              time.Time `json:"at"`
	Text            string    `json:"text"`
	ReplaceOriginal bool      `json:"replace_original"`
}

// Stats is what the fake saw since its last reset.
type Stats struct {
	PostRate    float64        `json:"post_rate"` // chat.postMessage allowed per second; 0: no limit
	Calls       map[string]int `json:"calls"`     // by method, 429s included
	DMs         int            `json:"dms"`       // accepted DMs, Slack and Discord
	RateLimited int            `json:"rate_limited"`
	First       time.Time      `json:"first"` // first and last accepted DM
	Last        time.Time      `json:"last"`
	Responses   int            `json:"responses"`
	// Per recipient channel ("D"+user ID on Slack, "DM"+user ID on
	// Discord), only when asked for (?detail=1).
	SlackDMs   map[string]int `json:"slack_dms,omitempty"`
	DiscordDMs map[string]int `json:"discord_dms,omitempty"`
}

// New returns a fake that accepts these bot tokens (without "Bot ").
func New(slackToken, discordToken string) *Server {
	s := &Server{token: slackToken, discordToken: discordToken, now: time.Now, mux: http.NewServeMux()}
	s.Reset()
	s.mux.HandleFunc("POST /api/{method}", s.serveSlack)
	s.mux.HandleFunc("POST /response/{id}", s.serveResponse)
	s.mux.HandleFunc("GET /wait/{id}", s.serveWait)
	s.mux.HandleFunc("POST /discord/api/v10/users/@me/channels", s.serveDiscordChannel)
	s.mux.HandleFunc("POST /discord/api/v10/channels/{channel}/messages", s.serveDiscordMessage)
	// follow-ups of deferred interactions
	s.mux.HandleFunc("PATCH /discord/api/v10/webhooks/{app}/{token}/messages/@original", s.serveDiscordFollowUp)
	s.mux.HandleFunc("POST /discord/api/v10/webhooks/{app}/{token}", s.serveDiscordFollowUp)
	s.mux.HandleFunc("GET /stats", s.serveStats)
	s.mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) { s.Reset() })
	s.mux.HandleFunc("POST /limit", s.serveLimit)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SetPostRate limits chat.postMessage to perSecond, in bursts of at most a
// tenth of a second's worth (a measured rate then says little about the
// burst); 0 removes the limit.
func (s *Server) SetPostRate(perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postRate = perSecond
	s.limiter = nil
	if perSecond > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))
	}
}

// Stats returns the counts; detail adds the per-recipient maps.
func (s *Server) Stats(detail bool) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{PostRate: s.postRate, Calls: map[string]int{}, RateLimited: s.limited, First: s.first, Last: s.last,
		Responses: len(s.responses)}
	for k, v := range s.calls {
		st.Calls[k] = v
	}
	for _, n := range s.slackDMs {
		st.DMs += n
	}
	for _, n := range s.discord {
		st.DMs += n
	}
	if detail {
		st.SlackDMs = make(map[string]int, len(s.slackDMs))
		for k, v := range s.slackDMs {
			st.SlackDMs[k] = v
		}
		st.DiscordDMs = make(map[string]int, len(s.discord))
		for k, v := range s.discord {
			st.DiscordDMs[k] = v
		}
	}
	return st
}

// Reset forgets the counts and the responses (not the rate limit).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.slackDMs = map[string]int{}
	s.discord = map[string]int{}
	s.limited = 0
	s.first, s.last = time.Time{}, time.Time{}
	s.responses = map[string]Response{}
	if s.waiting == nil {
		s.waiting = map[string][]chan Response{}
	}
}

// serveSlack answers the Web API methods learnbot calls. Bodies are form
// encoded except views.publish (JSON), whose body is only drained.
func (s *Server) serveSlack(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	var form map[string][]string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err != nil {
			writeSlack(w, http.StatusBadRequest, `{"ok":false,"error":"invalid_form_data"}`)
			return
		}
		form = r.PostForm
	} else {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if t := get("token"); t != "" {
		token = t
	}
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	if token != s.token {
		writeSlack(w, http.StatusOK, `{"ok":false,"error":"invalid_auth"}`)
		return
	}
	switch method {
	case "users.info":
		id := get("user")
		if id == "" {
			writeSlack(w, http.StatusOK, `{"ok":false,"error":"user_not_found"}`)
			return
		}
		// Every ID is a person; names derive from the ID.
		lower := strings.ToLower(id)
		writeSlack(w, http.StatusOK, `{"ok":true,"user":{"id":`+quote(id)+`,"name":`+quote(lower)+
			`,"profile":{"display_name":`+quote("Learner "+id)+`,"real_name":`+quote(lower)+
			`,"email":`+quote(lower+"@example.com")+`}}}`)
	case "users.lookupByEmail":
		writeSlack(w, http.StatusOK, `{"ok":false,"error":"users_not_found"}`)
	case "conversations.open":
		writeSlack(w, http.StatusOK, `{"ok":true,"channel":{"id":`+quote("D"+get("users"))+`}}`)
	case "chat.postMessage":
		channel := get("channel")
		if wait, ok := s.admit(); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeSlack(w, http.StatusTooManyRequests, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		n := s.delivered(s.slackDMs, channel)
		writeSlack(w, http.StatusOK, `{"ok":true,"channel":`+quote(channel)+`,"ts":"`+strconv.Itoa(n)+`.000100"}`)
	case "views.publish":
		writeSlack(w, http.StatusOK, `{"ok":true,"view":{"id":"V1"}}`)
	default:
		writeSlack(w, http.StatusOK, `{"ok":false,"error":"unknown_method"}`)
	}
}

// admit takes a token of the chat.postMessage limit, or says how long until
// one is free (at least a second: Retry-After counts whole seconds).
func (s *Server) admit() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter == nil {
		return 0, true
	}
	now := s.now()
	if s.limiter.AllowN(now, 1) {
		return 0, true
	}
	s.limited++
	r := s.limiter.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return max(wait, time.Second), false
}

// delivered counts an accepted DM to channel in byChannel and returns the
// channel's count.
func (s *Server) delivered(byChannel map[string]int, channel string) int {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
	byChannel[channel]++
	return byChannel[channel]
}

func (s *Server) serveDiscordChannel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if !s.discordAuth(w, r, "users/@me/channels") || !decode(w, r, &body) {
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
	if !decode(w, r, &body) {
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

func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text            string `json:"text"`
		ReplaceOriginal bool   `json:"replace_original"`
	}
	if !decode(w, r, &body) {
		return
	}
	s.respond(Response{ID: r.PathValue("id"), At: s.now(), Text: body.Text, ReplaceOriginal: body.ReplaceOriginal})
	_, _ = w.Write([]byte("ok"))
}

// respond records a response and wakes those waiting for it.
func (s *Server) respond(resp Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["response"]++
	s.responses[resp.ID] = resp
	for _, ch := range s.waiting[resp.ID] {
		ch <- resp
	}
	delete(s.waiting, resp.ID)
}

// serveWait answers with the response posted under an ID, waiting for it up
// to ?timeout (default 30 s); 404 when none came in time.
func (s *Server) serveWait(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	timeout := 30 * time.Second
	if t, err := time.ParseDuration(r.URL.Query().Get("timeout")); err == nil && t > 0 {
		timeout = min(t, 10*time.Minute)
	}
	s.mu.Lock()
	resp, ok := s.responses[id]
	ch := make(chan Response, 1)
	if !ok {
		s.waiting[id] = append(s.waiting[id], ch)
	}
	s.mu.Unlock()
	if !ok {
		timer := time.NewTimer(timeout)
		defer timer.Stop()
		select {
		case resp = <-ch:
		case <-timer.C:
			http.Error(w, "no response "+id, http.StatusNotFound)
			return
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.Stats(r.URL.Query().Get("detail") == "1"))
}

func (s *Server) serveLimit(w http.ResponseWriter, r *http.Request) {
	perSecond, err := strconv.ParseFloat(r.URL.Query().Get("rate"), 64)
	if err != nil || perSecond < 0 {
		http.Error(w, "rate: a number of chat.postMessage per second, 0 for no limit", http.StatusBadRequest)
		return
	}
	s.SetPostRate(perSecond)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeSlack(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func quote(s string) string { return strconv.Quote(s) }
