// Package fakeslack is a fake of the Slack APIs learnbot calls, on
// loopback, for the Slack adapter's tests and for load tests: the Web API
// methods of commands, DMs, directories and the App Home, response_url
// posts, Socket Mode and auth.test. Discord has a fake of its own,
// internal/fakediscord; the two can share one record (RecordTo).
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

	"github.com/learnbot/learnbot/internal/fakerecord"
)

// Server is the fake. It is an http.Handler.
type Server struct {
	token     string // bot token
	appToken  string // app token (Socket Mode); empty: refused
	countOnly bool
	t         testing.TB // reports malformed requests; may be nil
	rec       *fakerecord.Recorder
	mux       *http.ServeMux
	now       func() time.Time
	sockets   chan *websocket.Conn

	mu       sync.Mutex
	limiter  *rate.Limiter // chat.postMessage; nil: no limit
	postRate float64
	limitTo  string              // the limit applies to channels with this prefix ("": all)
	dms      map[string]int      // accepted chat.postMessage by channel
	history  map[string][]posted // chat.postMessage by channel, oldest first

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
	posts    []Response
	messages []Message
	views    []View
}

// Response is one post to a response_url.
type Response struct {
	ID              string    `json:"id"` // the response_url's last segment
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

// Stats is what the fake saw since its last reset: the counts of its
// record (of every fake sharing it: DMs counts Discord's too) and its own.
type Stats struct {
	fakerecord.Stats
	PostRate float64 `json:"post_rate"` // chat.postMessage allowed per second; 0: no limit
	// Accepted chat.postMessage per channel ("D"+user ID), only when asked
	// for (?detail=1).
	SlackDMs map[string]int `json:"slack_dms,omitempty"`
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

// RecordTo keeps the counts and responses in rec, shared with the other
// fakes given it, instead of a record of the fake's own.
func RecordTo(rec *fakerecord.Recorder) Option { return func(s *Server) { s.rec = rec } }

// New returns a fake that accepts this bot token (without "Bearer "). Its
// users.info knows every ID until SetAutoUsers(false).
//
// It serves the Web API under /api/, Socket Mode at /socket, response_url
// posts at /response/{id}, and for tests and loadgen: GET /stats,
// GET /wait/{id}, POST /reset (fakerecord), POST /limit, GET /first and
// POST /usergroup.
func New(token string, opts ...Option) *Server {
	s := &Server{token: token, now: time.Now, mux: http.NewServeMux(),
		sockets: make(chan *websocket.Conn, 4), autoUsers: true, users: map[string]User{},
		usergroups: map[string][]string{}, generated: map[string]Generated{}, channels: map[string][]string{}, openError: map[string]string{}}
	for _, o := range opts {
		o(s)
	}
	if s.rec == nil {
		s.rec = fakerecord.New()
	}
	s.forget()
	s.rec.OnReset(s.forget)
	s.mux.HandleFunc("POST /api/{method}", s.serveSlack)
	s.mux.HandleFunc("GET /socket", s.serveSocket)
	s.mux.HandleFunc("POST /response/{id}", s.serveResponse)
	s.rec.Register(s.mux)
	s.mux.HandleFunc("GET /stats", s.serveStats)
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

// Stats returns the counts; detail adds the per-recipient map.
func (s *Server) Stats(detail bool) Stats {
	st := Stats{Stats: s.rec.Stats()}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.PostRate = s.postRate
	if detail {
		st.SlackDMs = make(map[string]int, len(s.dms))
		for k, v := range s.dms {
			st.SlackDMs[k] = v
		}
	}
	return st
}

// Calls counts the calls of one Web API method since the last reset.
func (s *Server) Calls(method string) int { return s.rec.Calls(method) }

// Reset forgets the counts and what was sent, here and in every fake
// sharing the record (not the rate limit, nor the workspace's users,
// groups and failures).
func (s *Server) Reset() { s.rec.Reset() }

// forget is the fake's part of a reset.
func (s *Server) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dms = map[string]int{}
	s.history = map[string][]posted{}
	s.posts, s.messages, s.views = nil, nil, nil
}

// Posts lists the response_url posts in order.
func (s *Server) Posts() []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Response(nil), s.posts...)
}

// DMs lists the messages posted with chat.postMessage, in order.
func (s *Server) DMs() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Views lists the App Homes published, in order.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// respond records a response post; the record wakes those waiting for it.
func (s *Server) respond(resp Response) {
	if s.countOnly {
		// A prompt's buttons are kept: a benchmark presses them when the
		// prompt came late, through the response_url.
		if len(ButtonsOf(resp.Blocks)) == 0 {
			resp.Blocks = nil
		}
	} else {
		s.locked(func() { s.posts = append(s.posts, resp) })
	}
	s.rec.Respond(resp.ID, resp)
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
