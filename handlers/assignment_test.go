package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// TestUnassign: unassign removes the targets' open assignments (groups
// expanded), names who had none, sends no DM, asks the Homes of those who
// lost one to refresh, writes one event for the set, and counts nowhere
// after: progress, tasks, and a new assign (no duplicate prompt).
func TestUnassign(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina", "console:olga"))
		for _, cmd := range []string{"task add git Git basics", "group create cohort-7", "group add cohort-7 @anna @ben @cleo",
			"assign git cohort-7", "assign git @dan"} {
			if r := run(t, b, gina, cmd); strings.Contains(r.String(), "Usage") {
				t.Fatalf("%s: %s", cmd, r.String())
			}
		}
		b.WaitJobs(t)
		annaDM := in.to("anna")[0]

		t.Run("Refusals", func(t *testing.T) {
			_, before := eventCounts(t, b)
			if r := run(t, b, anna, "unassign git @ben"); !strings.Contains(r.String(), "You need the guide role") {
				t.Fatalf("a learner unassigned: %q", r.String())
			}
			if r := run(t, b, gina, "unassign git zed@example.com"); !strings.Contains(r.String(), "Nobody with the email zed@example.com") {
				t.Fatalf("unknown email: %q", r.String())
			}
			if r := run(t, b, gina, "unassign git"); !strings.Contains(r.String(), "Usage: /unassign") {
				t.Fatalf("no targets: %q", r.String())
			}
			olga := model.User{ID: "olga", Name: "olga"}
			req := line(olga, "unassign git @anna")
			req.Workspace = "elsewhere"
			if r := b.Router.Handle(context.Background(), req); !strings.Contains(r.String(), `There is no task "git"`) {
				t.Fatalf("another workspace's admin: %q", r.String())
			}
			if _, after := eventCounts(t, b); after != before {
				t.Fatalf("refused unassigns wrote %d events", after-before)
			}
			if p := run(t, b, gina, "progress git"); !strings.Contains(p.String(), "4 people hold it") {
				t.Fatalf("refused unassigns changed assignments: %q", p.String())
			}
		})

		t.Run("GroupAndPeople", func(t *testing.T) {
			r := run(t, b, gina, "unassign git cohort-7 @dan @zoe")
			if r.Text != "Unassigned Git basics (git) from 4 people: anna, ben, cleo, dan." ||
				len(r.Items) != 1 || r.Items[0].Text != "1 named holds no open assignment of it: zoe." {
				t.Fatalf("unassign: %q", r.String())
			}
			var homes []string
			for _, u := range r.Homes {
				homes = append(homes, u.ID)
			}
			if strings.Join(homes, " ") != "anna ben cleo dan" {
				t.Fatalf("Homes to refresh: %v", homes)
			}
			b.WaitJobs(t)
			for _, u := range []string{"anna", "ben", "cleo", "dan"} {
				if n := len(in.to(u)); n != 1 {
					t.Fatalf("%s got %d DMs; unassign sends none", u, n)
				}
			}
			if p := run(t, b, gina, "progress git"); !strings.Contains(p.String(), "Nobody holds") {
				t.Fatalf("progress after unassign: %q", p.String())
			}
			if tasks := run(t, b, anna, "tasks"); tasks.String() != "You have no tasks yet." {
				t.Fatalf("anna's tasks after unassign: %q", tasks.String())
			}
			if l := run(t, b, gina, "task list"); !strings.Contains(l.String(), "0 learners") {
				t.Fatalf("task list counts removed assignments: %q", l.String())
			}
			counts, _ := eventCounts(t, b)
			if counts[storage.EventUnassign] != 1 {
				t.Fatalf("unassign events = %d; want 1 for the set", counts[storage.EventUnassign])
			}
			h := run(t, b, gina, "history git")
			if h.Items[0].Text != "gina unassigned git from 4 people (anna, ben, cleo, dan) (1 person named held nothing open)." {
				t.Fatalf("history: %q", h.Items[0].Text)
			}
		})

		t.Run("RemovedCountsNowhere", func(t *testing.T) {
			if r := press(t, b, anna, "Mark done", &bot.Reply{Buttons: annaDM.Buttons}); !strings.Contains(r.String(), "no longer assigned") {
				t.Fatalf("Mark done on a removed assignment: %q", r.String())
			}
			if r := run(t, b, gina, "assign git @anna"); !strings.Contains(r.String(), "Assigned Git basics (git) to 1 person: anna") {
				t.Fatalf("assign after unassign asked about duplicates: %q", r.String())
			}
			if r := run(t, b, gina, "unassign git @ben"); r.Text != "Nothing was unassigned: nobody named holds Git basics (git) open." ||
				len(r.Homes) != 0 {
				t.Fatalf("second unassign: %+v", r)
			}
		})

		t.Run("LargeGroupOneEvent", func(t *testing.T) {
			ctx := context.Background()
			users := make([]model.User, 600)
			for i := range users {
				users[i] = model.User{ID: fmt.Sprintf("u%03d", i), Name: fmt.Sprintf("u%03d", i)}
			}
			gina, err := b.Store.PersonByChat(ctx, model.PlatformConsole, "console", "gina")
			if err != nil {
				t.Fatal(err)
			}
			people, err := b.Store.EnsurePeople(ctx, gina.WorkspaceID, users)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(people))
			for i, p := range people {
				ids[i] = p.ID
			}
			g, err := b.Store.CreateGroup(ctx, gina.WorkspaceID, "big", gina.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Store.AddMembers(ctx, g, ids, gina.ID); err != nil {
				t.Fatal(err)
			}
			task := &storage.Task{WorkspaceID: gina.WorkspaceID, Key: "big", Title: "Big"}
			if err := b.Store.CreateTask(ctx, task, gina.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Store.Assign(ctx, storage.AssignParams{WorkspaceID: gina.WorkspaceID, TaskID: task.ID, GuideID: gina.ID,
				GroupIDs: []int64{g.ID}}); err != nil {
				t.Fatal(err)
			}
			_, before := eventCounts(t, b)
			res, err := b.Store.Unassign(ctx, storage.UnassignParams{WorkspaceID: gina.WorkspaceID, TaskID: task.ID, GuideID: gina.ID,
				GroupIDs: []int64{g.ID}})
			if err != nil || res.Removed != 600 || len(res.Names) != 10 || len(res.Learners) != 600 {
				t.Fatalf("Unassign of 600 = removed %d, %d names, %d learners, %v", res.Removed, len(res.Names), len(res.Learners), err)
			}
			if _, after := eventCounts(t, b); after != before+1 {
				t.Fatalf("unassigning 600 wrote %d events; want 1", after-before)
			}
		})
	})
}

// TestUndo: after Mark done the outcome carries Undo, which reopens the
// assignment for its learner only and only while it is done; a second Undo
// says so and changes nothing.
func TestUndo(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina", "console:olga"))
		run(t, b, gina, "task add git Git basics")
		run(t, b, gina, "assign git @anna")
		b.WaitJobs(t)
		done := press(t, b, anna, "Mark done", &bot.Reply{Buttons: in.to("anna")[0].Buttons})
		if !done.Replace || len(done.Buttons) != 1 || done.Buttons[0].Label != "Undo" {
			t.Fatalf("Mark done outcome: %+v", done)
		}

		t.Run("OnlyItsLearner", func(t *testing.T) {
			if r := press(t, b, gina, "Undo", done); r.Replace || !strings.Contains(r.String(), "assigned to someone else") {
				t.Fatalf("Undo by the guide: %+v", r)
			}
			olga := model.User{ID: "olga", Name: "olga"}
			r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "elsewhere",
				Actor: olga, Action: &bot.Action{ID: done.Buttons[0].ID}})
			if !strings.Contains(r.String(), "no longer assigned") {
				t.Fatalf("Undo from another workspace: %+v", r)
			}
			if tasks := run(t, b, anna, "tasks"); !strings.Contains(tasks.String(), "[x] Git basics") {
				t.Fatalf("refused Undos reopened it: %q", tasks.String())
			}
		})

		t.Run("Reopens", func(t *testing.T) {
			r := press(t, b, anna, "Undo", done)
			if !r.Replace || r.Text != "Reopened: Git basics (git) is open again." || len(r.Buttons) != 1 || r.Buttons[0].Label != "Mark done" {
				t.Fatalf("Undo: %+v", r)
			}
			tasks := run(t, b, anna, "tasks")
			if !strings.Contains(tasks.String(), "[ ] Git basics") || len(tasks.AllButtons()) != 1 {
				t.Fatalf("tasks after Undo: %+v", tasks)
			}
			if p := run(t, b, gina, "progress git"); !strings.Contains(p.String(), "0 done") {
				t.Fatalf("progress after Undo: %q", p.String())
			}
		})

		t.Run("SecondUndo", func(t *testing.T) {
			_, before := eventCounts(t, b)
			r := press(t, b, anna, "Undo", done)
			if r.Replace || r.String() != "Git basics (git) is not marked done, so there is nothing to undo." {
				t.Fatalf("second Undo: %+v", r)
			}
			if _, after := eventCounts(t, b); after != before {
				t.Fatalf("a second Undo wrote %d events", after-before)
			}
			counts, _ := eventCounts(t, b)
			if counts[storage.EventUndo] != 1 || counts[storage.EventDone] != 1 {
				t.Fatalf("events: %v", counts)
			}
			if h := run(t, b, gina, "history git"); h.Items[0].Text != "anna reopened git (Undo after Mark done)." {
				t.Fatalf("history: %q", h.String())
			}
		})

		t.Run("GermanLabel", func(t *testing.T) {
			de := model.User{ID: "anna", Name: "anna", Lang: catalog.Lang("de")}
			r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: de, Action: &bot.Action{ID: in.to("anna")[0].Buttons[0].ID}})
			if len(r.Buttons) != 1 || r.Buttons[0].Label != "Rückgängig" {
				t.Fatalf("German Mark done outcome: %+v", r)
			}
		})
	})
}

// TestHelpListsChores: help shows unassign and history to guides, with
// their usage, and not to learners.
func TestHelpListsChores(t *testing.T) {
	b := testbot.New(t, "sqlite", nil, testbot.Admins("console:gina"))
	help := run(t, b, gina, "help").String()
	for _, want := range []string{"/unassign <task> <target>...", "/history <task|member|email>", "/invite <email>... [learner|guide|admin]"} {
		if !strings.Contains(help, want) {
			t.Errorf("help for an admin lacks %q:\n%s", want, help)
		}
	}
	if h := run(t, b, gina, "help unassign").String(); !strings.Contains(h, "unassign git-basics @anna cohort-7") {
		t.Errorf("help unassign: %q", h)
	}
	if h := run(t, b, anna, "help").String(); strings.Contains(h, "/unassign") || strings.Contains(h, "/history") {
		t.Errorf("help for a learner lists guide commands:\n%s", h)
	}
}
