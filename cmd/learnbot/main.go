// Command learnbot runs the learnbot chat-ops bot: the HTTP server with the
// Slack and Discord adapters and the queue workers (serve), a local console
// session (console), migrations (migrate), Discord command registration
// (discord register), the Slack app manifest (slack manifest) and its
// version (version).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	// Time zones by name (Slack's users.info tz, LEARNBOT_TIMEZONE) in
	// containers without a zoneinfo database.

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/console"
	"github.com/learnbot/learnbot/bot/home"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/foreground"
	"github.com/learnbot/learnbot/internal/throttle"
	"github.com/learnbot/learnbot/mail"
	"github.com/learnbot/learnbot/metrics"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/queue"
	"github.com/learnbot/learnbot/storage"
	"github.com/learnbot/learnbot/web"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The first SIGINT or SIGTERM stops learnbot gracefully; a second one
	// (an impatient Ctrl-C) exits at once.
	// What learnbot itself prints outside its subcommands' logs (the fatal
	// error, a second signal, the standard library's log package) comes in
	// the format the operator chose, even when the rest of the
	// configuration is wrong.
	format := strings.ToLower(strings.TrimSpace(os.Getenv("LEARNBOT_LOG_FORMAT")))
	level, err := parseLogLevel(strings.TrimSpace(os.Getenv("LEARNBOT_LOG_LEVEL")))
	if err != nil {
		level = slog.LevelInfo
	}
	log := newLogger(os.Stderr, format, level)
	slog.SetDefault(log)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		cancel()
		sig := <-signals
		fatal(log, format, fmt.Errorf("%v again: exiting at once", sig))
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		var usage usageError
		if errors.As(err, &usage) && format != "json" {
			printUsage(os.Stderr)
		}
		fatal(log, format, err)
	}
}

// fatal reports the error that stops learnbot and exits: a line a person
// reads in a terminal, or a JSON line like every other one.
func fatal(log *slog.Logger, format string, err error) {
	if format == "json" {
		log.Error("learnbot stopped", "error", err)
	} else {
		fmt.Fprintln(os.Stderr, "learnbot:", err)
	}
	os.Exit(1)
}

// usageError is a command line learnbot cannot make sense of; the overview
// of the subcommands goes with it, except in JSON logs.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// subcommand is one thing `learnbot` does. Help, the overview and the flags
// come from these rows, so `learnbot <name> --help` exists for every one.
type subcommand struct {
	name     string // as typed: "serve", "discord register"
	synopsis string // flags and arguments after the name
	summary  string // one line for the overview
	help     string // what `learnbot <name> --help` says after the usage line
	// setup declares the subcommand's flags and returns what runs it once
	// they are parsed.
	setup func(fs *flag.FlagSet) func(ctx context.Context, e *invocation) error
}

// invocation is what a subcommand runs with.
type invocation struct {
	cfg    *Config
	log    *slog.Logger
	stdin  io.Reader
	stdout io.Writer
}

var subcommands = []subcommand{
	{name: "serve", summary: "HTTP server, Slack and Discord connections, queue workers",
		help: `Applies the migrations, then serves HTTP on LEARNBOT_ADDR (the Slack and Discord
endpoints, the invitation page, /healthz, /readyz, /metrics), connects to the
platforms that are configured and works the job queue. SIGINT or SIGTERM stops
it gracefully; a second signal stops it at once. LEARNBOT_DB_WAIT (e.g. 60s)
waits that long for a database that is not up yet.`,
		setup: noFlags(func(ctx context.Context, e *invocation) error { return serve(ctx, e.cfg, e.log) })},
	{name: "console", synopsis: "[-as name] [-lang " + langList("|") + "]", summary: "a local session on the configured database (default sqlite:learnbot.db)",
		help: `Reads commands from the terminal or standard input (so a session can be scripted):
type /assign ..., press a button by typing its number, switch user with /as <name>.
DMs to other users are printed as they are delivered. The first user is an admin.
-lang is the console's language, as a chat platform's would be: /language
inside the session overrides it for one user.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *invocation) error {
			as := fs.String("as", "me", "the first (admin) user of the session")
			lang := fs.String("lang", "", "the console's language: "+langList(", ")+" (default LEARNBOT_LANGUAGE)")
			return func(ctx context.Context, e *invocation) error {
				l, ok := catalog.ParseLang(*lang)
				if *lang != "" && (!ok || string(l) != strings.ToLower(*lang)) {
					return fmt.Errorf("console: -lang %q is not one of %s", *lang, langList(", "))
				}
				return runConsole(ctx, e.cfg, *as, l, e.stdin, e.stdout)
			}
		}},
	{name: "migrate", summary: "apply migrations and exit",
		help: `Applies learnbot's and the job queue's migrations to LEARNBOT_DATABASE_URL and exits.
Several replicas may migrate at once: the migrations run under a database lock.
LEARNBOT_DB_WAIT (e.g. 60s) waits that long for a database that is not up yet.`,
		setup: noFlags(migrate)},
	{name: "discord register", summary: "register the Discord application commands",
		help: `Registers the application commands with DISCORD_BOT_TOKEN and DISCORD_APP_ID:
in the guild DISCORD_GUILD_ID when it is set (at once), else globally.`,
		setup: noFlags(func(ctx context.Context, e *invocation) error { return discordRegister(ctx, e.cfg, e.log, e.stdout) })},
	{name: "slack manifest", summary: "print the Slack app manifest for this configuration",
		help: `Prints the Slack app manifest with LEARNBOT_SLACK_COMMAND_PREFIX and
LEARNBOT_PUBLIC_URL applied. With SLACK_APP_TOKEN set, the Socket Mode variant: no
request URLs, socket_mode_enabled. The checked-in manifest.yml is its output for the defaults.`,
		setup: noFlags(func(ctx context.Context, e *invocation) error {
			socketMode := e.cfg.SlackAppToken != ""
			out, err := slack.Manifest(e.cfg.SlackPrefix, e.cfg.PublicURL, socketMode)
			if err != nil {
				return err
			}
			if !socketMode && !strings.HasPrefix(e.cfg.PublicURL, "https://") || isLocalURL(e.cfg.PublicURL) && !socketMode {
				e.log.Warn("Slack sends requests only to a public https:// URL: set LEARNBOT_PUBLIC_URL, or use Socket Mode (SLACK_APP_TOKEN)",
					"LEARNBOT_PUBLIC_URL", e.cfg.PublicURL)
			}
			_, err = e.stdout.Write(out)
			return err
		})},
	{name: "version", summary: "print the version, commit and Go version",
		help:  `Prints learnbot's version, the commit it was built from and the Go version (also: learnbot --version).`,
		setup: noFlags(func(ctx context.Context, e *invocation) error { return printVersion(e.stdout) })},
}

func noFlags(f func(ctx context.Context, e *invocation) error) func(*flag.FlagSet) func(context.Context, *invocation) error {
	return func(*flag.FlagSet) func(context.Context, *invocation) error { return f }
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("name a subcommand")}
	}
	switch args[0] {
	case "-h", "-help", "--help":
		printUsage(stdout)
		return nil
	case "help":
		if len(args) == 1 {
			printUsage(stdout)
			return nil
		}
		sc, _ := lookup(args[1:])
		if sc == nil {
			return usageError{fmt.Errorf("no subcommand %q", strings.Join(args[1:], " "))}
		}
		printHelp(stdout, sc)
		return nil
	case "-version", "--version":
		return printVersion(stdout)
	}
	sc, rest := lookup(args)
	if sc == nil {
		if group := groupOf(args[0]); len(group) > 0 {
			if slices.ContainsFunc(args[1:], isHelpFlag) {
				printUsage(stdout)
				return nil
			}
			return usageError{fmt.Errorf("%s needs one of: %s", args[0], strings.Join(group, ", "))}
		}
		return usageError{fmt.Errorf("unknown subcommand %q", strings.Join(args, " "))}
	}
	fs := flag.NewFlagSet(sc.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // help goes to stdout below, errors are returned
	runSub := sc.setup(fs)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stdout, sc)
			return nil
		}
		return fmt.Errorf("%s: %w (see learnbot %s --help)", sc.name, err, sc.name)
	}
	if fs.NArg() > 0 {
		if slices.ContainsFunc(fs.Args(), isHelpFlag) {
			printHelp(stdout, sc)
			return nil
		}
		return fmt.Errorf("%s: unexpected argument %q (see learnbot %s --help)", sc.name, fs.Arg(0), sc.name)
	}
	cfg, err := configFromEnv(getenv)
	if err != nil {
		return err
	}
	log := newLogger(os.Stderr, cfg.LogFormat, cfg.LogLevel)
	return runSub(ctx, &invocation{cfg: cfg, log: log, stdin: stdin, stdout: stdout})
}

func isHelpFlag(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

// lookup finds the subcommand args start with (two words first) and the
// arguments after its name.
func lookup(args []string) (*subcommand, []string) {
	for n := min(len(args), 2); n > 0; n-- {
		name := strings.Join(args[:n], " ")
		for i := range subcommands {
			if subcommands[i].name == name {
				return &subcommands[i], args[n:]
			}
		}
	}
	return nil, nil
}

// groupOf lists the subcommands under a first word such as "discord".
func groupOf(word string) []string {
	var names []string
	for _, sc := range subcommands {
		if first, _, ok := strings.Cut(sc.name, " "); ok && first == word {
			names = append(names, sc.name)
		}
	}
	return names
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "learnbot: a chat-ops bot for learning teams.\n\nUsage:\n")
	for _, sc := range subcommands {
		fmt.Fprintf(w, "  learnbot %-26s %s\n", strings.TrimSpace(sc.name+" "+sc.synopsis), sc.summary)
	}
	fmt.Fprint(w, "\nlearnbot <subcommand> --help describes one. Configuration is read from the environment; see docs/operating.md.\n")
}

func printHelp(w io.Writer, sc *subcommand) {
	fmt.Fprintf(w, "Usage: learnbot %s\n\n%s\n", strings.TrimSpace(sc.name+" "+sc.synopsis), sc.help)
	fs := flag.NewFlagSet(sc.name, flag.ContinueOnError)
	sc.setup(fs)
	var flags strings.Builder
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
	}
}

func migrate(ctx context.Context, e *invocation) error {
	store, err := openStore(ctx, e.cfg, e.log)
	if err != nil {
		return err
	}
	defer store.Close()
	e.log.Info("migrations applied", "database", maskDatabaseURL(e.cfg.DatabaseURL))
	return nil
}

// openStore opens the database, trying again while cfg.DBWait lasts, and
// applies learnbot's and River's migrations.
func openStore(ctx context.Context, cfg *Config, log *slog.Logger) (*storage.Store, error) {
	store, err := connect(ctx, cfg.DatabaseURL, cfg.DBWait, log)
	if err != nil {
		return nil, err
	}
	store.SetReminderPolicy(storage.ReminderPolicy{Zone: cfg.TimeZone, Lead: cfg.RemindBefore, EscalateAfter: cfg.EscalateAfter})
	if err := queue.Migrate(ctx, store); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// dbRetryEvery is the pause between tries to open the database while
// LEARNBOT_DB_WAIT lasts.
const dbRetryEvery = time.Second

// connect opens the database at rawURL. A database that is not up yet (a
// container started beside learnbot, a restart of its host) is tried again
// every dbRetryEvery until wait is over, with one log line per failed try;
// a URL that cannot name a database fails at once. Errors name
// LEARNBOT_DATABASE_URL, with the password masked.
func connect(ctx context.Context, rawURL string, wait time.Duration, log *slog.Logger) (*storage.Store, error) {
	if _, _, _, err := storage.ParseURL(rawURL); err != nil {
		// The store's message quotes the URL, password and all.
		return nil, fmt.Errorf("LEARNBOT_DATABASE_URL: %s", strings.ReplaceAll(err.Error(), rawURL, maskDatabaseURL(rawURL)))
	}
	deadline := time.Now().Add(wait)
	for try := 1; ; try++ {
		store, err := storage.Open(ctx, rawURL, storage.WithOutbox(queue.NewOutbox))
		if err == nil {
			if try > 1 {
				log.Info("database is up", "database", maskDatabaseURL(rawURL), "tries", try)
			}
			return store, nil
		}
		left := time.Until(deadline)
		if wait <= 0 {
			return nil, fmt.Errorf("LEARNBOT_DATABASE_URL: cannot open %s (LEARNBOT_DB_WAIT waits for a database that is not up yet): %w",
				maskDatabaseURL(rawURL), err)
		}
		if left <= 0 || ctx.Err() != nil {
			return nil, fmt.Errorf("LEARNBOT_DATABASE_URL: %s is not up after LEARNBOT_DB_WAIT=%s: %w", maskDatabaseURL(rawURL), wait, err)
		}
		log.Warn("database not up yet; trying again", "database", maskDatabaseURL(rawURL), "try", try,
			"left", left.Round(time.Second).String(), "error", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("LEARNBOT_DATABASE_URL: %s: stopped while waiting: %w", maskDatabaseURL(rawURL), err)
		case <-time.After(min(dbRetryEvery, left)):
		}
	}
}

// core is what every way of running learnbot shares.
type core struct {
	store    *storage.Store
	queue    *queue.Queue
	handlers *handlers.Handlers
	homes    *home.Refresher // composes and publishes App Homes; adapters attach
	metrics  *metrics.Metrics
	senders  map[string]bot.Sender // filled by the adapters before the queue runs
	// responders deliver the outcomes of decisions resolved by jobs, by
	// platform: the adapters that are one (filled with senders).
	responders map[string]bot.Responder
	replica    string // this process among the replicas (shared paces)
	// gate lets interactive requests go first: the queue's jobs pass it
	// (serve marks its requests; the console marks nothing, so it stays
	// open there).
	gate *foreground.Gate
	// guard limits unauthenticated requests per client address, across
	// all endpoints of this process.
	guard *throttle.Guard
}

func newCore(ctx context.Context, cfg *Config, log *slog.Logger) (*core, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	c := &core{store: store, senders: map[string]bot.Sender{}, responders: map[string]bot.Responder{}, replica: replicaName(), gate: foreground.New(foreground.Config{}),
		guard: throttle.New(log)}
	b := readBuildInfo()
	c.metrics = metrics.New(metrics.Build{Version: b.Version, Commit: b.Commit, GoVersion: b.GoVersion}, log)
	qcfg := queue.Config{Senders: c.senders, Log: log, OnFailure: c.metrics.Failure, OnDM: c.metrics.DM,
		RescueAfter: cfg.RescueAfter, Gate: c.gate}
	if cfg.ShutdownTimeout > 0 {
		qcfg.StopTimeout = max(cfg.ShutdownTimeout-queueStopMargin, cfg.ShutdownTimeout/2)
	}
	if cfg.SMTPURL != "" {
		m, err := mail.New(mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, Lang: cfg.Language})
		if err != nil {
			store.Close()
			return nil, err
		}
		qcfg.Mailer = mailer{m}
	}
	c.handlers = handlers.New(store, handlers.Config{Admins: cfg.Admins, DecisionTTL: cfg.DecisionTTL, PublicURL: cfg.PublicURL,
		EmailEnabled: qcfg.Mailer != nil, MailFrom: cfg.MailFrom, Language: cfg.Language}, log)
	c.handlers.Observer = observer{c.metrics}
	c.homes = home.New(c.handlers)
	qcfg.Composer, qcfg.Decider, qcfg.Responders = c.handlers, c.handlers, c.responders
	qcfg.Reconcile, qcfg.ReconcileEvery = c.handlers.Reconcile, cfg.ReconcileEvery
	c.queue, err = queue.New(store, qcfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	c.handlers.SetDeferrer(c.queue)
	return c, nil
}

// mailer adapts the SMTP mailer to the queue.
type mailer struct{ m *mail.Mailer }

func (m mailer) SendInvitation(ctx context.Context, inv *storage.InvitationPage, link string) error {
	return m.m.Send(ctx, mail.Invitation{To: inv.Email, InviterName: inv.InviterName, Role: string(inv.Role),
		WorkspaceName: inv.WorkspaceName, Link: link, ExpiresAt: inv.ExpiresAt})
}

func runConsole(ctx context.Context, cfg *Config, first string, lang catalog.Lang, stdin io.Reader, stdout io.Writer) error {
	first = strings.TrimPrefix(first, "@")
	cfg.Admins["console:"+first] = true
	// A person is at the keyboard: a database that is not there is said at
	// once, not waited for (LEARNBOT_DB_WAIT is for serve and migrate).
	cfg.DBWait = 0
	// The console's own output is the conversation; only warnings and
	// errors are logged unless LEARNBOT_LOG_LEVEL asks for more.
	level := cfg.LogLevel
	if !cfg.LogLevelSet {
		level = slog.LevelWarn
	}
	log := newLogger(os.Stderr, cfg.LogFormat, level)
	// The links replies give (report CSVs, invitation pages) must lead
	// somewhere: the console serves them on loopback while it runs.
	var ln net.Listener
	if !cfg.PublicURLSet {
		ln = consoleListener(cfg.Addr)
		if ln != nil {
			defer ln.Close()
			cfg.PublicURL = "http://" + ln.Addr().String()
		}
	}
	c, err := newCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer c.store.Close()
	if ln != nil {
		mux := http.NewServeMux()
		pages := web.New(c.store, log)
		pages.DefaultLang = cfg.Language
		pages.Routes(mux)
		reports := web.NewReports(c.store, log)
		reports.DefaultLang = cfg.Language
		reports.Routes(mux)
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
	}
	echo := true
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			echo = false // a terminal shows what is typed
		}
	}
	con := console.New(c.handlers, stdout, first, echo)
	con.Lang = lang.Or(cfg.Language)
	c.senders[model.PlatformConsole] = con
	c.responders[model.PlatformConsole] = con
	con.Settle = func(ctx context.Context) {
		// The DMs a command queued go out within a moment; a script then
		// reads the same session every time.
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if n, err := c.queue.Busy(ctx); err != nil || n == 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
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

// consoleListener listens on loopback at the port of LEARNBOT_ADDR (8080 by
// default), or on any free port when that one is taken (a serve running
// beside it); nil when neither works, and links then lead nowhere.
func consoleListener(addr string) net.Listener {
	if _, port, err := net.SplitHostPort(addr); err == nil {
		if ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port)); err == nil {
			return ln
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil
	}
	return ln
}

// maskDatabaseURL masks the password of a database URL for logs and errors: the
// user information's and a password query parameter's (lib/pq reads both).
func maskDatabaseURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		if i := strings.LastIndex(rawURL, "@"); i > 0 {
			return "xxxxx" + rawURL[i:] // unparsable: keep only the host part
		}
		return rawURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
