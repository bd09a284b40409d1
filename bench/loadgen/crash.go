package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// crash is the scenario "crash": a fan-out of -crash-dms DMs; when a third
// of them are out, learnbot is killed with SIGKILL (the process -pid, only
// that one), and bench/run.sh starts another on the same database (it
// watches for the file "killed" in -restart-dir and answers with
// "restarted": the new base URL and process ID). The row reports the DMs
// lost and sent twice once the new process has rescued the jobs the dead
// one left running, and how long after the kill the last DM came.
func (b *bench) crash(ctx context.Context) error {
	if b.cfg.pid == 0 || b.cfg.restartDir == "" {
		return errors.New("crash: needs -pid (learnbot's process) and -restart-dir (bench/run.sh restarts learnbot)")
	}
	n := b.cfg.crashDMs
	members := ids("UB%05d", 0, n)
	if _, err := b.slackRun(ctx, "/learn", "group create crash", "Created"); err != nil {
		return err
	}
	for from := 0; from < n; from += 350 {
		if _, err := b.slackRun(ctx, "/learn", "group add crash "+mentions(members[from:min(from+350, n)]), "Added"); err != nil {
			return err
		}
	}
	if _, err := b.slackRun(ctx, "/learn", "task add crash Crash course", "Added"); err != nil {
		return err
	}
	if _, err := b.drain(ctx, b.cfg.drainTimeout); err != nil {
		return err
	}
	if err := errors.Join(b.fakeControl(ctx, "/reset"), b.fakeControl(ctx, "/limit?rate=0")); err != nil {
		return err
	}
	b.logf("crash: /assign crash crash → %d DMs; SIGKILL to learnbot (pid %d) when a third are out", n, b.cfg.pid)
	if _, err := b.slackRun(ctx, "/assign", "crash crash", fmt.Sprintf("to %d people", n)); err != nil {
		return err
	}
	for {
		st, err := b.fakeStats(ctx, false)
		if err != nil {
			return err
		}
		if st.DMs >= n/3 {
			break
		}
		if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
	if err := syscall.Kill(b.cfg.pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("crash: kill learnbot: %w", err)
	}
	killed := time.Now()
	if err := os.WriteFile(filepath.Join(b.cfg.restartDir, "killed"), []byte(strconv.Itoa(b.cfg.pid)+"\n"), 0o644); err != nil {
		return err
	}
	atKill, err := b.fakeStats(ctx, false)
	if err != nil {
		return err
	}
	base, pid, err := b.waitRestart(ctx, time.Minute)
	if err != nil {
		return err
	}
	b.cfg.learnbot, b.slack.base, b.discord.base, b.cfg.pid = base, base, base, pid
	b.logf("crash: %d DMs out at the kill; learnbot restarted as pid %d at %s", atKill.DMs, pid, base)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		st, err := b.fakeStats(ctx, true)
		if err != nil {
			return err
		}
		if len(st.SlackDMs) >= n || time.Now().After(deadline) {
			break
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	if _, err := b.drain(ctx, 3*time.Minute); err != nil {
		b.logf("crash: %v", err)
	}
	if err := sleep(ctx, 2*time.Second); err != nil { // a DM sent twice would arrive by now
		return err
	}
	st, err := b.fakeStats(ctx, true)
	if err != nil {
		return err
	}
	lost, dup := tally(st.SlackDMs, members)
	recovered := st.Last.Sub(killed)
	b.results["crash"] = map[string]any{"dms": st.DMs, "expected": n, "at_kill": atKill.DMs, "lost": lost, "duplicated": dup,
		"last_dm_after_kill_s": recovered.Seconds(), "history_checks": st.Calls["conversations.history"]}
	b.logf("crash: %d of %d DMs; lost %d, duplicated %d; %d DM channels checked by retries; last DM %s after the kill",
		st.DMs, n, lost, dup, st.Calls["conversations.history"], recovered.Round(time.Millisecond))
	b.add(row{Scenario: fmt.Sprintf("crash: SIGKILL mid fan-out of %d DMs (%d out), a new learnbot on the same database", n, atKill.DMs),
		Learnbot: fmt.Sprintf("lost %d, duplicated %d; %d retried DMs checked the channel first; last DM %s after the kill", lost, dup,
			st.Calls["conversations.history"], recovered.Round(time.Second)),
		Target: "0 lost, 0 duplicated", Met: yes(lost == 0 && dup == 0)})
	return nil
}

// waitRestart waits for bench/run.sh's "restarted" file: the new
// learnbot's base URL and process ID.
func (b *bench) waitRestart(ctx context.Context, timeout time.Duration) (string, int, error) {
	path := filepath.Join(b.cfg.restartDir, "restarted")
	deadline := time.Now().Add(timeout)
	for {
		if data, err := os.ReadFile(path); err == nil {
			if f := strings.Fields(string(data)); len(f) == 2 {
				base, err := loopbackURL(f[0])
				if err != nil {
					return "", 0, err
				}
				pid, err := strconv.Atoi(f[1])
				if err != nil {
					return "", 0, fmt.Errorf("crash: %s: %w", path, err)
				}
				return base, pid, nil
			}
		}
		if time.Now().After(deadline) {
			return "", 0, fmt.Errorf("crash: learnbot not restarted within %s (no %s)", timeout, path)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return "", 0, err
		}
	}
}
