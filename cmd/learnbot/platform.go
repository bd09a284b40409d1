package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// platform is one chat platform as learnbot wires it: a row of the
// platforms table. serve and the LEARNBOT_ADMINS check iterate the table, so
// a new platform is its adapter package plus one row here.
type platform struct {
	// name is the platform's bot.Request.Platform and the prefix of its
	// users in LEARNBOT_ADMINS ("slack:U123").
	name string
	// adminID names what follows the prefix in LEARNBOT_ADMINS, for errors.
	adminID string
	// enabled reports whether the configuration turns the platform on in
	// serve; nil means serve never runs it (the console runs on its own).
	enabled func(cfg *Config) bool
	// open builds the platform's adapter on the core.
	open func(cfg *Config, c *core, log *slog.Logger) (*connection, error)
	// check asks the platform who the configured token belongs to, before
	// serve reports ready; an error wrapping errRejected stops serve.
	check func(ctx context.Context, cfg *Config) (who string, err error)
}

// connection is an opened platform: what serve wires into the process.
type connection struct {
	via    string                          // how it is reached, for the log: "http", "socket mode", "gateway"
	routes func(mux *http.ServeMux)        // its HTTP endpoints; nil when it has none
	run    func(ctx context.Context) error // its stream (Socket Mode, gateway); nil when it has none
	sender bot.Sender                      // delivers its DMs
	wait   func()                          // waits for its follow-ups still running after a stop
	// directory lists platform groups of a workspace outside any request,
	// for the rules' reconciliation; nil when the platform has none.
	directory func(workspace string) bot.Directory
}

var platforms = []platform{
	{name: model.PlatformSlack, adminID: "<user-id>", enabled: func(cfg *Config) bool { return cfg.SlackBotToken != "" }, open: openSlack, check: checkSlack},
	{name: model.PlatformDiscord, adminID: "<user-id>", enabled: func(cfg *Config) bool { return cfg.DiscordKey != "" || cfg.DiscordToken != "" }, open: openDiscord,
		check: checkDiscord},
	{name: model.PlatformMatrix, adminID: "<@user:server>", enabled: func(cfg *Config) bool { return cfg.MatrixURL != "" && cfg.MatrixToken != "" },
		open: openMatrix, check: checkMatrix},
	{name: model.PlatformConsole, adminID: "<name>"},
}

// openSlack serves Slack over HTTP, or over Socket Mode when an app token is
// set.
func openSlack(cfg *Config, c *core, log *slog.Logger) (*connection, error) {
	a, err := slack.New(slack.Config{SigningSecret: cfg.SlackSecret, BotToken: cfg.SlackBotToken, AppToken: cfg.SlackAppToken,
		APIURL: cfg.SlackAPIURL, CommandPrefix: cfg.SlackPrefix, PublicURL: cfg.PublicURL}, foregroundHandler{c.handlers, c.gate},
		slack.WithDedup(c.store), slack.WithHomes(c.homes), slack.WithGuard(c.guard), slack.WithJoiner(c.handlers), slack.WithDMChannels(keptChannels{c.store}), slack.WithLogger(log), slack.WithSharedPacing(sharedPaces{c.store}, c.replica),
		slack.WithTransport(func(next http.RoundTripper) http.RoundTripper { return c.metrics.Transport(model.PlatformSlack, next) }))
	if err != nil {
		return nil, err
	}
	c.homes.Attach(model.PlatformSlack, a)
	// A bot token belongs to one Slack workspace: its directory is the one.
	conn := &connection{via: "http", routes: a.Routes, sender: a, wait: a.Wait,
		directory: func(string) bot.Directory { return a.Directory() }}
	if cfg.SlackAppToken != "" {
		conn.via, conn.routes, conn.run = "socket mode", nil, a.RunSocketMode
	}
	return conn, nil
}

// openDiscord serves the Discord interactions endpoint when a public key is
// set, and the gateway otherwise.
func openDiscord(cfg *Config, c *core, log *slog.Logger) (*connection, error) {
	a, err := discordAdapter(cfg, c, log)
	if err != nil {
		return nil, err
	}
	conn := &connection{via: "http", routes: a.Routes, sender: a, wait: a.Wait, directory: a.Directory}
	if cfg.DiscordKey == "" {
		conn.via, conn.routes, conn.run = "gateway", nil, a.RunGateway
	}
	return conn, nil
}

func discordAdapter(cfg *Config, c *core, log *slog.Logger) (*discord.Adapter, error) {
	return discord.New(discord.Config{PublicKey: cfg.DiscordKey, BotToken: cfg.DiscordToken, AppID: cfg.DiscordAppID,
		GuildID: cfg.DiscordGuild, APIURL: cfg.DiscordAPIURL}, foregroundHandler{c.handlers, c.gate}, handlers.Completer{Store: c.store, Admins: cfg.Admins}, discord.WithLogger(log), discord.WithJoiner(c.handlers),
		discord.WithDedup(c.store), discord.WithGuard(c.guard),
		discord.WithSharedPacing(sharedPaces{c.store}, c.replica),
		discord.WithTransport(func(next http.RoundTripper) http.RoundTripper {
			return c.metrics.Transport(model.PlatformDiscord, next)
		}))
}

// openMatrix syncs with the homeserver as the bot account; learners'
// direct rooms and the bot's encryption keys are kept in the store.
func openMatrix(cfg *Config, c *core, log *slog.Logger) (*connection, error) {
	keys, err := c.store.TextDB()
	if err != nil {
		return nil, err
	}
	a, err := matrix.New(matrix.Config{HomeserverURL: cfg.MatrixURL, UserID: cfg.MatrixUserID, AccessToken: cfg.MatrixToken,
		PickleKey: cfg.MatrixPickleKey}, foregroundHandler{c.handlers, c.gate}, matrix.WithLogger(log),
		matrix.WithDMRooms(keptRooms{c.store}), matrix.WithKeyStore(keys, string(c.store.Dialect())),
		matrix.WithSyncPositions(syncPositions{c.store}), matrix.WithDedup(c.store), matrix.WithJoiner(c.handlers),
		matrix.WithSharedPacing(sharedPaces{c.store}, c.replica))
	if err != nil {
		return nil, err
	}
	return &connection{via: "sync", run: a.Run, sender: a, wait: func() {},
		directory: func(string) bot.Directory { return a.Directory() }}, nil
}

// parseAdmin checks one LEARNBOT_ADMINS entry against the platforms table.
func parseAdmin(entry string) error {
	prefix, id, ok := strings.Cut(entry, ":")
	if ok && id != "" {
		for _, p := range platforms {
			if p.name == prefix {
				return nil
			}
		}
	}
	forms := make([]string, len(platforms))
	for i, p := range platforms {
		forms[i] = p.name + ":" + p.adminID
	}
	return fmt.Errorf("LEARNBOT_ADMINS: %q is not %s or %s", entry,
		strings.Join(forms[:len(forms)-1], ", "), forms[len(forms)-1])
}

// keptChannels keeps Slack's DM channels in the store (slack.DMChannels).
type keptChannels struct{ store *storage.Store }

func (k keptChannels) KeepDMChannels(ctx context.Context, keep []slack.KeptChannel) error {
	rows := make([]storage.KeptDMChannel, len(keep))
	for i, c := range keep {
		rows[i] = storage.KeptDMChannel{Workspace: c.Team, ChatID: c.User, Channel: c.Channel}
	}
	return k.store.KeepDMChannels(ctx, model.PlatformSlack, rows)
}

// keptRooms keeps Matrix direct rooms in the store (matrix.DMRooms), where
// Slack keeps its DM channels.
type keptRooms struct{ store *storage.Store }

func (k keptRooms) KeepDMRoom(ctx context.Context, workspace, user, room string) error {
	return k.store.KeepDMChannels(ctx, model.PlatformMatrix, []storage.KeptDMChannel{{Workspace: workspace, ChatID: user, Channel: room}})
}

// syncPositions keeps the Matrix sync position in the store
// (matrix.SyncPositions).
type syncPositions struct{ store *storage.Store }

func (p syncPositions) SyncPosition(ctx context.Context, workspace, account string) (string, error) {
	return p.store.SyncPosition(ctx, model.PlatformMatrix, workspace, account)
}

func (p syncPositions) SaveSyncPosition(ctx context.Context, workspace, account, position string) error {
	return p.store.SaveSyncPosition(ctx, model.PlatformMatrix, workspace, account, position)
}
