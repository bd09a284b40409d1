package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// commandsFirst is the scenario "commands-first" (issue 16, item 2): the
// write path on Slack (/assign of one of -write-tasks tasks to 3 learners
// nobody has seen, at -rate for -duration, as the write scenario) starts
// the moment /assign has queued a DM to each member of the group of -group
// (seeded as for bulk and fanout), so that the fan-out drains meanwhile.
// Then the same load against the floor. Targets: p99 under 50 ms and at
// most 10× the floor's, 0 errors, and every DM delivered once: the
// fan-out's and the 3 of every command answered.
//
// It runs before the rate-limited scenarios (fanout's second half,
// fairness): learnbot keeps the pace it learned after a 429 for 5 minutes
// (internal/pacer), and the DMs here would go out at that pace.
func (b *bench) commandsFirst(ctx context.Context) error {
	if err := b.seedGroup(ctx); err != nil {
		return err
	}
	for t := range b.cfg.writeTasks {
		key := fmt.Sprintf("cf%02d", t)
		if _, err := b.slackRun(ctx, "/learn", "task add "+key+" Commands first "+key, "Added"); err != nil {
			return err
		}
	}
	if _, err := b.slackRun(ctx, "/learn", "task add cfirst Fan-out under commands", "Added"); err != nil {
		return err
	}
	if _, err := b.drain(ctx, b.cfg.drainTimeout); err != nil {
		return err
	}
	if err := errors.Join(b.fakeControl(ctx, "/reset"), b.fakeControl(ctx, "/limit?rate=0")); err != nil {
		return err
	}

	// The learners of the commands answered: each must get one DM.
	var mu sync.Mutex
	var assigned []string
	var n atomic.Int64
	load := func(c *slackClient, want string) func(ctx context.Context) Outcome {
		return func(ctx context.Context) Outcome {
			f := b.fresh.Add(3)
			users := ids("UW%07d", int(f-2), 3)
			text := fmt.Sprintf("cf%02d %s", n.Add(1)%int64(b.cfg.writeTasks), mentions(users))
			o := b.slackCommand(ctx, c, slackAdmin, "/assign", text, want)
			if c == b.slack && o.Err == nil {
				mu.Lock()
				assigned = append(assigned, users...)
				mu.Unlock()
			}
			return o
		}
	}

	group := b.cfg.group
	b.logf("commands-first: /assign cfirst bulk → %d DMs, and meanwhile /assign to 3 new learners at %v/s for %s",
		group, b.cfg.plan.Rate, b.cfg.plan.Duration)
	t0 := time.Now()
	if _, err := b.slackRun(ctx, "/assign", "cfirst bulk", fmt.Sprintf("to %d people", group)); err != nil {
		return err
	}
	assignTook := time.Since(t0)
	done := b.cpuProfile(ctx, "commands-first", min(b.cfg.plan.Duration, 30*time.Second))
	r, err := Run(ctx, "commands-first learnbot", b.cfg.plan, load(b.slack, "to 3 people"))
	done()
	if err != nil {
		return err
	}
	b.logf("%s", r)
	during, err := b.fakeStats(ctx, true)
	if err != nil {
		return err
	}
	fanDuring := 0
	for ch, c := range during.SlackDMs {
		if strings.HasPrefix(ch, "DUB") {
			fanDuring += c
		}
	}

	// Every DM: the fan-out's and the commands'.
	want := group + len(assigned)
	deadline := time.Now().Add(b.cfg.drainTimeout)
	for {
		st, err := b.fakeStats(ctx, false)
		if err != nil {
			return err
		}
		if st.DMs >= want || time.Now().After(deadline) {
			break
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	if _, err := b.drain(ctx, b.cfg.drainTimeout); err != nil {
		b.logf("commands-first: %v", err)
	}
	if err := sleep(ctx, time.Second); err != nil { // a DM sent twice would arrive by now
		return err
	}
	st, err := b.fakeStats(ctx, true)
	if err != nil {
		return err
	}
	lost, dup := tally(st.SlackDMs, ids("UB%05d", 0, group), assigned)
	drained := st.Last.Sub(t0)
	b.logf("commands-first: %d DMs of %d expected (%d of the fan-out's during the load); lost %d, duplicated %d; last DM %s after the fan-out's command",
		st.DMs, want, fanDuring, lost, dup, drained.Round(time.Millisecond))

	f, err := Run(ctx, "commands-first floor", b.cfg.plan, load(b.slackFloor, ""))
	if err != nil {
		return err
	}
	b.logf("%s", f)
	ratio := 0.0
	if f.Percentile(0.99) > 0 {
		ratio = float64(r.Percentile(0.99)) / float64(f.Percentile(0.99))
	}
	b.results["commands-first"] = map[string]any{"learnbot": summarize(r), "floor": summarize(f), "dms": st.DMs, "expected": want,
		"lost": lost, "duplicated": dup, "fanout_dms_during_load": fanDuring, "last_dm_s": drained.Seconds(),
		"fanout_assign_ms": assignTook.Seconds() * 1000}
	p := b.cfg.plan
	b.add(row{
		Scenario: fmt.Sprintf("commands-first: write /assign slack, %v req/s for %s, while a %d-DM fan-out drains", p.Rate, p.Duration, group),
		Learnbot: latencies(r), Floor: latencies(f),
		Ratio:  fmt.Sprintf("p99 ×%.1f", ratio),
		Target: "p99 < 50 ms, ≤ 10× floor, 0 errors",
		Met:    yes(r.Percentile(0.99) < 50*time.Millisecond && ratio <= 10 && r.ErrorCount() == 0),
	})
	b.add(row{
		Scenario: fmt.Sprintf("commands-first: DMs (%d of the fan-out, 3 per /assign answered)", group),
		Learnbot: fmt.Sprintf("%d of %d; %d of the fan-out's during the load; last DM %s after the fan-out's command; lost %d, duplicated %d",
			st.DMs, want, fanDuring, drained.Round(time.Millisecond), lost, dup),
		Target: "0 lost or duplicated", Met: yes(lost == 0 && dup == 0),
	})
	return nil
}
