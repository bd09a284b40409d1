package slack_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/learnbot/learnbot/bot/slack"
)

// syncBuffer is a log destination safe for the adapter's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestFailedResponseURLNotLogged presses a button whose response_url is
// unreachable: the failure is logged, its URL's secret path is not.
func TestFailedResponseURLNotLogged(t *testing.T) {
	var logs syncBuffer
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
