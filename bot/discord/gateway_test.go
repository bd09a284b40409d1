package discord_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/internal/testlog"
)

// dispatch is one gateway event (op 0) the fake sends.
type dispatch struct {
	T string         // event name: "INTERACTION_CREATE", "GUILD_MEMBER_ADD"
	D map[string]any // its data
}

func interactionCreate(d map[string]any) dispatch { return dispatch{"INTERACTION_CREATE", d} }

// gatewayPlay is what the fake gateway does in a session.
type gatewayPlay struct {
	identified chan<- map[string]any // gets each IDENTIFY's data
	dispatches []dispatch            // sent after READY
	live       <-chan dispatch       // sent as the test hands them over, after the dispatches
	// membersIntentOff closes a session that asks for the Server Members
	// Intent with 4014, as Discord does while the intent is off in the
	// Developer Portal.
	membersIntentOff bool
}

// gatewayScript plays Discord's side of a gateway session: HELLO, wait for
// IDENTIFY, READY, then the given dispatches; heartbeats are acknowledged.
func gatewayScript(t *testing.T, play gatewayPlay) func(*websocket.Conn) {
	return func(conn *websocket.Conn) {
		var (
			wmu sync.Mutex // one writer at a time
			seq int
		)
		send := func(v any) bool {
			wmu.Lock()
			defer wmu.Unlock()
			return conn.WriteJSON(v) == nil
		}
		sendEvent := func(d dispatch) bool {
			wmu.Lock()
			defer wmu.Unlock()
			seq++
			return conn.WriteJSON(map[string]any{"op": 0, "t": d.T, "s": seq, "d": d.D}) == nil
		}
		if !send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) {
			return
		}
		done := make(chan struct{})
		defer close(done)
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
				sendEvent(dispatch{"RESUMED", map[string]any{}})
			case 2:
				var d map[string]any
				json.Unmarshal(msg.D, &d)
				play.identified <- d
				if intents, _ := d["intents"].(float64); play.membersIntentOff && int(intents)&int(discordgo.IntentsGuildMembers) != 0 {
					wmu.Lock()
					conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."), time.Now().Add(time.Second))
					wmu.Unlock()
					return
				}
				sendEvent(dispatch{"READY", map[string]any{
					"v": 10, "session_id": "s1", "resume_gateway_url": "ws://127.0.0.1:1",
					"user":        map[string]any{"id": testApp, "username": "learnbot", "bot": true},
					"guilds":      []any{map[string]any{"id": testGuild, "unavailable": true}},
					"application": map[string]any{"id": testApp}}})
				for _, d := range play.dispatches {
					sendEvent(d)
				}
				if play.live != nil {
					go func() {
						for {
							select {
							case d := <-play.live:
								sendEvent(d)
							case <-done:
								return
							}
						}
					}()
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
	fake.gateway = gatewayScript(t, gatewayPlay{identified: identified, dispatches: []dispatch{interactionCreate(interaction), interactionCreate(pressed)}})

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
		// without a Joiner, no privileged intent: guilds only
		if id["intents"] != float64(discordgo.IntentsGuilds) {
			t.Errorf("identify intents = %v, want %d", id["intents"], discordgo.IntentsGuilds)
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

// TestGatewayUnreachableAtStart: a gateway that cannot be reached when
// learnbot starts is retried with backoff, with a warning, until it
// answers; a token the gateway rejects stops RunGateway naming the
// variable.
func TestGatewayUnreachableAtStart(t *testing.T) {
	t.Run("RetriedUntilReachable", func(t *testing.T) {
		fake := newFakeDiscord(t)
		fake.fail("GET", "/gateway", failure{status: 502, body: `{"message": "502: Bad Gateway", "code": 0}`, times: 3})
		identified := make(chan map[string]any, 1)
		fake.gateway = gatewayScript(t, gatewayPlay{identified: identified})
		var logs testlog.Buffer
		a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, &recorder{}, nil,
			discord.WithCommands(tableCommands()...), discord.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
			discord.WithGatewayRetry(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- a.RunGateway(ctx) }()
		select {
		case <-identified:
		case err := <-done:
			t.Fatalf("RunGateway returned: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("no IDENTIFY within 10s")
		}
		if n := strings.Count(logs.String(), "Discord gateway unreachable; retrying"); n != 3 {
			t.Errorf("%d warnings for 3 failed attempts:\n%s", n, logs.String())
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunGateway: %v", err)
		}
	})
	t.Run("RejectedTokenNamed", func(t *testing.T) {
		fake := newFakeDiscord(t)
		fake.gateway = func(conn *websocket.Conn) {
			conn.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
			var msg map[string]any
			conn.ReadJSON(&msg)
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."), time.Now().Add(time.Second))
		}
		a, err := discord.New(discord.Config{BotToken: testToken, AppID: testApp, APIURL: fake.URL()}, &recorder{}, nil,
			discord.WithCommands(tableCommands()...), discord.WithLogger(quietLog), discord.WithGatewayRetry(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.RunGateway(context.Background()) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
				t.Errorf("RunGateway = %v; want an error naming DISCORD_BOT_TOKEN", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("RunGateway still retrying a rejected token")
		}
	})
}
