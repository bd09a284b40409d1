package main

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testdb"
)

// TestDatabaseOutage runs `learnbot serve` on PostgreSQL through a proxy
// that drops every connection for 12 s, as a database restart does: the
// log holds at most two ERRORs per cause (one every 10 s, the second with
// the count held back) instead of one per failed River fetch, and one INFO
// line, "recovered", once the database answers again.
func TestDatabaseOutage(t *testing.T) {
	dbURL := testdb.New(t, "postgres")
	proxy, viaProxy := testdb.NewProxy(t, dbURL)
	fake := httptest.NewServer(fakeslack.New(replicaToken))
	defer fake.Close()
	r := startReplica(t, learnbotBinary(t), replicaEnv(viaProxy, fake.URL))
	if r == nil {
		t.FailNow()
	}
	time.Sleep(2 * time.Second) // River's leader and producers at work
	start := len(r.logs.String())
	proxy.Cut()
	time.Sleep(12 * time.Second)
	proxy.Restore()
	waitFor(t, 20*time.Second, "the recovery line", func() bool {
		return strings.Contains(r.logs.String()[start:], `"msg":"recovered"`)
	})
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.cmd.Wait()

	perCause := map[string]int{}
	errorsLogged, recovered := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(r.logs.String()[start:]), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("not a JSON line: %s", line)
			continue
		}
		switch {
		case v["level"] == "ERROR":
			errorsLogged++
			cause, _ := v["component"].(string)
			msg, _ := v["msg"].(string)
			errText, _ := v["error"].(string)
			if errText == "" {
				errText, _ = v["err"].(string) // River's key
			}
			// A port or an attempt number does not make another cause.
			perCause[cause+" "+msg+": "+regexp.MustCompile(`[0-9]+`).ReplaceAllString(errText, "N")]++
		case v["msg"] == "recovered":
			recovered++
			if v["level"] != "INFO" || v["errors"] == nil || v["errors"].(float64) < 1 {
				t.Errorf("recovery line = %s; want INFO with the count of errors", line)
			}
		}
	}
	if errorsLogged == 0 {
		t.Fatalf("no ERROR during a 12 s outage:\n%s", r.logs.String()[start:])
	}
	for cause, n := range perCause {
		if n > 2 {
			t.Errorf("%d ERROR lines of %q in 12 s; want at most one per 10 s", n, cause)
		}
	}
	if recovered != 1 {
		t.Errorf("%d recovery lines; want 1", recovered)
	}
	t.Logf("%d ERROR lines of %d causes, %d recovery line", errorsLogged, len(perCause), recovered)
	if t.Failed() || testing.Verbose() {
		t.Logf("log:\n%s", r.logs.String()[start:])
	}
}
