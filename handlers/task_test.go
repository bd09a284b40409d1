package handlers_test

import (
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

func TestTaskEdit(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina", "slack:U1"))
		says(t, b, gina, "task add git Git basics https://learn.example.com/git", "Added the task git")
		t.Run("TitleKeepsLink", func(t *testing.T) {
			says(t, b, gina, "task edit git Git in depth", "Changed the task git: Git in depth. Link: https://learn.example.com/git")
		})
		t.Run("TitleAndLink", func(t *testing.T) {
			says(t, b, gina, "task edit GIT Git, part 1 https://learn.example.com/git-1",
				"Changed the task git: Git, part 1. Link: https://learn.example.com/git-1")
			says(t, b, gina, "task list", "git: Git, part 1, held by 0 learners https://learn.example.com/git-1")
		})
		for _, c := range []struct{ name, line, want string }{
			{"UnknownTask", "task edit nope New title", `There is no task "nope"`},
			{"MissingTitle", "task edit git", "Name the task by its key and give its new title"},
			{"OnlyALink", "task edit git https://learn.example.com/x", "The task needs a title, not only a link"},
			{"BadLink", "task edit git Title https://", `"https://" is not a valid link`},
		} {
			t.Run(c.name, func(t *testing.T) {
				says(t, b, gina, c.line, c.want, "/task edit <key> <title...> [<url>]")
				says(t, b, gina, "task list", "git: Git, part 1, held by 0 learners https://learn.example.com/git-1")
			})
		}
		t.Run("LearnerRefused", func(t *testing.T) {
			says(t, b, anna, "task edit git Hijacked", "You need the guide role")
			says(t, b, gina, "task list", "git: Git, part 1")
		})
		t.Run("OtherWorkspaceCannotSeeIt", func(t *testing.T) {
			if r := inOtherWorkspace(b, "task edit git Stolen"); !strings.Contains(r, `There is no task "git"`) {
				t.Fatalf("edit from another workspace: %q", r)
			}
			says(t, b, gina, "task list", "git: Git, part 1")
		})
		t.Run("OneEventPerEdit", func(t *testing.T) {
			if counts, _ := eventCounts(t, b); counts[storage.EventTaskEdit] != 2 {
				t.Errorf("task_edit events = %d; want 2, none for the refused edits (%v)", counts[storage.EventTaskEdit], counts)
			}
			says(t, b, gina, "history git", "gina changed the task git: Git, part 1,", "gina changed the task git: Git in depth,")
		})
	})
}

// TestTaskArchive: an archived task leaves task list, assign (a clear error
// naming task restore, also for a prompt pressed after archiving) and
// autocomplete; its assignments stay; restore brings everything back.
func TestTaskArchive(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: &inbox{}}, testbot.Admins("console:gina", "slack:U1"))
		says(t, b, gina, "task add git Git basics", "Added")
		says(t, b, gina, "task add go Go tour", "Added")
		says(t, b, gina, "assign git @anna", "Assigned")
		prompt := says(t, b, gina, "assign git @anna @ben", "already assigned")

		says(t, b, gina, "task archive git", "Archived the task git", "/task restore git")
		says(t, b, gina, "task archive git", "The task git is archived already")
		if r := says(t, b, gina, "task list", "1 task:", "go: Go tour"); strings.Contains(r.String(), "git") {
			t.Errorf("task list shows the archived task: %q", r.String())
		}
		if ks := completions(t, b, "g"); len(ks) != 1 || ks[0] != "go" {
			t.Errorf("autocomplete = %v; want only go", ks)
		}
		says(t, b, gina, "assign git @ben", "The task git is archived", "Restore it with /task restore git first")
		says(t, b, gina, "progress git", "anna") // the assignment stays, progress still answers
		r := press(t, b, gina, "Force reassignment", prompt)
		if !strings.Contains(r.String(), "The task git is archived") {
			t.Errorf("Force pressed after archiving: %q", r.String())
		}
		if r := says(t, b, anna, "tasks", "Git basics"); len(r.AllButtons()) != 1 {
			t.Errorf("anna's tasks = %+v; want her open assignment kept with Mark done", r)
		}
		says(t, b, anna, "task archive go", "You need the guide role")
		if r := inOtherWorkspace(b, "task restore git"); !strings.Contains(r, `There is no task "git"`) {
			t.Errorf("restore from another workspace: %q", r)
		}

		says(t, b, gina, "task restore git", "Restored the task git")
		says(t, b, gina, "task restore git", "The task git is not archived")
		says(t, b, gina, "task list", "2 tasks:", "git: Git basics")
		if ks := completions(t, b, "g"); len(ks) != 2 {
			t.Errorf("autocomplete after restore = %v", ks)
		}
		says(t, b, gina, "assign git @ben", "Assigned Git basics (git) to 1 person: ben")
		says(t, b, gina, "task archive", "Name the task by its key")
		says(t, b, gina, "task archive git go", "A task key is one word")
		says(t, b, gina, "task restore nope", `There is no task "nope"`)
		counts, _ := eventCounts(t, b)
		if counts[storage.EventTaskArchive] != 1 || counts[storage.EventTaskRestore] != 1 {
			t.Errorf("events = %v; want one archive and one restore (repeats and refusals record nothing)", counts)
		}
		says(t, b, gina, "history git", "gina restored the task git,", "gina archived the task git,")
	})
}

func TestGroupRename(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina", "slack:U1"))
		says(t, b, gina, "group create cohort-7", "Created")
		says(t, b, gina, "group add cohort-7 @anna @ben", "Added 2 people")
		says(t, b, gina, "group create cohort-8", "Created")
		says(t, b, gina, "group rename Cohort-7 spring", "Renamed the group cohort-7 to spring")
		says(t, b, gina, "group show spring", "spring (2 members): anna, ben")
		says(t, b, gina, "group show cohort-7", `There is no group "cohort-7"`)
		for _, c := range []struct{ name, line, want string }{
			{"NameTaken", "group rename spring cohort-8", "The group cohort-8 exists already"},
			{"UnknownGroup", "group rename nope x", `There is no group "nope"`},
			{"BadNewName", "group rename spring Bad!Name", "is not a valid group name"},
			{"MissingNewName", "group rename spring", "Name the group and its new name"},
			{"TooManyWords", "group rename spring a b", "Name the group and its new name"},
		} {
			t.Run(c.name, func(t *testing.T) {
				says(t, b, gina, c.line, c.want)
				says(t, b, gina, "group list", "2 groups:", "spring: 2 members", "cohort-8: 0 members")
			})
		}
		t.Run("LearnerRefused", func(t *testing.T) {
			says(t, b, anna, "group rename spring mine", "You need the guide role")
		})
		t.Run("OtherWorkspaceCannotSeeIt", func(t *testing.T) {
			if r := inOtherWorkspace(b, "group rename spring mine"); !strings.Contains(r, `There is no group "spring"`) {
				t.Fatalf("rename from another workspace: %q", r)
			}
		})
		says(t, b, gina, "group list", "spring: 2 members")
		if counts, _ := eventCounts(t, b); counts[storage.EventGroupRename] != 1 {
			t.Errorf("group_rename events = %d; want 1 (%v)", counts[storage.EventGroupRename], counts)
		}
		says(t, b, gina, "history @gina", "gina renamed the group cohort-7 to spring,")
		says(t, b, gina, "help", "/group rename <name> <new-name>", "/task edit <key> <title...> [<url>]",
			"/task archive <key>", "/task restore <key>")
	})
}
