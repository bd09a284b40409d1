// Package fakeslack is a fake of the platform APIs learnbot calls, on
// loopback, for the Slack adapter's tests and for load tests: the Slack Web
// API methods of commands, DMs, directories and the App Home, response_url
// posts, Socket Mode, auth.test, and Discord's two DM calls, interaction
// follow-ups and GET /users/@me.
//
// By default it records what learnbot sent (DMs with their blocks, response
// posts, published views) for tests to read. CountOnly keeps counts and no
// message bodies instead, so that a fan-out of 10,000 DMs costs the fake
// little next to the learnbot it measures; either way it counts DMs per
// recipient, so a benchmark can tell lost DMs from duplicated ones, and it
// can rate-limit chat.postMessage the way Slack does: 429 with a
// Retry-After header in whole seconds.
package fakeslack

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// Server is the fake. It is an http.Handler.
type Server struct {
	token        string // Slack bot token
	appToken     string // Slack app token (Socket Mode); empty: refused
	discordToken string
	countOnly    bool
	t            testing.TB // reports malformed requests; may be nil
	mux          *http.ServeMux
	now          func() time.Time
	sockets      chan *websocket.Conn

	nonceMu   sync.Mutex // serializes Discord messages, for enforce_nonce
	mu        sync.Mutex
	limiter   *rate.Limiter // chat.postMessage; nil: no limit
	postRate  float64
	limitTo   string // the limit applies to channels with this prefix ("": all)
	calls     map[string]int
	slackDMs  map[string]int // accepted chat.postMessage by channel
	discord   map[string]int // accepted Discord DMs by channel
	limited   int            // chat.postMessage answered 429
	first     time.Time      // first accepted DM since the last reset
	last      time.Time
	responses map[string]Response  // the latest by ID
	history   map[string][]posted  // chat.postMessage by channel, oldest first
	nonces    map[string]sentNonce // Discord messages sent with enforce_nonce
	waiting   map[string][]chan Response

	// The Slack workspace as tests set it up.
	users      map[string]User
	autoUsers  bool                 // users.info knows every ID
	usergroups map[string][]string  // members by user group
	generated  map[string]Generated // user groups of generated members
	channels   map[string][]string  // members by channel
	groupError string               // usergroups.users.list fails with this code
	openError  map[string]string    // conversations.open error by user
	postFail   func(w http.ResponseWriter) bool

	// What learnbot sent, unless countOnly.
	posts []Response
	dms   []Message
	views []View
}

// Response is one post to a response_url (Slack) or to an interaction
// webhook (Discord follow-ups).
type Response struct {
	ID              string    `json:"id"` // the response_url's last segment, or the interaction token
	At              time.Time `json:"at"`
	ResponseType    string    `json:"response_type,omitempty"`
	Text            string    `json:"text"`
	ReplaceOriginal bool      `json:"replace_original"`
	Blocks          []Block   `json:"blocks,omitempty"` // kept by CountOnly only when they hold buttons
}

// Message is a DM learnbot posted with chat.postMessage.
type Message struct {
	Channel  string
	Text     string
	Blocks   []Block
	Metadata *Metadata // nil: none
}

// Metadata is a message's metadata (chat.postMessage's metadata argument).
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// posted is what a channel's history keeps of a message.
type posted struct {
	micros int64 // its ts
	meta   *Metadata
}

// View is an App Home learnbot published with views.publish.
type View struct {
	UserID string
	View   struct {
		Type   string  `json:"type"`
		Blocks []Block `json:"blocks"`
	}
}

// User is a member of the fake workspace, as users.info and
// users.lookupByEmail answer.
type User struct {
	ID, Name, Display, Email string
	Bot                      bool
	TZ                       string // IANA time zone; "" for none
	// Locale ("de-DE") is answered only when users.info asks with
	// include_locale=true, as Slack does.
	Locale string
	// Hollow makes users.info answer ok with an empty user object, as Slack
	// has been seen to.
	Hollow bool
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

// Option configures a fake.
type Option func(*Server)

// CountOnly keeps counts and response texts, not DMs, views or blocks
// (but the blocks of a response with buttons): for load tests.
func CountOnly() Option { return func(s *Server) { s.countOnly = true } }

// WithAppToken accepts this Slack app token for Socket Mode.
func WithAppToken(token string) Option { return func(s *Server) { s.appToken = token } }

// ReportTo fails t on requests a real Slack would refuse as malformed and on
// methods the fake does not know.
func ReportTo(t testing.TB) Option { return func(s *Server) { s.t = t } }

// New returns a fake that accepts these bot tokens (without "Bot "). Its
// users.info knows every ID until SetAutoUsers(false).
func New(slackToken, discordToken string, opts ...Option) *Server {
	s := &Server{token: slackToken, discordToken: discordToken, now: time.Now, mux: http.NewServeMux(),
		sockets: make(chan *websocket.Conn, 4), autoUsers: true, users: map[string]User{},
		usergroups: map[string][]string{}, generated: map[string]Generated{}, channels: map[string][]string{}, openError: map[string]string{},
		waiting: map[string][]chan Response{}}
	for _, o := range opts {
		o(s)
	}
	s.Reset()
	s.mux.HandleFunc("POST /api/{method}", s.serveSlack)
	s.mux.HandleFunc("GET /socket", s.serveSocket)
	s.mux.HandleFunc("POST /response/{id}", s.serveResponse)
	s.mux.HandleFunc("GET /wait/{id}", s.serveWait)
	s.mux.HandleFunc("POST /discord/api/v10/users/@me/channels", s.serveDiscordChannel)
	s.mux.HandleFunc("POST /discord/api/v10/channels/{channel}/messages", s.serveDiscordMessage)
	s.mux.HandleFunc("GET /discord/api/v10/users/@me", s.serveDiscordMe)
	// follow-ups of deferred interactions
	s.mux.HandleFunc("PATCH /discord/api/v10/webhooks/{app}/{token}/messages/@original", s.serveDiscordFollowUp)
	s.mux.HandleFunc("POST /discord/api/v10/webhooks/{app}/{token}", s.serveDiscordFollowUp)
	s.mux.HandleFunc("GET /stats", s.serveStats)
	s.mux.HandleFunc("POST /reset", func(w http.ResponseWriter, r *http.Request) { s.Reset() })
	s.mux.HandleFunc("POST /limit", s.serveLimit)
	s.mux.HandleFunc("GET /first", s.serveFirst)
	s.mux.HandleFunc("POST /usergroup", s.serveDefineUserGroup)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// errorf reports a malformed request to the test, if there is one.
func (s *Server) errorf(format string, a ...any) {
	if s.t != nil {
		s.t.Errorf("fake slack: "+format, a...)
	}
}

// SetPostRate limits chat.postMessage to perSecond, in bursts of at most a
// tenth of a second's worth (a measured rate then says little about the
// burst); 0 removes the limit.
func (s *Server) SetPostRate(perSecond float64) { s.SetPostLimit(perSecond, "") }

// SetPostLimit is SetPostRate for the channels whose ID starts with prefix
// only (one workspace's learners, say); the others are not limited.
func (s *Server) SetPostLimit(perSecond float64, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postRate, s.limitTo = perSecond, prefix
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

// Calls counts the calls of one method since the last reset.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Reset forgets the counts and what was sent (not the rate limit, nor the
// workspace's users, groups and failures).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.slackDMs = map[string]int{}
	s.discord = map[string]int{}
	s.limited = 0
	s.first, s.last = time.Time{}, time.Time{}
	s.responses = map[string]Response{}
	s.history = map[string][]posted{}
	s.nonces = map[string]sentNonce{}
	s.posts, s.dms, s.views = nil, nil, nil
}

// Posts lists the response posts (Slack response_url, Discord follow-ups)
// in order.
func (s *Server) Posts() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.posts...)
}

// DMs lists the messages posted with chat.postMessage, in order.
func (s *Server) DMs() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.dms...)
}

// Views lists the App Homes published, in order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// respond records a response and wakes those waiting for it.
func (s *Server) respond(resp Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["response"]++
	if s.countOnly {
		// A prompt's buttons are kept: a benchmark presses them when the
		// prompt came late, through the response_url.
		if len(ButtonsOf(resp.Blocks)) == 0 {
			resp.Blocks = nil
		}
	} else {
		s.posts = append(s.posts, resp)
	}
	s.responses[resp.ID] = resp
	for _, ch := range s.waiting[resp.ID] {
		ch <- resp
	}
	delete(s.waiting, resp.ID)
}

func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	var body Response
	if !s.decode(w, r, &body) {
		return
	}
	body.ID, body.At = r.PathValue("id"), s.now()
	s.respond(body)
	_, _ = w.Write([]byte("ok"))
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
	s.SetPostLimit(perSecond, r.URL.Query().Get("prefix"))
}

// serveFirst answers with the time of the first message in ?channel, as
// RFC 3339 with nanoseconds; 404 while there is none.
func (s *Server) serveFirst(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.history[r.URL.Query().Get("channel")]
	s.mu.Unlock()
	if len(h) == 0 {
		http.Error(w, "no message", http.StatusNotFound)
		return
	}
	_, _ = w.Write([]byte(time.UnixMicro(h[0].micros).UTC().Format(time.RFC3339Nano)))
}

// decode reads a JSON body into v, answering 400 (and telling the test)
// when it is not JSON.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		s.errorf("%s: bad JSON: %v", r.URL.Path, err)
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}
