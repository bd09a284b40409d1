// Package foreground lets interactive requests go first when they share a
// machine with background delivery. The HTTP server, River's workers and
// PostgreSQL compete for the same cores and the same database pool, and Go
// has no goroutine priorities: a fan-out of 10,000 DMs worked by 50 workers
// takes the CPU that a guide's /assign waits for.
//
// So background work admits itself at a gate. Requests mark themselves
// (Enter) while they run; the foreground counts as busy while one is in
// flight and for Linger after the last one ended (requests 5 ms apart are
// one busy period, not 200 short idle ones). While it is busy at most
// Background jobs run at once, and at most StartRate start each second (two
// at a time still started 600 DMs a second between the commands of the
// write path: DMs take milliseconds, and each took its share of PostgreSQL);
// the others wait their turn, first come first served, and a job that
// would wait longer than it may is turned away
// (Admit reports false: the queue snoozes it and frees its worker). Once
// the foreground has been idle for Linger, every waiting job is admitted and
// the gate lets all through, so a fan-out that runs alone goes at full
// speed.
//
// A job already running is not interrupted: the gate only decides when jobs
// start, so a burst of requests has the machine to itself once the jobs
// running when it began (a DM takes milliseconds) have finished.
//
// The gate is per process. CPU is per machine, and replicas on different
// machines do not take each other's; what they share is the database, whose
// load from background work falls with every replica's gate.
package foreground

import (
	"context"
	"sync"
	"time"
)

// Defaults of Config.
const (
	// DefaultBackground keeps delivery going while requests run (DMs still
	// go out, at a fraction of the machine) without taking the cores from
	// them: at most two jobs at once.
	DefaultBackground = 2
	// DefaultLinger bridges the gaps between requests of a busy period and
	// the moment between a command's reply and its follow-up.
	DefaultLinger = 250 * time.Millisecond
	// DefaultStartRate keeps a paced fan-out at a platform's usual limit
	// (Slack's chat.postMessage about 50 a second, per workspace) going
	// while requests run, and keeps the rest for later.
	DefaultStartRate = 100.0
)

// Clock is the time the gate reads; tests inject their own.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed, in its own goroutine or any
	// other; stop cancels the call if it has not happened yet.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// Config shapes a gate.
type Config struct {
	// Background is how many background jobs may run at once while the
	// foreground is busy (default DefaultBackground).
	Background int
	// Linger is how long the foreground stays busy after its last request
	// ended (default DefaultLinger).
	Linger time.Duration
	// StartRate is how many background jobs may start each second while
	// the foreground is busy (default DefaultStartRate), in bursts of at
	// most Background.
	StartRate float64
	// Clock is the gate's time (default the real clock).
	Clock Clock
}

// Gate admits background jobs around foreground requests. Its zero value
// is not usable; call New.
type Gate struct {
	background int
	linger     time.Duration
	startEvery time.Duration // 1/StartRate
	clock      Clock

	mu       sync.Mutex
	requests int       // foreground requests in flight
	lastEnd  time.Time // when the last one ended
	busy     bool      // requests > 0, or lastEnd + linger is still ahead
	checking bool      // a timer will see whether the linger has passed
	running  int       // background jobs admitted and not yet released
	waiting  []*waiter // first come, first served
	// Starts while busy go no faster than one per startEvery, with a
	// burst of background: a start takes the slot at next, which moves
	// on by startEvery, and next is never kept more than the burst behind
	// now.
	next   time.Time
	timing bool // a timer will admit the next waiting job at next
}

type waiter struct {
	admitted chan struct{} // closed once admitted (running counts it)
	expired  chan struct{} // closed when its wait is over
}

// New returns an open gate (nothing is in the foreground yet).
func New(cfg Config) *Gate {
	g := &Gate{background: cfg.Background, linger: cfg.Linger, clock: cfg.Clock}
	if g.background <= 0 {
		g.background = DefaultBackground
	}
	if g.linger <= 0 {
		g.linger = DefaultLinger
	}
	if g.clock == nil {
		g.clock = realClock{}
	}
	rate := cfg.StartRate
	if rate <= 0 {
		rate = DefaultStartRate
	}
	g.startEvery = time.Duration(float64(time.Second) / rate)
	return g
}

// Enter marks a foreground request in flight until the returned function
// is called (once).
func (g *Gate) Enter() (leave func()) {
	g.mu.Lock()
	g.requests++
	g.busy = true
	g.mu.Unlock()
	var once sync.Once
	return func() { once.Do(g.leave) }
}

func (g *Gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests--
	if g.requests > 0 {
		return
	}
	g.lastEnd = g.clock.Now()
	if !g.checking {
		// One timer at a time, however many requests end: it looks again
		// when it fires and the linger was extended meanwhile.
		g.checking = true
		g.clock.AfterFunc(g.linger, g.check)
	}
}

// check ends the busy period when the linger has passed since the last
// request ended.
func (g *Gate) check() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.checking = false
	if g.requests > 0 {
		return // its leave looks again
	}
	if rest := g.lastEnd.Add(g.linger).Sub(g.clock.Now()); rest > 0 {
		g.checking = true
		g.clock.AfterFunc(rest, g.check)
		return
	}
	g.busy = false
	g.admitLocked()
}

// Admit waits until a background job may run, at most wait. It reports
// false when the wait is over or ctx ended first; the job should then give
// its worker back and come again later. Otherwise the job runs and calls
// release (once) when it is done.
func (g *Gate) Admit(ctx context.Context, wait time.Duration) (release func(), ok bool) {
	g.mu.Lock()
	if len(g.waiting) == 0 && g.mayStartLocked() {
		g.running++
		g.mu.Unlock()
		return g.releaseFunc(), true
	}
	w := &waiter{admitted: make(chan struct{}), expired: make(chan struct{})}
	g.waiting = append(g.waiting, w)
	stop := g.clock.AfterFunc(wait, func() { close(w.expired) })
	// Only the start rate may hold it, with no timer yet to come back.
	g.admitLocked()
	g.mu.Unlock()
	defer stop()
	select {
	case <-w.admitted:
		return g.releaseFunc(), true
	case <-w.expired:
	case <-ctx.Done():
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-w.admitted: // at the same moment as the end of the wait
		if ctx.Err() == nil {
			return g.releaseFunc(), true
		}
		g.running--
		g.admitLocked()
		return nil, false
	default:
	}
	for i, o := range g.waiting {
		if o == w {
			g.waiting = append(g.waiting[:i], g.waiting[i+1:]...)
			break
		}
	}
	return nil, false
}

func (g *Gate) releaseFunc() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.running--
			g.admitLocked()
		})
	}
}

// admitLocked lets waiting jobs in, first come first served, as far as the
// foreground allows; when only the start rate holds them, a timer comes
// back for the next one.
func (g *Gate) admitLocked() {
	for len(g.waiting) > 0 && g.mayStartLocked() {
		w := g.waiting[0]
		g.waiting[0] = nil
		g.waiting = g.waiting[1:]
		g.running++
		close(w.admitted)
	}
	if len(g.waiting) > 0 && g.busy && g.running < g.background && !g.timing {
		g.timing = true
		g.clock.AfterFunc(g.next.Sub(g.clock.Now()), func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.timing = false
			g.admitLocked()
		})
	}
}

// mayStartLocked reports whether a job may start now, and if the start
// rate applies takes its slot.
func (g *Gate) mayStartLocked() bool {
	if !g.busy {
		return true
	}
	if g.running >= g.background {
		return false
	}
	now := g.clock.Now()
	if earliest := now.Add(-time.Duration(g.background-1) * g.startEvery); g.next.Before(earliest) {
		g.next = earliest
	}
	if g.next.After(now) {
		return false
	}
	g.next = g.next.Add(g.startEvery)
	return true
}

// State is what the gate knows at a moment.
type State struct {
	Busy     bool // the foreground is busy
	Requests int  // foreground requests in flight
	Running  int  // background jobs admitted and not yet released
	Waiting  int  // background jobs waiting to be admitted
}

// State reports the gate's state (for tests and metrics).
func (g *Gate) State() State {
	g.mu.Lock()
	defer g.mu.Unlock()
	return State{Busy: g.busy, Requests: g.requests, Running: g.running, Waiting: len(g.waiting)}
}
