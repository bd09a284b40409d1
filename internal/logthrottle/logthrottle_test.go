package logthrottle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/logthrottle"
)

// clock is a clock the test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newLog(t *testing.T) (*slog.Logger, *bytes.Buffer, *clock) {
	t.Helper()
	var buf bytes.Buffer
	c := &clock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	h := logthrottle.New(slog.NewJSONHandler(&buf, nil), c.now, 10*time.Second)
	return slog.New(h), &buf, c
}

func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, m)
	}
	buf.Reset()
	return out
}

// TestOneErrorPerCause: a cause failing every 100 ms for 15 s writes two
// ERROR lines, the second with the count held back; another cause, and
// lines below ERROR, are not held back by it.
func TestOneErrorPerCause(t *testing.T) {
	log, buf, c := newLog(t)
	river := log.With("component", "river")
	refused := errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	for i := 0; i < 150; i++ {
		river.Error("producer: error fetching jobs", "error", refused)
		c.advance(100 * time.Millisecond)
	}
	got := lines(t, buf)
	if len(got) != 2 {
		t.Fatalf("%d lines for 150 ERRORs of one cause in 15 s; want 2: %v", len(got), got)
	}
	if _, ok := got[0]["suppressed"]; ok {
		t.Errorf("the first line carries a count: %v", got[0])
	}
	if got[1]["suppressed"] != float64(99) || got[1]["component"] != "river" {
		t.Errorf("second line = %v; want suppressed 99 (the ERRORs of the 10 s before it)", got[1])
	}

	t.Run("OtherCausesPass", func(t *testing.T) {
		river.Error("producer: error fetching jobs", "error", errors.New("pq: too many clients"))
		river.Error("elector: error attempting to elect", "error", refused)
		log.Error("producer: error fetching jobs", "error", refused) // no component
		if n := len(lines(t, buf)); n != 3 {
			t.Fatalf("%d lines for three new causes; want 3", n)
		}
	})
	t.Run("NumbersAside", func(t *testing.T) {
		c.advance(10 * time.Second)
		river.Error("elector: error", "err", errors.New("read tcp 127.0.0.1:36810->127.0.0.1:5432: connection reset by peer"))
		river.Error("elector: error", "err", errors.New("read tcp 127.0.0.1:36828->127.0.0.1:5432: connection reset by peer"))
		if n := len(lines(t, buf)); n != 1 {
			t.Fatalf("%d lines for one failure on two ports; want 1", n)
		}
	})
	t.Run("WarningsPass", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			river.Warn("database not up yet", "error", refused)
		}
		if n := len(lines(t, buf)); n != 5 {
			t.Fatalf("%d WARN lines of 5; want all of them", n)
		}
	})
	t.Run("AfterTheInterval", func(t *testing.T) {
		c.advance(10 * time.Second)
		river.Error("producer: error fetching jobs", "error", refused)
		got := lines(t, buf)
		if len(got) != 1 || got[0]["suppressed"] != float64(49) {
			t.Fatalf("after 10 s = %v; want one line with the 49 held back", got)
		}
	})
}

// TestRecovered: the success signal of a component that failed writes one
// INFO line with the counts; a second signal, or one for a component that
// never failed, writes nothing; a new failure afterwards is written at once.
func TestRecovered(t *testing.T) {
	log, buf, c := newLog(t)
	river := log.With("component", "river")
	db := log.With("component", "database")
	refused := errors.New("connection refused")
	for i := 0; i < 30; i++ {
		river.Error("producer: error fetching jobs", "error", refused)
		db.Error("database unreachable", "error", refused)
		c.advance(500 * time.Millisecond)
	}
	log.With("component", "slack").Error("chat.postMessage failed", "error", refused)
	lines(t, buf)
	logthrottle.Recovered(context.Background(), db, "database", "river")
	got := lines(t, buf)
	if len(got) != 1 {
		t.Fatalf("recovery wrote %d lines; want 1: %v", len(got), got)
	}
	r := got[0]
	if r["level"] != "INFO" || r["msg"] != "recovered" || r["errors"] != float64(60) || r["suppressed"] != float64(18) ||
		r["after"] != "15s" || r["causes"] != "database unreachable; producer: error fetching jobs" {
		t.Errorf("recovery line = %v; want INFO recovered, 60 errors, 18 not written, after 15s, both causes", r)
	}
	logthrottle.Recovered(context.Background(), log, "database", "river")
	logthrottle.Recovered(context.Background(), log, "matrix")
	if got := lines(t, buf); len(got) != 0 {
		t.Errorf("a recovery without failures wrote %v", got)
	}
	river.Error("producer: error fetching jobs", "error", refused)
	if got := lines(t, buf); len(got) != 1 {
		t.Errorf("a failure after the recovery wrote %d lines; want it at once", len(got))
	}
	t.Run("NoThrottleNoEffect", func(t *testing.T) {
		var b bytes.Buffer
		logthrottle.Recovered(context.Background(), slog.New(slog.NewTextHandler(&b, nil)), "database")
		if b.Len() != 0 {
			t.Fatalf("wrote %q", b.String())
		}
	})
}
