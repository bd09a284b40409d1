package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// fairTeam is workspace B of the fairness scenario.
const fairTeam = "TFAIR"

// fairness is the scenario "fairness": workspace A (the bench's) assigns a
// task to its group of -group members while the fake allows A's learners
// -limit chat.postMessage a second; meanwhile workspace B assigns another
// task to one new learner every second for -fair-duration. Targets: B's
// DMs, command to DM, p99 under 2 s; A still gets at least 95% of its
// allowed rate.
func (b *bench) fairness(ctx context.Context) error {
	if err := b.seedGroup(ctx); err != nil {
		return err
	}
	if _, err := b.drain(ctx, b.cfg.drainTimeout); err != nil {
		return err
	}
	other := *b.slack
	other.team = fairTeam
	if _, err := b.slackRunAs(ctx, &other, "/learn", "task add fair Fair play", "Added"); err != nil {
		return err
	}
	if _, err := b.slackRun(ctx, "/learn", "task add fairA Fan-out under a limit", "Added"); err != nil {
		return err
	}
	if err := errors.Join(b.fakeControl(ctx, "/reset"),
		b.fakeControl(ctx, fmt.Sprintf("/limit?rate=%v&prefix=DUB", b.cfg.limit))); err != nil {
		return err
	}
	n := b.cfg.group
	b.logf("fairness: /assign fairA bulk → %d DMs at %v/s; workspace %s assigns one learner a second for %s",
		n, b.cfg.limit, fairTeam, b.cfg.fairDuration)
	if _, err := b.slackRun(ctx, "/assign", "fairA bulk", fmt.Sprintf("to %d people", n)); err != nil {
		return err
	}
	t0 := time.Now()
	var mu sync.Mutex
	var latencies []time.Duration
	missing := 0
	var wg sync.WaitGroup
	count := int(b.cfg.fairDuration / time.Second)
	for i := range count {
		if err := sleep(ctx, time.Until(t0.Add(time.Duration(i+1)*time.Second))); err != nil {
			return err
		}
		user := fmt.Sprintf("UF%04d", i)
		sent := time.Now()
		if _, err := b.slackRunAs(ctx, &other, "/assign", "fair <@"+user+">", "Assigned"); err != nil {
			return err
		}
		wg.Go(func() {
			at, err := b.firstDM(ctx, "D"+user, 30*time.Second)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				missing++
				return
			}
			latencies = append(latencies, at.Sub(sent))
		})
	}
	wg.Wait()
	end := time.Now()
	st, err := b.fakeStats(ctx, false)
	if err != nil {
		return err
	}
	aDMs := st.DMs - len(latencies)
	aRate := float64(aDMs) / end.Sub(st.First).Seconds()
	share := aRate / b.cfg.limit
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, max(0, int(p*float64(len(latencies))+0.999)-1))]
	}
	b.results["fairness"] = map[string]any{"b_dms": len(latencies), "b_missing": missing, "b_p50_ms": pct(0.5).Seconds() * 1000, "b_p99_ms": pct(0.99).Seconds() * 1000,
		"a_dms": aDMs, "a_per_second": aRate, "a_share": share, "rate_limited": st.RateLimited}
	b.logf("fairness: B's DMs p50 %s p99 %s (%d, %d missing); A %d DMs at %.1f/s = %.1f%% of its allowed rate; %d answered 429",
		pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), len(latencies), missing, aDMs, aRate, share*100, st.RateLimited)
	b.add(row{Scenario: fmt.Sprintf("fairness: workspace A's %d-DM fan-out at %v/s; B assigns 1 new learner a second for %s", n, b.cfg.limit, b.cfg.fairDuration),
		Learnbot: fmt.Sprintf("B command → DM p50 %s · p99 %s (%d missing); A %.1f DMs/s = %.1f%% of its allowed rate",
			pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), missing, aRate, share*100),
		Target: "B p99 < 2 s, A ≥ 95% of its allowed rate", Met: yes(missing == 0 && pct(0.99) < 2*time.Second && share >= 0.95)})
	// A's backlog goes on without a limit (learnbot keeps its pace a while).
	if err := b.fakeControl(ctx, "/limit?rate=0"); err != nil {
		return err
	}
	_, err = b.drain(ctx, b.cfg.drainTimeout)
	return err
}

// slackRunAs is slackRun through another client (another workspace).
func (b *bench) slackRunAs(ctx context.Context, c *slackClient, command, text, want string) (string, error) {
	saved := b.slack
	b.slack = c
	defer func() { b.slack = saved }()
	return b.slackRun(ctx, command, text, want)
}

// firstDM waits for the first DM in channel at the fake and returns when
// it was posted.
func (b *bench) firstDM(ctx context.Context, channel string, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.cfg.fake+"/first?channel="+channel, nil)
		resp, err := b.ctl.Do(req)
		if err != nil {
			return time.Time{}, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return time.Parse(time.RFC3339Nano, strings.TrimSpace(string(body)))
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("no DM in %s within %s", channel, timeout)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return time.Time{}, err
		}
	}
}
