package discord_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/internal/testlog"
)

// TestFailedFollowUpNotLogged makes deferred replies fail (rate limited,
// connection dropped): the failures are logged, the interaction token is not.
func TestFailedFollowUpNotLogged(t *testing.T) {
	for _, c := range []struct {
		name    string
		press   bool
		method  string
		suffix  string
		failure failure
	}{
		{"EditRateLimited", false, "PATCH", "/messages/@original", failure{status: 429,
			body:    `{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}`,
			headers: map[string]string{"Retry-After": "2"}}},
		{"EditConnectionDropped", false, "PATCH", "/messages/@original", failure{hangUp: true}},
		{"FollowUpConnectionDropped", true, "POST", "", failure{hangUp: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs testlog.Buffer
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			discord.RouteLibraryLogs(log)
			h := &slowHandler{release: make(chan struct{}), reply: bot.Text("slow answer")}
			e := newEnv(t, h, nil, discord.WithDeferAfter(20*time.Millisecond), discord.WithLogger(log))
			i := slash(testGuild, guide, "tasks")
			if c.press {
				i = press(testGuild, guide, "decision:show_groups:1")
			}
			secret := "SecretInteractionToken" + c.name
			i["token"] = secret
			e.fake.fail(c.method, "/webhooks/"+testApp+"/"+secret+c.suffix, c.failure)
			e.interact(t, i)
			close(h.release)
			e.fake.waitFor(t, 1, c.method, "/webhooks/"+testApp+"/"+secret+c.suffix)
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(logs.String(), "finish deferred interaction") {
				if time.Now().After(deadline) {
					t.Fatalf("the failure was not logged:\n%s", logs.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the interaction token was logged:\n%s", logs.String())
			}
		})
	}
}
