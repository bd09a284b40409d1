package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/learnbot/learnbot/internal/logthrottle"
	"github.com/learnbot/learnbot/internal/redact"
	"github.com/learnbot/learnbot/metrics"
)

// parseLogLevel reads LEARNBOT_LOG_LEVEL.
func parseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	switch strings.ToLower(s) {
	case "debug":
		l = slog.LevelDebug
	case "info", "":
		l = slog.LevelInfo
	case "warn", "warning":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		return 0, fmt.Errorf("LEARNBOT_LOG_LEVEL: %q is not debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger logs to w as logfmt text or JSON lines; a line logged with a
// request's context names the request (request_id). URLs that carry
// secrets are redacted in every line, whoever logged them, and durations
// read as "25s" in both formats (slog writes nanoseconds in JSON). A
// failing dependency writes at most one ERROR per cause every 10 s
// (internal/logthrottle).
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: replaceAttr}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(logthrottle.New(metrics.LogHandler(h), nil, logthrottle.Every))
}

// replaceAttr redacts secrets and writes durations as Go writes them.
func replaceAttr(groups []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return redact.Attr(groups, a)
}
