package discord_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/storage"
)

// TestReplayActsOnce sends the same signed interaction twice within the
// signature window: the replay gets a polite ephemeral answer and changes
// nothing.
func TestReplayActsOnce(t *testing.T) {
	send := func(t *testing.T, e *env, body []byte) response {
		t.Helper()
		status, out := e.postRaw(t, body, sign(e.priv, e.now, body))
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, out)
		}
		var r response
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		name        string
		interaction map[string]any
	}{
		{"CommandRunOnce", slash(testGuild, guide, "tasks")},
		{"PressActedOnOnce", press(testGuild, guide, "decision:force:1")},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := &recorder{}
			e := newEnv(t, h, nil)
			body, _ := json.Marshal(c.interaction)
			send(t, e, body)
			r := send(t, e, body)
			if r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "handled already") {
				t.Errorf("replay answered %+v; want an ephemeral \"handled already\"", r)
			}
			if n := len(h.requests()); n != 1 {
				t.Errorf("the handler ran %d times; want once", n)
			}
		})
	}
	t.Run("ReplayToAnotherReplicaIgnored", func(t *testing.T) {
		testdb.ForEach(t, func(t *testing.T, db string) {
			h := &recorder{}
			stores := make([]*storage.Store, 2)
			for n := range stores {
				st, err := storage.Open(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				stores[n] = st
			}
			first := newEnv(t, h, nil, discord.WithDedup(stores[0]))
			// the second replica: the same application, its own process
			other, err := discord.New(discord.Config{PublicKey: hex.EncodeToString(first.priv.Public().(ed25519.PublicKey)),
				BotToken: testToken, AppID: testApp, GuildID: testGuild, APIURL: first.fake.URL()}, h, nil,
				discord.WithClock(func() time.Time { return first.now }), discord.WithCommands(tableCommands()...),
				discord.WithLogger(quietLog), discord.WithDedup(stores[1]))
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			other.Routes(mux)
			second := &env{fake: first.fake, adapter: other, srv: httptest.NewServer(mux), priv: first.priv, now: first.now}
			t.Cleanup(second.srv.Close)
			body, _ := json.Marshal(slash(testGuild, guide, "tasks"))
			send(t, first, body)
			if r := send(t, second, body); !strings.Contains(r.Data.Content, "handled already") {
				t.Errorf("replay to the other replica answered %+v", r)
			}
			if n := len(h.requests()); n != 1 {
				t.Errorf("the handler ran %d times; want once", n)
			}
		})
	})
}
