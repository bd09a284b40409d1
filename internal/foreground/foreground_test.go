package foreground

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when the test advances it.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at   time.Time
	f    func()
	done bool // fired or stopped
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		stopped := !t.done
		t.done = true
		return stopped
	}
}

// Advance moves the clock by d, firing the timers due on the way in order
// (a timer's function may set new ones).
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.done && !t.at.After(target) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		next.done = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = target
	c.mu.Unlock()
}

// job is one background job asking the gate.
type job struct {
	id      int
	release func()
	ok      bool
}

// admit starts a job asking the gate and waits until the gate has either
// admitted it or counts it as waiting, so that jobs arrive in a known order.
func admit(t *testing.T, g *Gate, ctx context.Context, id int, wait time.Duration, out chan<- job) {
	t.Helper()
	before := g.State()
	go func() {
		release, ok := g.Admit(ctx, wait)
		out <- job{id: id, release: release, ok: ok}
	}()
	until(t, func(s State) bool {
		return s.Running+s.Waiting > before.Running+before.Waiting
	}, g)
}

// until waits for the gate to reach a state: no clock is involved, only
// the goroutines of the test getting their turn.
func until(t *testing.T, cond func(State) bool, g *Gate) {
	t.Helper()
	for !cond(g.State()) {
		runtime.Gosched()
	}
}

func TestGate(t *testing.T) {
	ctx := context.Background()

	t.Run("IdleAdmitsEveryJob", func(t *testing.T) {
		g := New(Config{Background: 2, Linger: 100 * time.Millisecond, Clock: newFakeClock()})
		var releases []func()
		for range 50 {
			release, ok := g.Admit(ctx, 0)
			if !ok {
				t.Fatalf("an idle gate turned a job away: %+v", g.State())
			}
			releases = append(releases, release)
		}
		if s := g.State(); s.Running != 50 || s.Busy {
			t.Fatalf("state %+v; want 50 running, not busy", s)
		}
		for _, r := range releases {
			r()
		}
		if s := g.State(); s.Running != 0 {
			t.Fatalf("state %+v after every release", s)
		}
	})

	t.Run("BusyAdmitsAtMostK", func(t *testing.T) {
		clock := newFakeClock()
		g := New(Config{Background: 2, Linger: 100 * time.Millisecond, StartRate: 1e12, Clock: clock})
		leave := g.Enter()
		out := make(chan job, 10)
		for id := range 5 {
			admit(t, g, ctx, id, time.Hour, out)
		}
		if s := g.State(); s.Running != 2 || s.Waiting != 3 || !s.Busy {
			t.Fatalf("state %+v; want 2 running and 3 waiting while a request is in flight", s)
		}
		first, second := <-out, <-out
		if !first.ok || !second.ok || first.id+second.id != 0+1 {
			t.Fatalf("admitted %+v and %+v; want jobs 0 and 1", first, second)
		}
		// A job done hands its place to the first waiting, one for one.
		first.release()
		third := <-out
		if !third.ok || third.id != 2 {
			t.Fatalf("after a release, admitted %+v; want job 2", third)
		}
		if s := g.State(); s.Running != 2 || s.Waiting != 2 {
			t.Fatalf("state %+v; want 2 running and 2 waiting", s)
		}

		// The request ends; the foreground stays busy for the linger.
		leave()
		clock.Advance(99 * time.Millisecond)
		if s := g.State(); s.Running != 2 || s.Waiting != 2 || !s.Busy {
			t.Fatalf("state %+v within the linger; want still 2 running and 2 waiting", s)
		}
		// A request that began and ended meanwhile extends the linger.
		g.Enter()()
		clock.Advance(time.Millisecond)
		if s := g.State(); s.Waiting != 2 || !s.Busy {
			t.Fatalf("state %+v: a later request did not extend the busy period", s)
		}
		clock.Advance(99 * time.Millisecond)
		s := g.State()
		if s.Busy || s.Waiting != 0 || s.Running != 4 {
			t.Fatalf("state %+v after the linger; want idle with every job running", s)
		}
		for range 2 {
			if j := <-out; !j.ok {
				t.Fatalf("job %d turned away once idle", j.id)
			}
		}
	})

	t.Run("BusyStartsAtMostRate", func(t *testing.T) {
		clock := newFakeClock()
		g := New(Config{Background: 2, Linger: 100 * time.Millisecond, StartRate: 10, Clock: clock})
		leave := g.Enter()
		out := make(chan job, 10)
		for id := range 6 {
			admit(t, g, ctx, id, time.Hour, out)
		}
		// A burst of Background, each job done at once.
		for range 2 {
			(<-out).release()
		}
		if s := g.State(); s.Running != 0 || s.Waiting != 4 {
			t.Fatalf("state %+v; want 4 waiting for the start rate though no job runs", s)
		}
		clock.Advance(99 * time.Millisecond)
		if s := g.State(); s.Waiting != 4 {
			t.Fatalf("state %+v; a job started before its slot", s)
		}
		// Then one every 100 ms.
		for want := 2; want <= 3; want++ {
			clock.Advance(time.Millisecond)
			j := <-out
			if !j.ok || j.id != want {
				t.Fatalf("admitted %+v; want job %d", j, want)
			}
			j.release()
			clock.Advance(99 * time.Millisecond)
			if s := g.State(); s.Waiting != 5-want {
				t.Fatalf("state %+v; want %d waiting", s, 5-want)
			}
		}
		// Idle again: the rest start at once.
		leave()
		clock.Advance(100 * time.Millisecond)
		for range 2 {
			if j := <-out; !j.ok {
				t.Fatalf("job %d turned away once idle", j.id)
			}
		}
	})

	t.Run("ArrivalOnlyTheRateHoldsIsAdmittedInTime", func(t *testing.T) {
		// Nothing runs and nobody waits when the job comes: only its slot
		// is ahead, and nothing but a timer would let it in (2026-11-28: such
		// jobs waited out their 5 s, snoozed and came back, again and again).
		clock := newFakeClock()
		g := New(Config{Background: 2, Linger: 100 * time.Millisecond, StartRate: 10, Clock: clock})
		defer g.Enter()()
		for range 2 {
			release, ok := g.Admit(ctx, 0)
			if !ok {
				t.Fatalf("a burst of Background turned away: %+v", g.State())
			}
			release()
		}
		out := make(chan job, 1)
		admit(t, g, ctx, 2, time.Hour, out)
		clock.Advance(100 * time.Millisecond)
		select {
		case j := <-out:
			if !j.ok {
				t.Fatalf("job %+v; want it admitted once its slot came", j)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("state %+v: the job was not admitted when its slot came", g.State())
		}
	})

	t.Run("LongWaitIsTurnedAway", func(t *testing.T) {
		clock := newFakeClock()
		g := New(Config{Background: 1, Linger: 100 * time.Millisecond, Clock: clock})
		defer g.Enter()()
		out := make(chan job, 2)
		admit(t, g, ctx, 0, time.Hour, out)
		admit(t, g, ctx, 1, 5*time.Second, out)
		if j := <-out; !j.ok || j.id != 0 {
			t.Fatalf("first job %+v; want admitted", j)
		}
		clock.Advance(4999 * time.Millisecond)
		if s := g.State(); s.Waiting != 1 {
			t.Fatalf("state %+v before the wait is over", s)
		}
		clock.Advance(time.Millisecond)
		if j := <-out; j.ok || j.id != 1 {
			t.Fatalf("job %+v after waiting its 5 s; want turned away (to snooze)", j)
		}
		if s := g.State(); s.Waiting != 0 || s.Running != 1 {
			t.Fatalf("state %+v; want the turned-away job gone and the first still running", s)
		}
	})

	t.Run("CancelledWaitLeaves", func(t *testing.T) {
		g := New(Config{Background: 1, Clock: newFakeClock()})
		defer g.Enter()()
		out := make(chan job, 2)
		admit(t, g, ctx, 0, time.Hour, out)
		cctx, cancel := context.WithCancel(ctx)
		admit(t, g, cctx, 1, time.Hour, out)
		<-out
		cancel()
		if j := <-out; j.ok {
			t.Fatalf("job %+v admitted after its context ended", j)
		}
		if s := g.State(); s.Waiting != 0 {
			t.Fatalf("state %+v; want nobody waiting", s)
		}
	})

	t.Run("ReleaseTwiceCountsOnce", func(t *testing.T) {
		g := New(Config{Clock: newFakeClock()})
		release, _ := g.Admit(ctx, 0)
		other, _ := g.Admit(ctx, 0)
		release()
		release()
		if s := g.State(); s.Running != 1 {
			t.Fatalf("state %+v; want the other job still running", s)
		}
		other()
	})
}
