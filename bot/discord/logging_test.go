package discord

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestLibraryLogs checks discordgo's own messages reach slog at matching
// levels, and that the session's level follows the logger's.
func TestLibraryLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	RouteLibraryLogs(log)
	if discordgo.Logger == nil {
		t.Fatal("discordgo.Logger not set")
	}
	discordgo.Logger(discordgo.LogWarning, 1, "error reconnecting to gateway: %s", "EOF")
	discordgo.Logger(discordgo.LogInformational, 1, "connected")
	got := buf.String()
	if !strings.Contains(got, `level=WARN msg="error reconnecting to gateway: EOF" platform=discord component=discordgo`) {
		t.Errorf("warning logged as %q", got)
	}
	if strings.Contains(got, "connected") {
		t.Errorf("an informational message passed a WARN logger: %q", got)
	}
	a, err := New(Config{BotToken: "t"}, nil, nil, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	if a.session.LogLevel != discordgo.LogWarning {
		t.Errorf("session log level %d; want LogWarning for a WARN logger", a.session.LogLevel)
	}
}
