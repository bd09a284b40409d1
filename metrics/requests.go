package metrics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// request follows one HTTP request from the middleware through the router,
// so that it is logged once with everything both know: the router may
// still be working when a platform's request has been acknowledged.
type request struct {
	id       string
	platform string
	kind     string
	start    time.Time

	mu       sync.Mutex
	running  int // router calls started and not finished
	answered bool
	status   int
	obs      *Observation
}

type requestKey struct{}

// RequestID is the ID of the HTTP request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r.id
	}
	return ""
}

// route tells a request's platform and kind from its path. The kinds are
// few and fixed: they are metric labels.
func route(path string) (platform, kind string) {
	switch {
	case path == "/slack/commands":
		return "slack", "command"
	case path == "/slack/interactions":
		return "slack", "action"
	case path == "/slack/events":
		return "slack", "event"
	case path == "/discord/interactions":
		return "discord", "interaction"
	case strings.HasPrefix(path, "/invite/"):
		return "web", "invitation"
	case strings.HasPrefix(path, "/reports/"):
		return "web", "report"
	case path == "/healthz" || path == "/readyz":
		return "web", "health"
	case path == "/metrics":
		return "web", "metrics"
	}
	return "web", "other"
}

// Middleware gives each request an ID (X-Request-ID when the load balancer
// sent a sane one), counts it and logs one line for it when both the answer
// and any command it started are done.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		platform, kind := route(r.URL.Path)
		req := &request{id: requestID(r.Header.Get("X-Request-ID")), platform: platform, kind: kind, start: time.Now()}
		w.Header().Set("X-Request-ID", req.id)
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			d := time.Since(req.start)
			status := strconv.Itoa(rec.status)
			m.httpRequests.WithLabelValues(platform, kind, status).Inc()
			m.httpDuration.WithLabelValues(platform, kind, status).Observe(d.Seconds())
			req.mu.Lock()
			req.answered, req.status = true, rec.status
			done := req.running == 0
			req.mu.Unlock()
			if done {
				m.logRequest(req)
			}
		}()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestKey{}, req)))
	})
}

// Started notes a router call for the request in ctx (through the router's Observer).
func (m *Metrics) Started(ctx context.Context) {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		r.mu.Lock()
		r.running++
		r.mu.Unlock()
	}
}

// Finished counts a command or button press and, once its HTTP request is
// answered, logs the request (through the router's Observer). Requests that came by no HTTP
// request (Socket Mode, the Discord gateway, the console) are logged here.
func (m *Metrics) Finished(ctx context.Context, o Observation) {
	m.commands.WithLabelValues(o.Command, o.Outcome).Inc()
	m.latency.WithLabelValues(o.Command).Observe(o.Duration.Seconds())
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		kind := "command"
		if o.Action {
			kind = "action"
		}
		m.logRequest(&request{id: requestID(""), platform: o.Platform, kind: kind, start: time.Now().Add(-o.Duration), obs: &o})
		return
	}
	r.mu.Lock()
	r.obs = &o
	r.running--
	done := r.running == 0 && r.answered
	r.mu.Unlock()
	if done {
		m.logRequest(r)
	}
}

// logRequest writes the request's one line: health checks and scrapes at
// DEBUG, everything else at INFO. Paths are not logged: an invitation's
// or a report's path is its secret.
func (m *Metrics) logRequest(r *request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	level := slog.LevelInfo
	if r.kind == "health" || r.kind == "metrics" {
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{slog.String("request_id", r.id), slog.String("platform", r.platform), slog.String("kind", r.kind)}
	if o := r.obs; o != nil {
		attrs = append(attrs, slog.String("workspace", o.Workspace), slog.String("user", o.User))
		if o.Action {
			attrs = append(attrs, slog.String("action", o.Command))
		} else {
			attrs = append(attrs, slog.String("command", o.Command))
		}
		attrs = append(attrs, slog.String("outcome", o.Outcome))
	}
	if r.answered {
		attrs = append(attrs, slog.Int("status", r.status))
	}
	attrs = append(attrs, slog.Duration("duration", time.Since(r.start)))
	m.log.LogAttrs(context.Background(), level, "request", attrs...)
}

// requestID keeps a load balancer's ID when it is short and plain, else
// makes one.
func requestID(given string) string {
	if n := len(given); n > 0 && n <= 64 && strings.Trim(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return given
	}
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// LogHandler adds the request ID of the record's context to every line
// logged with one, so that an error logged deep in a command names the
// request it belongs to.
func LogHandler(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
