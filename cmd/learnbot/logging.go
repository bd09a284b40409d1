package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
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

// newLogger logs to w as logfmt text or JSON lines.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
