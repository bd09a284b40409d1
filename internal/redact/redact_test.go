package redact_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/redact"
)

func TestURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://hooks.slack.com/actions/T1/123/s3cret", "https://hooks.slack.com/actions/…/redacted"},
		{"https://hooks.slack.com/commands/T1/123/s3cret", "https://hooks.slack.com/commands/…/redacted"},
		{"https://discord.com/api/v10/webhooks/1/tok/messages/@original", "https://discord.com/api/v10/webhooks/…/redacted"},
		{"https://discord.com/api/v10/interactions/1/tok/callback", "https://discord.com/api/v10/interactions/…/redacted"},
		{"https://bot.example/invite/abc", "https://bot.example/invite/…/redacted"},
		{"https://bot.example/reports/abc.csv", "https://bot.example/reports/…/redacted"},
		{"https://x.example/a?token=s3cret", "https://x.example/a?redacted"},
		{"https://discord.com/api/v10/users/@me/channels", "https://discord.com/api/v10/users/@me/channels"},
	} {
		if got := redact.URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestError(t *testing.T) {
	base := errors.New("connection refused")
	err := fmt.Errorf(`Post "https://hooks.slack.com/actions/T1/1/s3cret": %w`, base)
	got := redact.Error(err)
	if strings.Contains(got.Error(), "s3cret") || !strings.Contains(got.Error(), "hooks.slack.com/actions/…/redacted") {
		t.Errorf("redacted error %q", got)
	}
	if !errors.Is(got, base) {
		t.Error("the redacted error lost its chain")
	}
}

func TestAttr(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: redact.Attr}))
	log.Error("failed https://a.example/webhooks/1/s3cret", "url", "https://a.example/webhooks/1/s3cret",
		"error", errors.New(`Post "https://a.example/interactions/1/s3cret/callback": EOF`))
	if strings.Contains(buf.String(), "s3cret") {
		t.Errorf("secret logged: %s", buf.String())
	}
}
