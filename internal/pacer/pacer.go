// Package pacer spaces calls to a rate-limited API once it has said "too
// many requests", so that a queue's workers share the allowed rate instead
// of each finding the limit by itself.
//
// Until the first refusal calls are not held back. A refusal pauses every
// caller for its Retry-After and sets a pace 2% under the last one that
// held: the pace before its last rise, or, unpaced, the calls accepted in
// the second before (which after a burst says little). Then the pace rises:
// doubling every second while no paced refusal has shown where the limit
// is; by 5% a second up to 5% under the pace last refused; beyond that by
// 1% every probeEvery, so that a limit that grows is found again. After
// forgetAfter without a refusal calls go unpaced again.
package pacer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/learnbot/learnbot/bot"
)

const (
	// under is the share of the pace that last held a refusal sets the pace to.
	under = 0.98
	// approach is the share of the pace last refused that the pace rises
	// back to quickly.
	approach = 0.95
	// blindGrowth is the rise per second while no paced refusal has been
	// seen, catchUp the rise per second back towards the last refused pace.
	blindGrowth = 2
	catchUp     = 1.05
	// probeEvery is how often the pace rises by probeStep without a refusal.
	probeEvery = 20 * time.Second
	probeStep  = 1.01
	// forgetAfter without a refusal removes the pace.
	forgetAfter = 5 * time.Minute
	// minRate is the slowest pace, in calls per second.
	minRate = 1.0
)

// Pacer paces the calls of one API limit (one method of one workspace).
// Its zero value is not usable; use New.
type Pacer struct {
	now     func() time.Time
	maxWait time.Duration

	mu        sync.Mutex
	interval  time.Duration // between calls; 0 while unpaced
	next      time.Time     // earliest start of the next call
	successes []time.Time   // of the last second, oldest first
	refused   time.Time     // last refusal
	probed    time.Time     // last rise of the pace
	ceiling   float64       // pace last refused, calls per second; 0 if none yet
	lastRise  float64       // factor of the last rise since the last refusal; 1 if none
}

// New returns a pacer whose Wait holds a caller at most maxWait.
func New(maxWait time.Duration, now func() time.Time) *Pacer {
	if now == nil {
		now = time.Now
	}
	return &Pacer{now: now, maxWait: maxWait}
}

// Wait takes the next slot for a call and sleeps until it. If the slot is
// further away than maxWait it takes nothing and returns the delay, for the
// caller to come back then (a queue job snoozes). It returns ctx's error if
// ctx ends first.
func (p *Pacer) Wait(ctx context.Context) (later time.Duration, err error) {
	p.mu.Lock()
	now := p.now()
	if p.interval > 0 && now.Sub(p.refused) >= forgetAfter {
		p.interval, p.ceiling = 0, 0
	}
	if p.interval > 0 {
		p.rise(now)
	}
	slot := now
	if p.next.After(slot) {
		slot = p.next
	}
	delay := slot.Sub(now)
	if delay > p.maxWait {
		p.mu.Unlock()
		return delay, nil
	}
	p.next = slot.Add(p.interval)
	p.mu.Unlock()
	if delay <= 0 {
		return 0, nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return 0, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
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
// asked for. Refusals within a second of the first are answers to calls
// already in flight and only extend the pause.
func (p *Pacer) Refused(retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if resume := now.Add(retryAfter); resume.After(p.next) {
		p.next = resume
	}
	if !p.refused.IsZero() && now.Sub(p.refused) < time.Second {
		return
	}
	p.prune(now)
	var held float64
	if p.interval == 0 {
		held = float64(len(p.successes))
	} else {
		p.ceiling = p.rate()
		held = p.ceiling / p.lastRise
	}
	p.setRate(max(held*under, minRate))
	p.refused, p.probed, p.lastRise = now, now, 1
}

// rise raises the pace if its time has come.
func (p *Pacer) rise(now time.Time) {
	since := now.Sub(p.probed)
	rate := p.rate()
	var factor float64
	switch {
	case p.ceiling == 0 && since >= time.Second:
		factor = blindGrowth
	case rate < p.ceiling*approach && since >= time.Second:
		factor = min(catchUp, p.ceiling*approach/rate)
	case rate >= p.ceiling*approach && since >= probeEvery:
		factor = probeStep
	default:
		return
	}
	p.setRate(rate * factor)
	p.probed, p.lastRise = now, factor
}

// Rate is the current pace in calls per second, 0 while unpaced.
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate()
}

func (p *Pacer) rate() float64 {
	if p.interval == 0 {
		return 0
	}
	return float64(time.Second) / float64(p.interval)
}

func (p *Pacer) setRate(perSecond float64) {
	p.interval = time.Duration(float64(time.Second) / perSecond)
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
}

// NewSet returns an empty set whose pacers hold callers at most maxWait.
func NewSet(maxWait time.Duration, now func() time.Time) *Set {
	return &Set{maxWait: maxWait, now: now, pacers: map[string]*Pacer{}}
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

// Do makes call, which reports a rate limit as *bot.RetryAfterError, in the
// key's next slot. A slot further away than the set's maxWait is not waited
// for: Do returns a *bot.RetryAfterError for it without calling.
func (s *Set) Do(ctx context.Context, key string, call func() error) error {
	p := s.For(key)
	later, err := p.Wait(ctx)
	if err != nil {
		return err
	}
	if later > 0 {
		return &bot.RetryAfterError{After: later, Err: fmt.Errorf("%s: paced after a rate limit", key)}
	}
	err = call()
	var limited *bot.RetryAfterError
	switch {
	case err == nil:
		p.Succeeded()
	case errors.As(err, &limited):
		p.Refused(limited.After)
	}
	return err
}
