package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestPlatformsTable checks that serve wires each configured platform from
// its row: HTTP routes for the HTTP variants, a runner instead for Socket
// Mode and the gateway, and nothing for a platform left unconfigured.
func TestPlatformsTable(t *testing.T) {
	const key = "0000000000000000000000000000000000000000000000000000000000000000"
	cases := []struct {
		name             string
		env              map[string]string
		slack, discord   int // status of an unsigned POST to each endpoint
		runners, senders int
	}{
		{"NoneConfigured", nil, 404, 404, 0, 0},
		{"SlackHTTP", map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}, 401, 404, 0, 1},
		{"SlackSocketMode", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}, 404, 404, 1, 1},
		{"DiscordHTTP", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_BOT_TOKEN": "t"}, 404, 401, 0, 1},
		{"DiscordGateway", map[string]string{"DISCORD_BOT_TOKEN": "t"}, 404, 404, 1, 1},
		{"Both", map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1", "DISCORD_PUBLIC_KEY": key}, 401, 401, 0, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, "sqlite")}
			for k, v := range tc.env {
				env[k] = v
			}
			cfg, err := configFromEnv(envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			s, err := newServer(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer s.core.store.Close()
			for path, want := range map[string]int{"/slack/commands": tc.slack, "/discord/interactions": tc.discord} {
				rec := httptest.NewRecorder()
				s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}")))
				if rec.Code != want {
					t.Errorf("POST %s = %d; want %d", path, rec.Code, want)
				}
			}
			if len(s.runners) != tc.runners || len(s.core.senders) != tc.senders || len(s.waits) != tc.senders {
				t.Errorf("runners, senders, waits = %d, %d, %d; want %d, %d, %d",
					len(s.runners), len(s.core.senders), len(s.waits), tc.runners, tc.senders, tc.senders)
			}
		})
	}
}

// TestAdminsFromTable accepts every platform of the table as a
// LEARNBOT_ADMINS prefix and names them all when refusing one.
func TestAdminsFromTable(t *testing.T) {
	c, err := configFromEnv(envOf(map[string]string{"LEARNBOT_ADMINS": "slack:U1, discord:42,console:me, matrix:@guide:example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"slack:U1", "discord:42", "console:me", "matrix:@guide:example.org"} {
		if !c.Admins[a] {
			t.Errorf("Admins lacks %q: %v", a, c.Admins)
		}
	}
	for _, bad := range []string{"irc:bob", "slack:", "U123"} {
		_, err := configFromEnv(envOf(map[string]string{"LEARNBOT_ADMINS": bad}))
		if err == nil || !strings.Contains(err.Error(), "slack:<user-id>, discord:<user-id>, matrix:<@user:server> or console:<name>") {
			t.Errorf("LEARNBOT_ADMINS=%q: err = %v; want it to name the accepted forms", bad, err)
		}
	}
}
