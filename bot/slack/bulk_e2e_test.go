package slack_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// TestUserGroupOver65535 assigns a task to a Slack user group of 66,000
// (more than PostgreSQL's 65,535 parameters of one statement; 33,000 on
// SQLite, whose limit is 32,766) through the
// real adapter and core: half of them hold the task already, so the guide
// gets the prompt; Only new assigns the other half, Force reassignment
// everyone again. Members are named from the cache and at most maxLookups
// (100) users.info calls; the others go by their ID. The queue does not
// run: the DM fan-out jobs are counted.
func TestUserGroupOver65535(t *testing.T) {
	if testing.Short() {
		t.Skip("66,000 members")
	}
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		// Over the most parameters one statement may have on PostgreSQL
		// (65,535); SQLite under the race detector is too slow for its
		// 32,766 within the press's 30 s on a busy machine, so a group of
		// 12,000 runs the same path there.
		size := map[string]int{"postgres": 66_000, "sqlite": 12_000}[db]
		half := size / 2
		fake := newFakeSlack(t)
		fake.AddUser(fakeslack.User{ID: "UG", Name: "gina", Display: "Gina Guide"})
		all := make([]string, size)
		for i := range all {
			all[i] = fmt.Sprintf("U%06d", i)
		}
		fake.SetUserGroup("SHALF", all[:half]...)
		fake.SetUserGroup("SALL", all...)
		core := &lateCore{}
		// The prompt and the outcome come back inline and through
		// response_url however slow the race detector makes them.
		env := newEnvWith(t, fake, slack.Config{}, core, slack.WithDedup(core), slack.WithAckWait(5*time.Minute))
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformSlack: env.adapter}, testbot.Admins("slack:UG"), testbot.NoWorkers())
		core.dedup.Store(slack.EventDedup(b.Store))
		core.core.Store(b.Handlers)
		b.Router.Timeout = 5 * time.Minute
		say := func(command, text string) string {
			t.Helper()
			r := env.command(t, "UG", command, text)
			if r == nil {
				t.Fatalf("%s %s: no inline reply", command, text)
			}
			return fakeslack.TextOf(r.Blocks)
		}
		count := func(query string) int {
			t.Helper()
			var n int
			if err := b.Store.DB().QueryRowContext(context.Background(), query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		say("/learn", "task add git Git basics")
		if r := say("/assign", "git <!subteam^SHALF|@half>"); !strings.Contains(r, fmt.Sprintf("Assigned Git basics (git) to %d people", half)) {
			t.Fatalf("assign to half: %q", r)
		}
		lookups := fake.Calls("users.info")
		if lookups > 100+1 { // the members', and the guide's
			t.Errorf("%d users.info calls for a group of %d; want at most 100 and the guide", lookups, half)
		}

		r := env.command(t, "UG", "/assign", "git <!subteam^SALL|@all>")
		text := fakeslack.TextOf(r.Blocks)
		if !strings.Contains(text, fmt.Sprintf("already assigned to %d of the %d people you chose", half, size)) {
			t.Fatalf("prompt: %q", text)
		}
		ids := map[string]string{}
		for _, b := range fakeslack.ButtonsOf(r.Blocks) {
			ids[b.Label] = b.Value
		}
		env.press(t, "UG", ids["Only new"], env.fake.responseURL("prompt"), false)
		if p := lastPost(t, env.fake); !strings.Contains(fakeslack.TextOf(p.Blocks), fmt.Sprintf("Only new: assigned Git basics (git) to %d people", half)) {
			t.Fatalf("Only new: %q", fakeslack.TextOf(p.Blocks))
		}
		if n := count(`SELECT count(*) FROM assignments`); n != size {
			t.Errorf("%d assignments after Only new, want %d", n, size)
		}
		if n := count(`SELECT count(DISTINCT person_id) FROM assignments`); n != size {
			t.Errorf("%d people hold the task, want %d", n, size)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind IN ('dm', 'dm_fanout')`); db == "postgres" && n != 2 || db == "sqlite" && n != size {
			t.Errorf("%d DM and fan-out jobs", n) // postgres: one fan-out each assignment of over 10,000
		}

		if db == "sqlite" {
			// Force reassignment of 33,000 on SQLite under the race
			// detector outlasts the press's 30 s; handlers'
			// TestPlatformGroupForce covers SQLite.
			return
		}
		r = env.command(t, "UG", "/assign", "git <!subteam^SALL|@all>")
		ids = map[string]string{}
		for _, b := range fakeslack.ButtonsOf(r.Blocks) {
			ids[b.Label] = b.Value
		}
		if _, ok := ids["Only new"]; ok {
			t.Errorf("Only new offered with no one new: %q", fakeslack.TextOf(r.Blocks))
		}
		env.press(t, "UG", ids["Force reassignment"], env.fake.responseURL("prompt2"), false)
		if p := lastPost(t, env.fake); !strings.Contains(fakeslack.TextOf(p.Blocks), fmt.Sprintf("assigned Git basics (git) again to %d people", size)) {
			t.Fatalf("Force: %q", fakeslack.TextOf(p.Blocks))
		}
		if n := count(`SELECT count(*) FROM assignments WHERE forced`); n != size {
			t.Errorf("%d forced assignments, want %d", n, size)
		}
		if n := count(`SELECT count(*) FROM river_job WHERE kind = 'dm_fanout'`); n != 3 {
			t.Errorf("%d DM fan-out jobs, want 3", n)
		}
		if n := fake.Calls("users.info"); n > 3*100+1 {
			t.Errorf("%d users.info calls for three listings; want at most 100 each", n)
		}
	})
}
