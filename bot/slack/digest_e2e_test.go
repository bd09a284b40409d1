package slack_test

import (
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
)

// TestDigestAndNudgeEndToEnd: /learn digest now sends the guide a digest DM
// through Slack with a Nudge overdue button; the guide's press nudges the
// overdue learner, and /learn nudge then counts the nudge as skipped.
func TestDigestAndNudgeEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		b.Store.SetClock(func() time.Time { return now })
		reply := func(user, text string, want string) {
			t.Helper()
			r := env.command(t, user, "/learn", text)
			if r == nil {
				r = &inlineReply{}
				p := lastPost(t, env.fake)
				r.Blocks = p.Blocks
			}
			if got := fakeslack.TextOf(r.Blocks); !strings.Contains(got, want) {
				t.Fatalf("%s: reply %q does not say %q", text, got, want)
			}
		}
		reply("UG", "digest now", "Nothing you assigned is open")
		reply("UG", "task add git Git basics", "git")
		reply("UG", "assign git <@U1|anna> due tomorrow", "Assigned")
		b.WaitJobs(t)

		now = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
		reply("UG", "digest now", "Your digest is on its way")
		b.WaitJobs(t)
		var digest *fakeslack.Message
		for _, m := range env.fake.DMs() {
			if strings.Contains(fakeslack.TextOf(m.Blocks), "Your digest: 1 task") {
				digest = &m
			}
		}
		if digest == nil {
			t.Fatalf("no digest among %d DMs", len(env.fake.DMs()))
		}
		// The fields (figures, the overdue by name) are in the message's
		// text as well as in its section's fields.
		if !strings.Contains(digest.Text, "overdue 1, Overdue: Anna D") || !strings.Contains(fakeslack.TextOf(digest.Blocks), "/reports/") {
			t.Fatalf("digest = %q", digest.Text)
		}
		buttons := fakeslack.ButtonsOf(digest.Blocks)
		if len(buttons) != 1 || buttons[0].Label != "Nudge overdue" || !strings.HasPrefix(buttons[0].Value, "nudge:") {
			t.Fatalf("digest buttons = %+v", buttons)
		}
		env.press(t, "UG", buttons[0].Value, env.fake.responseURL("digest"), false)
		if got := fakeslack.TextOf(lastPost(t, env.fake).Blocks); !strings.Contains(got, "1 reminded now, 0 skipped") {
			t.Fatalf("press: %q", got)
		}
		b.WaitJobs(t)
		nudged := 0
		for _, m := range env.fake.DMs() {
			if strings.Contains(fakeslack.TextOf(m.Blocks), "A nudge from your guide: Git basics (git)") {
				nudged++
			}
		}
		if nudged != 1 {
			t.Fatalf("%d nudges sent; want 1", nudged)
		}
		reply("UG", "nudge git", "0 reminded now, 1 skipped")
	})
}
