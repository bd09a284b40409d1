// Package slack connects learnbot to Slack: slash commands, button presses and
// events arrive over HTTP (signed requests) or Socket Mode, become bot
// requests for the router, and come back as ephemeral Block Kit replies. It
// also delivers direct messages for the queue, publishes the App Home tab,
// answers the router's directory questions (user groups, channels, email
// look-ups) and writes the Slack app manifest.
//
// slack-go is used behind the small webAPI interface; nothing of it leaks to
// the rest of learnbot.
package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/memo"
	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/internal/throttle"
	"github.com/learnbot/learnbot/model"
)

// Config is the Slack part of learnbot's configuration.
type Config struct {
	SigningSecret string // SLACK_SIGNING_SECRET: verifies HTTP requests
	BotToken      string // SLACK_BOT_TOKEN: xoxb-..., for the Web API
	AppToken      string // SLACK_APP_TOKEN: xapp-..., enables Socket Mode
	APIURL        string // LEARNBOT_SLACK_API_URL; default https://slack.com/api/
	CommandPrefix string // LEARNBOT_SLACK_COMMAND_PREFIX, e.g. "acme-"
	PublicURL     string // LEARNBOT_PUBLIC_URL: base of the request URLs in the manifest
}

// Handler answers Slack users; handlers.Handlers is one.
type Handler interface {
	// Handle turns a command or a button press into a reply.
	Handle(ctx context.Context, req *bot.Request) *bot.Reply
}

// Homes refreshes App Home tabs (bot/home's Refresher): it composes a
// user's Home and publishes it through the adapter's PublishHome. The
// adapter tells it whose Home changed: the people a reply names in Homes,
// a DM's recipient, whoever pressed a button or opened the tab.
type Homes interface {
	Refresh(ctx context.Context, platform, workspace string, user model.User, notice string) error
}

// EventDedup remembers which Slack events were handled, so that Slack's
// retries of one event (same event_id) are handled once, and who has opened
// their App Home. Several replicas share it, so it must live in the database.
type EventDedup interface {
	// FirstSeen records key and reports whether this was its first sighting.
	FirstSeen(ctx context.Context, key string) (bool, error)
	// Seen reports whether key was recorded.
	Seen(ctx context.Context, key string) (bool, error)
	// Touch records key as seen now, again if it was before.
	Touch(ctx context.Context, key string) error
}

// webAPI is the part of slack-go's client the adapter uses.
type webAPI interface {
	GetUserInfoContext(ctx context.Context, user string, options ...slackgo.GetUserInfoOption) (*slackgo.User, error)
	GetUserByEmailContext(ctx context.Context, email string) (*slackgo.User, error)
	GetUserGroupMembersContext(ctx context.Context, userGroup string, options ...slackgo.GetUserGroupMembersOption) ([]string, error)
	GetUsersInConversationContext(ctx context.Context, params *slackgo.GetUsersInConversationParameters) ([]string, string, error)
	OpenConversationContext(ctx context.Context, params *slackgo.OpenConversationParameters) (*slackgo.Channel, bool, bool, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slackgo.MsgOption) (string, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slackgo.GetConversationHistoryParameters) (*slackgo.GetConversationHistoryResponse, error)
	PublishViewContext(ctx context.Context, req slackgo.PublishViewContextRequest) (*slackgo.ViewResponse, error)
}

var (
	_ bot.Sender    = (*Adapter)(nil)
	_ bot.Directory = (*directory)(nil)
	_ webAPI        = (*slackgo.Client)(nil)
)

// Adapter is learnbot's Slack connection.
type Adapter struct {
	cfg     Config
	handler Handler
	api     *slackgo.Client
	web     webAPI
	http    *http.Client
	log     *slog.Logger
	now     func() time.Time
	dedup   EventDedup
	guard   *throttle.Guard // limits addresses that send bad signatures; may be nil
	joiner  bot.Joiner      // told who joined channels, user groups, the workspace; may be nil
	users   *userCache
	dir     *directory
	// pacers space Web API calls per workspace and method after a 429.
	pacers  *pacer.Set
	shared  pacer.Shared // shares the pacers' episodes with other replicas; may be nil
	replica string
	dms     *memo.Map[teamUser, string] // DM channel by user
	kept    DMChannels                  // the DM channels kept for every replica; may be nil
	keeping keeping                     // channels to keep, written in batches

	// ackWait is how long a request may run before Slack gets an empty
	// acknowledgement and the reply follows through response_url.
	ackWait time.Duration
	// background tracks follow-ups that outlive their HTTP request, and
	// the App Home refreshes after DMs.
	background sync.WaitGroup
	homes      homeQueue
	home       Homes // nil: no App Home is published
	// wrapTransport wraps http's transport (WithTransport).
	wrapTransport func(http.RoundTripper) http.RoundTripper
}

// Option changes a default of New.
type Option func(*Adapter)

// WithHomes refreshes App Home tabs through h; attach the adapter to h as
// its publisher.
func WithHomes(h Homes) Option { return func(a *Adapter) { a.home = h } }

// WithClock sets the clock used to check request timestamps.
func WithClock(now func() time.Time) Option { return func(a *Adapter) { a.now = now } }

// WithSharedPacing shares what the pacers learn of Slack's rate limits
// with the other replicas through shared, as replica (this process's name).
func WithSharedPacing(shared pacer.Shared, replica string) Option {
	return func(a *Adapter) { a.shared, a.replica = shared, replica }
}

// DMChannels keeps the DM channel of each user learnbot has written to
// for every replica and across restarts (the store implements it; the
// queue hands the kept channel over in bot.Message.Channel):
// conversations.open is one of Slack's most tightly limited methods, and a
// process that only remembered the channels itself would open them all
// again after a restart.
type DMChannels interface {
	// KeepDMChannels keeps the channels; "" forgets one.
	KeepDMChannels(ctx context.Context, keep []KeptChannel) error
}

// KeptChannel is the DM channel of a user of a workspace (team); "" is
// none.
type KeptChannel struct {
	Team, User, Channel string
}

// WithDMChannels keeps the DM channels in k as well as in this process.
func WithDMChannels(k DMChannels) Option { return func(a *Adapter) { a.kept = k } }

// WithDedup shares event deduplication between replicas (the store
// implements it). Without it, a process-local memory is used.
func WithDedup(d EventDedup) Option { return func(a *Adapter) { a.dedup = d } }

// WithJoiner hands the people who join a channel, a user group or the
// workspace (events member_joined_channel, subteam_members_changed,
// team_join) to j, for the rules that follow them. Without it those events
// are acknowledged and ignored.
func WithJoiner(j bot.Joiner) Option { return func(a *Adapter) { a.joiner = j } }

// WithGuard limits the addresses that send requests with bad signatures
// (429 beyond throttle.PerSecond a second) and logs them by the count.
func WithGuard(g *throttle.Guard) Option { return func(a *Adapter) { a.guard = g } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.log = l } }

// WithHTTPClient sets the client for the Web API and response_url posts.
func WithHTTPClient(c *http.Client) Option { return func(a *Adapter) { a.http = c } }

// WithTransport wraps the transport of the Web API and response_url
// client, e.g. to count the 429 answers by method.
func WithTransport(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(a *Adapter) { a.wrapTransport = wrap }
}

// WithAckWait sets how long a command may run before it is acknowledged
// and answered through response_url instead (default 2 s; Slack allows 3).
func WithAckWait(d time.Duration) Option { return func(a *Adapter) { a.ackWait = d } }

// WithUserCacheTTL sets how long users.info answers are reused (default 10 min).
func WithUserCacheTTL(d time.Duration) Option { return func(a *Adapter) { a.users.ttl = d } }

// New returns the Slack adapter. The bot token is required; so is a signing
// secret (HTTP) or an app token (Socket Mode).
func New(cfg Config, h Handler, opts ...Option) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: SLACK_BOT_TOKEN is required")
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		return nil, errors.New("slack: SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) is required")
	}
	if h == nil {
		return nil, errors.New("slack: handler is required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = slackgo.APIURL
	}
	if !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	a := &Adapter{
		cfg:     cfg,
		handler: h,
		http:    &http.Client{Timeout: 10 * time.Second, Transport: keepAlive()},
		log:     slog.Default(),
		now:     time.Now,
		users:   newUserCache(10*time.Minute, 10000),
		ackWait: 2 * time.Second,
		pacers:  pacer.NewSet(2*time.Second, nil),
		dms:     memo.New[teamUser, string](100_000),
	}
	for _, o := range opts {
		o(a)
	}
	if a.wrapTransport != nil {
		c := *a.http
		if c.Transport == nil {
			c.Transport = http.DefaultTransport
		}
		c.Transport = a.wrapTransport(c.Transport)
		a.http = &c
	}
	if a.dedup == nil {
		a.dedup = newMemoryDedup(time.Hour, a.now)
	}
	a.log = a.log.With("platform", model.PlatformSlack)
	if a.shared != nil {
		a.pacers.Share(a.shared, a.replica, a.log)
	}
	// slack-go retries nothing by default (no OptionRetry): a 429 must reach
	// the queue as a RetryAfterError instead of blocking a worker.
	a.api = slackgo.New(cfg.BotToken,
		slackgo.OptionAPIURL(cfg.APIURL),
		slackgo.OptionHTTPClient(a.http),
		slackgo.OptionAppLevelToken(cfg.AppToken),
		slackgo.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)),
	)
	a.web = a.api
	a.users.fetch = a.fetchUser
	a.dir = &directory{a: a}
	return a, nil
}

// commandText is bot.Request.CommandText for Slack.
func (a *Adapter) commandText(name string) string { return commandText(a.cfg.CommandPrefix, name) }

// Directory answers the router's questions about Slack user groups,
// channels and emails.
func (a *Adapter) Directory() bot.Directory { return a.dir }

// Wait blocks until the follow-ups of acknowledged requests are done, and
// drops the App Home refreshes not yet started. Call it after the HTTP
// server has shut down.
func (a *Adapter) Wait() {
	a.homes.stop()
	a.background.Wait()
	a.flushKept()
}

// respond runs work in the background and waits up to ackWait for its reply.
// It reports whether the reply came in time; if not, late is called with the
// reply when it comes. work runs on a context not tied to the caller's, so
// that an acknowledged request still finishes.
func (a *Adapter) respond(ctx context.Context, work func(ctx context.Context) *bot.Reply, late func(ctx context.Context, r *bot.Reply)) (*bot.Reply, bool) {
	ctx = context.WithoutCancel(ctx)
	var (
		mu        sync.Mutex
		reply     *bot.Reply
		abandoned bool
	)
	done := make(chan struct{})
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		r := work(ctx)
		mu.Lock()
		if abandoned {
			mu.Unlock()
			if late != nil && r != nil {
				late(ctx, r)
			}
			return
		}
		reply = r
		close(done)
		mu.Unlock()
	}()
	timer := time.NewTimer(a.ackWait)
	defer timer.Stop()
	select {
	case <-done:
		return reply, true
	case <-timer.C:
		mu.Lock()
		defer mu.Unlock()
		select {
		case <-done:
			return reply, true
		default:
			abandoned = true
			return nil, false
		}
	}
}

// keepAlive is http.DefaultTransport keeping enough idle connections to the
// Web API for every queue worker: its default of 2 per host made most DMs
// open a new connection.
func keepAlive() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}
