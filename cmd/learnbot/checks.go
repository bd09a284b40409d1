package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// errRejected marks a credential the platform refused: serve stops.
var errRejected = errors.New("rejected")

// errNotChecked says there was no credential to check (a half
// configuration, warned about on its own).
var errNotChecked = errors.New("not checked")

// checkTimeout bounds each start-up check; a platform that does not answer
// in time is reported unreachable and serve goes on.
const checkTimeout = 5 * time.Second

// startupChecks runs before serve reports ready: it logs which integrations
// are on, warns about half configurations, and asks each configured
// platform who its token belongs to. A rejected token is an error naming
// the variable; an unreachable platform is a warning.
func startupChecks(ctx context.Context, cfg *Config, log *slog.Logger) error {
	for _, w := range halfConfigurations(cfg) {
		log.Warn(w)
	}
	email := "off: invitation links are shown in the reply"
	if cfg.SMTPURL != "" {
		email = "smtp"
	}
	log.Info("integrations", "slack", slackMode(cfg), "discord", discordMode(cfg), "matrix", matrixMode(cfg), "email", email)
	var errs []error
	for _, p := range platforms {
		if p.check == nil || p.enabled == nil || !p.enabled(cfg) {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		who, err := p.check(cctx, cfg)
		cancel()
		switch {
		case errors.Is(err, errNotChecked):
		case errors.Is(err, errRejected):
			errs = append(errs, err)
		case err != nil:
			log.Warn("platform unreachable at start; going on", "platform", p.name, "error", err)
		default:
			log.Info("platform credentials accepted", "platform", p.name, "as", who)
		}
	}
	return errors.Join(errs...)
}

func slackMode(cfg *Config) string {
	switch {
	case cfg.SlackBotToken == "":
		return "off"
	case cfg.SlackAppToken != "":
		return "socket mode"
	}
	return "http"
}

func discordMode(cfg *Config) string {
	switch {
	case cfg.DiscordKey != "":
		return "http"
	case cfg.DiscordToken != "":
		return "gateway"
	}
	return "off"
}

func matrixMode(cfg *Config) string {
	if cfg.MatrixURL != "" && cfg.MatrixToken != "" {
		return "sync"
	}
	return "off"
}

// halfConfigurations names settings that do not work without another.
func halfConfigurations(cfg *Config) []string {
	var w []string
	if slackMode(cfg) == "off" && discordMode(cfg) == "off" && matrixMode(cfg) == "off" {
		w = append(w, "no platform is configured (SLACK_BOT_TOKEN, DISCORD_BOT_TOKEN, DISCORD_PUBLIC_KEY or MATRIX_ACCESS_TOKEN): "+
			"serving only the invitation pages, reports and probes")
	}
	if cfg.SlackBotToken == "" && (cfg.SlackSecret != "" || cfg.SlackAppToken != "") {
		w = append(w, "Slack is off: SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not")
	}
	if cfg.SlackBotToken != "" && cfg.SlackSecret == "" && cfg.SlackAppToken == "" {
		w = append(w, "Slack needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) besides SLACK_BOT_TOKEN")
	}
	if cfg.DiscordKey != "" && cfg.DiscordToken == "" {
		w = append(w, "DISCORD_PUBLIC_KEY is set but DISCORD_BOT_TOKEN is not: commands are answered, but no DM can be sent")
	}
	if cfg.DiscordToken != "" && cfg.DiscordAppID == "" {
		w = append(w, "DISCORD_BOT_TOKEN is set but DISCORD_APP_ID is not: slow commands cannot be followed up and commands cannot be registered")
	}
	if (cfg.MatrixURL == "") != (cfg.MatrixToken == "") {
		w = append(w, "Matrix is off: it needs both MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN")
	}
	if cfg.SMTPURL != "" && isLocalURL(cfg.PublicURL) {
		w = append(w, fmt.Sprintf("invitation emails will link to %s/invite/...: set LEARNBOT_PUBLIC_URL to the address people reach learnbot at", cfg.PublicURL))
	}
	if len(cfg.Admins) == 0 {
		w = append(w, "LEARNBOT_ADMINS is empty, so nobody is an admin: set it to slack:<member ID> (Slack: your profile, ⋮ More, Copy member ID) "+
			"or discord:<user ID> (Discord: Settings, Advanced, Developer Mode on; then right-click yourself, Copy User ID); "+
			"a refused command also shows the ID to use")
	}
	return w
}

func isLocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasPrefix(h, "127.") || h == "::1" || h == "0.0.0.0"
}

// checkSlack calls auth.test with SLACK_BOT_TOKEN.
func checkSlack(ctx context.Context, cfg *Config) (string, error) {
	base := cfg.SlackAPIURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"auth.test", nil)
	if err != nil {
		return "", fmt.Errorf("LEARNBOT_SLACK_API_URL: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+cfg.SlackBotToken)
	var out struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
		Team  string `json:"team"`
		User  string `json:"user"`
	}
	status, err := callJSON(req, &out)
	switch {
	case err != nil:
		return "", err
	case status == http.StatusUnauthorized || status == http.StatusForbidden ||
		!out.OK && slackRejections[out.Error]:
		return "", fmt.Errorf("SLACK_BOT_TOKEN was %w by Slack (auth.test: %s): check the Bot User OAuth Token (xoxb-...) of the installed app",
			errRejected, firstNonEmpty(out.Error, http.StatusText(status)))
	case !out.OK:
		return "", fmt.Errorf("slack auth.test: %s (HTTP %d)", firstNonEmpty(out.Error, "no answer"), status)
	}
	return out.User + " in " + out.Team, nil
}

// slackRejections are auth.test's answers for a token that will not work.
var slackRejections = map[string]bool{"invalid_auth": true, "not_authed": true, "account_inactive": true,
	"token_revoked": true, "token_expired": true, "no_permission": true, "ekm_access_denied": true, "not_allowed_token_type": true}

// checkDiscord calls GET /users/@me with DISCORD_BOT_TOKEN.
func checkDiscord(ctx context.Context, cfg *Config) (string, error) {
	if cfg.DiscordToken == "" {
		return "", errNotChecked
	}
	base := cfg.DiscordAPIURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"users/@me", nil)
	if err != nil {
		return "", fmt.Errorf("LEARNBOT_DISCORD_API_URL: %w", err)
	}
	req.Header.Set("Authorization", "Bot "+strings.TrimPrefix(cfg.DiscordToken, "Bot "))
	var out struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Message  string `json:"message"`
	}
	status, err := callJSON(req, &out)
	switch {
	case err != nil:
		return "", err
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "", fmt.Errorf("DISCORD_BOT_TOKEN was %w by Discord (GET /users/@me: %s): check the bot's token (Developer Portal, Bot, Reset Token)",
			errRejected, firstNonEmpty(out.Message, http.StatusText(status)))
	case status != http.StatusOK:
		return "", fmt.Errorf("discord GET /users/@me: HTTP %d", status)
	}
	return out.Username + " (" + out.ID + ")", nil
}

// checkMatrix asks the homeserver's whoami who MATRIX_ACCESS_TOKEN belongs to.
func checkMatrix(ctx context.Context, cfg *Config) (string, error) {
	base := strings.TrimRight(cfg.MatrixURL, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_matrix/client/v3/account/whoami", nil)
	if err != nil {
		return "", fmt.Errorf("MATRIX_HOMESERVER_URL: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+cfg.MatrixToken)
	var out struct {
		UserID  string `json:"user_id"`
		ErrCode string `json:"errcode"`
		Error   string `json:"error"`
	}
	status, err := callJSON(req, &out)
	switch {
	case err != nil:
		return "", err
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "", fmt.Errorf("MATRIX_ACCESS_TOKEN was %w by the homeserver (whoami: %s): check the bot account's access token",
			errRejected, firstNonEmpty(out.ErrCode, http.StatusText(status)))
	case status != http.StatusOK:
		return "", fmt.Errorf("matrix whoami: HTTP %d", status)
	case cfg.MatrixUserID != "" && out.UserID != cfg.MatrixUserID:
		return "", fmt.Errorf("MATRIX_ACCESS_TOKEN was %w: it belongs to %s, not to MATRIX_USER_ID %s", errRejected, out.UserID, cfg.MatrixUserID)
	}
	return out.UserID, nil
}

// callJSON sends req and decodes a JSON answer of any status into out.
func callJSON(req *http.Request, out any) (int, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 500 {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	_ = json.Unmarshal(body, out) // a body that is not JSON leaves out empty
	return resp.StatusCode, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
