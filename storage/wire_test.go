package storage_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// wireBot is the handlers on a store whose every statement, prepare and
// transaction is counted, with the outbox on the counted pool (the DM jobs'
// inserts count too) and no queue workers.
func wireBot(t testing.TB, dialect string) (*handlers.Handlers, *storage.Store, *storage.Wire) {
	t.Helper()
	ctx := context.Background()
	url := testdb.New(t, dialect)
	s, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := queue.Migrate(ctx, s); err != nil {
		t.Fatal(err)
	}
	w, err := storage.CountWire(s, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.GiveOutbox(s, queue.NewOutbox); err != nil {
		t.Fatal(err)
	}
	cfg := handlers.Config{Admins: map[string]bool{"console:gina": true}, PublicURL: "http://learnbot.test", MailFrom: "learnbot@localhost"}
	return handlers.New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))), s, w
}

func consoleLine(s string) *bot.Request {
	var args []bot.Arg
	for _, w := range strings.Fields(s) {
		a := bot.Arg{Text: w}
		if strings.HasPrefix(w, "@") {
			a.User = &model.User{ID: w[1:], Name: w[1:]}
		}
		args = append(args, a)
	}
	return &bot.Request{Platform: model.PlatformConsole, Workspace: "console", Actor: model.User{ID: "gina", Name: "gina"}, Args: args}
}

// TestWireAssign holds /assign of a task to 3 people new to learnbot, the
// write scenario of the load bench, to its statements, round trips and
// transactions on the wire (DMs queued, not sent).
func TestWireAssign(t *testing.T) {
	// The most each may take, PostgreSQL and SQLite alike.
	const maxStatements, maxRoundTrips, maxTransactions = 7, 9, 1
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			h, _, w := wireBot(t, d)
			ctx := context.Background()
			run := func(line string) string { return h.Router.Handle(ctx, consoleLine(line)).String() }
			run("task add warm Warm")
			run("assign warm @w1 @w2 @w3")
			run("task add bench Bench")
			for i := range 2 {
				before := w.Snapshot()
				if r := run(fmt.Sprintf("assign bench @a%d @b%d @c%d", i, i, i)); !strings.HasPrefix(r, "Assigned") {
					t.Fatal(r)
				}
				got := w.Snapshot().Sub(before)
				got.Statements, got.RoundTrips = got.Statements-got.Notifies, got.RoundTrips-got.Notifies
				t.Logf("%s /assign of 3 new learners: %d statements, %d round trips, %d transactions (and %d River wake-ups)",
					d, got.Statements, got.RoundTrips, got.Transactions, got.Notifies)
				if got.Statements > maxStatements || got.RoundTrips > maxRoundTrips || got.Transactions > maxTransactions {
					t.Errorf("/assign took %+v, want at most %d statements, %d round trips, %d transactions", got, maxStatements, maxRoundTrips, maxTransactions)
				}
			}
		})
	}
}
