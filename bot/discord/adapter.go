// Package discord is learnbot's Discord adapter: it receives interactions
// (slash commands, autocomplete, button presses) over the HTTP interactions
// endpoint or the gateway, turns them into bot requests, renders bot replies
// as ephemeral messages with buttons, registers the application commands
// generated from the core's command definitions, lists role members for the
// core, and delivers the queue's direct messages. It is built on
// github.com/bwmarrin/discordgo; every REST call goes through one session
// whose HTTP client sends it to the configured API base.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/memo"
	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/internal/redact"
	"github.com/learnbot/learnbot/internal/throttle"
	"github.com/learnbot/learnbot/model"
)

// DefaultAPIURL is Discord's REST API base (version 10).
const DefaultAPIURL = "https://discord.com/api/v10/"

// Config is what the adapter needs from learnbot's configuration.
type Config struct {
	PublicKey string // hex Ed25519 key of the application: serve the HTTP interactions endpoint
	BotToken  string // bot token, with or without the "Bot " prefix
	AppID     string // application ID, for command registration
	GuildID   string // register commands in this guild only (instant) instead of globally
	APIURL    string // REST API base; DefaultAPIURL when empty
}

// Handler runs one request; bot.Router satisfies it.
type Handler interface {
	Handle(ctx context.Context, req *bot.Request) *bot.Reply
}

// TaskCompleter suggests task keys for autocomplete: the keys of the
// workspace's tasks that start with prefix, for a user whose role is at
// least need (the role of the command being typed); nothing for anyone
// else.
type TaskCompleter interface {
	CompleteTasks(ctx context.Context, platform, workspace string, user model.User, need model.Role, prefix string) ([]string, error)
}

// commandLister is the part of bot.Router the adapter reads its command
// definitions from.
type commandLister interface {
	Commands() []*bot.Command
}

// discordAPI is the part of discordgo's REST client the adapter uses.
type discordAPI interface {
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	GuildMembers(guildID, after string, limit int, options ...discordgo.RequestOption) ([]*discordgo.Member, error)
	RequestWithLockedBucket(method, urlStr, contentType string, b []byte, bucket *discordgo.Bucket, sequence int, options ...discordgo.RequestOption) ([]byte, error)
}

var _ discordAPI = (*discordgo.Session)(nil)

// Adapter connects one Discord application to learnbot.
type Adapter struct {
	cfg      Config
	key      ed25519.PublicKey
	handler  Handler
	tasks    TaskCompleter
	joiner   bot.Joiner // told who joins the server or a role; may be nil
	roles    *seenRoles // roles last seen per member, for GUILD_MEMBER_UPDATE
	commands func() []*bot.Command

	session *discordgo.Session
	api     discordAPI
	dedup   Dedup
	guard   *throttle.Guard // limits addresses that send bad signatures; may be nil

	log          *slog.Logger
	now          func() time.Time
	deferAfter   time.Duration
	gatewayRetry time.Duration // the first wait after a failed gateway connection; doubles up to a minute
	httpClient   *http.Client
	pacers       *pacer.Set   // DM calls after a 429
	shared       pacer.Shared // shares the pacers' episodes with other replicas; may be nil
	replica      string
	dms          *memo.Map[string, string] // DM channel by user ID

	// followUps counts work still running after an interaction was
	// acknowledged (deferred replies), so that shutdown can wait for it.
	followUps sync.WaitGroup
	// wrapTransport wraps the REST transport (WithTransport).
	wrapTransport func(http.RoundTripper) http.RoundTripper
}

// Option changes an adapter's defaults.
type Option func(*Adapter)

// WithClock replaces time.Now, for the signature timestamp window.
func WithClock(now func() time.Time) Option { return func(a *Adapter) { a.now = now } }

// WithGuard limits the addresses that send requests with bad signatures
// (429 beyond throttle.PerSecond a second) and logs them by the count.
func WithGuard(g *throttle.Guard) Option { return func(a *Adapter) { a.guard = g } }

// WithLogger sets the logger (slog.Default otherwise).
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.log = l } }

// WithSharedPacing shares what the pacers learn of Discord's rate limits
// with the other replicas through shared, as replica (this process's name).
func WithSharedPacing(shared pacer.Shared, replica string) Option {
	return func(a *Adapter) { a.shared, a.replica = shared, replica }
}

// WithDeferAfter sets how long the adapter waits for a reply before it
// acknowledges the interaction with a deferred response (2 s by default;
// Discord allows 3 s).
func WithDeferAfter(d time.Duration) Option { return func(a *Adapter) { a.deferAfter = d } }

// WithHTTPClient sets the client REST calls go through; its transport is
// wrapped so that the calls reach the configured API base.
func WithHTTPClient(c *http.Client) Option { return func(a *Adapter) { a.httpClient = c } }

// WithTransport wraps the transport of REST calls, e.g. to count the 429
// answers by route.
func WithTransport(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(a *Adapter) { a.wrapTransport = wrap }
}

// WithCommands sets the command definitions to register and dispatch. By
// default they come from the handler when it has a Commands method (as
// bot.Router does), read at each use.
func WithCommands(cmds ...*bot.Command) Option {
	return func(a *Adapter) { a.commands = func() []*bot.Command { return cmds } }
}

// New builds an adapter. tasks may be nil (autocomplete then offers nothing).
func New(cfg Config, h Handler, tasks TaskCompleter, opts ...Option) (*Adapter, error) {
	a := &Adapter{
		cfg:          cfg,
		handler:      h,
		tasks:        tasks,
		log:          slog.Default(),
		now:          time.Now,
		deferAfter:   2 * time.Second,
		gatewayRetry: time.Second,
		httpClient:   &http.Client{Timeout: 20 * time.Second, Transport: keepAlive()},
		pacers:       pacer.NewSet(2*time.Second, nil),
		dms:          memo.New[string, string](100_000),
	}
	if cl, ok := h.(commandLister); ok {
		a.commands = cl.Commands
	}
	for _, o := range opts {
		o(a)
	}
	if a.commands == nil {
		a.commands = func() []*bot.Command { return nil }
	}
	if a.dedup == nil {
		a.dedup = newMemoryDedup(a.now)
	}
	if a.shared != nil {
		a.pacers.Share(a.shared, a.replica, a.log)
	}
	if cfg.PublicKey != "" {
		k, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey))
		if err != nil || len(k) != ed25519.PublicKeySize {
			return nil, errors.New("discord: public key must be 64 hex digits (an Ed25519 key)")
		}
		a.key = ed25519.PublicKey(k)
	}
	base := cfg.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: API URL %q is not an http(s) URL", cfg.APIURL)
	}
	a.cfg.APIURL = base

	token := strings.TrimSpace(cfg.BotToken)
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	client := *a.httpClient
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if a.wrapTransport != nil {
		next = a.wrapTransport(next)
	}
	// discordgo builds its URLs from its own API base; rewriting them on the
	// way out keeps its package variables untouched.
	client.Transport = &rebase{from: discordgo.EndpointAPI, to: base, next: next}
	s.Client = &client
	// A rate-limited call returns at once (*discordgo.RateLimitError) instead
	// of sleeping inside discordgo: the queue reschedules DMs itself, and an
	// interaction must not wait.
	s.ShouldRetryOnRateLimit = false
	// A 502 retry would go through the limiter too; the queue and the user retry.
	s.MaxRestRetries = 0
	// Interactions need no intent; guilds give the state its guild names.
	s.Identify.Intents = discordgo.IntentsGuilds
	if a.joiner != nil {
		// Joins and role changes come with the privileged members intent.
		// The adapter remembers roles itself, within a bound (seenRoles).
		s.Identify.Intents |= discordgo.IntentsGuildMembers
		s.State.TrackMembers = false
		a.roles = newSeenRoles()
	}
	s.LogLevel = libraryLogLevel(a.log)
	a.session, a.api = s, s
	return a, nil
}

// Wait blocks until deferred replies still being finished have been sent.
// Call it after the HTTP server has stopped.
func (a *Adapter) Wait() { a.followUps.Wait() }

// rebase sends requests made for one URL prefix to another base.
type rebase struct {
	from, to string
	next     http.RoundTripper
}

func (t *rebase) RoundTrip(r *http.Request) (*http.Response, error) {
	u := r.URL.String()
	if !strings.HasPrefix(u, t.from) {
		return t.next.RoundTrip(r)
	}
	nu, err := url.Parse(t.to + strings.TrimPrefix(u, t.from))
	if err != nil {
		return nil, fmt.Errorf("discord: rebase %s: %w", redact.URL(u), err)
	}
	r2 := r.Clone(r.Context())
	r2.URL, r2.Host = nu, ""
	return t.next.RoundTrip(r2)
}

// keepAlive is http.DefaultTransport keeping enough idle connections to
// Discord for every queue worker: its default of 2 per host made most DMs
// open a new connection.
func keepAlive() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}
