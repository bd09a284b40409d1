package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/internal/throttle"
)

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.WriteString(string(p))
	return len(p), nil
}

// TestUnauthenticatedLimited: an address that tries more than 20 unknown
// tokens or bad signatures a second gets 429 on the invitation page, the
// report download and both platform endpoints, and the log has one line
// per cause instead of one per request; a valid request from it still
// works.
func TestUnauthenticatedLimited(t *testing.T) {
	api := httptest.NewServer(fakeslack.New(replicaToken))
	defer api.Close()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, "sqlite"), "LEARNBOT_ADMINS": "slack:UGUIDE",
		"SLACK_SIGNING_SECRET": replicaSecret, "SLACK_BOT_TOKEN": replicaToken, "LEARNBOT_SLACK_API_URL": api.URL + "/api/",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "DISCORD_BOT_TOKEN": "discord-token", "DISCORD_APP_ID": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	// The guard's clock stands still: 20 requests are "one second" however
	// long a loaded machine takes to send them.
	frozen := time.Now()
	s.core.guard.SetClock(func() time.Time { return frozen })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln, log) }()
	defer func() { stop(); <-done }()
	base := "http://" + ln.Addr().String()

	status := func(method, path, body string, h http.Header) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for n := range throttle.PerSecond {
		if got := status("GET", "/invite/"+rand.Text(), "", nil); got != http.StatusNotFound {
			t.Fatalf("unknown token %d: %d; want 404", n+1, got)
		}
	}
	badSlack := http.Header{"X-Slack-Signature": {"v0=00"}, "X-Slack-Request-Timestamp": {"1"},
		"Content-Type": {"application/x-www-form-urlencoded"}}
	badDiscord := http.Header{"X-Signature-Ed25519": {strings.Repeat("00", 64)}, "X-Signature-Timestamp": {"1"}}
	for _, c := range []struct {
		method, path string
		h            http.Header
	}{
		{"GET", "/invite/" + rand.Text(), nil},
		{"POST", "/invite/" + rand.Text(), nil},
		{"GET", "/reports/" + rand.Text() + ".csv", nil},
		{"POST", "/slack/commands", badSlack},
		{"POST", "/discord/interactions", badDiscord},
	} {
		if got := status(c.method, c.path, "x=1", c.h); got != http.StatusTooManyRequests {
			t.Errorf("%s %s after 20 unknown tokens: %d; want 429", c.method, c.path, got)
		}
	}
	form := url.Values{"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C1"}, "user_id": {"UGUIDE"},
		"user_name": {"guide"}, "command": {"/learn"}, "text": {"help"}, "trigger_id": {rand.Text()}}
	if got := postSigned(base+"/slack/commands", form.Encode()); strings.HasPrefix(got, "error") {
		t.Errorf("a valid command from the same address: %s", got)
	}
	if n := strings.Count(logs.String(), `msg="unauthenticated requests" endpoint=/invite status=404`); n != 1 {
		t.Errorf("%d lines for the 404s of /invite; want 1:\n%s", n, logs.String())
	}
}
