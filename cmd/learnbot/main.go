// Command learnbot runs the learnbot chat-ops bot: the HTTP server with the
// Slack and Discord adapters and the queue workers (serve), a local console
// session (console), migrations (migrate), Discord command registration
// (discord register) and the Slack app manifest (slack manifest).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/console"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/mail"
	"github.com/learnbot/learnbot/metrics"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
)

const usage = `learnbot: a chat-ops bot for learning teams.

Usage:
  learnbot serve             HTTP server, Slack and Discord connections, queue workers
  learnbot console [-as me]  a local session on the configured database (default sqlite:learnbot.db)
  learnbot migrate           apply migrations and exit
  learnbot discord register  register the Discord application commands
  learnbot slack manifest    print the Slack app manifest for this configuration

Configuration is read from the environment; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "learnbot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("name a subcommand")
	}
	cfg, err := configFromEnv(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	switch strings.Join(args[:min(len(args), 2)], " ") {
	case "discord register":
		return discordRegister(ctx, cfg, log)
	case "slack manifest":
		out, err := slack.Manifest(cfg.SlackPrefix, cfg.PublicURL)
		if err != nil {
			return err
		}
		_, err = stdout.Write(out)
		return err
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log)
	case "console":
		fs := flag.NewFlagSet("console", flag.ContinueOnError)
		as := fs.String("as", "me", "the first (admin) user of the session")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return runConsole(ctx, cfg, *as, stdin, stdout)
	case "migrate":
		store, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer store.Close()
		log.Info("migrations applied", "database", redact(cfg.DatabaseURL))
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown subcommand %q", strings.Join(args, " "))
}

// openStore opens the database and applies learnbot's and River's migrations.
func openStore(ctx context.Context, cfg *Config) (*storage.Store, error) {
	store, err := storage.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := queue.Migrate(ctx, store); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// core is what every way of running learnbot shares.
type core struct {
	store   *storage.Store
	queue   *queue.Queue
	router  *bot.Router
	metrics *metrics.Metrics
	senders map[string]bot.Sender // filled by the adapters before the queue runs
}

func newCore(ctx context.Context, cfg *Config, log *slog.Logger) (*core, error) {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c := &core{store: store, senders: map[string]bot.Sender{}}
	c.metrics = metrics.New(func(ctx context.Context) (int, error) { return c.queue.Depth(ctx) })
	qcfg := queue.Config{Senders: c.senders, Log: log, OnFailure: c.metrics.Failure}
	if cfg.SMTPURL != "" {
		m, err := mail.New(mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom})
		if err != nil {
			store.Close()
			return nil, err
		}
		qcfg.Mailer = mailer{m}
	}
	c.queue, err = queue.New(store, qcfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	c.router = handlers.New(store, handlers.Config{Admins: cfg.Admins, DecisionTTL: cfg.DecisionTTL, PublicURL: cfg.PublicURL,
		EmailEnabled: qcfg.Mailer != nil, MailFrom: cfg.MailFrom}, log)
	c.router.Observe = c.metrics.Observe
	return c, nil
}

// mailer adapts the SMTP mailer to the queue.
type mailer struct{ m *mail.Mailer }

func (m mailer) SendInvitation(ctx context.Context, inv *storage.InvitationPage, link string) error {
	return m.m.Send(ctx, mail.Invitation{To: inv.Email, InviterName: inv.InviterName, Role: string(inv.Role),
		WorkspaceName: inv.WorkspaceName, Link: link, ExpiresAt: inv.ExpiresAt})
}

func runConsole(ctx context.Context, cfg *Config, first string, stdin io.Reader, stdout io.Writer) error {
	first = strings.TrimPrefix(first, "@")
	cfg.Admins["console:"+first] = true
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := newCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer c.store.Close()
	echo := true
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			echo = false // a terminal shows what is typed
		}
	}
	con := console.New(c.router, stdout, first, echo)
	c.senders[bot.PlatformConsole] = con
	qctx, stopQueue := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- c.queue.Run(qctx) }()
	err = con.Run(ctx, stdin)
	// Let the DMs of the last commands go out before leaving.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if n, qerr := c.queue.Busy(context.Background()); qerr != nil || n == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopQueue()
	fmt.Fprintln(stdout)
	return errors.Join(err, <-done)
}

// redact hides a password in a database URL for logs.
func redact(url string) string {
	if i := strings.Index(url, "@"); i > 0 && strings.HasPrefix(url, "postgres") {
		if j := strings.Index(url, "://"); j > 0 {
			return url[:j+3] + "***" + url[i:]
		}
	}
	return url
}
