package slack_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/home"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/model"
)

const testSecret = "test-signing-secret"

// testNow is the injected clock's time; requests are signed for it.
var testNow = time.Unix(1_700_000_000, 0)

// testEnv is learnbot's Slack HTTP endpoints, on loopback, against a fake
// Slack.
type testEnv struct {
	fake    *slackFake
	adapter *slack.Adapter
	srv     *httptest.Server
}

func newEnv(t testing.TB, h slack.Handler, opts ...slack.Option) *testEnv {
	t.Helper()
	fake := newFakeSlack(t)
	return newEnvWith(t, fake, slack.Config{}, h, opts...)
}

func newEnvWith(t testing.TB, fake *slackFake, cfg slack.Config, h slack.Handler, opts ...slack.Option) *testEnv {
	t.Helper()
	cfg.SigningSecret = testSecret
	cfg.BotToken = testBotToken
	cfg.APIURL = fake.apiURL()
	opts = append([]slack.Option{slack.WithClock(func() time.Time { return testNow }), slack.WithLogger(testLogger(t))}, opts...)
	// A handler that composes Homes gets them published, as cmd/learnbot
	// wires the refresher.
	src, homes := h.(home.Source)
	var refresher *home.Refresher
	if homes {
		refresher = home.New(src)
		opts = append(opts, slack.WithHomes(refresher))
	}
	a, err := slack.New(cfg, h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if homes {
		refresher.Attach(model.PlatformSlack, a)
	}
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		a.Wait()
	})
	return &testEnv{fake: fake, adapter: a, srv: srv}
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// post sends body to path, signed for ts with secret (unsigned when secret
// is empty).
func (e *testEnv) post(t testing.TB, path, contentType, body, secret string, ts time.Time, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if secret != "" {
		stamp := strconv.FormatInt(ts.Unix(), 10)
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", slack.Sign(secret, stamp, []byte(body)))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// command runs a signed slash command and returns the inline reply (nil when
// Slack only got an acknowledgement).
func (e *testEnv) command(t testing.TB, user, command, text string) *inlineReply {
	t.Helper()
	form := url.Values{
		"token": {"legacy"}, "team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C1"},
		"user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {command}, "text": {text},
		"response_url": {e.fake.responseURL("cmd-" + user)}, "trigger_id": {rand.Text()},
	}
	status, body := e.post(t, "/slack/commands", "application/x-www-form-urlencoded", form.Encode(), testSecret, testNow, nil)
	if status != http.StatusOK {
		t.Fatalf("%s %s: status %d: %s", command, text, status, body)
	}
	if body == "" {
		return nil
	}
	var r inlineReply
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("%s %s: reply %q: %v", command, text, body, err)
	}
	return &r
}

type inlineReply struct {
	ResponseType    string            `json:"response_type"`
	ReplaceOriginal bool              `json:"replace_original"`
	Text            string            `json:"text"`
	Blocks          []fakeslack.Block `json:"blocks"`
}

// press sends a signed block_actions payload for a button with this value,
// pressed on a message (with a response_url) or in the App Home tab.
func (e *testEnv) press(t testing.TB, user, value, responseURL string, fromHome bool) {
	t.Helper()
	status, body := e.post(t, "/slack/interactions", "application/x-www-form-urlencoded",
		pressBody(user, value, responseURL, fromHome), testSecret, testNow, nil)
	if status != http.StatusOK || body != "" {
		t.Fatalf("press %s: status %d, body %q", value, status, body)
	}
}

func pressPayload(user, value, responseURL string, fromHome bool) map[string]any {
	p := map[string]any{
		"type":       "block_actions",
		"team":       map[string]any{"id": "T1", "domain": "acme"},
		"user":       map[string]any{"id": user, "username": strings.ToLower(user), "team_id": "T1"},
		"api_app_id": "A1",
		"trigger_id": rand.Text(),
		"actions": []map[string]any{{
			"type": "button", "action_id": value, "block_id": "actions-0", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "x"}, "action_ts": "1700000000.1",
		}},
	}
	if fromHome {
		p["container"] = map[string]any{"type": "view", "view_id": "V1"}
		p["view"] = map[string]any{"id": "V1", "type": "home"}
	} else {
		p["container"] = map[string]any{"type": "message", "message_ts": "1.2", "channel_id": "C1", "is_ephemeral": true}
		p["channel"] = map[string]any{"id": "C1", "name": "general"}
		p["response_url"] = responseURL
	}
	return p
}

func pressBody(user, value, responseURL string, fromHome bool) string {
	b, _ := json.Marshal(pressPayload(user, value, responseURL, fromHome))
	return url.Values{"payload": {string(b)}}.Encode()
}

// testHandler is a bot.Router with small commands of its own, recording the
// requests it gets.
type testHandler struct {
	*bot.Router
	mu       sync.Mutex
	requests []*bot.Request
	slow     chan struct{} // "slow" waits for it
}

func newTestHandler() *testHandler {
	h := &testHandler{Router: bot.NewRouter(slog.New(slog.DiscardHandler)), slow: make(chan struct{})}
	h.Use(func(next bot.HandlerFunc) bot.HandlerFunc {
		return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			req.Caller = bot.Caller{Role: model.RoleAdmin, Name: req.Actor.Name}
			return next(ctx, req)
		}
	})
	h.Add(
		&bot.Command{Name: "echo", Role: model.RoleLearner, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			return bot.Text("%s", describe(req.Params)), nil
		}},
		&bot.Command{Name: "assign", Role: model.RoleGuide, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			return &bot.Reply{Text: "git is held already by @anna.\nAssign to 3 targets?", Buttons: []bot.Button{
				{Label: "Do not assign", ID: "decision:cancel:7"},
				{Label: "Only new", ID: "decision:only_new:7", Style: bot.StylePrimary},
				{Label: "Force reassignment", ID: "decision:force:7", Style: bot.StyleDanger},
				{Label: "Show selected groups", ID: "decision:show:7"},
			}}, nil
		}},
		&bot.Command{Name: "tasks", Role: model.RoleLearner, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			return &bot.Reply{Text: "Tasks of " + req.Actor.Name + ":\n1. Git basics (open)", Buttons: []bot.Button{{Label: "Mark done: Git basics", ID: "done:1"}}}, nil
		}},
		&bot.Command{Name: "members", Role: model.RoleLearner, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			var lines []string
			for _, p := range req.Params {
				switch {
				case p.Group != nil:
					var users []model.User
					err := req.Directory.GroupMembers(ctx, *p.Group, func(page []model.User) error {
						users = append(users, page...)
						return nil
					})
					if err != nil {
						return nil, err
					}
					lines = append(lines, fmt.Sprintf("%s: %s", p.Text, describeUsers(users)))
				default:
					u, err := req.Directory.UserByEmail(ctx, p.Text)
					if err != nil {
						return nil, err
					}
					lines = append(lines, fmt.Sprintf("%s: %s", p.Text, describeUsers([]model.User{*u})))
				}
			}
			return bot.Text("%s", strings.Join(lines, "\n")), nil
		}},
		&bot.Command{Name: "slow", Role: model.RoleLearner, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			<-h.slow
			return bot.Text("slow done"), nil
		}},
	)
	h.OnAction("decision", model.RoleGuide, func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		if req.Action.Value() == "show:7" {
			return &bot.Reply{Text: "Group @devs: @anna (holds it), @ben"}, nil
		}
		return &bot.Reply{Text: "Assigned git to 2 new learners.", Replace: true}, nil
	})
	h.OnAction("done", model.RoleLearner, func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return &bot.Reply{Text: "Marked done: Git basics.", Replace: true}, nil
	})
	return h
}

func (h *testHandler) Handle(ctx context.Context, req *bot.Request) *bot.Reply {
	h.mu.Lock()
	h.requests = append(h.requests, req)
	h.mu.Unlock()
	return h.Router.Handle(ctx, req)
}

// Home is the user's tasks, as the "tasks" command shows them, recorded as a
// request without command words.
func (h *testHandler) Home(ctx context.Context, platform, workspace string, user model.User) (*bot.Reply, error) {
	h.mu.Lock()
	h.requests = append(h.requests, &bot.Request{Platform: platform, Workspace: workspace, Actor: user})
	h.mu.Unlock()
	return h.Router.Handle(ctx, &bot.Request{Platform: platform, Workspace: workspace, Actor: user, Args: bot.Words("tasks")}), nil
}

func (h *testHandler) Requests() []*bot.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*bot.Request(nil), h.requests...)
}

func describe(args []bot.Arg) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.User != nil:
			parts = append(parts, fmt.Sprintf("user(%s,%s,%s)", a.User.ID, a.User.Name, a.User.Email))
		case a.Group != nil:
			parts = append(parts, fmt.Sprintf("group(%s,%s,%s)", a.Group.Kind, a.Group.ID, a.Group.Name))
		default:
			parts = append(parts, a.Text)
		}
	}
	return strings.Join(parts, " ")
}

func describeUsers(users []model.User) string {
	var parts []string
	for _, u := range users {
		parts = append(parts, u.ID+"="+u.Name)
	}
	return strings.Join(parts, ",")
}

// The tokens the fake Slack accepts.
const (
	testBotToken = "xoxb-test"
	testAppToken = "xapp-test"
)

// slackFake is the fake Slack of internal/fakeslack on loopback: it knows
// only the users a test adds, and fails the test on a malformed request.
type slackFake struct {
	*fakeslack.Server
	url string
}

func newFakeSlack(t testing.TB) *slackFake {
	f := fakeslack.New(testBotToken, fakeslack.WithAppToken(testAppToken), fakeslack.ReportTo(t))
	f.SetAutoUsers(false)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &slackFake{Server: f, url: srv.URL}
}

func (f *slackFake) apiURL() string { return f.url + "/api/" }

func (f *slackFake) responseURL(id string) string { return f.url + "/response/" + id }

// socket waits for learnbot's Socket Mode connection.
func (f *slackFake) socket(t testing.TB) *websocket.Conn {
	t.Helper()
	c, err := f.Socket(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
