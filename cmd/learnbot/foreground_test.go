package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/foreground"
	"github.com/learnbot/learnbot/internal/testdb"
)

// gatedSlack is the fake Slack with two levers for the test: a command
// that names the user group SHOLD stays in flight until release is closed
// (held tells that it has started; the group is UH1), and DMs wait until
// posts is closed.
// It counts the DMs being posted at once while measure is set.
type gatedSlack struct {
	fake    *fakeslack.Server
	held    chan struct{}
	release chan struct{}
	posts   chan struct{}

	mu       sync.Mutex
	inFlight int
	maxSeen  int
	measure  bool
}

func (g *gatedSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/usergroups.users.list":
		if err := r.ParseForm(); err == nil && r.Form.Get("usergroup") == "SHOLD" {
			close(g.held)
			<-g.release
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ok":true,"users":["UH1"]}`)
			return
		}
	case "/api/chat.postMessage":
		g.mu.Lock()
		g.inFlight++
		if g.measure {
			g.maxSeen = max(g.maxSeen, g.inFlight)
		}
		g.mu.Unlock()
		<-g.posts
		time.Sleep(5 * time.Millisecond) // long enough for posts to overlap when nothing holds them back
		defer func() {
			g.mu.Lock()
			g.inFlight--
			g.mu.Unlock()
		}()
	}
	g.fake.ServeHTTP(w, r)
}

func (g *gatedSlack) posting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inFlight
}

// TestCommandsFirst runs serve against the fake Slack: a command in flight
// makes the foreground busy; while it is busy, a fan-out of 100 DMs and the
// DMs of further commands go out at most foreground.DefaultBackground at a
// time, the commands are answered before the fan-out has drained, and once
// the foreground is idle every DM arrives, each once.
func TestCommandsFirst(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) { testCommandsFirst(t, testdb.New(t, dialect)) })
	}
}

func testCommandsFirst(t *testing.T, db string) {
	g := &gatedSlack{fake: fakeslack.New(replicaToken), held: make(chan struct{}), release: make(chan struct{}),
		posts: make(chan struct{})}
	api := httptest.NewServer(g)
	defer api.Close()
	releaseOnce := sync.OnceFunc(func() { close(g.release) })
	postsOnce := sync.OnceFunc(func() { close(g.posts) })
	defer releaseOnce()
	defer postsOnce()
	cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_DATABASE_URL": db, "LEARNBOT_ADMINS": "slack:UGUIDE",
		"SLACK_SIGNING_SECRET": replicaSecret, "SLACK_BOT_TOKEN": replicaToken, "LEARNBOT_SLACK_API_URL": api.URL + "/api/"}))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
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
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	sl := &slackSender{t: t, respBase: api.URL + "/response/", fake: api.URL}

	sl.command(base, "UGUIDE", "/learn", "task add fan Fan-out", "Added")
	sl.command(base, "UGUIDE", "/learn", "task add cmd Command", "Added")
	sl.command(base, "UGUIDE", "/learn", "group create crowd", "Created")
	var crowd []string
	for i := 1; i <= 100; i++ {
		crowd = append(crowd, fmt.Sprintf("UC%03d", i))
	}
	sl.command(base, "UGUIDE", "/learn", "group add crowd "+mentionsOf(crowd), "Added")

	// A command in flight marks the foreground (through the HTTP layer
	// and the handler both, until Slack's acknowledgement).
	heldID := sl.responseID()
	heldReply := make(chan string, 1)
	go func() {
		form := url.Values{"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C1"}, "user_id": {"UGUIDE"},
			"user_name": {"uguide"}, "command": {"/assign"}, "text": {"fan <!subteam^SHOLD|@hold>"},
			"response_url": {sl.respBase + heldID}}
		heldReply <- postSigned(base+"/slack/commands", form.Encode())
	}()
	<-g.held
	if st := s.core.gate.State(); st.Requests < 1 || !st.Busy {
		t.Errorf("gate %+v while a command is in flight; want it busy", st)
	}
	// From here the test holds the foreground itself: a real command is
	// bounded by its deadlines, and the gate must not open before the test
	// says so.
	leave := s.core.gate.Enter()
	defer leave()
	releaseOnce()
	if body := <-heldReply; body == "" {
		if text := sl.waitResponse(heldID); !strings.Contains(text, "Assigned") {
			t.Errorf("the held command's reply %q", text)
		}
	} else if !strings.Contains(body, "Assigned") {
		t.Errorf("the held command's reply %q", body)
	}

	reply := sl.command(base, "UGUIDE", "/assign", "fan crowd", "to 100 people")
	if n := g.fake.Stats(false).DMs; n != 0 {
		t.Fatalf("%d DMs out before the fan-out's command was answered (%q)", n, reply.Text)
	}
	// The gate lets DefaultBackground jobs in, which now wait at the fake.
	waitFor(t, 3*time.Minute, "DMs being posted", func() bool { return g.posting() >= foreground.DefaultBackground })
	t.Log("DMs being posted")
	g.mu.Lock()
	g.measure = true
	g.mu.Unlock()
	var learners []string
	for i := range 3 {
		users := []string{fmt.Sprintf("UN%d1", i), fmt.Sprintf("UN%d2", i), fmt.Sprintf("UN%d3", i)}
		sl.command(base, "UGUIDE", "/assign", "cmd "+mentionsOf(users), "to 3 people")
		learners = append(learners, users...)
	}
	if n := g.fake.Stats(false).DMs; n != 0 {
		t.Fatalf("%d DMs delivered while they were held", n)
	}

	// DMs go out while the command is still in flight, a few at a time.
	postsOnce()
	waitFor(t, 3*time.Minute, "60 DMs while the foreground is busy", func() bool { return g.fake.Stats(false).DMs >= 60 })
	g.mu.Lock()
	g.measure = false
	maxSeen := g.maxSeen
	g.mu.Unlock()
	if maxSeen > foreground.DefaultBackground {
		t.Errorf("%d DMs posted at once while a command was in flight; want at most %d", maxSeen, foreground.DefaultBackground)
	}

	t.Logf("%d DMs out while the foreground was busy", g.fake.Stats(false).DMs)
	// The foreground goes idle and the rest drains.
	leave()
	want := map[string]bool{"DUH1": true}
	for _, u := range append(crowd, learners...) {
		want["D"+u] = true
	}
	t.Log("the held command answered")
	waitFor(t, 3*time.Minute, "every DM", func() bool { return g.fake.Stats(false).DMs >= len(want) })
	time.Sleep(500 * time.Millisecond) // a DM sent twice would arrive by now
	st := g.fake.Stats(true)
	for ch, n := range st.SlackDMs {
		if !want[ch] || n != 1 {
			t.Errorf("channel %s got %d DMs (expected: %v)", ch, n, want[ch])
		}
	}
	if len(st.SlackDMs) != len(want) {
		t.Errorf("%d recipients got DMs; want %d", len(st.SlackDMs), len(want))
	}
}

func mentionsOf(users []string) string {
	m := make([]string, len(users))
	for i, u := range users {
		m[i] = "<@" + u + ">"
	}
	return strings.Join(m, " ")
}

// postSigned posts a signed Slack form and returns the body of the answer
// ("" when only acknowledged; "error: ..." when the post failed).
func postSigned(target, body string) string {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return "error: " + err.Error()
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", slack.Sign(replicaSecret, stamp, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "error: status " + resp.Status + " " + string(out)
	}
	return string(out)
}
