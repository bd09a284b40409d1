package slack_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// lateJoiner hands join events to the handlers once the core is built.
type lateJoiner struct{ h atomic.Pointer[bot.Joiner] }

func (l *lateJoiner) Joined(ctx context.Context, platform, workspace string, source bot.PlatformGroup, users []model.User) error {
	return (*l.h.Load()).Joined(ctx, platform, workspace, source, users)
}

// TestRuleFollowsChannelEndToEnd: a guide's rule on a channel
// (/learn auto git <#C5>), then Slack's signed member_joined_channel
// event, retried once: the new member gets the task and its DM once, and
// the history names the rule.
func TestRuleFollowsChannelEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		j := &lateJoiner{}
		env, b := newCoreEnv(t, db, slack.WithJoiner(j))
		var joiner bot.Joiner = b.Handlers
		j.h.Store(&joiner)
		say := func(text string) string {
			t.Helper()
			r := env.command(t, "UG", "/learn", text)
			if r == nil {
				t.Fatalf("%s: no inline reply", text)
			}
			return fakeslack.TextOf(r.Blocks)
		}
		if got := say("task add git Git basics"); !strings.Contains(got, "git") {
			t.Fatalf("task add: %q", got)
		}
		// Anna is in the channel when the rule is made: she is left alone.
		env.fake.SetChannel("C5", "U1")
		if got := say("auto git <#C5|general>"); !strings.Contains(got, "Rule #1") {
			t.Fatalf("auto: %q", got)
		}
		for _, retry := range []string{"", "1"} {
			var header http.Header
			if retry != "" {
				header = http.Header{"X-Slack-Retry-Num": {retry}}
			}
			status, _ := env.post(t, "/slack/events", "application/json", eventJSON("EvRule1", channelJoin("U2", "C5")), testSecret, testNow, header)
			if status != http.StatusOK {
				t.Fatalf("event: status %d", status)
			}
		}
		// The event is acknowledged at once and handed over after: wait
		// for the rule's assignment before its DM.
		deadline := time.Now().Add(10 * time.Second)
		for len(env.fake.DMs()) == 0 && time.Now().Before(deadline) {
			b.WaitJobs(t)
			time.Sleep(20 * time.Millisecond)
		}
		// A second channel join of the same person, as a new event, serves nobody again.
		env.post(t, "/slack/events", "application/json", eventJSON("EvRule2", channelJoin("U2", "C5")), testSecret, testNow, nil)
		b.WaitJobs(t)
		dms := env.fake.DMs()
		if len(dms) != 1 || dms[0].Channel != "DU2" || !strings.Contains(dms[0].Text, "Git basics") {
			t.Fatalf("DMs: %+v; want one to ben", dms)
		}
		// The reconciliation serves whoever joined while no event came, and
		// leaves anna alone (she was there when the rule was made).
		env.fake.SetChannel("C5", "U1", "U2", "U3")
		b.Handlers.SetDirectory(func(platform, workspace string) bot.Directory { return env.adapter.Directory() })
		if _, err := b.Handlers.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		b.WaitJobs(t)
		if dms := env.fake.DMs(); len(dms) != 2 || dms[1].Channel != "DU3" {
			t.Fatalf("DMs after reconciling: %+v; want one more, to cleo", dms)
		}
		if got := say("history <@U2|ben>"); !strings.Contains(got, "(auto #1)") {
			t.Fatalf("history: %q; want the rule named", got)
		}
		if got := say("auto list"); !strings.Contains(got, "#1") || !strings.Contains(got, "served 2") {
			t.Fatalf("auto list: %q", got)
		}
	})
}
