package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// responder records the outcomes jobs deliver (a bot.Responder).
type responder struct {
	mu      sync.Mutex
	replies []*bot.Reply
	routes  []string
}

func (r *responder) Respond(ctx context.Context, workspace, followUp string, reply *bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, reply)
	r.routes = append(r.routes, workspace+" "+followUp)
	return nil
}

func (r *responder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, reply := range r.replies {
		out = append(out, reply.String())
	}
	return out
}

// TestDeferredDecisionSurvivesRestart: Only new over more targets than
// DeferAbove answers "assigning" at once and is resolved by a job. The
// job's first attempt dies inside its transaction, after its assignments
// were written (a trigger makes the audit entry fail), and its process
// stops; a new process's queue retries it: every new target gets exactly
// one assignment and one DM job, the outcome replaces the prompt, and a
// further run changes nothing.
func TestDeferredDecisionSurvivesRestart(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		out := &responder{}
		responders := map[string]bot.Responder{model.PlatformConsole: out}
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers(),
			testbot.DeferLarge(5, responders))
		run(t, b, gina, "task add git Git basics")
		run(t, b, gina, "group create team")
		var members []string
		for i := range 10 {
			members = append(members, fmt.Sprintf("@m%d", i))
		}
		run(t, b, gina, "group add team "+strings.Join(members, " "))
		if r := run(t, b, gina, "assign git @m0 @m1 @m2").String(); !strings.HasPrefix(r, "Assigned") {
			t.Fatalf("assign to 3: %q", r)
		}
		prompt := run(t, b, gina, "assign git team")
		req := &bot.Request{Platform: model.PlatformConsole, Workspace: "console", Actor: gina, FollowUp: "route-1"}
		for _, btn := range prompt.AllButtons() {
			if btn.Label == "Only new" {
				req.Action = &bot.Action{ID: btn.ID}
			}
		}
		if req.Action == nil {
			t.Fatalf("no Only new on %q", prompt.String())
		}
		r := b.Router.Handle(context.Background(), req)
		if !strings.Contains(r.Text, "Only new: assigning Git basics (git) to up to 10 people") || !r.Replace || len(r.AllButtons()) > 0 {
			t.Fatalf("the press = %q (replace %v), want the prompt replaced by assigning, without buttons", r.Text, r.Replace)
		}
		if r := b.Router.Handle(context.Background(), req); !strings.Contains(r.Text, "being carried out already") {
			t.Errorf("a second press = %q, want it refused as under way", r.Text)
		}
		count := func(query string) int {
			t.Helper()
			var n int
			if err := b.Store.DB().QueryRow(query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'decide'`); n != 1 {
			t.Fatalf("%d decide jobs after two presses, want 1", n)
		}

		// The first process: its job dies after writing the assignments.
		crash := `CREATE TRIGGER crash BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'the worker died'); END`
		if db == "postgres" {
			crash = `CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the worker died'; END $$;
				CREATE TRIGGER crash BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION crash()`
		}
		if _, err := b.Store.DB().Exec(crash); err != nil {
			t.Fatal(err)
		}
		stop := runQueue(t, b, responders)
		deadline := time.Now().Add(30 * time.Second)
		for count(`SELECT count(*) FROM river_job WHERE kind = 'decide' AND attempt >= 1 AND state <> 'running'`) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the decide job never ran")
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		if n := count(`SELECT count(*) FROM assignments`); n != 3 {
			t.Fatalf("%d assignments after the attempt that died, want the 3 from before: nothing half done", n)
		}
		if got := out.got(); len(got) != 0 {
			t.Errorf("outcomes delivered by the attempt that died: %q", got)
		}
		if _, err := b.Store.DB().Exec(`DROP TRIGGER crash` + map[bool]string{true: ` ON events`}[db == "postgres"]); err != nil {
			t.Fatal(err)
		}

		// The restarted process.
		stop = runQueue(t, b, responders)
		defer stop()
		deadline = time.Now().Add(60 * time.Second)
		for count(`SELECT count(*) FROM river_job WHERE kind = 'decide' AND state = 'completed'`) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the decide job did not complete after the restart")
			}
			time.Sleep(20 * time.Millisecond)
		}
		got := out.got()
		if len(got) != 1 || !strings.HasPrefix(got[0], "Only new: assigned Git basics (git) to 7 people") {
			t.Errorf("outcomes delivered: %q, want one Only new for the 7 new", got)
		}
		if out.routes[0] != "console route-1" {
			t.Errorf("the outcome went to %q, want the press's route", out.routes[0])
		}
		if n := count(`SELECT count(*) FROM assignments`); n != 10 {
			t.Errorf("%d assignments, want 10: the 3 from before and one for each new target", n)
		}
		if n := count(`SELECT count(*) FROM (SELECT person_id FROM assignments GROUP BY person_id HAVING count(*) > 1) d`); n != 0 {
			t.Errorf("%d people hold the task twice", n)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'dm'`); n != 10 {
			t.Errorf("%d DM jobs, want 10: one per assignment", n)
		}
		if n := count(`SELECT count(*) FROM events WHERE kind = 'decide'`); n != 1 {
			t.Errorf("%d decide events, want 1", n)
		}

		// A run of the same job again (a retry after it committed) assigns nothing.
		again, err := b.Handlers.ResolveDeferred(context.Background(), deferredOf(t, b))
		if err != nil || !strings.Contains(again.Text, "Already decided: Only new, by @gina") {
			t.Errorf("resolving again = %v, %v; want already decided", again, err)
		}
		if n := count(`SELECT count(*) FROM assignments`); n != 10 {
			t.Errorf("%d assignments after resolving again, want 10", n)
		}
	})
}

// runQueue works b's jobs as one process would, until the returned stop.
func runQueue(t *testing.T, b *testbot.Bot, responders map[string]bot.Responder) (stop func()) {
	t.Helper()
	q, err := queue.New(b.Store, queue.Config{Senders: map[string]bot.Sender{}, Composer: b.Handlers, Decider: b.Handlers,
		Responders: responders, StopTimeout: 5 * time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}) // the DMs have nowhere to go: not this test's concern
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("queue: %v", err)
			}
		})
	}
}

// deferredOf reads the decide job's arguments back.
func deferredOf(t *testing.T, b *testbot.Bot) storage.DeferredDecision {
	t.Helper()
	var raw []byte
	query := `SELECT json(args) FROM river_job WHERE kind = 'decide'` // River keeps JSONB on SQLite
	if b.Store.Dialect() == storage.Postgres {
		query = `SELECT args::text FROM river_job WHERE kind = 'decide'`
	}
	if err := b.Store.DB().QueryRow(query).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var args queue.DecideArgs
	if err := json.Unmarshal(raw, &args); err != nil {
		t.Fatal(err)
	}
	return args.DeferredDecision
}
