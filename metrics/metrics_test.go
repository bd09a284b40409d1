package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// lockedBuffer collects log lines written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func newTestMetrics(t *testing.T) (*Metrics, *lockedBuffer) {
	var buf lockedBuffer
	return New(Build{Version: "v1.2.3", Commit: "abc123", GoVersion: "go1.26.8"},
		slog.New(LogHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))), &buf
}

// observer hands the router's observations to m, as cmd/learnbot wires it.
type observer struct{ m *Metrics }

func (o observer) Started(ctx context.Context) { o.m.Started(ctx) }
func (o observer) Finished(ctx context.Context, ob bot.Observation) {
	o.m.Finished(ctx, Observation(ob))
}

// router is a bot router with one quick and one slow command (which says
// when it has started, then waits for slow), observed by m.
func router(m *Metrics, entered chan<- struct{}, slow <-chan struct{}) *bot.Router {
	r := bot.NewRouter(slog.New(slog.DiscardHandler))
	r.Observer = observer{m}
	r.Add(&bot.Command{Name: "tasks", Role: model.RoleLearner, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		return bot.Text("none"), nil
	}}, &bot.Command{Name: "report", Role: model.RoleLearner, Handler: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		entered <- struct{}{}
		<-slow
		return bot.Text("late"), nil
	}})
	return r
}

// TestRequestLog checks the one line per request: a command answered
// inline, a command acknowledged first and finished later (still one line,
// written when it finishes, with the command and the HTTP status), and a
// page that runs no command.
func TestRequestLog(t *testing.T) {
	m, logs := newTestMetrics(t)
	slow, entered := make(chan struct{}), make(chan struct{})
	r := router(m, entered, slow)
	finished := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, req *http.Request) {
		cmd := req.URL.Query().Get("c")
		breq := &bot.Request{Platform: "slack", Workspace: "T1", Actor: model.User{ID: "U1"}, Caller: bot.Caller{Role: model.RoleLearner}, Args: bot.Words(cmd)}
		if cmd != "report" {
			io.WriteString(w, r.Handle(req.Context(), breq).Text)
			return
		}
		// acknowledged while it runs, answered later (as through response_url)
		go func() {
			r.Handle(context.WithoutCancel(req.Context()), breq)
			close(finished)
		}()
		<-entered
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /invite/{token}", func(w http.ResponseWriter, req *http.Request) { http.NotFound(w, req) })
	srv := httptest.NewServer(m.Middleware(mux))
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/slack/commands?c=tasks", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Request-ID")
	if id == "" {
		t.Fatal("no X-Request-ID in the answer")
	}
	lines := logs.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines for one request: %v", len(lines), lines)
	}
	want := map[string]any{"msg": "request", "level": "INFO", "request_id": id, "platform": "slack", "kind": "command",
		"workspace": "T1", "user": "U1", "command": "tasks", "outcome": "ok", "status": float64(200)}
	for k, v := range want {
		if lines[0][k] != v {
			t.Errorf("%s = %v; want %v (line %v)", k, lines[0][k], v, lines[0])
		}
	}
	if _, ok := lines[0]["duration"]; !ok {
		t.Errorf("no duration in %v", lines[0])
	}

	t.Run("AcknowledgedThenFinished", func(t *testing.T) {
		before := len(logs.lines(t))
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands?c=report", nil)
		req.Header.Set("X-Request-ID", "lb-42")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		time.Sleep(100 * time.Millisecond)
		if n := len(logs.lines(t)) - before; n != 0 {
			t.Fatalf("%d lines while the command still runs; want its line when it finishes", n)
		}
		close(slow)
		<-finished
		lines := logs.lines(t)[before:]
		if len(lines) != 1 || lines[0]["request_id"] != "lb-42" || lines[0]["command"] != "report" || lines[0]["status"] != float64(200) {
			t.Fatalf("lines %v; want one for report with the load balancer's request ID and status 200", lines)
		}
	})
	t.Run("PageWithoutCommand", func(t *testing.T) {
		before := len(logs.lines(t))
		resp, err := http.Get(srv.URL + "/invite/secret-token-value")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		lines := logs.lines(t)[before:]
		if len(lines) != 1 || lines[0]["kind"] != "invitation" || lines[0]["status"] != float64(404) {
			t.Fatalf("lines %v; want one invitation line with status 404", lines)
		}
		for _, l := range lines {
			js, _ := json.Marshal(l)
			if strings.Contains(string(js), "secret-token-value") {
				t.Fatalf("the invitation token was logged: %s", js)
			}
		}
	})
	t.Run("ErrorsNameTheRequest", func(t *testing.T) {
		var buf lockedBuffer
		log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil)))
		h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			log.ErrorContext(r.Context(), "command failed")
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/slack/commands", nil))
		lines := buf.lines(t)
		if len(lines) != 1 || lines[0]["request_id"] != rec.Header().Get("X-Request-ID") {
			t.Fatalf("error line %v lacks the request ID %q", lines, rec.Header().Get("X-Request-ID"))
		}
	})
	if got := testutil.ToFloat64(m.httpRequests.WithLabelValues("slack", "command", "200")); got != 3 {
		t.Errorf("learnbot_http_requests_total{slack,command,200} = %v; want 3", got)
	}
	if got := testutil.ToFloat64(m.httpRequests.WithLabelValues("web", "invitation", "404")); got != 1 {
		t.Errorf("learnbot_http_requests_total{web,invitation,404} = %v; want 1", got)
	}
}

// TestRateLimitedByMethod counts 429 answers by platform and method, with
// Discord's IDs and tokens out of the label.
func TestRateLimitedByMethod(t *testing.T) {
	m, _ := newTestMetrics(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "chat.postMessage") || strings.Contains(r.URL.Path, "/messages") {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer api.Close()
	slackClient := &http.Client{Transport: m.Transport("slack", http.DefaultTransport)}
	discordClient := &http.Client{Transport: m.Transport("discord", http.DefaultTransport)}
	for _, u := range []string{"/api/chat.postMessage", "/api/chat.postMessage", "/api/users.info"} {
		resp, err := slackClient.Post(api.URL+u, "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, u := range []string{"/api/v10/channels/1234567890/messages", "/api/v10/channels/987/messages"} {
		resp, err := discordClient.Post(api.URL+u, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := testutil.ToFloat64(m.rateLimited.WithLabelValues("slack", "chat.postMessage")); got != 2 {
		t.Errorf("slack chat.postMessage 429s = %v; want 2", got)
	}
	if got := testutil.ToFloat64(m.rateLimited.WithLabelValues("discord", "POST /channels/{id}/messages")); got != 1+1 {
		t.Errorf("discord POST /channels/{id}/messages 429s = %v; want 2", got)
	}
	if n := testutil.CollectAndCount(m.rateLimited); n != 2 {
		t.Errorf("%d rate-limit series; want 2 (users.info was not limited, IDs are not labels)", n)
	}
	for _, c := range []struct{ path, want string }{
		{"/api/v10/webhooks/111/aW50ZXJhY3Rpb24/messages/@original", "PATCH /webhooks/{id}/{token}/messages/@original"},
		{"/api/v10/interactions/222/aW50ZXJhY3Rpb24/callback", "PATCH /interactions/{id}/{token}/callback"},
		{"/api/v10/users/@me/channels", "PATCH /users/@me/channels"},
	} {
		r := httptest.NewRequest(http.MethodPatch, "http://discord.test"+c.path, nil)
		if got := apiMethod("discord", r); got != c.want {
			t.Errorf("apiMethod(%s) = %q; want %q", c.path, got, c.want)
		}
	}
}

// TestQueueDepthInBackground checks a scrape does not count the queue: the
// depth is counted in the background and the scrape shows the last count.
func TestQueueDepthInBackground(t *testing.T) {
	m, _ := newTestMetrics(t)
	var calls atomic.Int32
	depth := func(ctx context.Context) (int, error) { calls.Add(1); return 7, nil }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.TrackQueueDepth(ctx, depth, time.Hour); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for range 3 {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if !strings.Contains(rec.Body.String(), "learnbot_queue_depth 7") {
			t.Fatalf("scrape lacks the depth:\n%s", rec.Body.String())
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("depth counted %d times for 3 scrapes; want once, in the background", n)
	}
	cancel()
	<-done
}

// TestMetricsLint checks every learnbot metric, each with a series, against
// Prometheus' naming conventions (promlint), and the build info.
func TestMetricsLint(t *testing.T) {
	m, _ := newTestMetrics(t)
	r := router(m, nil, nil)
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.Handle(req.Context(), &bot.Request{Platform: "slack", Workspace: "T1", Actor: model.User{ID: "U1"}, Caller: bot.Caller{Role: model.RoleLearner}, Args: bot.Words("tasks")})
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/slack/commands", nil))
	m.DM("slack", "sent")
	m.Failure("dm", false)
	m.rateLimited.WithLabelValues("slack", "chat.postMessage").Inc()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
	}
	for _, want := range []string{"learnbot_http_requests_total", "learnbot_http_request_duration_seconds", "learnbot_dms_total",
		"learnbot_rate_limited_total", "learnbot_build_info", "learnbot_queue_depth", "learnbot_commands_total"} {
		if !names[want] {
			t.Errorf("no metric %s", want)
		}
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if want := `learnbot_build_info{commit="abc123",goversion="go1.26.8",version="v1.2.3"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("scrape lacks %s", want)
	}
}
