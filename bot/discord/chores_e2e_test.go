package discord_test

import (
	"reflect"
	"testing"

	"github.com/learnbot/learnbot/internal/testbot"
)

// TestTaskAndGroupChoresEndToEnd runs /task edit, archive and restore and
// /group rename as Discord sends them (subcommands with named options)
// through the real core: an archived task leaves autocomplete and assign.
func TestTaskAndGroupChoresEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, _ := coreEnv(t, db)
		keys := func() []choice {
			t.Helper()
			ac := e.interact(t, autocomplete("assign", focused("task", "g"), str("targets", "")))
			if ac.Type != 8 {
				t.Fatalf("autocomplete = %+v", ac)
			}
			return ac.Data.Choices
		}
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git basics"))), 4, "Added the task git")
		expect(t, e, slash(testGuild, guide, "task", sub("edit", str("key", "git"), str("title", "Git in depth"),
			str("url", "https://learn.test/git"))), 4, "Changed the task git: Git in depth. Link: https://learn.test/git")

		expect(t, e, slash(testGuild, guide, "task", sub("archive", str("key", "git"))), 4, "Archived the task git", "/task restore git")
		if got := keys(); len(got) != 0 {
			t.Errorf("autocomplete offers an archived task: %+v", got)
		}
		expect(t, e, slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@"+learner.ID+">")),
			4, "The task git is archived", "/task restore git")
		expect(t, e, slash(testGuild, learner, "task", sub("restore", str("key", "git"))), 4, "You need the guide role")
		expect(t, e, slash(testGuild, guide, "task", sub("restore", str("key", "git"))), 4, "Restored the task git")
		if got := keys(); !reflect.DeepEqual(got, []choice{{"git", "git"}}) {
			t.Errorf("autocomplete after restore = %+v", got)
		}

		expect(t, e, slash(testGuild, guide, "group", sub("create", str("name", "cohort-7"))), 4, "cohort-7")
		expect(t, e, slash(testGuild, guide, "group", sub("rename", str("name", "cohort-7"), str("new_name", "spring"))),
			4, "Renamed the group cohort-7 to spring")
		expect(t, e, slash(testGuild, guide, "group", sub("show", str("name", "spring"))), 4, "spring has no members yet")
	})
}
