package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
)

// The workspace and user group of the replicas scenario: a workspace of
// its own, so that no pace learnt by an earlier scenario helps it.
const (
	replicaTeam   = "TREPL"
	replicaPrefix = "UR"
	replicaGroup  = "SREPL"
)

// replicas is the scenario "replicas": the rate-limited fan-out worked by
// -replicas learnbot processes on one database (the suite's learnbot and
// -replicas - 1 more started here from -learnbot-bin with loadgen's own
// environment, which bench/run.sh gives learnbot's). Their pacers share
// what Slack's 429s teach through the database (internal/pacer, Shared);
// target: together at least 95% of the allowed rate with under 1% of the
// attempts refused, none lost or sent twice.
func (b *bench) replicas(ctx context.Context) error {
	if b.cfg.replicas > 1 && b.cfg.learnbotBin == "" {
		return errors.New("replicas: -learnbot-bin is needed to start more learnbot processes")
	}
	n := b.cfg.limitedDMs
	if err := errors.Join(
		b.fakeControl(ctx, fmt.Sprintf("/usergroup?id=%s&prefix=%s&n=%d", replicaGroup, replicaPrefix, n)),
		b.fakeControl(ctx, "/limit?rate=0")); err != nil {
		return err
	}
	var urls []string
	for i := 2; i <= b.cfg.replicas; i++ {
		url, stop, err := b.startReplica(ctx, i)
		if err != nil {
			return err
		}
		defer stop()
		urls = append(urls, url)
	}
	other := *b.slack
	other.team = replicaTeam
	if _, err := b.slackRunAs(ctx, &other, "/learn", "task add repl Shared pace", "Added"); err != nil {
		return err
	}
	if _, err := b.drain(ctx, b.cfg.drainTimeout); err != nil {
		return err
	}
	if err := errors.Join(b.fakeControl(ctx, "/reset"),
		b.fakeControl(ctx, fmt.Sprintf("/limit?rate=%v", b.cfg.limit))); err != nil {
		return err
	}
	// How the DMs split between the processes: each counts its own
	// (the suite's learnbot counted the earlier scenarios' too).
	const sentMetric = `learnbot_dms_total{platform="slack",result="sent"}`
	bases := append([]string{b.cfg.learnbot}, urls...)
	sentBefore := make([]float64, len(bases))
	for i, u := range bases {
		sentBefore[i], _ = b.metricAt(ctx, u, sentMetric)
	}
	b.logf("replicas: %d learnbot processes on one database; /assign repl to a user group of %d at %v chat.postMessage/s",
		b.cfg.replicas, n, b.cfg.limit)
	t0 := time.Now()
	if _, err := b.slackRunAs(ctx, &other, "/assign", fmt.Sprintf("repl <!subteam^%s|@repl>", replicaGroup), fmt.Sprintf("to %d people", n)); err != nil {
		return err
	}
	timeout := time.Duration(float64(n)/b.cfg.limit*1.5)*time.Second + time.Minute
	var st *fakeslack.Stats
	for {
		var err error
		if st, err = b.fakeStats(ctx, false); err != nil {
			return err
		}
		if st.DMs >= n || time.Since(t0) > timeout {
			break
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	if err := sleep(ctx, time.Second); err != nil { // a DM sent twice would arrive by now
		return err
	}
	st, err := b.fakeStats(ctx, true)
	if err != nil {
		return err
	}
	members := make([]string, n)
	for i := range members {
		members[i] = fakeslack.GeneratedID(replicaPrefix, i)
	}
	lost, dup := tally(st.SlackDMs, members)
	perSec := 0.0
	if w := st.Last.Sub(st.First); w > 0 {
		perSec = float64(st.DMs-1) / w.Seconds()
	}
	share := perSec / b.cfg.limit
	attempts := st.Calls["chat.postMessage"]
	refused := 0.0
	if attempts > 0 {
		refused = float64(st.RateLimited) / float64(attempts)
	}
	split := make([]string, 0, len(bases))
	for i, u := range bases {
		sent, _ := b.metricAt(ctx, u, sentMetric)
		split = append(split, fmt.Sprintf("%.0f", sent-sentBefore[i]))
	}
	b.results["replicas"] = map[string]any{"replicas": b.cfg.replicas, "dms": st.DMs, "expected": n, "lost": lost, "duplicated": dup,
		"per_second": perSec, "share": share, "rate_limited": st.RateLimited, "attempts": attempts, "refused_share": refused,
		"sent_by_replica": split}
	b.logf("replicas: %d of %d DMs at %.1f/s = %.1f%% of the allowed rate; %d of %d attempts refused (%.2f%%); sent per process %s; lost %d, duplicated %d",
		st.DMs, n, perSec, share*100, st.RateLimited, attempts, refused*100, strings.Join(split, "/"), lost, dup)
	b.add(row{Scenario: fmt.Sprintf("replicas: %d learnbot processes, one database; a fan-out of %d DMs, fake allows %v chat.postMessage/s", b.cfg.replicas, n, b.cfg.limit),
		Learnbot: fmt.Sprintf("%.1f DMs/s = %.1f%% of the allowed rate; %d of %d attempts answered 429 (%.2f%%); sent per process %s; lost %d, duplicated %d",
			perSec, share*100, st.RateLimited, attempts, refused*100, strings.Join(split, "/"), lost, dup),
		Target: "≥ 95% of the allowed rate, < 1% refused, 0 lost or duplicated",
		Met:    yes(share >= 0.95 && refused < 0.01 && lost == 0 && dup == 0)})
	return b.fakeControl(ctx, "/limit?rate=0")
}

var servingAddr = regexp.MustCompile(`msg=serving .*addr=([^ ]+)`)

// startReplica starts learnbot number i from -learnbot-bin with loadgen's
// environment (LEARNBOT_ADDR 127.0.0.1:0), waits until it serves, and
// returns its base URL and a function that stops it (SIGTERM, then SIGKILL
// after 30 s).
func (b *bench) startReplica(ctx context.Context, i int) (string, func(), error) {
	logPath := filepath.Join(b.cfg.out, fmt.Sprintf("learnbot-replica-%d.log", i))
	if b.cfg.out == "" {
		logPath = filepath.Join(os.TempDir(), fmt.Sprintf("learnbot-replica-%d-%d.log", os.Getpid(), i))
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(b.cfg.learnbotBin, "serve")
	cmd.Env = append(os.Environ(), "LEARNBOT_ADDR=127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return "", nil, fmt.Errorf("replica %d: %w", i, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if url := servingURL(logPath); url != "" {
			b.logf("replicas: learnbot %d serving at %s (pid %d)", i, url, cmd.Process.Pid)
			return url, stop, nil
		}
		select {
		case <-exited:
			return "", nil, fmt.Errorf("replica %d exited before serving (log %s)", i, logPath)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("replica %d not serving after a minute (log %s)", i, logPath)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			stop()
			return "", nil, err
		}
	}
}

// servingURL is the base URL a learnbot log announces, or "".
func servingURL(logPath string) string {
	f, err := os.Open(logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
			return "http://" + m[1]
		}
	}
	return ""
}
