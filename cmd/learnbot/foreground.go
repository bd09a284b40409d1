package main

import (
	"context"
	"net/http"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/foreground"
)

// What counts as foreground work, for the gate the queue's jobs pass
// (internal/foreground): every request to the public listener but the
// probes and the metrics scrape, and every command and button press the
// core handles, whichever way it came (Socket Mode and the Discord gateway
// have no HTTP request, and a command slower than Slack's 3 s finishes
// after its request was acknowledged).

// foregroundHTTP marks the requests next serves as foreground work.
func foregroundHTTP(gate *foreground.Gate, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
		default:
			defer gate.Enter()()
		}
		next.ServeHTTP(w, r)
	})
}

// foregroundHandler marks the commands and presses it handles as
// foreground work. The App Home (Home) is not: it is refreshed in the
// background when assignments change.
type foregroundHandler struct {
	*handlers.Handlers
	gate *foreground.Gate
}

func (h foregroundHandler) Handle(ctx context.Context, req *bot.Request) *bot.Reply {
	defer h.gate.Enter()()
	return h.Handlers.Handle(ctx, req)
}
