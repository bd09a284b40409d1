package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/queue"
)

// Config is learnbot's whole configuration, read once from the environment.
type Config struct {
	DatabaseURL string
	// DBWait (LEARNBOT_DB_WAIT) is how long serve and migrate try again to
	// open a database that is not up yet; 0 fails at the first try.
	DBWait    time.Duration
	Addr      string
	PublicURL string
	// PublicURLSet says LEARNBOT_PUBLIC_URL was given: the console then
	// leaves links to it and serves none itself.
	PublicURLSet  bool
	Admins        map[string]bool
	DecisionTTL   time.Duration
	SMTPURL       string
	MailFrom      string
	SlackSecret   string
	SlackBotToken string
	SlackAppToken string
	SlackAPIURL   string
	SlackPrefix   string
	DiscordKey    string
	DiscordToken  string
	DiscordAppID  string
	DiscordGuild  string
	DiscordAPIURL string
	// Matrix: the bot account (MATRIX_HOMESERVER_URL, MATRIX_USER_ID,
	// MATRIX_ACCESS_TOKEN), and the key that encrypts its end-to-end
	// encryption keys in the database (MATRIX_PICKLE_KEY).
	MatrixURL       string
	MatrixUserID    string
	MatrixToken     string
	MatrixPickleKey string
	// Language (LEARNBOT_LANGUAGE) is for invitation emails, and for people
	// whose language neither they nor their platform set.
	Language catalog.Lang
	// TimeZone (LEARNBOT_TIMEZONE) is for due dates of people whose
	// platform gives no time zone.
	TimeZone *time.Location
	// RemindBefore (LEARNBOT_REMIND_BEFORE) is how many days before a due
	// date the first reminder goes out; 0 turns reminders off.
	RemindBefore int
	// ReconcileEvery (LEARNBOT_RECONCILE_EVERY, default 1h) is how often
	// every rule is applied to its source as it is now.
	ReconcileEvery time.Duration
	// EscalateAfter (LEARNBOT_ESCALATE_AFTER) is how many days after its
	// due date an open assignment is reported to its guide; 0: never.
	EscalateAfter int
	// RescueAfter (LEARNBOT_QUEUE_RESCUE_AFTER) is how long a job may stay
	// running before another process takes it for one left by a crash.
	RescueAfter time.Duration
	// PprofAddr (LEARNBOT_PPROF_ADDR), when set, serves net/http/pprof
	// there, apart from the public handler: for profiling under load.
	PprofAddr string
	// MetricsAddr (LEARNBOT_METRICS_ADDR), when set, serves /metrics there
	// and not on the public listener.
	MetricsAddr string
	// LogFormat is "text" or "json" (LEARNBOT_LOG_FORMAT).
	LogFormat string
	// LogLevel is LEARNBOT_LOG_LEVEL; LogLevelSet says it was given, so that
	// the console can default to quieter logs.
	LogLevel    slog.Level
	LogLevelSet bool
	// ShutdownTimeout bounds serve's stop after a signal (shutdownBudget;
	// not configurable: tests shorten it).
	ShutdownTimeout time.Duration
}

// configFromEnv reads and validates the configuration.
func configFromEnv(getenv func(string) string) (*Config, error) {
	or := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		DatabaseURL:     or("LEARNBOT_DATABASE_URL", "sqlite:learnbot.db"),
		Addr:            or("LEARNBOT_ADDR", ":8080"),
		PublicURL:       strings.TrimRight(or("LEARNBOT_PUBLIC_URL", "http://localhost:8080"), "/"),
		Admins:          map[string]bool{},
		SMTPURL:         or("LEARNBOT_SMTP_URL", ""),
		MailFrom:        or("LEARNBOT_MAIL_FROM", "learnbot@localhost"),
		SlackSecret:     or("SLACK_SIGNING_SECRET", ""),
		SlackBotToken:   or("SLACK_BOT_TOKEN", ""),
		SlackAppToken:   or("SLACK_APP_TOKEN", ""),
		SlackAPIURL:     or("LEARNBOT_SLACK_API_URL", "https://slack.com/api/"),
		SlackPrefix:     or("LEARNBOT_SLACK_COMMAND_PREFIX", ""),
		DiscordKey:      or("DISCORD_PUBLIC_KEY", ""),
		DiscordToken:    or("DISCORD_BOT_TOKEN", ""),
		DiscordAppID:    or("DISCORD_APP_ID", ""),
		DiscordGuild:    or("DISCORD_GUILD_ID", ""),
		DiscordAPIURL:   or("LEARNBOT_DISCORD_API_URL", "https://discord.com/api/v10/"),
		MatrixURL:       or("MATRIX_HOMESERVER_URL", ""),
		MatrixUserID:    or("MATRIX_USER_ID", ""),
		MatrixToken:     or("MATRIX_ACCESS_TOKEN", ""),
		MatrixPickleKey: getenv("MATRIX_PICKLE_KEY"),
		PprofAddr:       or("LEARNBOT_PPROF_ADDR", ""),
		MetricsAddr:     or("LEARNBOT_METRICS_ADDR", ""),
		LogFormat:       strings.ToLower(or("LEARNBOT_LOG_FORMAT", "text")),
		LogLevelSet:     strings.TrimSpace(getenv("LEARNBOT_LOG_LEVEL")) != "",
		PublicURLSet:    strings.TrimSpace(getenv("LEARNBOT_PUBLIC_URL")) != "",
		ShutdownTimeout: shutdownBudget,
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, fmt.Errorf("LEARNBOT_LOG_FORMAT: %q is not text or json", getenv("LEARNBOT_LOG_FORMAT"))
	}
	if err := checkPickleKey(c); err != nil {
		return nil, err
	}
	level, err := parseLogLevel(strings.TrimSpace(getenv("LEARNBOT_LOG_LEVEL")))
	if err != nil {
		return nil, err
	}
	c.LogLevel = level
	for _, a := range strings.Split(getenv("LEARNBOT_ADMINS"), ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if err := parseAdmin(a); err != nil {
			return nil, err
		}
		c.Admins[a] = true
	}
	ttl, err := time.ParseDuration(or("LEARNBOT_DECISION_TTL", "24h"))
	if err != nil || ttl <= 0 {
		return nil, fmt.Errorf("LEARNBOT_DECISION_TTL: %q is not a positive duration such as 24h", getenv("LEARNBOT_DECISION_TTL"))
	}
	c.DecisionTTL = ttl
	lang, ok := catalog.ParseLang(or("LEARNBOT_LANGUAGE", "en"))
	if !ok {
		return nil, fmt.Errorf("LEARNBOT_LANGUAGE: %q is not one of %s", getenv("LEARNBOT_LANGUAGE"), langList(", "))
	}
	c.Language = lang
	zone := or("LEARNBOT_TIMEZONE", "UTC")
	if !calendar.ValidZone(zone) {
		return nil, fmt.Errorf("LEARNBOT_TIMEZONE: %q is not a time zone such as UTC or Europe/Berlin", getenv("LEARNBOT_TIMEZONE"))
	}
	c.TimeZone = calendar.Location(zone, time.UTC)
	if c.RemindBefore, err = calendar.ParseLead(or("LEARNBOT_REMIND_BEFORE", "2d")); err != nil {
		return nil, fmt.Errorf("LEARNBOT_REMIND_BEFORE: %q is not a number of days such as 2d, 1w or 0", getenv("LEARNBOT_REMIND_BEFORE"))
	}
	if c.ReconcileEvery, err = time.ParseDuration(or("LEARNBOT_RECONCILE_EVERY", "1h")); err != nil || c.ReconcileEvery < time.Minute {
		return nil, fmt.Errorf("LEARNBOT_RECONCILE_EVERY: %q is not a duration of a minute or more such as 1h", getenv("LEARNBOT_RECONCILE_EVERY"))
	}
	if c.EscalateAfter, err = calendar.ParseLead(or("LEARNBOT_ESCALATE_AFTER", "7d")); err != nil {
		return nil, fmt.Errorf("LEARNBOT_ESCALATE_AFTER: %q is not a number of days such as 7d, 2w or 0", getenv("LEARNBOT_ESCALATE_AFTER"))
	}
	if c.RescueAfter, err = time.ParseDuration(or("LEARNBOT_QUEUE_RESCUE_AFTER", queue.RescueAfter.String())); err != nil || c.RescueAfter <= 0 {
		return nil, fmt.Errorf("LEARNBOT_QUEUE_RESCUE_AFTER: %q is not a positive duration such as 20s", getenv("LEARNBOT_QUEUE_RESCUE_AFTER"))
	}
	if c.DBWait, err = time.ParseDuration(or("LEARNBOT_DB_WAIT", "60s")); err != nil || c.DBWait < 0 {
		return nil, fmt.Errorf("LEARNBOT_DB_WAIT: %q is not a duration such as 60s or 0", getenv("LEARNBOT_DB_WAIT"))
	}
	// Links in emails and the Slack manifest are built on it: a value that
	// is not an absolute web address would make every one of them wrong.
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("LEARNBOT_PUBLIC_URL: %q is not an absolute http:// or https:// URL such as https://learnbot.example.com",
			getenv("LEARNBOT_PUBLIC_URL"))
	}
	if c.DiscordKey != "" {
		if k, err := hex.DecodeString(c.DiscordKey); err != nil || len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: not 64 hex digits (the application's Public Key, " +
				"Discord Developer Portal, General Information)")
		}
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		return nil, fmt.Errorf("SLACK_APP_TOKEN: must start with xapp-")
	}
	return c, nil
}

// langList names the registered languages' tags, joined by sep.
func langList(sep string) string {
	var tags []string
	for _, l := range catalog.Tags() {
		tags = append(tags, string(l))
	}
	return strings.Join(tags, sep)
}

// checkPickleKey: a build that works in encrypted Matrix rooms keeps the
// bot's keys in the database, encrypted with MATRIX_PICKLE_KEY, which it
// then needs.
func checkPickleKey(c *Config) error {
	if !matrix.Encrypts || c.MatrixURL == "" || c.MatrixToken == "" {
		return nil
	}
	const how = "a random secret, e.g. from openssl rand -hex 32, kept as long as the database"
	switch n := len(c.MatrixPickleKey); {
	case n == 0:
		return fmt.Errorf("MATRIX_PICKLE_KEY is not set: Matrix needs it to encrypt the bot's end-to-end encryption keys (%s)", how)
	case n < matrix.MinPickleKey:
		return fmt.Errorf("MATRIX_PICKLE_KEY has %d characters; it needs at least %d (%s)", n, matrix.MinPickleKey, how)
	}
	return nil
}
