package pacer

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"testing"
	"time"
)

// A simulation of a queue's fan-out through a pacer against a rate limit,
// on a simulated clock: workers take jobs, wait for their pacer's slot
// (or snooze the job when it is further than maxWait), call the API, whose
// answer comes back after the call's latency, and record it. What a faster
// or slower machine changes is the latency of a call and the work around
// it (River's fetch and completion), so the simulation varies both.

// limit is the API: rate calls a second in bursts of burst (a token
// bucket, as the fake Slack's golang.org/x/time/rate limiter), answering
// 429 with Retry-After in whole seconds, at least 1, beyond it.
type limit struct {
	rate, burst, tokens float64
	last                time.Time
	from                time.Time // no limit before (zero: from the start)
}

func (b *limit) call(now time.Time) (ok bool, retryAfter time.Duration) {
	if now.Before(b.from) {
		b.last = now
		return true, 0
	}
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
	return false, max(time.Second, time.Duration(math.Ceil(wait.Seconds()))*time.Second)
}

type event struct {
	at  time.Time
	seq int
	run func()
}

type events []*event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	return e[i].at.Before(e[j].at) || e[i].at.Equal(e[j].at) && e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(*event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// sim is a simulated clock with its events.
type sim struct {
	now    time.Time
	queue  events
	seq    int
	events int
}

func (s *sim) at(t time.Time, f func()) {
	s.seq++
	heap.Push(&s.queue, &event{at: t, seq: s.seq, run: f})
}

func (s *sim) after(d time.Duration, f func()) { s.at(s.now.Add(d), f) }

func (s *sim) run(until time.Time) {
	for s.queue.Len() > 0 {
		e := heap.Pop(&s.queue).(*event)
		if e.at.After(until) {
			return
		}
		s.now = e.at
		s.events++
		e.run()
	}
}

// fanOut is one simulated fan-out.
type fanOut struct {
	jobs     int           // DMs to send
	workers  int           // per replica
	latency  time.Duration // of one call, there and back
	overhead time.Duration // of a job around its call (fetch, compose, completion)
	poll     time.Duration // how soon a snoozed job is fetched again after its time
	maxWait  time.Duration // a worker waits this long for its slot, else snoozes
}

// result of a simulated fan-out.
type result struct {
	accepted, refused int
	snoozed           int         // jobs handed back to the queue: each a fetch and a write
	times             []time.Time // of the accepted calls
	share             float64     // of the allowed rate, first to last accepted call
	elapsed           time.Duration
}

// simTrace logs each episode of a simulation (go test -v).
var simTrace = false

// simulate runs f through one pacer per replica (sharing shared, if not
// nil) against api, and returns what the API saw.
func simulate(t *testing.T, f fanOut, api *limit, replicas int, shared Shared) result {
	t.Helper()
	var s *sim
	return simulateWith(t, f, api, replicas, shared, &s)
}

// simulateWith is simulate, telling the sim through sp (for a shared
// store on its clock).
func simulateWith(t *testing.T, f fanOut, api *limit, replicas int, shared Shared, sp **sim) result {
	t.Helper()
	s := &sim{now: api.last}
	*sp = s
	start := s.now
	var res result
	var first, last time.Time
	pending := f.jobs // jobs not yet delivered
	var available []int
	for i := range f.jobs {
		available = append(available, i)
	}
	var idle []func() // workers waiting for a job
	// snooze hands a job back to the queue, due after d.
	snooze := func(job int, d time.Duration) {
		res.snoozed++
		s.after(d+f.poll, func() {
			available = append(available, job)
			if len(idle) > 0 {
				wake := idle[0]
				idle = idle[1:]
				wake()
			}
		})
	}
	for r := range replicas {
		p := New(f.maxWait, func() time.Time { return s.now })
		key, replica := "T1 chat.postMessage", fmt.Sprintf("replica-%d", r)
		type waiter struct {
			w, job    int
			cancelled bool
		}
		var waiting []*waiter
		seen := p.version
		var work func(w int)
		var take, reserve func(w, job int)
		// changed re-takes the slots of waiting callers when the plan
		// changed, as Wait does when its channel closes.
		changed := func() {
			if p.version == seen {
				return
			}
			seen = p.version
			for _, wt := range waiting {
				wt.cancelled = true
				s.after(0, func() { reserve(wt.w, wt.job) })
			}
			waiting = nil
		}
		var entering []func() // callers waiting in enter
		var call func(w, job int)
		call = func(w, job int) {
			s.after(f.latency/2, func() {
				ok, retryAfter := api.call(s.now)
				s.after(f.latency/2, func() {
					p.leave(ok)
					for _, e := range entering {
						e()
					}
					entering = nil
					if ok {
						res.accepted++
						res.times = append(res.times, s.now)
						pending--
						if first.IsZero() {
							first = s.now
						}
						last = s.now
						p.Succeeded()
					} else {
						res.refused++
						if shared != nil {
							if err := p.refresh(context.Background(), shared, key, replica, true); err != nil {
								t.Fatal(err)
							}
						}
						before := p.Rate()
						e := p.Refused(retryAfter)
						if testing.Verbose() && simTrace && e.Refused.Equal(s.now) {
							t.Logf("%s %.2f: refused at %.1f/s; from %.2f at %.1f/s, ceiling %.1f (%d accepted in the last second here)",
								replica, s.now.Sub(start).Seconds(), before, e.Resume.Sub(start).Seconds(), e.Base, e.Ceiling, len(p.successes))
						}
						if shared != nil {
							if err := shared.SaveEpisode(context.Background(), key, e); err != nil {
								t.Fatal(err)
							}
						}
						changed()
						snooze(job, retryAfter)
					}
					s.after(f.overhead/2, func() { work(w) })
				})
			})
		}
		// enter is Pacer.enter: a caller waits while the window is full.
		enter := func(w, job int, then func()) {
			p.mu.Lock()
			admit := p.rate(p.now()) > 0 || p.inFlight < p.window
			if admit {
				p.inFlight++
			}
			p.mu.Unlock()
			if !admit {
				entering = append(entering, func() { s.after(0, func() { take(w, job) }) })
				return
			}
			then()
		}
		take = func(w, job int) { enter(w, job, func() { reserve(w, job) }) }
		reserve = func(w, job int) {
			if shared != nil {
				if err := p.refresh(context.Background(), shared, key, replica, false); err != nil {
					t.Fatal(err)
				}
			}
			delay, version, _, taken := p.reserve()
			changed()
			if !taken {
				p.leave(false)
				snooze(job, delay)
				s.after(f.overhead/2, func() { work(w) })
				return
			}
			wt := &waiter{w: w, job: job}
			waiting = append(waiting, wt)
			s.after(delay, func() {
				if wt.cancelled {
					return
				}
				for i, o := range waiting {
					if o == wt {
						waiting = append(waiting[:i], waiting[i+1:]...)
						break
					}
				}
				ok := p.still(version)
				changed()
				if !ok {
					reserve(w, job) // as Wait does, still admitted
					return
				}
				call(w, job)
			})
		}
		work = func(w int) {
			if len(available) == 0 {
				idle = append(idle, func() { s.after(0, func() { work(w) }) })
				return
			}
			job := available[0]
			available = available[1:]
			s.after(f.overhead/2, func() { take(w, job) })
		}
		for w := range f.workers {
			s.after(time.Duration(r)*time.Millisecond+time.Duration(w)*time.Microsecond, func() { work(w) })
		}
	}
	s.run(start.Add(time.Hour))
	if pending != 0 {
		t.Fatalf("%d jobs left undelivered after a simulated hour", pending)
	}
	res.elapsed = last.Sub(first)
	res.share = float64(res.accepted-1) / res.elapsed.Seconds() / api.rate
	return res
}

// A fan-out of 10,000 DMs by 50 workers against a limit of 50 calls a
// second (bursts of 5, as the fake Slack), whatever the machine: calls that
// take from 100 us to 100 ms, jobs whose own work takes from 100 us to 10
// ms; and 200 s of a limit of 200 a second. Each holds at least 95% of the
// allowed rate with under 1% of attempts refused. (Most refusals are the
// first burst of the workers, before anything is known: workers minus the
// API's burst. A fan-out of fewer than 100 times the workers refuses more
// than 1%.)
func TestSimulatedFanOutAnyMachine(t *testing.T) {
	type machine struct{ latency, overhead time.Duration }
	var machines []machine
	for _, latency := range []time.Duration{100 * time.Microsecond, time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond} {
		for _, overhead := range []time.Duration{100 * time.Microsecond, time.Millisecond, 10 * time.Millisecond} {
			machines = append(machines, machine{latency, overhead})
		}
	}
	if raceEnabled {
		machines = []machine{{100 * time.Microsecond, 100 * time.Microsecond}, {100 * time.Millisecond, 10 * time.Millisecond}}
	}
	cases := []struct {
		perSecond float64
		jobs      int
		machines  []machine
	}{
		{50, 10000, machines},
		{200, 40000, []machine{{100 * time.Millisecond, 10 * time.Millisecond}}},
	}
	for _, c := range cases {
		for _, m := range c.machines {
			t.Run(fmt.Sprintf("%.0f/s,latency=%s,overhead=%s", c.perSecond, m.latency, m.overhead), func(t *testing.T) {
				start := time.Unix(1_700_000_000, 0)
				burst := max(1, c.perSecond/10)
				api := &limit{rate: c.perSecond, burst: burst, tokens: burst, last: start}
				f := fanOut{jobs: c.jobs, workers: 50, latency: m.latency, overhead: m.overhead,
					poll: 100 * time.Millisecond, maxWait: 2 * time.Second}
				checkShare(t, simulate(t, f, api, 1, nil))
			})
		}
	}
}

// A limit that begins while calls are flowing unpaced (the API starts
// refusing a workspace that another app shares, or a fan-out meets the limit
// after a while): the second before the first refusal accepted far more than
// the limit, which is not the API's burst. The pace must still find the
// limit within seconds and then hold it, not settle at the slowest pace
// (2026-11-28: 1.4 a second of 50 for minutes; this simulation: 45-55%).
func TestSimulatedLimitBeginsMidFlow(t *testing.T) {
	for _, latency := range []time.Duration{time.Millisecond, 20 * time.Millisecond} {
		t.Run(fmt.Sprintf("latency=%s", latency), func(t *testing.T) {
			start := time.Unix(1_700_000_000, 0)
			limitFrom := start.Add(300 * time.Millisecond)
			api := &limit{rate: 50, burst: 5, tokens: 5, last: start, from: limitFrom}
			f := fanOut{jobs: 20000, workers: 50, latency: latency, overhead: time.Millisecond,
				poll: 100 * time.Millisecond, maxWait: 2 * time.Second}
			res := simulate(t, f, api, 1, nil)
			last := res.times[len(res.times)-1]
			share := func(from time.Time) float64 {
				n := 0
				for _, at := range res.times {
					if !at.Before(from) {
						n++
					}
				}
				return float64(n) / last.Sub(from).Seconds() / api.rate
			}
			limited, settled := share(limitFrom), share(limitFrom.Add(20*time.Second))
			t.Logf("once limited %.1f%% of the allowed rate, from 20 s later %.1f%%; %d refused", limited*100, settled*100, res.refused)
			if limited < 0.9 {
				t.Errorf("%.1f%% of the allowed rate once limited, want at least 90%%", limited*100)
			}
			if settled < 0.95 {
				t.Errorf("%.1f%% of the allowed rate from 20 s after the limit began, want at least 95%%", settled*100)
			}
		})
	}
}

// A workspace whose limit was found once starts its next fan-out, ten
// minutes later (unpaced again by then), just under that limit instead of
// finding it again: over its first minute it holds 95% of the allowed rate
// (finding the limit from nothing costs several seconds, about 90% over a
// minute: the fairness scenario's workspace A, 82% over 30 s).
func TestSimulatedLimitRemembered(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	api := &limit{rate: 50, burst: 5, tokens: 5, last: start}
	f := fanOut{jobs: 5000, workers: 50, latency: 10 * time.Millisecond, overhead: time.Millisecond,
		poll: 100 * time.Millisecond, maxWait: 2 * time.Second}
	var s *sim
	shared := &memShared{episodes: map[string]Episode{}, seen: map[string]map[string]time.Time{}}
	shared.now = func() time.Time { return s.now }
	minute := func(res result) float64 {
		n := 0
		for _, at := range res.times {
			if at.Sub(res.times[0]) < time.Minute {
				n++
			}
		}
		return float64(n) / 60 / api.rate
	}
	first := simulateWith(t, f, api, 1, shared, &s)
	next := start.Add(first.elapsed + 10*time.Minute)
	api.last, api.tokens = next, api.burst
	second := simulateWith(t, f, api, 1, shared, &s)
	t.Logf("first minute of the first fan-out %.1f%%, of the second %.1f%% of the allowed rate; %d and %d refused",
		minute(first)*100, minute(second)*100, first.refused, second.refused)
	if minute(second) < 0.95 {
		t.Errorf("the second fan-out's first minute had %.1f%% of the allowed rate, want at least 95%%", minute(second)*100)
	}
}

// checkShare wants at least 95% of the allowed rate and under 1% of
// attempts refused.
func checkShare(t *testing.T, res result) {
	t.Helper()
	refused := float64(res.refused) / float64(res.refused+res.accepted)
	t.Logf("%.1f%% of the allowed rate, %d refused (%.2f%% of %d attempts) in %s; %d snoozed",
		res.share*100, res.refused, 100*refused, res.refused+res.accepted, res.elapsed.Round(time.Millisecond), res.snoozed)
	if res.share < 0.95 {
		t.Errorf("%.1f%% of the allowed rate, want at least 95%%", res.share*100)
	}
	if refused >= 0.01 {
		t.Errorf("%.2f%% of attempts refused, want under 1%%", 100*refused)
	}
}

// memShared is a Shared in memory on a simulated clock, as the database
// is for replicas.
type memShared struct {
	now      func() time.Time
	episodes map[string]Episode
	seen     map[string]map[string]time.Time // key -> replica -> last paced load
}

func (m *memShared) LoadEpisode(_ context.Context, key, replica string, paced bool) (Episode, bool, int, int, error) {
	if m.seen[key] == nil {
		m.seen[key] = map[string]time.Time{}
	}
	if paced {
		m.seen[key][replica] = m.now()
	}
	n, index := 0, 0
	for r, at := range m.seen[key] {
		if m.now().Sub(at) < ReplicaWindow {
			n++
			if r < replica {
				index++
			}
		}
	}
	e, ok := m.episodes[key]
	return e, ok, n, index, nil
}

func (m *memShared) SaveEpisode(_ context.Context, key string, e Episode) error {
	m.episodes[key] = Merge(m.episodes[key], e)
	return nil
}

// Three replicas, each with 50 workers and its own pacer, share one limit:
// sharing what they learn, together they hold at least 95% of it with
// under 1% of attempts refused, snoozing a job at most 3 times on average
// (49 times when each replica held only maxWait of its third of the pace).
func TestSimulatedReplicasShareTheLimit(t *testing.T) {
	latencies := []time.Duration{time.Millisecond, 100 * time.Millisecond}
	if raceEnabled {
		latencies = latencies[1:]
	}
	for _, latency := range latencies {
		t.Run(fmt.Sprintf("latency=%s", latency), func(t *testing.T) {
			start := time.Unix(1_700_000_000, 0)
			api := &limit{rate: 50, burst: 5, tokens: 5, last: start}
			f := fanOut{jobs: 10000, workers: 50, latency: latency, overhead: time.Millisecond,
				poll: 100 * time.Millisecond, maxWait: 2 * time.Second}
			var s *sim
			shared := &memShared{episodes: map[string]Episode{}, seen: map[string]map[string]time.Time{}}
			shared.now = func() time.Time { return s.now }
			res := simulateWith(t, f, api, 3, shared, &s)
			checkShare(t, res)
			// Each snooze is a fetch and a write of the queue, which the
			// simulation does not charge for and a machine does.
			if perJob := float64(res.snoozed) / float64(f.jobs); perJob > 3 {
				t.Errorf("%.1f snoozes a job, want at most 3 (replicas holding as many slots as one process)", perJob)
			}
		})
	}
}
