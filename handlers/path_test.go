package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// TestPathAndRuleCommands: the path and auto commands as a guide types
// them, and the bad input of issue 24 refused with nothing written, on
// both databases.
func TestPathAndRuleCommands(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"))
		says(t, b, gina, "task add git Git basics", "Added the task git")
		says(t, b, gina, "task add sql SQL basics", "Added the task sql")
		says(t, b, gina, "path create onboarding First two weeks", "Path onboarding created: First two weeks.")
		says(t, b, gina, "path add onboarding git due 3d", "Git basics (git) is step 1 of onboarding, released on day 0. It is due 3 days after its release.")
		says(t, b, gina, "path add onboarding sql day 7", "SQL basics (sql) is step 2 of onboarding, released on day 7.")
		says(t, b, gina, "group create cohort-7", "Created the group cohort-7")

		for _, c := range []struct{ name, line, want string }{
			{"NameTakenByTask", "path create git Git", "git is already the name of a task or a path"},
			{"TaskNamedAsPath", "task add onboarding Onboarding", "onboarding is already the name of a task or a path"},
			{"UnknownPath", "path add nope git", `There is no path "nope"`},
			{"UnknownTask", "path add onboarding nope", `There is no task "nope"`},
			{"DayBelowZero", "path add onboarding sql day -1", `"-1" is not a day`},
			{"BadDueOffset", "path add onboarding sql due soon", `"soon" is not a due offset`},
			{"StrayWord", "path add onboarding sql later", `"later" is not understood here`},
			{"UnknownWhat", "auto nope cohort-7", `"nope" is not a task or a path`},
			{"UnknownSource", "auto git no-such-group", `"no-such-group" is not a source`},
			{"PersonIsNoSource", "auto git @anna", `"@anna" is not a source`},
			{"BadPeriod", "auto git cohort-7 every 3x", `"3x" is not a period`},
			{"PathHasNoDueOffset", "auto onboarding cohort-7 due 1w", "A path’s steps carry their own due dates"},
			{"UnknownRule", "auto remove 42", `There is no rule "42"`},
		} {
			t.Run(c.name, func(t *testing.T) {
				says(t, b, gina, c.line, c.want)
				says(t, b, gina, "path show onboarding", "onboarding (First two weeks): 2 steps; 0 enrolled")
				says(t, b, gina, "auto list", "No rules yet")
			})
		}
		t.Run("ArchiveAndRestore", func(t *testing.T) {
			says(t, b, gina, "path archive onboarding", "Path onboarding archived")
			says(t, b, gina, "path archive onboarding", "Path onboarding is archived already.")
			says(t, b, gina, "path list", "onboarding (First two weeks): 2 steps", "(archived)")
			says(t, b, gina, "assign onboarding @zoe", "The path onboarding is archived")
			says(t, b, gina, "path restore onboarding", "Path onboarding restored.")
			says(t, b, gina, "path restore onboarding", "Path onboarding is not archived.")
		})
		t.Run("LearnerRefused", func(t *testing.T) {
			says(t, b, anna, "path create mine Mine", "You need the guide role")
			says(t, b, anna, "auto git cohort-7", "You need the guide role")
			says(t, b, gina, "path list", "onboarding (First two weeks): 2 steps")
			says(t, b, gina, "auto list", "No rules yet")
		})
		t.Run("RuleOnGroupAdd", func(t *testing.T) {
			says(t, b, gina, "auto onboarding cohort-7", "Rule #1: whoever joins cohort-7 is enrolled in onboarding.")
			says(t, b, gina, "group add cohort-7 @ben", "Added 1 person to cohort-7")
			says(t, b, gina, "progress onboarding", "onboarding (First two weeks): 1 person enrolled.", "ben: 0 of 1 released steps done")
			says(t, b, model.User{ID: "ben", Name: "ben"}, "tasks", "Git basics (git)", "Next in onboarding: SQL basics (sql)")
			says(t, b, gina, "group remove cohort-7 @ben", "Removed")
			says(t, b, gina, "group add cohort-7 @ben", "Added 1 person to cohort-7")
			says(t, b, gina, "auto list", "#1: whoever joins cohort-7 is enrolled in onboarding; served 1")
		})
		t.Run("EnrolAndPrompt", func(t *testing.T) {
			says(t, b, gina, "assign onboarding @ben @cleo", "onboarding already has 1 of the 2 people you chose enrolled: ben.")
			r := says(t, b, gina, "assign onboarding cohort-7 @dora", "already has 1 of the 2 people you chose")
			show := ""
			for _, btn := range r.AllButtons() {
				if strings.Contains(btn.ID, ":show_groups:") {
					show = btn.ID
				}
			}
			if show == "" {
				t.Fatalf("no Show selected groups button: %+v", r.AllButtons())
			}
			if got := b.Press("console", "console", anna, show).String(); !strings.Contains(got, "You need the guide role") {
				t.Fatalf("someone else's press: %q", got)
			}
			if got := b.Press("console", "console", gina, show).String(); !strings.Contains(got, "Selected groups for onboarding") ||
				!strings.Contains(got, "ben *") {
				t.Fatalf("Show selected groups: %q", got)
			}
			says(t, b, gina, "report", "Path onboarding (First two weeks): 1 enrolled, 0 finished, 0 behind")
			says(t, b, gina, "nudge onboarding", "Nobody is overdue on First two weeks (onboarding).")
			// Ten days on, ben's first step (due 3 days after day 0) is overdue.
			b.Store.SetClock(func() time.Time { return time.Now().Add(10 * 24 * time.Hour) })
			defer b.Store.SetClock(time.Now)
			says(t, b, gina, "nudge onboarding", "Nudged on First two weeks (onboarding): 1 reminded now, 0 skipped")
			says(t, b, gina, "nudge onboarding", "0 reminded now, 1 skipped")
			says(t, b, gina, "unassign onboarding @ben @dora", "Ended 1 enrolment in onboarding: ben.", "1 named was not enrolled: dora.")
		})
	})
}

// TestDigestNamesPaths: a guide's digest has a line per path they enrolled
// people in, beside the tasks (whose counts hold the paths' steps).
func TestDigestNamesPaths(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		in := &inbox{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformConsole: in}, testbot.Admins("console:gina"))
		says(t, b, gina, "task add git Git basics", "Added the task git")
		says(t, b, gina, "path create onboarding First two weeks", "Path onboarding created")
		says(t, b, gina, "path add onboarding git due 3d", "step 1 of onboarding")
		says(t, b, gina, "assign onboarding @ben", "Enrolled 1 person in onboarding: ben.")
		says(t, b, gina, "digest now", "Your digest is on its way")
		b.WaitJobs(t)
		var items []string
		for _, m := range in.to("gina") {
			if strings.HasPrefix(m.Reply.Text, "Your digest") {
				for _, it := range m.Reply.Items {
					items = append(items, it.Text)
				}
			}
		}
		if strings.Join(items, "|") != "Git basics (git)|Path onboarding (First two weeks): 1 enrolled, 0 finished, 0 behind" {
			t.Fatalf("digest items %q", items)
		}
	})
}
