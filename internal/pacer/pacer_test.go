package pacer

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// next returns how long a caller that never gives up waits for its slot,
// moving the clock there.
func next(t *testing.T, p *Pacer, c *clock) time.Duration {
	t.Helper()
	later, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if later > 0 {
		c.advance(later)
		if again, _ := p.Wait(context.Background()); again != 0 {
			t.Fatalf("the slot %s away was not free when its time came (%s more)", later, again)
		}
	}
	return later
}

func TestUnpacedUntilRefused(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	p := New(0, c.now)
	for range 1000 {
		if later := next(t, p, c); later != 0 {
			t.Fatalf("an unpaced call waits %s", later)
		}
		p.Succeeded()
	}
	if r := p.Rate(); r != 0 {
		t.Fatalf("rate %v before any refusal", r)
	}
}

func TestRefusalPausesAndPaces(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	p := New(0, c.now)
	for range 50 {
		p.Succeeded()
		c.advance(19 * time.Millisecond)
	}
	p.Refused(time.Second)
	if r := p.Rate(); math.Abs(r-50*under) > 0.5 {
		t.Fatalf("rate after a refusal following 50 successes in a second: %.2f, want about %.2f", r, 50*under)
	}
	// Refusals of calls already in flight extend the pause, not the cut.
	before := p.Rate()
	c.advance(10 * time.Millisecond)
	p.Refused(990 * time.Millisecond)
	if p.Rate() != before {
		t.Errorf("a second refusal within a second changed the rate %.2f -> %.2f", before, p.Rate())
	}
	if later := next(t, p, c); later != 990*time.Millisecond {
		t.Fatalf("first call 10ms after a refusal with Retry-After 1s waits %s", later)
	}
	// Without a paced refusal yet, the pace grows blindly.
	c.advance(blindEvery)
	gap := next(t, p, c)
	if r := p.Rate(); math.Abs(r-before*blindGrowth) > 0.5 {
		t.Fatalf("rate %s after the pause %.2f, want %.2f", blindEvery, r, before*blindGrowth)
	}
	if want := time.Duration(float64(time.Second) / p.Rate()); gap > want+time.Millisecond {
		t.Fatalf("paced calls %s apart, want at most %s", gap, want)
	}

	// A refusal of the grown pace goes back under the pace that held, and
	// voids the slots taken before it.
	_, version, changed, _ := p.reserve()
	grown := p.Rate()
	c.advance(100 * time.Millisecond)
	p.Refused(time.Second)
	if r, want := p.Rate(), grown/blindGrowth*under; math.Abs(r-want) > 0.01 {
		t.Errorf("rate after a refusal at %.2f: %.2f, want %.2f", grown, r, want)
	}
	select {
	case <-changed:
	default:
		t.Error("a refusal did not wake the callers waiting for their slots")
	}
	if p.still(version) {
		t.Error("a slot taken before a refusal is still good")
	}

	// A caller that would wait longer than maxWait is told to come back.
	q := New(100*time.Millisecond, c.now)
	q.Refused(3 * time.Second)
	if later, err := q.Wait(context.Background()); err != nil || later != 3*time.Second {
		t.Errorf("Wait over maxWait = %s, %v; want 3s to come back", later, err)
	}

	// Without refusals the pace rises, then goes.
	before = p.Rate()
	c.advance(time.Minute)
	next(t, p, c)
	if p.Rate() <= before {
		t.Errorf("rate %.2f did not rise in a minute without refusal", p.Rate())
	}
	c.advance(forgetAfter)
	next(t, p, c)
	if p.Rate() != 0 {
		t.Errorf("still paced at %.2f after %s without refusal", p.Rate(), forgetAfter)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	p := New(time.Minute, nil)
	p.Refused(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := p.Wait(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Wait = %v, want the context's deadline", err)
	}
}

// bucket is an API limit: rate calls per second, bursts of burst.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *bucket) allow(now time.Time) bool {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// A caller with always more to send, against a limit of 50 calls per second
// that answers Retry-After: 1 beyond it, gets at least 95% of the allowed
// rate and is refused seldom, not on every other call.
func TestSharesTheAllowedRate(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	c := &clock{t: start}
	p := New(0, c.now)
	api := &bucket{rate: 50, burst: 5, tokens: 5, last: start}
	const seconds = 200
	accepted, refused := 0, 0
	for c.t.Sub(start) < seconds*time.Second {
		next(t, p, c)
		c.advance(200 * time.Microsecond) // the call's own time
		if api.allow(c.t) {
			accepted++
			p.Succeeded()
		} else {
			refused++
			p.Refused(time.Second)
		}
	}
	share := float64(accepted) / (seconds * 50)
	t.Logf("%d accepted (%.1f%% of the allowed rate), %d refused in %ds", accepted, share*100, refused, seconds)
	if share < 0.95 {
		t.Errorf("achieved %.1f%% of the allowed rate, want at least 95%%", share*100)
	}
	if refused > accepted/100 {
		t.Errorf("%d refusals for %d accepted calls", refused, accepted)
	}
}

// TestReplicasInterleave: three replicas following one episode take
// alternate places one interval of the pace apart, so that together their
// calls are evenly spaced; each keeping its share independently would
// start all three at the end of the pause, at once.
func TestReplicasInterleave(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	c := &clock{t: start}
	e := Episode{Refused: start.Add(-time.Second), Resume: start, Base: 30, Ceiling: 50, Burst: 5}
	var slots []time.Duration
	for i := range 3 {
		p := New(time.Minute, c.now)
		p.replicas, p.index = 3, i
		p.adopt(c.t, e)
		rate := p.rate(c.t)
		for range 4 {
			delay, _, _, taken := p.reserve()
			if !taken {
				t.Fatalf("replica %d: no slot within a minute", i)
			}
			slots = append(slots, delay)
		}
		if i == 0 {
			t.Logf("pace %.1f/s: one place every %s", rate, time.Duration(float64(time.Second)/rate))
		}
	}
	slices.Sort(slots)
	gap := slots[1] - slots[0]
	for i := 1; i < len(slots); i++ {
		if d := slots[i] - slots[i-1]; d < gap*9/10 || d > gap*11/10 || gap == 0 {
			t.Fatalf("slots %v: want them evenly spaced over the three replicas", slots)
		}
	}
}

// A replica pacing a third of the limit holds slots three times maxWait
// ahead, as many as one process pacing all of it holds (so that its
// workers wait for their slots instead of snoozing their jobs again and
// again), and at most heldReplicas times maxWait (a queue job's timeout).
func TestReplicaHoldsAsManySlotsAsOneProcess(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	e := Episode{Refused: start.Add(-time.Second), Resume: start, Base: 30, Ceiling: 50, Burst: 5}
	for _, c := range []struct {
		replicas int
		held     time.Duration
	}{{1, 2 * time.Second}, {3, 6 * time.Second}, {10, 8 * time.Second}} {
		clock := &clock{t: start}
		p := New(2*time.Second, clock.now)
		p.replicas = c.replicas
		p.adopt(clock.t, e)
		var last time.Duration
		taken := 0
		for {
			delay, _, _, ok := p.reserve()
			if !ok {
				if delay <= c.held {
					t.Fatalf("%d replicas: turned away %s ahead, want slots held up to %s", c.replicas, delay, c.held)
				}
				break
			}
			last = delay
			taken++
		}
		if gap := time.Duration(float64(time.Second) * float64(c.replicas) / 30); last < c.held-gap {
			t.Errorf("%d replicas: the last slot held is %s ahead, want about %s", c.replicas, last, c.held)
		}
		t.Logf("%d replicas: %d slots held, the last %s ahead", c.replicas, taken, last)
	}
}
