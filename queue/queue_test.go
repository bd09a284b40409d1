package queue_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/internal/testlog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// flaky is a sender that answers with the queued errors first, then
// delivers.
type flaky struct {
	mu        sync.Mutex
	errs      []error
	delivered []bot.Message
	attempts  []bot.Message
	calls     []time.Time
}

func (f *flaky) SendDM(ctx context.Context, m bot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, time.Now())
	f.attempts = append(f.attempts, m)
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return err
	}
	f.delivered = append(f.delivered, m)
	return nil
}

func (f *flaky) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.delivered)
}

var gina = model.User{ID: "gina", Name: "gina"}

func setup(t *testing.T, b *testbot.Bot) {
	t.Helper()
	if r := b.Run(model.PlatformConsole, "console", gina, "task add git Git basics"); !strings.Contains(r.String(), "Added") {
		t.Fatal(r.String())
	}
}

func assign(t *testing.T, b *testbot.Bot, who string) {
	t.Helper()
	r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console", Actor: gina,
		Args: []bot.Arg{{Text: "assign"}, {Text: "git"}, {Text: "@" + who, User: &model.User{ID: who, Name: who}}}})
	if !strings.Contains(r.String(), "Assigned") {
		t.Fatal(r.String())
	}
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func jobs(t *testing.T, b *testbot.Bot, kind string) int {
	t.Helper()
	var n int
	if err := b.Store.DB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = '` + kind + `'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeliveryRetries(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		t.Run("TransientErrorRetriedWithBackoff", func(t *testing.T) {
			s := &flaky{errs: []error{errors.New("connection reset")}}
			b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: s}, testbot.Admins("console:gina"))
			setup(t, b)
			assign(t, b, "anna")
			waitFor(t, 20*time.Second, "the retried DM", func() bool { return s.count() == 1 })
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.calls) != 2 || s.calls[1].Sub(s.calls[0]) < 500*time.Millisecond {
				t.Fatalf("calls at %v; want two, the retry after a backoff", s.calls)
			}
			// The retry may follow a DM that went out (the error came
			// after): it asks the sender to check first, under the same key.
			first, retry := s.attempts[0], s.attempts[1]
			if first.Key.Kind != "assignment" || first.Key.ID == 0 || retry.Key != first.Key {
				t.Errorf("keys %+v then %+v; want the assignment's, twice", first.Key, retry.Key)
			}
			if !first.MaybeSentSince.IsZero() || retry.MaybeSentSince.IsZero() {
				t.Errorf("MaybeSentSince %v then %v; want none on the first attempt, set on the retry", first.MaybeSentSince, retry.MaybeSentSince)
			}
		})
		t.Run("RateLimitSnoozes", func(t *testing.T) {
			s := &flaky{errs: []error{&model.RetryAfterError{After: 1500 * time.Millisecond, Err: errors.New("429")}}}
			b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: s}, testbot.Admins("console:gina"))
			setup(t, b)
			assign(t, b, "anna")
			waitFor(t, 20*time.Second, "the snoozed DM", func() bool { return s.count() == 1 })
			s.mu.Lock()
			defer s.mu.Unlock()
			if gap := s.calls[1].Sub(s.calls[0]); gap < 1400*time.Millisecond {
				t.Fatalf("retried after %s; want after Retry-After (1.5s)", gap)
			}
			// A rate limit says the DM did not go out: nothing to check.
			if !s.attempts[1].MaybeSentSince.IsZero() {
				t.Errorf("the attempt after a 429 asks to check for the DM (MaybeSentSince %v)", s.attempts[1].MaybeSentSince)
			}
		})
		t.Run("RetryingShownInProgressAndLoggedAtWarn", func(t *testing.T) {
			s := &flaky{errs: []error{errors.New("slack: chat.postMessage: internal_error")}}
			var logs testlog.Buffer
			b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: s}, testbot.Admins("console:gina"),
				testbot.Logger(slog.New(slog.NewTextHandler(&logs, nil))))
			setup(t, b)
			assign(t, b, "anna")
			waitFor(t, 10*time.Second, "progress to name the failing DM", func() bool {
				r := b.Run(model.PlatformConsole, "console", gina, "progress git")
				return strings.Contains(r.String(), "anna (DM failing, retrying: slack: chat.postMessage: internal_error)")
			})
			if got := logs.String(); !strings.Contains(got, `level=WARN msg="delivery failed; will retry" job=dm`) ||
				!strings.Contains(got, "internal_error") {
				t.Errorf("log lacks the retry at WARN:\n%s", got)
			}
			waitFor(t, 20*time.Second, "the retried DM", func() bool { return s.count() == 1 })
			waitFor(t, 5*time.Second, "progress to forget the error once delivered", func() bool {
				r := b.Run(model.PlatformConsole, "console", gina, "progress git")
				return !strings.Contains(r.String(), "DM failing") && strings.Contains(r.String(), "anna")
			})
		})
		t.Run("PermanentFailureShownInProgress", func(t *testing.T) {
			s := &flaky{errs: []error{&model.PermanentError{Reason: model.Reason{Detail: "DMs closed"}, Err: errors.New("50007")}}}
			var logs testlog.Buffer
			b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: s}, testbot.Admins("console:gina"),
				testbot.Logger(slog.New(slog.NewTextHandler(&logs, nil))))
			setup(t, b)
			assign(t, b, "anna")
			waitFor(t, 10*time.Second, "the failure to be recorded", func() bool {
				r := b.Run(model.PlatformConsole, "console", gina, "progress git")
				return strings.Contains(r.String(), "anna (DM not delivered: DMs closed)")
			})
			if got := logs.String(); !strings.Contains(got, `level=ERROR msg="delivery given up" job=dm`) {
				t.Errorf("log lacks the given-up DM at ERROR:\n%s", got)
			}
			time.Sleep(300 * time.Millisecond)
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.calls) != 1 {
				t.Fatalf("sender called %d times; a permanent failure must not be retried", len(s.calls))
			}
		})
	})
}

// failingOutbox queues through the real queue, then fails, so the
// transaction that wrote the assignment must roll back with the job.
type failingOutbox struct{ storage.Outbox }

func (f failingOutbox) QueueDMs(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if err := f.Outbox.QueueDMs(ctx, tx, ids); err != nil {
		return err
	}
	return errors.New("injected failure after queueing")
}

func TestAssignmentAndDMCommitTogether(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		setup(t, b)
		t.Run("Commit", func(t *testing.T) {
			assign(t, b, "anna")
			if n := jobs(t, b, "dm"); n != 1 {
				t.Fatalf("dm jobs = %d; want 1 with the assignment", n)
			}
		})
		t.Run("Rollback", func(t *testing.T) {
			// A replica whose store was given the failing outbox.
			failing, err := storage.Open(context.Background(), b.URL, storage.WithOutbox(
				func(db *sql.DB, d storage.Dialect) (storage.Outbox, error) {
					o, err := queue.NewOutbox(db, d)
					return failingOutbox{o}, err
				}))
			if err != nil {
				t.Fatal(err)
			}
			defer failing.Close()
			r := handlers.New(failing, b.Config, nil).Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console", Actor: gina,
				Args: []bot.Arg{{Text: "assign"}, {Text: "git"}, {Text: "@ben", User: &model.User{ID: "ben", Name: "ben"}}}})
			if !strings.Contains(r.String(), "went wrong") {
				t.Fatalf("reply = %q; want the generic failure", r.String())
			}
			if n := jobs(t, b, "dm"); n != 1 {
				t.Fatalf("dm jobs = %d; the failed transaction's job must be gone", n)
			}
			if p := b.Run(model.PlatformConsole, "console", gina, "progress git"); strings.Contains(p.String(), "ben") {
				t.Fatalf("progress = %q; the failed transaction's assignment must be gone", p.String())
			}
		})
	})
}

// TestStuckJobRescued simulates a process that crashed while delivering: its
// job is left "running". A new queue must deliver it within a minute.
func TestStuckJobRescued(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		s := &flaky{}
		crashed := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		setup(t, crashed)
		assign(t, crashed, "anna")
		ago := `now() - interval '10 minutes'`
		if db == "sqlite" {
			ago = `datetime('now', 'subsec', '-10 minutes')`
		}
		res, err := crashed.Store.DB().Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ` + ago +
			` WHERE kind = 'dm'`)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("marking the job stuck: %v (%d rows)", err, n)
		}
		started := time.Now()
		testbot.Restart(t, crashed, map[string]bot.Sender{model.PlatformConsole: s})
		waitFor(t, 60*time.Second, "the stuck DM to be rescued and delivered", func() bool { return s.count() == 1 })
		t.Logf("rescued and delivered after %s", time.Since(started).Round(time.Millisecond))
	})
}

// TestRiverLogLevel checks River's chatter (a line at INFO per failed
// attempt) stays below an INFO logger while its warnings pass.
func TestRiverLogLevel(t *testing.T) {
	var buf testlog.Buffer
	log := queue.RiverLoggerForTest(slog.New(slog.NewTextHandler(&buf, nil)))
	log.Info("jobExecutor: Job errored; retrying")
	log.Warn("producer: queue paused")
	got := buf.String()
	if strings.Contains(got, "Job errored") || !strings.Contains(got, "level=WARN msg=\"producer: queue paused\" component=river") {
		t.Fatalf("River's log through an INFO logger: %q", got)
	}
}

// TestPruneRunsPeriodically: the prune job is one of the queue's periodic
// jobs and runs when a queue starts, on both databases.
func TestPruneRunsPeriodically(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.NoWorkers())
		ctx := context.Background()
		b.Store.SetClock(func() time.Time { return time.Now().Add(-48 * time.Hour) })
		if _, err := b.Store.FirstSeen(ctx, "slack:event:old"); err != nil {
			t.Fatal(err)
		}
		b.Store.SetClock(time.Now)
		testbot.Restart(t, b, nil)
		deadline := time.Now().Add(30 * time.Second)
		for {
			seen, err := b.Store.Seen(ctx, "slack:event:old")
			if err != nil {
				t.Fatal(err)
			}
			if !seen {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the old event was not pruned within 30s of the queue's start")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// TestUnusedIndexesDropped: River's GIN indexes on args and metadata, which
// every DM job's three writes had to update and nothing reads, are gone
// after Migrate, and a second Migrate (the next start) still succeeds.
func TestUnusedIndexesDropped(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.NoWorkers())
		if err := queue.Migrate(context.Background(), b.Store); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
		q := `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'river_job'
			AND indexname IN ('river_job_args_index', 'river_job_metadata_index')`
		if b.Store.Dialect() == storage.SQLite {
			q = `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('river_job_args_index', 'river_job_metadata_index')`
		}
		var n int
		if err := b.Store.DB().QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d of River's GIN indexes on river_job are left", n)
		}
	})
}
