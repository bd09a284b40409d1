package discord_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testbot"
)

// TestDigestAndNudgeEndToEnd: /digest how:now sends the guide a digest DM
// through Discord with a Nudge overdue button; pressed in the DM by the
// guide it nudges the overdue learner (once that day); /nudge what:<task>
// counts sent and skipped.
func TestDigestAndNudgeEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, b := coreEnv(t, db)
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		b.Store.SetClock(func() time.Time { return now })
		e.fake.setMembers(testGuild, guide.JSON(), learner.JSON())
		expect(t, e, slash(testGuild, guide, "digest"), 4, "every Monday at 09:00")
		expect(t, e, slash(testGuild, guide, "digest", str("how", "now")), 4, "Nothing you assigned is open")
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git basics"))), 4, "Added the task git")
		expect(t, e, slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@"+learner.ID+">"), str("due", "tomorrow")),
			4, "Assigned")
		b.WaitJobs(t)
		e.fake.waitFor(t, 1, "POST", "/channels/9"+learner.ID+"/messages")

		now = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) // a day overdue
		expect(t, e, slash(testGuild, guide, "digest", str("how", "now")), 4, "Your digest is on its way")
		b.WaitJobs(t)
		dms := e.fake.waitFor(t, 1, "POST", "/channels/9"+guide.ID+"/messages")
		var dm struct {
			Content    string      `json:"content"`
			Components []actionRow `json:"components"`
		}
		json.Unmarshal(dms[0].Body, &dm)
		if !strings.Contains(dm.Content, "Your digest: 1 task") || !strings.Contains(dm.Content, "overdue 1, Overdue: <@"+learner.ID+">") ||
			!strings.Contains(dm.Content, "/reports/") || len(dm.Components) != 1 || dm.Components[0].Components[0].Label != "Nudge overdue" {
			t.Fatalf("digest DM = %s", dms[0].Body)
		}
		button := dm.Components[0].Components[0].CustomID
		if !strings.HasPrefix(button, "dm:"+testGuild+":nudge:") {
			t.Fatalf("button ID = %q", button)
		}
		expect(t, e, press("", learner, button), 4, "You need the guide role")
		expect(t, e, press("", guide, button), 4, "1 reminded now, 0 skipped")
		b.WaitJobs(t)
		// The assignment (which names its due date: the reminder two days
		// before, whose moment had passed, is not sent beside it) and the
		// nudge. The overdue reminder may come too: the reminder scan runs
		// when the queue's leader is elected, which under load can be after
		// the clock moved to December 3.
		sent := e.fake.waitFor(t, 2, "POST", "/channels/9"+learner.ID+"/messages")
		var nudged, others int
		var bodies []string
		for _, c := range sent {
			body := string(c.Body)
			bodies = append(bodies, body)
			switch {
			case strings.Contains(body, "A nudge from your guide: Git basics (git)"):
				nudged++
			case strings.Contains(body, "1 day overdue (it was due"):
			default:
				others++
			}
		}
		if nudged != 1 || others != 1 {
			t.Fatalf("%d nudge DMs and %d others (want 1 each: the nudge and the assignment's): %q", nudged, others, bodies)
		}
		expect(t, e, slash(testGuild, guide, "nudge", str("what", "git")), 4, "0 reminded now, 1 skipped")
	})
}
