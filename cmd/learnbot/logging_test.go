package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestLogConfig checks LEARNBOT_LOG_FORMAT and LEARNBOT_LOG_LEVEL reach the
// logger: JSON lines, and nothing below the level.
func TestLogConfig(t *testing.T) {
	cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_LOG_FORMAT": "json", "LEARNBOT_LOG_LEVEL": "warn"}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := newLogger(&buf, cfg.LogFormat, cfg.LogLevel)
	log.Info("hidden")
	log.Warn("shown", "workspace", "T1")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log output %q is not one JSON line: %v", buf.String(), err)
	}
	if line["msg"] != "shown" || line["level"] != "WARN" || line["workspace"] != "T1" {
		t.Fatalf("log line = %v", line)
	}
	t.Run("DefaultText", func(t *testing.T) {
		cfg, err := configFromEnv(envOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		newLogger(&buf, cfg.LogFormat, cfg.LogLevel).Info("started", "platform", "slack")
		if got := buf.String(); !strings.Contains(got, "level=INFO msg=started platform=slack") {
			t.Fatalf("default log line = %q; want logfmt at INFO", got)
		}
	})
	t.Run("SecretURLsRedacted", func(t *testing.T) {
		var buf bytes.Buffer
		newLogger(&buf, "text", slog.LevelInfo).Error("delivery failed",
			"error", errors.New(`Post "https://hooks.slack.com/actions/T1/1/s3cret": EOF`))
		if got := buf.String(); strings.Contains(got, "s3cret") || !strings.Contains(got, "hooks.slack.com/actions/…/redacted") {
			t.Fatalf("log line = %q; want the URL redacted", got)
		}
	})
}
