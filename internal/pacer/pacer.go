// Package pacer spaces calls to a rate-limited API once it has said "too
// many requests", so that a queue's workers, in one process or in several
// replicas, share the allowed rate instead of each finding the limit by
// itself.
//
// Until the first refusal calls are not spaced, but at most startWindow
// are in flight, plus one for each accepted (a slow start: 50 workers of 3
// replicas starting at once would otherwise be refused all but a burst).
// A refusal starts an episode: every caller pauses for its Retry-After,
// and from then the calls go at a pace that is a function of the time
// since the pause ended. It starts 2% under the pace that held: the one
// before the last rise, or, when the API accepted fewer calls than that
// in the second before the refusal, what it accepted (unpaced: what was
// accepted in the second before). It rises by 4x every half second while
// no paced refusal has shown where the limit is (a refusal before its
// first rise cuts it by as much, still blind: calls that flowed unpaced for
// a while before the API began to refuse say nothing of its limit); then
// halving its distance to 5% under the pace last refused each second
// (unless the two are within 10%); then by 1% every 4 s up to there and every 30 s beyond, so that a
// limit that grows is found again. After forgetAfter without a refusal
// calls go unpaced again; a refusal within a day of a limit found starts
// just under it.
//
// Why it is built so (each measured in the simulation of sim_test.go,
// which reproduces the bench's fan-out on a simulated clock):
//   - A slot taken before a refusal, or before the pace changed, is void,
//     and waiting callers take a new one at once. Callers hold slots up to
//     held ahead (maxWait of the whole pace): the pacer of 2026-11-26 let a second of calls planned
//     at a refused pace go on after the refusal, each refused in turn and
//     each extending the pause, and applied a rise only once the slots
//     planned at the old pace had passed, so that its blind doubling ran
//     ahead of the calls (156/s before the first paced refusal at a limit
//     of 50/s) and the 2% cuts took 40 s to come back under the limit.
//     How many slots are held ahead, and so how much of this happens,
//     depends on how quickly workers come back to Wait, which is where the
//     machine's speed enters (the simulation of the old pacer, varying only
//     latencies, got 94.5-96% with 286-296 refusals).
//   - The pace is a function of the episode (when the pause ends, the pace
//     then, the pace refused) and the clock, so replicas that share the
//     episode (Shared) compute the same pace, each taking its share, and
//     they take alternate places on one grid (interleave): three replicas
//     placing their thirds independently bunched calls beyond the API's
//     burst now and then, and were refused under the limit (at 42/s of
//     50/s in the simulation), each such refusal setting a low ceiling.
//   - Every refusal once paced costs the whole pause it asks for (at least
//     a second, for every replica), so the pace probes beyond what held
//     only every 30 s and starts again 2% under it: probing every 20 s
//     and starting 3% under cost the replicas simulation 1% of the rate
//     once replicas held their slots together (held).
package pacer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/learnbot/learnbot/model"
)

const (
	// under is the share of the pace that last held a refusal sets the pace to.
	under = 0.98
	// refilled is how long after a pause a refusal may still owe
	// something to the burst the API allowed again after it.
	refilled = 5 * time.Second
	// saturated is how far above what the API accepted in a second that
	// ended with a refusal its limit is taken to be.
	saturated = 1.05
	// narrow is how close the pace that held and the pace refused must be
	// for the pace not to climb back quickly but only probe: the limit is
	// between them.
	narrow = 1.1
	// approach is the share of the pace last refused that the pace rises
	// back to quickly.
	approach = 0.95
	// blindGrowth is the rise per second while no paced refusal has been
	// seen (every blindEvery). Back towards approach of the pace last
	// refused the pace halves its distance (as a ratio) every second, until
	// it is closeEnough.
	blindGrowth = 4
	blindEvery  = time.Second / 2
	closeEnough = 0.99
	// probeEvery is how often the pace rises by probeStep without a
	// refusal; probeFast how often while under approach of the pace last
	// refused.
	probeEvery = 30 * time.Second
	probeFast  = 4 * time.Second
	probeStep  = 1.01
	// forgetAfter without a refusal removes the pace.
	forgetAfter = 5 * time.Minute
	// remember is how long the limit found stays the start of the pace
	// after the next refusal.
	remember = 24 * time.Hour
	// minRate is the slowest pace, in calls per second.
	minRate = 1.0
	// inFlight is how soon after a refusal another one is taken for the
	// answer to a call made before the first was known: it only extends
	// the pause.
	inFlight = time.Second
	// startWindow is how many calls may be in flight before the first
	// refusal, plus one per call accepted.
	startWindow = 16
	// heldReplicas caps how many replicas' worth of maxWait a replica's
	// callers hold slots ahead (held): a queue job waits for its slot
	// within its timeout.
	heldReplicas = 4
	// refreshEvery is how often a pacer with a Shared store reads the
	// episode other replicas may have started.
	refreshEvery = 500 * time.Millisecond
)

// Episode is what a refusal teaches about one limit: everything the pace
// depends on. Paces are totals over all replicas.
type Episode struct {
	Refused time.Time // when the API refused
	Resume  time.Time // end of the pause it asked for
	Base    float64   // pace from Resume, calls per second
	Ceiling float64   // pace that was refused; 0: unpaced then (the limit is not known yet)
	Burst   float64   // calls accepted at once before the first refusal
}

// pace is the episode's pace at t, and the pace before its last rise
// (which held, since it was kept for a step).
func (e Episode) pace(t time.Time) (rate, before float64) {
	since := t.Sub(e.Resume)
	if since < 0 {
		since = 0
	}
	steps := func(every time.Duration) int { return int(since / every) }
	if e.Ceiling == 0 {
		k := steps(blindEvery)
		rate = e.Base * math.Pow(blindGrowth, float64(k))
		if k == 0 {
			return rate, rate
		}
		return rate, rate / blindGrowth
	}
	target := e.Ceiling * approach
	if e.Base < target*closeEnough && e.Base*narrow < e.Ceiling {
		// catching up, halving the distance to target (as a ratio) each
		// second: Base, sqrt(Base*target), ...
		k := steps(time.Second)
		up := int(math.Ceil(math.Log2(math.Log(e.Base/target) / math.Log(closeEnough))))
		at := func(k int) float64 { return target * math.Pow(e.Base/target, math.Pow(0.5, float64(k))) }
		if k <= up {
			if k == 0 {
				return e.Base, e.Base
			}
			return at(k), at(k - 1)
		}
		rate, before = probe(at(up), since-time.Duration(up)*time.Second, target)
		if rate == at(up) {
			before = at(up - 1)
		}
		return rate, before
	}
	return probe(e.Base, since, target)
}

// probe is the pace since after from: rising by probeStep every
// probeFast up to target (approach of the pace last refused), every
// probeEvery beyond;
// and the pace before the last rise.
func probe(from float64, since time.Duration, target float64) (rate, before float64) {
	fast := 0
	if from < target {
		fast = int(math.Ceil(math.Log(target/from) / math.Log(probeStep)))
	}
	var k int
	if since < time.Duration(fast)*probeFast {
		k = int(since / probeFast)
	} else {
		k = fast + int((since-time.Duration(fast)*probeFast)/probeEvery)
	}
	rate = from * math.Pow(probeStep, float64(k))
	if k == 0 {
		return rate, rate
	}
	return rate, rate / probeStep
}

// Merge is what a store keeps when e arrives for the key of stored: e,
// unless stored began within inFlight before it (or after it: e answers a
// call made before stored was known), when stored is kept and only its
// pause extended.
func Merge(stored, e Episode) Episode {
	if stored.Refused.IsZero() || e.Refused.Sub(stored.Refused) >= inFlight {
		return e
	}
	if e.Resume.After(stored.Resume) {
		stored.Resume = e.Resume
	}
	return stored
}

// ReplicaWindow is how long a replica that paced a key counts as pacing it.
const ReplicaWindow = 3 * time.Second

// Shared is where replicas meet: each key's latest episode, and how many
// replicas pace that key. A store that fails leaves each replica pacing on
// its own.
type Shared interface {
	// LoadEpisode returns key's latest episode (ok false: none), how
	// many replicas paced key lately, counting replica when paced is set
	// (it is then recorded as pacing key), and replica's place among them
	// (how many sort before it).
	LoadEpisode(ctx context.Context, key, replica string, paced bool) (e Episode, ok bool, replicas, index int, err error)
	// SaveEpisode records e as key's episode, unless the stored one began
	// within inFlight before it: then only its pause is extended to
	// e.Resume.
	SaveEpisode(ctx context.Context, key string, e Episode) error
}

// Pacer paces the calls of one API limit (one method of one workspace).
// Its zero value is not usable; use New.
type Pacer struct {
	now     func() time.Time
	maxWait time.Duration

	mu        sync.Mutex
	episode   Episode   // zero: never refused
	replicas  int       // pacing the key, this one included; at least 1
	index     int       // this replica's place among them, from 0
	next      time.Time // earliest start of the next call at the current pace
	planned   float64   // the pace slots from next are planned at
	version   int       // bumped when planned slots become void
	changed   chan struct{}
	successes []time.Time // of the last second, oldest first
	loaded    time.Time   // last read of the shared episode
	loading   bool
	inFlight  int           // calls between enter and leave
	window    int           // calls in flight allowed while unpaced
	left      chan struct{} // closed when a call leaves
}

// New returns a pacer whose Wait holds a caller at most maxWait (times
// the replicas sharing its key: held).
func New(maxWait time.Duration, now func() time.Time) *Pacer {
	if now == nil {
		now = time.Now
	}
	return &Pacer{now: now, maxWait: maxWait, replicas: 1, changed: make(chan struct{}), window: startWindow,
		left: make(chan struct{})}
}

// enter admits a call, waiting while the key is unpaced and startWindow
// calls, plus one for each accepted since, are in flight: before the first
// refusal nothing is known of the limit, and a queue's workers (of every
// replica) starting all at once would each be refused but a burst's worth
// of them. Paced calls are spaced by Wait instead. Each enter needs a
// leave.
func (p *Pacer) enter(ctx context.Context) error {
	for {
		p.mu.Lock()
		if p.rate(p.now()) > 0 || p.inFlight < p.window {
			p.inFlight++
			p.mu.Unlock()
			return nil
		}
		left := p.left
		p.mu.Unlock()
		select {
		case <-left:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// leave ends a call that enter admitted; accepted ones widen the window.
func (p *Pacer) leave(accepted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inFlight--
	if accepted {
		p.window++
	}
	close(p.left)
	p.left = make(chan struct{})
}

// Wait takes the next slot for a call and sleeps until it. If the slot is
// further away than held it takes nothing and returns the delay, for the
// caller to come back then (a queue job snoozes). It returns ctx's error if
// ctx ends first.
func (p *Pacer) Wait(ctx context.Context) (later time.Duration, err error) {
	for {
		delay, version, changed, taken := p.reserve()
		if !taken {
			return delay, nil
		}
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-changed:
				t.Stop()
				continue // the pace changed: a slot at the new one
			case <-ctx.Done():
				t.Stop()
				return 0, ctx.Err()
			}
		}
		if p.still(version) {
			return 0, nil
		}
	}
}

// reserve takes the next slot and returns how far away it is, with the
// version of the plan it belongs to and the channel closed when that plan
// is void; or, when the slot is further than held, takes nothing.
func (p *Pacer) reserve() (delay time.Duration, version int, changed <-chan struct{}, taken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	rate := p.rate(now)
	if rate != p.planned {
		p.replan(now, rate)
	}
	slot := now
	if p.next.After(slot) {
		slot = p.next
	}
	slot = p.interleave(slot, rate)
	delay = slot.Sub(now)
	if delay > p.held() {
		return delay, p.version, p.changed, false
	}
	if rate > 0 {
		p.next = slot.Add(time.Duration(float64(time.Second) * float64(p.replicas) / rate))
	}
	return delay, p.version, p.changed, true
}

// held is how far ahead this replica's callers hold slots: maxWait of the
// whole pace, which is maxWait times the replicas of this replica's share
// (up to heldReplicas of them). Each replica's workers then hold as many
// slots as one process's would. Holding only maxWait of a third of the
// pace, a replica turned most of its workers' jobs away again and again
// (snoozed, each a fetch and a write of the queue): 49 times a job in the
// replicas simulation, which starved a 2-core machine (2026-11-28:
// 86-94% of the allowed rate with load 8-13); now about 1.5.
func (p *Pacer) held() time.Duration {
	return p.maxWait * time.Duration(min(p.replicas, heldReplicas))
}

// interleave moves a slot to this replica's next place on the grid the
// replicas share: from the episode's Resume, one interval of the pace
// apart, replica i taking every n-th place from the i-th. Replicas that
// each keep their share of the pace without it place their calls
// independently, and calls bunch beyond the API's burst now and then: a
// refusal under the limit, and a low ceiling after it.
func (p *Pacer) interleave(slot time.Time, rate float64) time.Time {
	if p.replicas < 2 || rate <= 0 || p.episode.Resume.IsZero() {
		return slot
	}
	step := time.Duration(float64(time.Second) / rate)
	every := step * time.Duration(p.replicas)
	base := p.episode.Resume.Add(time.Duration(p.index%p.replicas) * step)
	if slot.Before(base) {
		return base
	}
	// Within a microsecond of a place is that place (p.next is computed
	// in floating point).
	k := (slot.Sub(base) - time.Microsecond + every - 1) / every
	return base.Add(k * every)
}

// replan voids the slots planned so far: the next call may go at the end
// of the pause, or now, and waiting callers take new slots.
func (p *Pacer) replan(now time.Time, rate float64) {
	p.planned = rate
	p.next = now
	if p.episode.Resume.After(now) {
		p.next = p.episode.Resume
	}
	p.version++
	close(p.changed)
	p.changed = make(chan struct{})
}

// still reports whether a slot of plan version is still good.
func (p *Pacer) still(version int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if rate := p.rate(now); rate != p.planned {
		p.replan(now, rate)
	}
	return p.version == version
}

// rate is this replica's pace at now, 0 while unpaced.
func (p *Pacer) rate(now time.Time) float64 {
	if p.episode.Refused.IsZero() || now.Sub(p.episode.Refused) >= forgetAfter {
		return 0
	}
	total, _ := p.episode.pace(now)
	return total
}

// Succeeded records a call the API accepted.
func (p *Pacer) Succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.successes = append(p.successes, now)
	p.prune(now)
}

// Refused records a call the API refused for its rate, with the wait it
// asked for, and returns the episode it starts or extends (for Shared).
func (p *Pacer) Refused(retryAfter time.Duration) Episode {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	resume := now.Add(retryAfter)
	e := p.episode
	switch {
	case !e.Refused.IsZero() && now.Sub(e.Refused) < inFlight:
		if resume.After(e.Resume) {
			e.Resume = resume
		}
	case p.rate(now) == 0 && e.Ceiling > 0 && now.Sub(e.Refused) < remember:
		// A limit found lately is most likely the limit still: start
		// just under the pace refused then, not blind from the burst
		// (finding it again costs seconds at a fraction of the rate).
		// Were it lower now, the next refusal shows it; were it higher,
		// the pace probes up to it.
		e = Episode{Refused: now, Resume: resume, Base: max(e.Ceiling*under, minRate), Ceiling: e.Ceiling, Burst: e.Burst}
	case p.rate(now) == 0:
		p.prune(now)
		held := float64(len(p.successes) * p.replicas)
		e = Episode{Refused: now, Resume: resume, Base: max(held*under, minRate), Burst: held}
	case e.Ceiling == 0 && now.Sub(e.Resume) < blindEvery:
		// Refused before the blind pace rose once: the pace it started
		// from was already too fast. That pace was what the API accepted
		// unpaced in the second before the first refusal, which is the
		// limit only when the calls began about then; when they had been
		// flowing faster for a while it says nothing (2026-11-28: 7,000 a
		// second before a limit of 50 began, then 1 a second for minutes).
		// Cut it as the blind rise grows it, still blind. What the API
		// accepted since the pause ended is as much as it refilled.
		p.prune(now)
		rate, _ := e.pace(now)
		e = Episode{Refused: now, Resume: resume, Base: max(rate/blindGrowth, minRate),
			Burst: min(e.Burst, float64(p.acceptedSince(e.Resume)*p.replicas))}
	default:
		// The pace before the last rise held; so did about as many calls
		// as the API accepted in the second before, when it refused some.
		p.prune(now)
		rate, before := e.pace(now)
		if now.Sub(e.Resume) < refilled {
			// The API refilled after the pause at most what it accepted
			// since.
			e.Burst = min(e.Burst, float64(p.acceptedSince(e.Resume)*p.replicas))
		}
		// The pace before the last rise held, unless the API accepted
		// fewer calls than it in the second before. Soon after a pause
		// some of what it accepted is the burst it allows (as many as it
		// accepted at once when first refused), refilled meanwhile.
		window := min(time.Second, max(now.Sub(e.Resume), time.Second/10))
		accepted := float64(len(p.successes) * p.replicas)
		if now.Sub(e.Resume) < refilled {
			accepted -= e.Burst / 2
		}
		held, ceiling := before, rate
		if observed := max(accepted/window.Seconds(), minRate); observed < before && e.Ceiling > 0 && p.replicas == 1 {
			// The API kept up with less than the pace that held before
			// (half-second steps without a known limit say too little for
			// that): its limit is about what it accepted.
			held, ceiling = observed, min(rate, observed*saturated)
		}
		e = Episode{Refused: now, Resume: resume, Base: max(held*under, minRate), Ceiling: ceiling, Burst: e.Burst}
	}
	p.adopt(now, e)
	return e
}

// adopt makes e the episode and voids the slots planned before it.
func (p *Pacer) adopt(now time.Time, e Episode) {
	p.episode = e
	p.replan(now, p.rate(now))
}

// Rate is the pace of the key in calls per second over all replicas, 0
// while unpaced.
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate(p.now())
}

// refresh reads the key's shared episode when the last read is older than
// refreshEvery (or force is set), and adopts it if it differs from this
// pacer's.
func (p *Pacer) refresh(ctx context.Context, shared Shared, key, replica string, force bool) error {
	p.mu.Lock()
	now := p.now()
	if p.loading || !force && now.Sub(p.loaded) < refreshEvery {
		p.mu.Unlock()
		return nil
	}
	p.loading = true
	paced := p.rate(now) > 0
	p.mu.Unlock()
	e, ok, replicas, index, err := shared.LoadEpisode(ctx, key, replica, paced)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.loading, p.loaded = false, p.now()
	if err != nil {
		return err
	}
	if !paced && ok && p.now().Sub(e.Refused) < forgetAfter {
		replicas++ // this one paces from now on, and was not counted
	}
	replicas = max(replicas, 1)
	p.index = index
	// The store's episode is the one all replicas follow (a refusal here
	// was saved before this read, merged with the others').
	if ok && e != p.episode {
		p.replicas = replicas
		p.adopt(p.now(), e)
	} else if replicas != p.replicas {
		p.replicas = replicas
		p.replan(p.now(), p.rate(p.now()))
	}
	return nil
}

// acceptedSince counts the calls accepted since t (within the last second).
func (p *Pacer) acceptedSince(t time.Time) int {
	n := 0
	for i := len(p.successes) - 1; i >= 0 && !p.successes[i].Before(t); i-- {
		n++
	}
	return n
}

func (p *Pacer) prune(now time.Time) {
	i := 0
	for i < len(p.successes) && now.Sub(p.successes[i]) >= time.Second {
		i++
	}
	p.successes = p.successes[i:]
}

// Set holds one pacer per key (say, workspace and method).
type Set struct {
	maxWait time.Duration
	now     func() time.Time
	mu      sync.Mutex
	pacers  map[string]*Pacer

	shared  Shared
	replica string
	log     *slog.Logger
}

// NewSet returns an empty set whose pacers hold callers at most maxWait
// (times the replicas sharing a key: Pacer.held).
func NewSet(maxWait time.Duration, now func() time.Time) *Set {
	return &Set{maxWait: maxWait, now: now, pacers: map[string]*Pacer{}}
}

// Share makes the set's pacers share their episodes through shared, as
// replica (a name unique to this process); failures of shared are logged
// to log and leave each pacer on its own.
func (s *Set) Share(shared Shared, replica string, log *slog.Logger) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shared, s.replica, s.log = shared, replica, log
}

// For returns the key's pacer, creating it.
func (s *Set) For(key string) *Pacer {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pacers[key]
	if !ok {
		p = New(s.maxWait, s.now)
		s.pacers[key] = p
	}
	return p
}

// Do makes call, which reports a rate limit as *model.RetryAfterError, in the
// key's next slot. A slot further away than Pacer.held is not waited
// for: Do returns a *model.RetryAfterError for it without calling.
func (s *Set) Do(ctx context.Context, key string, call func() error) error {
	p := s.For(key)
	s.mu.Lock()
	shared, replica, log := s.shared, s.replica, s.log
	s.mu.Unlock()
	if shared != nil {
		if err := p.refresh(ctx, shared, key, replica, false); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "pacer: reading the shared pace failed; pacing alone", "key", key, "error", err)
		}
	}
	if err := p.enter(ctx); err != nil {
		return err
	}
	later, err := p.Wait(ctx)
	if err != nil || later > 0 {
		p.leave(false)
		if err != nil {
			return err
		}
		return &model.RetryAfterError{After: later, Err: fmt.Errorf("%s: paced after a rate limit", key)}
	}
	err = call()
	p.leave(err == nil)
	var limited *model.RetryAfterError
	switch {
	case err == nil:
		p.Succeeded()
	case errors.As(err, &limited):
		if shared != nil {
			// What another replica learnt meanwhile comes first: a
			// refusal of a pace it has already cut says nothing new.
			if rerr := p.refresh(ctx, shared, key, replica, true); rerr != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "pacer: reading the shared pace failed; pacing alone", "key", key, "error", rerr)
			}
		}
		e := p.Refused(limited.After)
		if shared != nil {
			if serr := shared.SaveEpisode(ctx, key, e); serr != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "pacer: sharing a rate limit failed", "key", key, "error", serr)
			}
		}
	}
	return err
}
