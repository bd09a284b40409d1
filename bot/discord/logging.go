package discord

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/internal/redact"
)

var routeOnce sync.Once

// RouteLibraryLogs sends discordgo's own log messages (gateway reconnects,
// heartbeat failures) to log instead of the standard logger, at matching
// levels. discordgo has one package-wide logger, so the first call wins;
// serve calls it once at start.
func RouteLibraryLogs(log *slog.Logger) {
	routeOnce.Do(func() {
		discordgo.Logger = func(msgL, caller int, format string, a ...any) {
			level := slog.LevelDebug
			switch msgL {
			case discordgo.LogError:
				level = slog.LevelError
			case discordgo.LogWarning:
				level = slog.LevelWarn
			case discordgo.LogInformational:
				level = slog.LevelInfo
			}
			// its messages name request URLs, interaction tokens in them
			log.Log(context.Background(), level, redact.Text(strings.TrimSpace(fmt.Sprintf(format, a...))),
				"platform", "discord", "component", "discordgo")
		}
	})
}

// libraryLogLevel is the session's discordgo level for a logger: discordgo
// drops messages above it before they reach the logger. Its debug level (a
// line per heartbeat and REST call) stays off.
func libraryLogLevel(log *slog.Logger) int {
	ctx := context.Background()
	switch {
	case log.Enabled(ctx, slog.LevelInfo):
		return discordgo.LogInformational
	case log.Enabled(ctx, slog.LevelWarn):
		return discordgo.LogWarning
	}
	return discordgo.LogError
}
