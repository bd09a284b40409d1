package slack_test

import (
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
)

// TestUnassignEndToEnd: /learn unassign through the Slack endpoints takes a
// task back without a DM, and the learner's open App Home is republished
// without it.
func TestUnassignEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		env.command(t, "UG", "/learn", "task add git Git basics")
		if status, _ := env.post(t, "/slack/events", "application/json",
			`{"type":"event_callback","team_id":"T1","event_id":"EvHomeU1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`,
			testSecret, testNow, nil); status != 200 {
			t.Fatalf("event: status %d", status)
		}
		env.command(t, "UG", "/assign", "git <@U1|anna>")
		b.WaitJobs(t)
		eventually(t, "U1's Home shows the task", func() bool {
			v := lastView(env.fake, "U1")
			return v != nil && strings.Contains(fakeslack.TextOf(v.View.Blocks), "Git basics")
		})
		r := env.command(t, "UG", "/learn", "unassign git <@U1|anna>")
		if r == nil || !strings.Contains(fakeslack.TextOf(r.Blocks), "Unassigned Git basics (git) from 1 person: Anna D") {
			t.Fatalf("unassign reply: %+v", r)
		}
		eventually(t, "U1's Home without the task", func() bool {
			v := lastView(env.fake, "U1")
			return v != nil && !strings.Contains(fakeslack.TextOf(v.View.Blocks), "Git basics")
		})
		b.WaitJobs(t)
		if n := len(env.fake.DMs()); n != 1 {
			t.Fatalf("%d DMs; unassign sends none", n)
		}
	})
}

// TestInviteManyEndToEnd: a column of addresses pasted into /learn invite
// (Slack escapes each as mailto) is one command: each address handled on its
// own, summed up in one reply.
func TestInviteManyEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, _ := newCoreEnv(t, db)
		r := env.command(t, "UG", "/learn", "invite <mailto:zed@example.com|zed@example.com>,<mailto:yan@example.com|yan@example.com>\n"+
			"<mailto:anna@example.com|anna@example.com>;not-an-email")
		text := ""
		if r != nil {
			text = fakeslack.TextOf(r.Blocks)
		}
		if !strings.Contains(text, "4 addresses: 2 invited, 0 already pending, 0 already active, 1 invalid") &&
			!strings.Contains(text, "4 addresses: 3 invited, 0 already pending, 0 already active, 1 invalid") {
			t.Fatalf("invite reply: %q", text)
		}
		if !strings.Contains(text, "zed@example.com") || !strings.Contains(text, "yan@example.com") || !strings.Contains(text, `"not-an-email"`) {
			t.Fatalf("invite reply does not name each address: %q", text)
		}
	})
}
