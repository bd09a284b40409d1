package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testdb"
)

// TestCrashMidFanOut kills `learnbot serve` with SIGKILL in the middle of
// a fan-out of 300 DMs and starts another on the same database: once the
// new process has rescued the jobs the dead one left running, every
// learner has exactly one DM. The DMs the dead process had posted but not
// recorded (posts in flight, completions not yet written) are found in
// the DM channel by their metadata and not sent again. On both databases
// (SQLite: the same file).
func TestCrashMidFanOut(t *testing.T) {
	bin := learnbotBinary(t)
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dbURL := "sqlite:" + filepath.Join(t.TempDir(), "learnbot.db")
			if dialect == "postgres" {
				dbURL = testdb.New(t, "postgres")
			}
			crashMidFanOut(t, bin, dbURL)
		})
	}
}

func crashMidFanOut(t *testing.T, bin, dbURL string) {
	fake := fakeslack.New(replicaToken)
	// Each post takes 100 ms before Slack counts it: when the process
	// dies, the posts in flight are delivered all the same, and their
	// jobs' outcomes are lost.
	fake.FailPosts(func(http.ResponseWriter) bool { time.Sleep(100 * time.Millisecond); return false })
	api := httptest.NewServer(fake)
	defer api.Close()
	env := replicaEnv(dbURL, api.URL,
		// The new process takes over the dead one's jobs as soon as it
		// leads the queue (River's leader lease runs out within 15 s).
		"LEARNBOT_QUEUE_RESCUE_AFTER=1s",
	)
	first := startReplica(t, bin, env)
	if first == nil {
		t.FailNow()
	}
	sl := &slackSender{t: t, respBase: api.URL + "/response/", fake: api.URL}
	sl.command(first.base, "UGUIDE", "/learn", "task add git Git basics https://learn.example.com/git", "Added")
	var mentions []string
	for i := 1; i <= 300; i++ {
		mentions = append(mentions, fmt.Sprintf("<@U%03d>", i))
	}
	sl.command(first.base, "UGUIDE", "/assign", "git "+strings.Join(mentions, " "), "to 300 people")
	waitFor(t, 30*time.Second, "a third of the DMs", func() bool { return fake.Stats(false).DMs >= 100 })
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	time.Sleep(200 * time.Millisecond) // the posts in flight land
	atCrash := fake.Stats(false).DMs
	if atCrash >= 300 {
		t.Fatalf("all 300 DMs were out before the kill; the test needs a crash mid fan-out")
	}

	second := startReplica(t, bin, env)
	if second == nil {
		t.FailNow()
	}
	waitFor(t, 90*time.Second, "300 learners with a DM", func() bool { return len(fake.Stats(true).SlackDMs) >= 300 })
	// The jobs the dead process left running count until the new one has
	// rescued and run them.
	waitFor(t, 90*time.Second, "the queue drained", func() bool { return queueDepth(t, second.base) == 0 })
	st := fake.Stats(true)
	for ch, n := range st.SlackDMs {
		if n != 1 {
			t.Errorf("%s got %d DMs", ch, n)
		}
	}
	if st.DMs != 300 || len(st.SlackDMs) != 300 {
		t.Errorf("%d DMs to %d learners after the crash, want 300 to 300", st.DMs, len(st.SlackDMs))
	}
	found := strings.Count(second.logs.String(), "DM found already sent")
	t.Logf("%d DMs out at the kill; the new process found %d of them sent and checked %d channels",
		atCrash, found, st.Calls["conversations.history"])
	if found == 0 {
		t.Errorf("no rescued job found its DM already sent: the kill left no sent-but-unrecorded DM, so the test proves nothing")
	}
	second.stop(t)
}

// queueDepth reads learnbot_queue_depth from a process's /metrics (counted
// every few seconds); -1 when it cannot.
func queueDepth(t *testing.T, base string) int {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, "learnbot_queue_depth "); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}
