package discord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// TestRuleFollowsRoleEndToEnd: a team lead's rule on a role, then the
// gateway's GUILD_MEMBER_UPDATE giving a member that role: the real core
// assigns the task and the member gets its DM, once, though the update
// comes twice.
func TestRuleFollowsRoleEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		fake := newFakeDiscord(t)
		ref := &senderRef{}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformDiscord: ref}, testbot.Admins("discord:"+guide.ID))
		identified := make(chan map[string]any, 1)
		live := make(chan dispatch)
		fake.gateway = gatewayScript(t, gatewayPlay{identified: identified, live: live, dispatches: []dispatch{
			{"GUILD_CREATE", map[string]any{"id": testGuild, "name": "Acme", "members": []any{}}},
		}})
		a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, b.Router, nil,
			discord.WithCommands(tableCommands()...), discord.WithLogger(quietLog), discord.WithJoiner(b.Handlers))
		if err != nil {
			t.Fatal(err)
		}
		ref.p.Store(a)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.RunGateway(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		select {
		case <-identified:
		case <-time.After(10 * time.Second):
			t.Fatal("no IDENTIFY within 10s")
		}

		lead := model.User{ID: guide.ID, Name: "Gina"}
		run := func(args ...bot.Arg) string {
			return b.Router.Handle(ctx, &bot.Request{Platform: model.PlatformDiscord, Workspace: testGuild, Actor: lead, Args: args,
				Directory: a.Directory(testGuild)}).String()
		}
		if got := run(bot.Words("task add git Git basics")...); !strings.Contains(got, "git") {
			t.Fatalf("task add: %q", got)
		}
		role := bot.Arg{Text: "<@&R7>", Group: &bot.PlatformGroup{Kind: "role", ID: "R7", Name: "newcomers"}}
		if got := run(append(bot.Words("auto git"), role)...); !strings.Contains(got, "Rule #1") {
			t.Fatalf("auto: %q", got)
		}
		ana := member{ID: "500000000000000001", Nick: "Ana", Username: "ana"}
		for range 2 {
			ana.Roles = []string{"R7"}
			select {
			case live <- dispatch{"GUILD_MEMBER_UPDATE", memberEvent(ana)}:
			case <-time.After(5 * time.Second):
				t.Fatal("the fake gateway took no dispatch")
			}
		}
		fake.waitFor(t, 1, "POST", "/channels/*")
		b.WaitJobs(t)
		time.Sleep(100 * time.Millisecond)
		if dms := fake.find("POST", "/channels/*"); len(dms) != 1 || !strings.Contains(string(dms[0].Body), "Git basics") {
			t.Fatalf("DMs: %+v; want one to Ana about Git basics", dms)
		}
	})
}
