// Package throttle limits unauthenticated requests (bad signatures,
// unknown invitation and report tokens) per client address, and logs them
// as one line per cause every 10 s with a count. Valid requests are never
// limited: only failures count, and only the token pages, whose every
// request costs a database lookup, refuse a limited address up front.
package throttle

import (
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	// PerSecond is how many unauthenticated requests an address may make
	// a second (as a burst too) before it is refused.
	PerSecond = 20
	// Block is how long a refused address stays refused.
	Block = 10 * time.Second
	// LogEvery is how often each cause is logged at most.
	LogEvery = 10 * time.Second
	// maxClients bounds the addresses remembered; a full table first
	// forgets the addresses that are neither limited nor recent.
	maxClients = 10_000
)

// Guard counts unauthenticated requests per address. A nil *Guard limits
// and logs nothing. Replicas count each on their own.
type Guard struct {
	log      *slog.Logger
	now      func() time.Time
	logEvery time.Duration

	mu      sync.Mutex
	clients map[string]*client
	causes  map[cause]*tally
}

type client struct {
	lim          *rate.Limiter
	blockedUntil time.Time
	seen         time.Time
}

// cause is what a log line counts: an endpoint and the answer it gave.
type cause struct {
	endpoint string
	status   int
}

type tally struct {
	logged  time.Time // when the last line for this cause was written
	pending int       // requests since then
	flush   bool      // a line is scheduled
}

// New returns a guard that logs to log.
func New(log *slog.Logger) *Guard {
	return &Guard{log: log, now: time.Now, logEvery: LogEvery,
		clients: map[string]*client{}, causes: map[cause]*tally{}}
}

// SetClock replaces time.Now (tests).
func (g *Guard) SetClock(now func() time.Time) { g.now = now }

// Limited reports whether r's address is refused now; if so it has
// answered 429. Token pages call it before they look a token up.
func (g *Guard) Limited(w http.ResponseWriter, r *http.Request, endpoint string) bool {
	if g == nil {
		return false
	}
	g.mu.Lock()
	c := g.clients[address(r)]
	limited := c != nil && g.now().Before(c.blockedUntil)
	g.mu.Unlock()
	if limited {
		g.tooMany(w, endpoint)
	}
	return limited
}

// Failed records an unauthenticated request from r's address that would
// be answered status. When the address is over its limit Failed answers
// 429 itself and returns true; otherwise the caller answers status.
func (g *Guard) Failed(w http.ResponseWriter, r *http.Request, endpoint string, status int) bool {
	if g == nil {
		return false
	}
	now := g.now()
	addr := address(r)
	g.mu.Lock()
	c := g.clients[addr]
	if c == nil {
		g.makeRoom(now)
		c = &client{lim: rate.NewLimiter(PerSecond, PerSecond)}
		g.clients[addr] = c
	}
	c.seen = now
	limited := now.Before(c.blockedUntil)
	if !limited && !c.lim.AllowN(now, 1) {
		c.blockedUntil = now.Add(Block)
		limited = true
	}
	g.mu.Unlock()
	if limited {
		g.tooMany(w, endpoint)
		return true
	}
	g.count(cause{endpoint, status})
	return false
}

func (g *Guard) tooMany(w http.ResponseWriter, endpoint string) {
	g.count(cause{endpoint, http.StatusTooManyRequests})
	w.Header().Set("Retry-After", strconv.Itoa(int(Block/time.Second)))
	http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
}

// makeRoom forgets addresses when the table is full: first those neither
// limited nor seen for a while, then any (a forgotten address starts with
// a full allowance, which costs little).
func (g *Guard) makeRoom(now time.Time) {
	if len(g.clients) < maxClients {
		return
	}
	for a, c := range g.clients {
		if now.After(c.blockedUntil) && now.Sub(c.seen) > time.Second {
			delete(g.clients, a)
		}
	}
	for a := range g.clients {
		if len(g.clients) < maxClients {
			break
		}
		delete(g.clients, a)
	}
}

// count logs a cause at once when its last line is older than logEvery,
// and otherwise adds it to a line written when logEvery has passed.
func (g *Guard) count(k cause) {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.causes[k]
	if t == nil {
		t = &tally{}
		g.causes[k] = t
	}
	t.pending++
	if t.flush {
		return
	}
	if wait := t.logged.Add(g.logEvery).Sub(now); wait > 0 {
		t.flush = true
		time.AfterFunc(wait, func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			t.flush = false
			g.write(k, t, g.now())
		})
		return
	}
	g.write(k, t, now)
}

// write logs a cause's pending count; g.mu is held.
func (g *Guard) write(k cause, t *tally, now time.Time) {
	if t.pending == 0 {
		return
	}
	// count is the requests since the cause's previous line
	g.log.Warn("unauthenticated requests", "endpoint", k.endpoint, "status", k.status, "count", t.pending)
	t.logged, t.pending = now, 0
}

// address is the connection's address, without its port.
func address(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
