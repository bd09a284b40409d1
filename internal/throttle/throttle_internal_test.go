package throttle

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testlog"
)

func TestGuard(t *testing.T) {
	var logs testlog.Buffer
	g := New(slog.New(slog.NewTextHandler(&logs, nil)))
	g.logEvery = 50 * time.Millisecond
	now := time.Unix(1_700_000_000, 0)
	g.SetClock(func() time.Time { return now })
	fail := func(addr string) int {
		r := httptest.NewRequest("GET", "/invite/x", nil)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		if !g.Failed(w, r, "/invite", http.StatusNotFound) {
			return http.StatusNotFound
		}
		return w.Code
	}
	t.Run("LimitedBeyond20ASecond", func(t *testing.T) {
		for n := range PerSecond {
			if got := fail("192.0.2.1:1000"); got != http.StatusNotFound {
				t.Fatalf("request %d answered %d", n+1, got)
			}
		}
		if got := fail("192.0.2.1:2000"); got != http.StatusTooManyRequests {
			t.Fatalf("request 21 answered %d; want 429", got)
		}
		if got := fail("192.0.2.2:1000"); got != http.StatusNotFound {
			t.Errorf("another address answered %d", got)
		}
	})
	t.Run("RefusedFor10Seconds", func(t *testing.T) {
		now = now.Add(Block - time.Second)
		r := httptest.NewRequest("GET", "/invite/x", nil)
		r.RemoteAddr = "192.0.2.1:3000"
		if w := httptest.NewRecorder(); !g.Limited(w, r, "/invite") || w.Code != http.StatusTooManyRequests {
			t.Error("not refused 9 s later")
		}
		now = now.Add(2 * time.Second)
		if w := httptest.NewRecorder(); g.Limited(w, r, "/invite") {
			t.Error("still refused 11 s later")
		}
	})
	t.Run("OneLinePerCauseWithACount", func(t *testing.T) {
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "status=404 count=20") {
			if time.Now().After(deadline) {
				t.Fatalf("no line counting the 404s:\n%s", logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		lines := strings.Count(logs.String(), "\n")
		if lines > 4 {
			t.Errorf("%d lines for 2 causes:\n%s", lines, logs.String())
		}
	})
	t.Run("TableBounded", func(t *testing.T) {
		for n := range maxClients + 10 {
			fail(fmt.Sprintf("10.%d.%d.%d:1", n>>16&255, n>>8&255, n&255))
		}
		if len(g.clients) > maxClients {
			t.Errorf("%d addresses remembered", len(g.clients))
		}
	})
}
