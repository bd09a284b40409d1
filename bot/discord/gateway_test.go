package discord_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
)

// gatewayScript plays Discord's side of a gateway session: HELLO, wait for
// IDENTIFY, READY, then the given dispatches; heartbeats are acknowledged.
func gatewayScript(t *testing.T, identified chan<- map[string]any, dispatches ...map[string]any) func(*websocket.Conn) {
	return func(conn *websocket.Conn) {
		send := func(v any) bool {
			if err := conn.WriteJSON(v); err != nil {
				return false
			}
			return true
		}
		if !send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) {
			return
		}
		for {
			var msg struct {
				Op int             `json:"op"`
				D  json.RawMessage `json:"d"`
			}
			if err := conn.ReadJSON(&msg); err != nil {
				return
			}
			switch msg.Op {
			case 1:
				send(map[string]any{"op": 11})
			case 6: // resume after a reconnect
				send(map[string]any{"op": 0, "t": "RESUMED", "s": 100, "d": map[string]any{}})
			case 2:
				var d map[string]any
				json.Unmarshal(msg.D, &d)
				identified <- d
				seq := 1
				send(map[string]any{"op": 0, "t": "READY", "s": seq, "d": map[string]any{
					"v": 10, "session_id": "s1", "resume_gateway_url": "ws://127.0.0.1:1",
					"user":        map[string]any{"id": testApp, "username": "learnbot", "bot": true},
					"guilds":      []any{map[string]any{"id": testGuild, "unavailable": true}},
					"application": map[string]any{"id": testApp}}})
				for _, d := range dispatches {
					seq++
					send(map[string]any{"op": 0, "t": "INTERACTION_CREATE", "s": seq, "d": d})
				}
			}
		}
	}
}

func TestGateway(t *testing.T) {
	fake := newFakeDiscord(t)
	rec := &recorder{reply: func(req *bot.Request) *bot.Reply {
		return &bot.Reply{Text: "Your tasks: none yet.", Buttons: []bot.Button{{Label: "Refresh", ID: "tasks:refresh"}}}
	}}
	identified := make(chan map[string]any, 1)
	interaction := slash(testGuild, guide, "tasks")
	pressed := press(testGuild, guide, "decision:do_not_assign:1")
	fake.gateway = gatewayScript(t, identified, interaction, pressed)

	a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, rec, nil,
		discord.WithCommands(tableCommands()...), discord.WithLogger(quietLog))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunGateway(ctx) }()

	select {
	case id := <-identified:
		if id["token"] != "Bot "+testToken {
			t.Errorf("identify token = %v", id["token"])
		}
	case err := <-done:
		t.Fatalf("RunGateway returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no IDENTIFY within 10s")
	}
	callback := "/interactions/" + interaction["id"].(string) + "/" + interaction["token"].(string) + "/callback"
	calls := fake.waitFor(t, 1, "POST", callback)
	var r response
	if err := json.Unmarshal(calls[0].Body, &r); err != nil {
		t.Fatal(err)
	}
	if r.Type != 4 || r.Data.Flags != 64 || r.Data.Content != "Your tasks: none yet." || len(r.Data.buttons()) != 1 {
		t.Errorf("callback = %s", calls[0].Body)
	}
	fake.waitFor(t, 1, "POST", "/interactions/"+pressed["id"].(string)+"/*")
	// discordgo runs each event's handler in a goroutine: either order.
	var cmd, act *bot.Request
	for _, r := range rec.requests() {
		if r.Action != nil {
			act = r
		} else {
			cmd = r
		}
	}
	if cmd == nil || argString(cmd.Args) != "tasks" || cmd.Workspace != testGuild || cmd.Actor.ID != guide.ID {
		t.Errorf("command request = %+v", cmd)
	}
	if act == nil || act.Action.ID != "decision:do_not_assign:1" {
		t.Errorf("button request = %+v", act)
	}

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

func TestGatewayNeedsToken(t *testing.T) {
	a, err := discord.New(discord.Config{}, &recorder{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RunGateway(context.Background()); err == nil {
		t.Error("no error without a bot token")
	}
}
