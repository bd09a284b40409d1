// Package testbot wires learnbot's real core for a test: a fresh database
// (SQLite, or a PostgreSQL schema), the handlers' router, and the queue
// working jobs through the senders the test gives.
package testbot

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

// Bot is a running core.
type Bot struct {
	Router   *bot.Router
	Handlers *handlers.Handlers // the router's commands, the App Home, the DMs
	Store    *storage.Store
	Queue    *queue.Queue
	Config   handlers.Config
	// URL is the database's, for a second store on it (another replica).
	URL string
}

// Option changes how New wires the core.
type Option func(*options)

type options struct {
	cfg    handlers.Config
	mailer queue.Mailer
	noRun  bool
	log    *slog.Logger
	// responders, when set, resolve large decisions in jobs (DeferLarge).
	responders map[string]bot.Responder
}

// Admins makes these identities ("slack:U1", "discord:42") admins.
func Admins(ids ...string) Option {
	return func(o *options) {
		for _, id := range ids {
			o.cfg.Admins[id] = true
		}
	}
}

// Configure edits the handlers' configuration.
func Configure(f func(*handlers.Config)) Option { return func(o *options) { f(&o.cfg) } }

// Mailer sends invitation emails through m (and enables email).
func Mailer(m queue.Mailer) Option {
	return func(o *options) { o.mailer, o.cfg.EmailEnabled = m, true }
}

// Logger logs through log (default: warnings and errors to stderr).
func Logger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// DeferLarge resolves decisions over more than above targets in jobs, as
// learnbot serve does, delivering their outcomes through responders.
func DeferLarge(above int, responders map[string]bot.Responder) Option {
	return func(o *options) { o.cfg.DeferAbove, o.responders = above, responders }
}

// NoWorkers leaves jobs in the queue (for tests of what is queued).
func NoWorkers() Option { return func(o *options) { o.noRun = true } }

// ForEachDatabase runs f on SQLite and, when LEARNBOT_TEST_DATABASE_URL is
// set, on PostgreSQL (skipped with a message otherwise).
func ForEachDatabase(t *testing.T, f func(t *testing.T, db string)) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { f(t, d) })
	}
}

// New starts the core on a fresh database of the dialect ("sqlite" or
// "postgres") and stops it when the test ends.
func New(t testing.TB, db string, senders map[string]bot.Sender, opts ...Option) *Bot {
	t.Helper()
	o := options{cfg: handlers.Config{Admins: map[string]bool{}, PublicURL: "http://learnbot.test", MailFrom: "learnbot@localhost"}}
	for _, opt := range opts {
		opt(&o)
	}
	log := o.log
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	ctx := context.Background()
	url := testdb.New(t, db)
	store, err := storage.Open(ctx, url, storage.WithOutbox(queue.NewOutbox))
	if err != nil {
		t.Fatal(err)
	}
	if err := queue.Migrate(ctx, store); err != nil {
		t.Fatal(err)
	}
	h := handlers.New(store, o.cfg, log)
	qcfg := queue.Config{Senders: senders, Composer: h, Mailer: o.mailer, Log: log}
	if o.responders != nil {
		qcfg.Decider, qcfg.Responders = h, o.responders
	}
	q, err := queue.New(store, qcfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.responders != nil {
		h.SetDeferrer(q)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	if o.noRun {
		done <- nil
	} else {
		go func() { done <- q.Run(runCtx) }()
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("queue: %v", err)
		}
		store.Close()
	})
	return &Bot{URL: url, Router: h.Router, Handlers: h, Store: store, Queue: q, Config: o.cfg}
}

// WaitJobs waits until no job is due or running, for up to 30 seconds.
func (b *Bot) WaitJobs(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := b.Queue.Busy(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testbot: %d jobs still due or running after 30s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Run sends a command line as a user of a console-like workspace and returns
// the reply (a shortcut for handler tests).
func (b *Bot) Run(platform, workspace string, user model.User, line string) *bot.Reply {
	return b.Router.Handle(context.Background(), &bot.Request{Platform: platform, Workspace: workspace, Actor: user, Args: bot.Words(line)})
}

// Press presses a button as a user.
func (b *Bot) Press(platform, workspace string, user model.User, id string) *bot.Reply {
	return b.Router.Handle(context.Background(), &bot.Request{Platform: platform, Workspace: workspace, Actor: user, Action: &bot.Action{ID: id}})
}

// Restart runs new queue workers on b's database, as a restarted process
// would, delivering through senders.
func Restart(t testing.TB, b *Bot, senders map[string]bot.Sender) *queue.Queue {
	t.Helper()
	q, err := queue.New(b.Store, queue.Config{Senders: senders, Composer: b.Handlers, Log: slog.New(slog.NewTextHandler(os.Stderr,
		&slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return q
}
