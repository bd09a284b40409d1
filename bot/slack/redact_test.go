package slack_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/testlog"
)

// TestFailedResponseURLNotLogged presses a button whose response_url is
// unreachable: the failure is logged, its URL's secret path is not.
func TestFailedResponseURLNotLogged(t *testing.T) {
	var logs testlog.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := newEnv(t, newTestHandler(), slack.WithLogger(log))
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // its address now refuses connections
	const secret = "B0secretResponsePath"
	env.press(t, "U1", "done:1", dead.URL+"/actions/T1/1234/"+secret, false)
	eventually(t, "the failed delivery logged", func() bool {
		return strings.Contains(logs.String(), "posting to response_url failed")
	})
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the response_url's secret was logged:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "/actions/…/redacted") {
		t.Errorf("the log does not name the redacted URL:\n%s", logs.String())
	}
}
