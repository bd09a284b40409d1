package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Bounds on what one load run may do, whatever the flags say.
const (
	maxRate     = 5000
	maxDuration = 5 * time.Minute
	maxRequests = 1_000_000
	maxInFlight = 2000
)

// Plan is the shape of a load: open loop at Rate requests per second, or
// closed loop with Concurrency requests in flight, for Duration (after an
// unmeasured Warmup), at most MaxRequests.
type Plan struct {
	Rate        float64
	Concurrency int
	Duration    time.Duration
	Warmup      time.Duration
	MaxRequests int
	// MaxInFlight bounds open-loop requests outstanding at once; a request
	// due while the bound is reached is not sent and counts as an error
	// ("overload"), as a client that gives up would.
	MaxInFlight int
}

func (p Plan) check() error {
	switch {
	case p.Rate < 0 || p.Rate > maxRate:
		return fmt.Errorf("rate %v outside 0..%d per second", p.Rate, maxRate)
	case p.Rate == 0 && (p.Concurrency < 1 || p.Concurrency > maxInFlight):
		return fmt.Errorf("without a rate, concurrency must be 1..%d", maxInFlight)
	case p.Duration <= 0 || p.Duration > maxDuration:
		return fmt.Errorf("duration %v outside (0, %v]", p.Duration, maxDuration)
	case p.Warmup < 0 || p.Warmup > maxDuration:
		return fmt.Errorf("warmup %v outside [0, %v]", p.Warmup, maxDuration)
	case p.MaxRequests < 0 || p.MaxRequests > maxRequests:
		return fmt.Errorf("max requests %d outside 0..%d", p.MaxRequests, maxRequests)
	case p.MaxInFlight < 0 || p.MaxInFlight > maxInFlight:
		return fmt.Errorf("max in flight %d outside 0..%d", p.MaxInFlight, maxInFlight)
	}
	return nil
}

// Outcome is how one request went. A nil Err with Late set is a request
// answered first with an acknowledgement and then with the reply (Slack's
// response_url, Discord's deferred response): not an error, but counted.
type Outcome struct {
	Err  error
	Late bool
}

// errorKind sorts errors in the summary: "status 500", "reply", "transport".
type kindError struct {
	kind string
	err  error
}

func (e *kindError) Error() string { return e.kind + ": " + e.err.Error() }
func (e *kindError) Unwrap() error { return e.err }

func errKind(kind string, format string, a ...any) error {
	return &kindError{kind: kind, err: fmt.Errorf(format, a...)}
}

// Result is what a load run measured.
type Result struct {
	Name      string
	Plan      Plan
	Sent      int
	OK        int
	Late      int
	Errors    map[string]int
	FirstErr  string
	Latencies []time.Duration // of the requests answered without error, sorted
	Elapsed   time.Duration   // from the first request due to the last answer
}

// ErrorCount is the number of failed requests.
func (r *Result) ErrorCount() int {
	n := 0
	for _, c := range r.Errors {
		n += c
	}
	return n
}

// Percentile returns the p-quantile (0..1) of the latencies, nearest rank.
func (r *Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := max(int(math.Ceil(p*float64(len(r.Latencies))))-1, 0)
	return r.Latencies[min(i, len(r.Latencies)-1)]
}

// Throughput is answered requests per second.
func (r *Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

func (r *Result) String() string {
	s := fmt.Sprintf("%-28s sent %6d  ok %6d  err %4d  late %3d  %7.1f/s  p50 %7s  p95 %7s  p99 %7s  max %7s",
		r.Name, r.Sent, r.OK, r.ErrorCount(), r.Late, r.Throughput(), ms(r.Percentile(0.5)), ms(r.Percentile(0.95)),
		ms(r.Percentile(0.99)), ms(r.Percentile(1)))
	if r.FirstErr != "" {
		s += "\n    first error: " + r.FirstErr
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// Run applies the plan: a warmup whose answers are not recorded, then the
// measured load. do sends one request and judges the answer.
func Run(ctx context.Context, name string, p Plan, do func(ctx context.Context) Outcome) (*Result, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.MaxInFlight == 0 {
		p.MaxInFlight = 1000
	}
	if p.Warmup > 0 {
		w := p
		w.Duration, w.MaxRequests = p.Warmup, 0
		runPlan(ctx, w, do)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := runPlan(ctx, p, do)
	r.Name, r.Plan = name, p
	return r, ctx.Err()
}

func runPlan(ctx context.Context, p Plan, do func(ctx context.Context) Outcome) *Result {
	ctx, cancel := context.WithTimeout(ctx, p.Duration+30*time.Second) // answers still due after the end
	defer cancel()
	r := &Result{Errors: map[string]int{}}
	var mu sync.Mutex
	var lastDone time.Time
	record := func(due time.Time, o Outcome) {
		done := time.Now()
		mu.Lock()
		defer mu.Unlock()
		if done.After(lastDone) {
			lastDone = done
		}
		if o.Err != nil {
			kind := "error"
			var ke *kindError
			if errors.As(o.Err, &ke) {
				kind = ke.kind
			}
			r.Errors[kind]++
			if r.FirstErr == "" {
				r.FirstErr = o.Err.Error()
			}
			return
		}
		r.OK++
		if o.Late {
			r.Late++
		}
		r.Latencies = append(r.Latencies, done.Sub(due))
	}
	limit := p.MaxRequests
	if limit == 0 {
		limit = maxRequests
	}
	start := time.Now()
	end := start.Add(p.Duration)
	var wg sync.WaitGroup
	if p.Rate > 0 {
		// Open loop: request i is due at start + i/rate whatever happened
		// to the ones before; its latency counts from then, so a slow
		// server cannot hide its queue by slowing the client down.
		sem := make(chan struct{}, p.MaxInFlight)
		interval := float64(time.Second) / p.Rate
	schedule:
		for i := 0; i < limit; i++ {
			due := start.Add(time.Duration(float64(i) * interval))
			if !due.Before(end) {
				break
			}
			if d := time.Until(due); d > 0 {
				select {
				case <-time.After(d):
				case <-ctx.Done():
					break schedule
				}
			}
			r.Sent++
			select {
			case sem <- struct{}{}:
			default:
				record(due, Outcome{Err: errKind("overload", "%d requests already in flight", p.MaxInFlight)})
				continue
			}
			wg.Go(func() {
				defer func() { <-sem }()
				record(due, do(ctx))
			})
		}
	} else {
		var next sync.Mutex
		sent := 0
		for range p.Concurrency {
			wg.Go(func() {
				for {
					next.Lock()
					if sent >= limit || !time.Now().Before(end) || ctx.Err() != nil {
						next.Unlock()
						return
					}
					sent++
					next.Unlock()
					due := time.Now()
					record(due, do(ctx))
				}
			})
		}
		wg.Wait()
		r.Sent = sent
	}
	wg.Wait()
	slices.Sort(r.Latencies)
	if !lastDone.IsZero() {
		r.Elapsed = lastDone.Sub(start)
	}
	return r
}
