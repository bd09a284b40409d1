package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakediscord"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testdb"
)

// TestHungDatabase runs `learnbot serve` on PostgreSQL behind a proxy that
// then freezes (connections stay open, no byte goes through), as a stopped
// server or a dead network path would. Every endpoint answers in its time
// all the same, the follow-ups come at the command's deadline, goroutines
// stuck on the database stay bounded, and all is well once it thaws.
func TestHungDatabase(t *testing.T) {
	// A pool as large as the slot allows: the frozen connections of
	// the first requests must not leave the later ones none.
	proxy, dbURL := testdb.NewProxy(t, testdb.NewShared(t, 1))
	api := httptest.NewServer(fakeslack.New("xoxb-test"))
	t.Cleanup(api.Close)
	discordAPI := httptest.NewServer(fakediscord.New("discord-test"))
	t.Cleanup(discordAPI.Close)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := configFromEnv(envOf(map[string]string{
		"LEARNBOT_DATABASE_URL":    dbURL,
		"SLACK_SIGNING_SECRET":     "slack-secret",
		"SLACK_BOT_TOKEN":          "xoxb-test",
		"LEARNBOT_SLACK_API_URL":   api.URL + "/api/",
		"DISCORD_PUBLIC_KEY":       hex.EncodeToString(pub),
		"DISCORD_BOT_TOKEN":        "discord-test",
		"DISCORD_APP_ID":           "1",
		"LEARNBOT_DISCORD_API_URL": discordAPI.URL + "/api/v10/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, stop := context.WithCancel(context.Background())
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln, log) }()
	t.Cleanup(func() {
		proxy.Thaw()
		stop()
		<-done
	})
	base := "http://" + ln.Addr().String()

	// timed answers a request and says how long it took.
	client := &http.Client{Timeout: 20 * time.Second}
	timed := func(req *http.Request) (int, string, time.Duration) {
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
			return 0, "", time.Since(start)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), time.Since(start)
	}
	getReq := func(path string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, base+path, nil)
		return r
	}
	slackCommand := func(user, text string) *http.Request {
		body := url.Values{"team_id": {"T1"}, "team_domain": {"acme"}, "user_id": {user}, "user_name": {"u"},
			"command": {"/tasks"}, "text": {text}, "response_url": {api.URL + "/response/" + user}}.Encode()
		r, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		r.Header.Set("X-Slack-Request-Timestamp", ts)
		r.Header.Set("X-Slack-Signature", slack.Sign("slack-secret", ts, []byte(body)))
		return r
	}
	discord := func(v map[string]any) *http.Request {
		body, _ := json.Marshal(v)
		r, _ := http.NewRequest(http.MethodPost, base+"/discord/interactions", strings.NewReader(string(body)))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Signature-Timestamp", ts)
		r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))))
		return r
	}
	member := map[string]any{"user": map[string]any{"id": "42", "username": "ada"}}
	discordTasks := func(token string) map[string]any {
		return map[string]any{"id": "1", "application_id": "1", "type": 2, "token": token, "guild_id": "G1",
			"member": member, "data": map[string]any{"id": "c1", "name": "tasks", "type": 1}}
	}
	autocomplete := map[string]any{"id": "2", "application_id": "1", "type": 4, "token": "auto", "guild_id": "G1",
		"member": member, "data": map[string]any{"id": "c2", "name": "progress", "type": 1,
			"options": []map[string]any{{"name": "task", "type": 3, "value": "gi", "focused": true}}}}
	// waitResponse waits at a fake for the response posted under id (a
	// Slack response_url, a Discord interaction token).
	type response struct {
		At   time.Time `json:"at"`
		Text string    `json:"text"`
	}
	waitResponse := func(fake, id string, within time.Duration) (response, bool) {
		t.Helper()
		resp, err := http.Get(fake + "/wait/" + id + "?timeout=" + within.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r response
		if resp.StatusCode != http.StatusOK {
			return r, false
		}
		json.NewDecoder(resp.Body).Decode(&r)
		return r, true
	}

	// Healthy first: every path has opened its connections.
	if status, body, _ := timed(getReq("/readyz")); status != http.StatusOK {
		t.Fatalf("/readyz before the freeze: %d %q", status, body)
	}
	if status, _, _ := timed(slackCommand("U0", "")); status != http.StatusOK {
		t.Fatalf("slack command before the freeze: %d", status)
	}
	if status, _, _ := timed(discord(discordTasks("warm"))); status != http.StatusOK {
		t.Fatalf("discord command before the freeze: %d", status)
	}
	before := goroutines()

	proxy.Freeze()
	frozenAt := time.Now()

	t.Run("ReadyzWithin2s", func(t *testing.T) {
		status, body, took := timed(getReq("/readyz"))
		if status != http.StatusServiceUnavailable || took > 2*time.Second {
			t.Fatalf("/readyz: %d %q after %v; want 503 within 2s", status, body, took)
		}
	})
	t.Run("InvitationPageWithin5s", func(t *testing.T) {
		status, body, took := timed(getReq("/invite/some-token"))
		if status != http.StatusServiceUnavailable || took > 5*time.Second || !strings.Contains(body, "try again") {
			t.Fatalf("/invite: %d after %v; want 503 within 5s:\n%s", status, took, body)
		}
	})
	t.Run("DiscordAutocompleteWithin3s", func(t *testing.T) {
		status, body, took := timed(discord(autocomplete))
		if status != http.StatusOK || took > 3*time.Second || !strings.Contains(body, `"type":8`) {
			t.Fatalf("autocomplete: %d %q after %v; want choices (type 8) within 3s", status, body, took)
		}
	})
	t.Run("CommandsAcknowledgedThenFollowedUpAtTheDeadline", func(t *testing.T) {
		var wg sync.WaitGroup
		sent := time.Now()
		wg.Go(func() {
			status, body, took := timed(slackCommand("U1", ""))
			if status != http.StatusOK || body != "" || took > 3*time.Second {
				t.Errorf("slack command: %d %q after %v; want an empty 200 (acknowledgement) within 3s", status, body, took)
			}
		})
		wg.Go(func() {
			status, body, took := timed(discord(discordTasks("tok1")))
			if status != http.StatusOK || !strings.Contains(body, `"type":5`) || took > 3*time.Second {
				t.Errorf("discord command: %d %q after %v; want a deferral (type 5) within 3s", status, body, took)
			}
		})
		wg.Wait()
		for id, fake := range map[string]string{"U1": api.URL, "tok1": discordAPI.URL} {
			r, ok := waitResponse(fake, id, 15*time.Second)
			if !ok {
				t.Fatalf("no follow-up for %s within 15s of the command", id)
			}
			if after := r.At.Sub(sent); after > 12*time.Second || !strings.Contains(r.Text, "took too long") {
				t.Errorf("follow-up for %s after %v: %q; want 'took too long' at the 10s deadline", id, after, r.Text)
			}
		}
	})
	t.Run("GoroutinesBounded", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				path := "/readyz"
				if i%2 == 1 {
					path = "/invite/token-" + strconv.Itoa(i)
				}
				if status, _, took := timed(getReq(path)); status/100 != 5 || took > 5*time.Second {
					t.Errorf("%s: %d after %v", path, status, took)
				}
			})
		}
		wg.Wait()
		// Each connection of the pool (at most 20) may hold a goroutine or two
		// (lib/pq's cancel request, bounded by its own 10 s). The 40 HTTP
		// connections' own goroutines (client and server side) end a moment
		// after their answers: close the idle ones and give them 3 s, well
		// inside the freeze, so that only goroutines held by the frozen
		// database are left to count.
		client.CloseIdleConnections()
		n := goroutines()
		for settle := time.Now().Add(3 * time.Second); n > before+2*20 && time.Now().Before(settle); n = goroutines() {
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("%d goroutines, %d before the freeze", n, before)
		if n > before+2*20 {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before the freeze:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
	})
	t.Logf("frozen for %v", time.Since(frozenAt))

	proxy.Thaw()
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, _, _ := timed(getReq("/readyz"))
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d 15s after the thaw", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// goroutines counts the process's goroutines but the test's own proxy's.
func goroutines() int {
	buf := make([]byte, 1<<22)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if !strings.Contains(g, "testdb.(*Proxy)") {
			n++
		}
	}
	return n
}
