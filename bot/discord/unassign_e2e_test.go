package discord_test

import (
	"reflect"
	"testing"

	"github.com/learnbot/learnbot/internal/testbot"
)

// TestUnassignAndHistoryEndToEnd: /unassign (task autocomplete, targets)
// and /history (of: a task key or a mention) through the Discord endpoint
// against the real core; learners get neither keys nor history.
func TestUnassignAndHistoryEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, b := coreEnv(t, db)
		ben := member{ID: "700000000000000003", Username: "ben"}
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git-basics"), str("title", "Git basics"))), 4, "git-basics")
		expect(t, e, slash(testGuild, guide, "assign", str("task", "git-basics"),
			str("targets", "<@"+learner.ID+"> <@"+ben.ID+">")), 4, "Assigned", "2 people")
		b.WaitJobs(t)

		complete := func(by member) []string {
			t.Helper()
			i := slash(testGuild, by, "unassign", focused("task", "git"), str("targets", ""))
			i["type"] = 4
			r := e.interact(t, i)
			var keys []string
			for _, c := range r.Data.Choices {
				keys = append(keys, c.Value)
			}
			return keys
		}
		if got := complete(guide); !reflect.DeepEqual(got, []string{"git-basics"}) {
			t.Errorf("/unassign autocomplete for the admin = %q", got)
		}
		if got := complete(learner); len(got) != 0 {
			t.Errorf("/unassign autocomplete for a learner = %q", got)
		}

		expect(t, e, slash(testGuild, learner, "unassign", str("task", "git-basics"), str("targets", "<@"+ben.ID+">")),
			4, "You need the guide role")
		expect(t, e, slash(testGuild, guide, "unassign", str("task", "git-basics"),
			str("targets", "<@"+learner.ID+"> <@"+ben.ID+">")), 4, "Unassigned Git basics (git-basics) from 2 people")
		expect(t, e, slash(testGuild, learner, "tasks"), 4, "no tasks")

		expect(t, e, slash(testGuild, guide, "history", str("of", "git-basics")), 4,
			"History of git-basics", "Gina unassigned git-basics from 2 people", "Gina assigned git-basics to 2 people",
			"Gina added the task git-basics")
		expect(t, e, slash(testGuild, guide, "history", str("of", "<@"+guide.ID+">")), 4, "History of Gina")
		expect(t, e, slash(testGuild, learner, "history", str("of", "git-basics")), 4, "You need the guide role")
	})
}
