package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// dueOf reads the due dates of someone's assignments, newest first.
func dueOf(t *testing.T, b *testbot.Bot, chatID string) []string {
	t.Helper()
	ctx := context.Background()
	p, err := b.Store.PersonByChat(ctx, model.PlatformConsole, "console", chatID)
	if err != nil {
		return nil
	}
	list, _, err := b.Store.AssignmentsOf(ctx, p.WorkspaceID, p.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.DueDate.String())
	}
	return out
}

func mustSay(t *testing.T, r *bot.Reply, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.String(), w) {
			t.Fatalf("reply %q does not contain %q", r.String(), w)
		}
	}
}

// TestDueDateCommands: assign ... due <when>, the duplicate decision keeping
// the date, and due <task> <when|none> [<target>...], with bad and past
// dates refused before anything is written. The clock is fixed on Monday,
// November 30, 2026, 12:00 UTC.
func TestDueDateCommands(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		b.Store.SetClock(func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) })
		mustSay(t, run(t, b, gina, "task add git Git basics"), "git")

		t.Run("BadDateWritesNothing", func(t *testing.T) {
			for cmd, want := range map[string]string{
				"assign git @anna due someday":    "someday is not a date",
				"assign git @anna due 2026-11-29": "2026-11-29 is in the past: today is Monday, November 30",
				"assign git @anna due 2026-02-30": "is not a date",
				"assign git @anna due":            "not a group",
			} {
				r := run(t, b, gina, cmd)
				mustSay(t, r, want)
				if !strings.Contains(r.String(), "Usage") {
					t.Errorf("%s: reply %q shows no usage", cmd, r.String())
				}
			}
			if got := dueOf(t, b, "anna"); len(got) != 0 {
				t.Fatalf("anna holds %v after bad dates; want nothing written", got)
			}
		})
		t.Run("AssignWithDueDate", func(t *testing.T) {
			r := run(t, b, gina, "assign git @anna due 3d")
			mustSay(t, r, "Assigned Git basics (git)", "Due Thursday, December 3")
			if got := dueOf(t, b, "anna"); len(got) != 1 || got[0] != "2026-12-03" {
				t.Fatalf("anna's due dates = %v", got)
			}
		})
		t.Run("DecisionKeepsDueDate", func(t *testing.T) {
			r := run(t, b, gina, "assign git @anna @ben due 2w")
			mustSay(t, r, "already assigned", "gets the due date Monday, December 14")
			// The outcome says what the prompt promised.
			mustSay(t, press(t, b, gina, "Only new", r), "Only new: assigned", "Due Monday, December 14")
			if got := dueOf(t, b, "ben"); len(got) != 1 || got[0] != "2026-12-14" {
				t.Fatalf("ben's due dates = %v; want the prompt's", got)
			}
			if got := dueOf(t, b, "anna"); len(got) != 1 || got[0] != "2026-12-03" {
				t.Fatalf("anna's due dates = %v; Only new must leave hers", got)
			}
		})
		t.Run("DueForNamedTargets", func(t *testing.T) {
			r := run(t, b, gina, "due git tomorrow @anna @cleo")
			mustSay(t, r, "is now due Tuesday, December 1 for 1 open assignment", "No open assignment of git: cleo")
			if len(r.Homes) != 1 || r.Homes[0].ID != "anna" {
				t.Fatalf("Homes = %+v; want anna's App Home refreshed", r.Homes)
			}
			if got := dueOf(t, b, "anna"); got[0] != "2026-12-01" {
				t.Fatalf("anna's due date = %v", got)
			}
			if got := dueOf(t, b, "ben"); got[0] != "2026-12-14" {
				t.Fatalf("ben's due date = %v; only the named change", got)
			}
		})
		t.Run("DueForAllThenNone", func(t *testing.T) {
			mustSay(t, run(t, b, gina, "due git 2026-12-24"), "is now due Thursday, December 24 for 2 open assignments")
			mustSay(t, run(t, b, gina, "due git none @ben"), "no due date any more for 1 open assignment")
			if a, bn := dueOf(t, b, "anna"), dueOf(t, b, "ben"); a[0] != "2026-12-24" || bn[0] != "" {
				t.Fatalf("due dates anna %v, ben %v", a, bn)
			}
			mustSay(t, run(t, b, gina, "history git"), "gina set the due date of git to 2026-12-24 for 2 people",
				"gina cleared the due date of git for ben")
		})
		t.Run("DueBadDate", func(t *testing.T) {
			mustSay(t, run(t, b, gina, "due git yesterday"), "yesterday is not a date", "Usage")
			mustSay(t, run(t, b, gina, "due nosuch 3d"), "no task")
			if got := dueOf(t, b, "anna"); got[0] != "2026-12-24" {
				t.Fatalf("anna's due date = %v; a bad command must change nothing", got)
			}
		})
		t.Run("LearnersMayNot", func(t *testing.T) {
			mustSay(t, run(t, b, anna, "due git none"), "guide")
			if got := dueOf(t, b, "anna"); got[0] != "2026-12-24" {
				t.Fatalf("anna's due date = %v", got)
			}
		})
		t.Run("GuidesTimeZone", func(t *testing.T) {
			// 12:00 UTC is already Tuesday in Auckland: "today" is Dec 1 there.
			ctx := context.Background()
			if _, err := b.Store.Identify(ctx, storage.Identity{Platform: model.PlatformConsole, Workspace: "console",
				User: model.User{ID: "gina", Name: "gina", TZ: "Pacific/Auckland"}, Admin: true}); err != nil {
				t.Fatal(err)
			}
			mustSay(t, run(t, b, gina, "due git 2026-11-30"), "in the past: today is Tuesday, December 1")
			mustSay(t, run(t, b, gina, "due git today @anna"), "is now due Tuesday, December 1")
			if got := dueOf(t, b, "anna"); got[0] != "2026-12-01" {
				t.Fatalf("anna's due date = %v; want the guide's today", got)
			}
		})
	})
}

// TestDueDatesShown: tasks and the App Home list open tasks overdue first,
// then by due date (none last), then done ones, and say each date in the
// reader's terms; progress names who is overdue. The clock starts on
// Monday, November 30, 2026 and moves to Friday, December 4.
func TestDueDatesShown(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		b.Store.SetClock(func() time.Time { return now })
		for _, c := range []string{"task add rust Rust", "task add go Go", "task add git Git basics", "task add sql SQL",
			"assign rust @anna", "assign go @anna due 2026-12-10", "assign git @anna @ben due 2026-12-01",
			"assign sql @anna due 2026-12-04", "assign git @cleo"} {
			if r := run(t, b, gina, c); strings.Contains(r.String(), "Usage") {
				t.Fatalf("%s: %s", c, r.String())
			}
		}
		mustSay(t, run(t, b, anna, "tasks"), "[ ] Git basics (git)", "due tomorrow")
		ctx := context.Background()
		annaP := mustPerson(t, b, "anna")
		list, _, _ := b.Store.AssignmentsOf(ctx, annaP.WorkspaceID, annaP.ID, 10)
		for _, a := range list {
			if a.TaskKey == "sql" {
				if _, err := b.Store.MarkDone(ctx, a.WorkspaceID, a.ID, a.PersonID); err != nil {
					t.Fatal(err)
				}
			}
		}
		now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

		order := func(r *bot.Reply) []string {
			var keys []string
			for _, it := range r.Items {
				keys = append(keys, it.Line())
			}
			return keys
		}
		// git (overdue) before go (Dec 10) before rust (no date), done last.
		want := []string{"[ ] Git basics (git)", "[ ] Go (go)", "[ ] Rust (rust)", "[x] SQL (sql)"}
		for name, r := range map[string]*bot.Reply{"tasks": run(t, b, anna, "tasks"), "home": home(t, b, "anna")} {
			lines := order(r)
			if len(lines) != 4 {
				t.Fatalf("%s: %q", name, r.String())
			}
			for i, w := range want {
				if !strings.HasPrefix(lines[i], w) {
					t.Fatalf("%s: line %d = %q; want %q first (order %q)", name, i, lines[i], w, lines)
				}
			}
			if !strings.Contains(lines[0], "3 days overdue") || !strings.Contains(lines[1], "due Thursday, December 10") {
				t.Fatalf("%s: %q; want the dates in the reader's terms", name, lines)
			}
			if strings.Contains(lines[2], "due") || strings.Contains(lines[3], "due") {
				t.Fatalf("%s: %q; no date on a task without one, nor on a done one", name, lines)
			}
		}
		p := run(t, b, gina, "progress git")
		mustSay(t, p, "anna (3 days overdue)", "ben (3 days overdue)", "Overdue (2): anna, ben")
		if strings.Contains(p.String(), "cleo (") {
			t.Fatalf("progress %q: cleo has no due date", p.String())
		}
	})
}

func mustPerson(t *testing.T, b *testbot.Bot, chatID string) *storage.Person {
	t.Helper()
	p, err := b.Store.PersonByChat(context.Background(), model.PlatformConsole, "console", chatID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func home(t *testing.T, b *testbot.Bot, chatID string) *bot.Reply {
	t.Helper()
	r, err := b.Handlers.Home(context.Background(), model.PlatformConsole, "console", model.User{ID: chatID})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDueTomorrowOneDM: assign ... due tomorrow sends one DM, the
// assignment's, and it names the due date; no reminder comes beside it.
func TestDueTomorrowOneDM(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		b.Store.SetClock(func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) })
		mustSay(t, run(t, b, gina, "task add git Git basics"), "git")
		mustSay(t, run(t, b, gina, "assign git @anna due tomorrow"), "Due Tuesday, December 1")
		mustSay(t, run(t, b, gina, "assign git @ben due 2026-12-10"), "Due Thursday, December 10")
		b.WaitJobs(t)
		for who, want := range map[string]string{"anna": "It is due tomorrow.", "ben": "It is due Thursday, December 10."} {
			dms := in.to(who)
			if len(dms) != 1 || !strings.HasPrefix(dms[0].String(), "New learning task from gina") || !strings.Contains(dms[0].String(), want) {
				t.Errorf("%s's DMs = %v; want one, the assignment's, saying %q", who, dms, want)
			}
		}
	})
}
