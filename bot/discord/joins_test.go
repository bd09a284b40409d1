package discord_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/model"
)

// joinerCall is one hand-over to the Joiner.
type joinerCall struct {
	Platform, Workspace string
	Source              bot.PlatformGroup
	Users               []model.User
}

// recordingJoiner records what the adapter hands over.
type recordingJoiner struct {
	mu    sync.Mutex
	calls []joinerCall
}

func (j *recordingJoiner) Joined(_ context.Context, platform, workspace string, source bot.PlatformGroup, users []model.User) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.calls = append(j.calls, joinerCall{platform, workspace, source, append([]model.User(nil), users...)})
	return nil
}

func (j *recordingJoiner) Calls() []joinerCall {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]joinerCall(nil), j.calls...)
}

// wait waits until there are n calls in all, then a little longer for a
// wrong one, and returns the calls after the first from.
func (j *recordingJoiner) wait(t *testing.T, from, n int) []joinerCall {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(j.Calls()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d hand-overs to the Joiner, want %d: %+v", len(j.Calls()), n, j.Calls())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	calls := j.Calls()
	if len(calls) != n {
		t.Errorf("%d hand-overs, want %d: %+v", len(calls), n, calls[n:])
	}
	return calls[from:]
}

// memberEvent is the data of GUILD_MEMBER_ADD or GUILD_MEMBER_UPDATE.
func memberEvent(m member) map[string]any {
	d := m.JSON()
	d["guild_id"] = testGuild
	return d
}

// handed is the hand-over of one user to one source, in the test guild.
func handed(source bot.PlatformGroup, u model.User) joinerCall {
	return joinerCall{Platform: model.PlatformDiscord, Workspace: testGuild, Source: source, Users: []model.User{u}}
}

func role(id string) bot.PlatformGroup { return bot.PlatformGroup{Kind: "role", ID: id} }

// sameCalls compares hand-overs in any order: discordgo runs the handlers
// of one event concurrently, but the calls of one event come from one.
func sameCalls(t *testing.T, got []joinerCall, want ...joinerCall) {
	t.Helper()
	left := append([]joinerCall(nil), want...)
	for _, g := range got {
		found := false
		for i, w := range left {
			if reflect.DeepEqual(g, w) {
				left = append(left[:i], left[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			t.Errorf("unexpected hand-over %+v", g)
		}
	}
	for _, w := range left {
		t.Errorf("missing hand-over %+v", w)
	}
}

func TestGatewayJoins(t *testing.T) {
	fake := newFakeDiscord(t)
	j := &recordingJoiner{}
	identified := make(chan map[string]any, 1)
	live := make(chan dispatch)
	cleo := member{ID: "500000000000000003", GlobalName: "Cleo", Roles: []string{"R5"}}
	fake.gateway = gatewayScript(t, gatewayPlay{identified: identified, live: live, dispatches: []dispatch{
		{"GUILD_CREATE", map[string]any{"id": testGuild, "name": "Acme", "members": []any{cleo.JSON()}}},
	}})

	a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, &recorder{}, nil,
		discord.WithCommands(tableCommands()...), discord.WithLogger(quietLog), discord.WithJoiner(j))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunGateway(ctx) }()
	select {
	case id := <-identified:
		if want := float64(discordgo.IntentsGuilds | discordgo.IntentsGuildMembers); id["intents"] != want {
			t.Errorf("identify intents = %v, want %v (guilds and server members)", id["intents"], want)
		}
	case err := <-done:
		t.Fatalf("RunGateway returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no IDENTIFY within 10s")
	}
	send := func(t *testing.T, typ string, m member) {
		t.Helper()
		select {
		case live <- dispatch{typ, memberEvent(m)}:
		case <-time.After(5 * time.Second):
			t.Fatal("the fake gateway took no dispatch")
		}
	}

	ana := member{ID: "500000000000000001", Nick: "Ana", Username: "ana"}
	anaUser := model.User{ID: ana.ID, Name: "Ana"}
	t.Run("ServerJoinIsEveryone", func(t *testing.T) {
		send(t, "GUILD_MEMBER_ADD", ana)
		sameCalls(t, j.wait(t, 0, 1), handed(bot.PlatformGroup{Kind: bot.SourceEveryone}, anaUser))
	})
	t.Run("RoleAddedHandedOver", func(t *testing.T) {
		ana.Roles = []string{"R1"}
		send(t, "GUILD_MEMBER_UPDATE", ana)
		sameCalls(t, j.wait(t, 1, 2), handed(role("R1"), anaUser))
	})
	t.Run("OnlyNewRolesHandedOver", func(t *testing.T) {
		ana.Roles = []string{"R1", "R2"}
		send(t, "GUILD_MEMBER_UPDATE", ana)
		sameCalls(t, j.wait(t, 2, 3), handed(role("R2"), anaUser))
	})
	t.Run("UpdateWithoutNewRolesIgnored", func(t *testing.T) {
		ana.Nick = "Ana B"
		ana.Roles = []string{"R2"} // R1 taken away
		send(t, "GUILD_MEMBER_UPDATE", ana)
		j.wait(t, 3, 3)
	})
	t.Run("RoleGainedAgainHandedOver", func(t *testing.T) {
		ana.Roles = []string{"R2", "R1"}
		send(t, "GUILD_MEMBER_UPDATE", ana)
		// whether a rule serves Ana again is the rule's business
		sameCalls(t, j.wait(t, 3, 4), handed(role("R1"), model.User{ID: ana.ID, Name: "Ana B"}))
	})
	t.Run("MemberOfGuildCreateKnown", func(t *testing.T) {
		cleo.Roles = []string{"R5", "R6"}
		send(t, "GUILD_MEMBER_UPDATE", cleo)
		sameCalls(t, j.wait(t, 4, 5), handed(role("R6"), model.User{ID: cleo.ID, Name: "Cleo"}))
	})
	t.Run("UnknownMemberHasEveryRoleHandedOver", func(t *testing.T) {
		ben := member{ID: "500000000000000002", Username: "ben", Roles: []string{"R3", "R4"}}
		send(t, "GUILD_MEMBER_UPDATE", ben)
		benUser := model.User{ID: ben.ID, Name: "ben"}
		sameCalls(t, j.wait(t, 5, 7), handed(role("R3"), benUser), handed(role("R4"), benUser))
	})
	t.Run("JoinWithRolesHandsThemOver", func(t *testing.T) {
		dan := member{ID: "500000000000000004", Username: "dan", Roles: []string{"R7"}}
		send(t, "GUILD_MEMBER_ADD", dan)
		danUser := model.User{ID: dan.ID, Name: "dan"}
		sameCalls(t, j.wait(t, 7, 9), handed(bot.PlatformGroup{Kind: bot.SourceEveryone}, danUser), handed(role("R7"), danUser))
	})
	t.Run("BotsIgnored", func(t *testing.T) {
		robo := member{ID: "500000000000000009", Username: "robo", Bot: true}
		send(t, "GUILD_MEMBER_ADD", robo)
		robo.Roles = []string{"R1"}
		send(t, "GUILD_MEMBER_UPDATE", robo)
		j.wait(t, 9, 9)
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunGateway: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunGateway did not return after cancel")
	}
}

// TestGatewayMembersIntentRefused: with the Server Members Intent off in
// the Developer Portal, Discord closes the session (4014); the adapter
// connects again without it, so that commands keep working.
func TestGatewayMembersIntentRefused(t *testing.T) {
	fake := newFakeDiscord(t)
	identified := make(chan map[string]any, 2)
	interaction := slash(testGuild, guide, "tasks")
	fake.gateway = gatewayScript(t, gatewayPlay{identified: identified, membersIntentOff: true,
		dispatches: []dispatch{interactionCreate(interaction)}})
	rec := &recorder{reply: func(*bot.Request) *bot.Reply { return &bot.Reply{Text: "Your tasks: none yet."} }}
	a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, rec, nil,
		discord.WithCommands(tableCommands()...), discord.WithLogger(quietLog), discord.WithJoiner(&recordingJoiner{}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunGateway(ctx) }()
	var intents []any
	for range 2 {
		select {
		case id := <-identified:
			intents = append(intents, id["intents"])
		case err := <-done:
			t.Fatalf("RunGateway returned: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatalf("identified with intents %v, want a second IDENTIFY", intents)
		}
	}
	want := []any{float64(discordgo.IntentsGuilds | discordgo.IntentsGuildMembers), float64(discordgo.IntentsGuilds)}
	if !reflect.DeepEqual(intents, want) {
		t.Errorf("intents %v, want %v", intents, want)
	}
	fake.waitFor(t, 1, "POST", "/interactions/"+interaction["id"].(string)+"/*")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunGateway: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunGateway did not return after cancel")
	}
}
