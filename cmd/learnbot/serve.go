package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/logthrottle"
	"github.com/learnbot/learnbot/web"
)

// shutdownBudget bounds the whole stop once a signal arrived: Kubernetes
// kills a pod 30 s after its SIGTERM.
const shutdownBudget = 25 * time.Second

// queueStopMargin is what the queue's stop leaves of the budget for the
// rest (HTTP follow-ups, closing the database).
const queueStopMargin = 3 * time.Second

// queueDepthEvery is how often learnbot_queue_depth is counted.
const queueDepthEvery = 5 * time.Second

// server is `learnbot serve` assembled: the core, the HTTP handler and the
// long-running platform connections.
type server struct {
	core    *core
	handler http.Handler
	// metrics serves /metrics apart from handler (LEARNBOT_METRICS_ADDR);
	// nil when handler serves it.
	metrics  http.Handler
	runners  []func(ctx context.Context) error // Socket Mode, gateway
	waits    []func()                          // adapters' follow-ups still running
	shutdown time.Duration                     // bounds the stop (Config.ShutdownTimeout)
}

func newServer(ctx context.Context, cfg *Config, log *slog.Logger) (*server, error) {
	c, err := newCore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s := &server{core: c, shutdown: cfg.ShutdownTimeout}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", s.ready)
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", c.metrics.Handler())
	} else {
		// Off the public listener: how the process is doing is nobody's
		// business on the internet.
		m := http.NewServeMux()
		m.Handle("GET /metrics", c.metrics.Handler())
		s.metrics = m
	}
	pages := web.New(c.store, log)
	pages.DefaultLang = cfg.Language
	pages.Guard = c.guard
	pages.Routes(mux)
	reports := web.NewReports(c.store, log)
	reports.DefaultLang = cfg.Language
	reports.Guard = c.guard
	reports.Routes(mux)
	directories := map[string]func(string) bot.Directory{}
	for _, p := range platforms {
		if p.enabled == nil || !p.enabled(cfg) {
			continue
		}
		conn, err := p.open(cfg, c, log)
		if err != nil {
			c.store.Close()
			return nil, err // the adapter names itself
		}
		c.senders[p.name] = conn.sender
		if r, ok := conn.sender.(bot.Responder); ok {
			c.responders[p.name] = r
		}
		if conn.routes != nil {
			conn.routes(mux)
		}
		if conn.run != nil {
			s.runners = append(s.runners, conn.run)
		}
		s.waits = append(s.waits, conn.wait)
		if conn.directory != nil {
			directories[p.name] = conn.directory
		}
		log.Info("platform enabled", "platform", p.name, "via", conn.via)
	}
	c.handlers.SetDirectory(func(platform, workspace string) bot.Directory {
		if dir := directories[platform]; dir != nil {
			return dir(workspace)
		}
		return nil
	})
	s.handler = c.metrics.Middleware(foregroundHTTP(c.gate, mux))
	return s, nil
}

// readyTimeout keeps /readyz's answer within 2 s when the database hangs:
// the store's connections end their waits with the context.
const readyTimeout = 1500 * time.Millisecond

// ready answers 200 when the database answers and no migration is pending.
func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.core.store.Ping(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	if n, err := s.core.store.Pending(ctx); err != nil || n > 0 {
		http.Error(w, "migrations pending", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// Run serves on ln until ctx ends, then stops in reverse order of start:
// the HTTP server stops accepting and lets in-flight requests finish, the
// adapters' follow-ups finish, and then the queue workers stop (jobs not
// started stay queued for the next start).
func (s *server) Run(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	defer s.core.store.Close()
	qctx, stopQueue := context.WithCancel(context.WithoutCancel(ctx))
	defer stopQueue()
	queueDone := make(chan error, 1)
	go func() { queueDone <- s.core.queue.Run(qctx) }()
	go s.core.metrics.TrackQueueDepth(qctx, s.core.queue.Depth, queueDepthEvery)
	go s.watchDatabase(qctx, log)

	var wg sync.WaitGroup
	errs := make(chan error, len(s.runners)+1)
	rctx, stopRunners := context.WithCancel(ctx)
	defer stopRunners()
	for _, run := range s.runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(rctx); err != nil && !errors.Is(err, context.Canceled) {
				errs <- err
			}
		}()
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errs <- err
		}
	}()
	log.Info("serving", "addr", ln.Addr().String())
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errs:
		log.Error("stopping after an error", "error", runErr)
	}
	budget := s.shutdown
	if budget <= 0 {
		budget = shutdownBudget
	}
	log.Info("stopping", "within", budget)
	// All of it within the budget: the queue stops fetching at once and
	// gets the budget less a margin for its running jobs (then hands them
	// back); meanwhile the HTTP server takes no new connections and lets
	// requests in flight finish, then the platform streams stop and
	// acknowledged commands finish their follow-ups.
	start := time.Now()
	stopQueue()
	httpCtx, cancelHTTP := context.WithDeadline(context.Background(), start.Add(budget-2*time.Second))
	defer cancelHTTP()
	err := srv.Shutdown(httpCtx)
	if err != nil {
		log.Warn("requests still running at the deadline: closing their connections", "error", err)
		srv.Close()
		err = nil
	}
	stopRunners()
	endCtx, cancelEnd := context.WithDeadline(context.Background(), start.Add(budget-500*time.Millisecond))
	defer cancelEnd()
	if !waitUntil(endCtx, wg.Wait) {
		log.Warn("platform connections did not stop in time")
	}
	for _, wait := range s.waits {
		if !waitUntil(endCtx, wait) {
			log.Warn("follow-ups of acknowledged commands did not finish in time")
			break
		}
	}
	var qerr error
	select {
	case qerr = <-queueDone:
	case <-endCtx.Done():
		qerr = errors.New("queue: did not stop in time")
	}
	log.Info("stopped")
	return errors.Join(runErr, err, qerr)
}

// dbWatchEvery is how often serve pings the database to report an outage
// and, above all, its end.
const dbWatchEvery = 5 * time.Second

// watchDatabase pings the database every dbWatchEvery: a failed ping is an
// ERROR of the component "database" (one per 10 s, as every cause), and the
// first ping that succeeds after failures of the database or of River
// (whose only dependency is the database) writes one INFO line, "recovered",
// with how many ERRORs there were (internal/logthrottle).
func (s *server) watchDatabase(ctx context.Context, log *slog.Logger) {
	log = log.With("component", "database")
	tick := time.NewTicker(dbWatchEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pctx, cancel := context.WithTimeout(ctx, readyTimeout)
		err := s.core.store.Ping(pctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Error("database unreachable", "error", err)
		default:
			logthrottle.Recovered(ctx, log, "database", "river")
		}
	}
}

// waitUntil runs wait and reports whether it returned before ctx ended.
func waitUntil(ctx context.Context, wait func()) bool {
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

func serve(ctx context.Context, cfg *Config, log *slog.Logger) error {
	discord.RouteLibraryLogs(log)
	if err := startupChecks(ctx, cfg, log); err != nil {
		return err
	}
	log.Info("database", "url", maskDatabaseURL(cfg.DatabaseURL))
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		s.core.store.Close()
		return fmt.Errorf("LEARNBOT_ADDR: %w", err)
	}
	aside := []struct {
		addr, variable string
		handler        http.Handler
	}{
		{cfg.PprofAddr, "LEARNBOT_PPROF_ADDR", pprofHandler()},
		{cfg.MetricsAddr, "LEARNBOT_METRICS_ADDR", s.metrics},
	}
	for _, a := range aside {
		if a.addr == "" || a.handler == nil {
			continue
		}
		_, stop, err := serveAside(a.addr, a.variable, a.handler, log)
		if err != nil {
			ln.Close()
			s.core.store.Close()
			return err
		}
		defer stop()
	}
	return s.Run(ctx, ln, log)
}

// serveAside serves handler on a listener of its own (profiles, metrics),
// so that it is never reachable through the public address.
func serveAside(addr, variable string, handler http.Handler, log *slog.Logger) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", variable, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() { _ = srv.Serve(ln) }()
	log.Info("serving aside", "variable", variable, "addr", ln.Addr().String())
	return ln.Addr().String(), func() { srv.Close() }, nil
}

// pprofHandler serves the runtime profiles (LEARNBOT_PPROF_ADDR).
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// discordBotPermissions are what the bot asks for when added to a server:
// View Channels and Send Messages (its replies and DMs need no more; the
// commands come with the applications.commands scope).
const discordBotPermissions = discordgoViewChannels | discordgoSendMessages

const (
	discordgoViewChannels = 1 << 10
	discordgoSendMessages = 1 << 11
)

// discordAddURL is the link that adds the bot to a server with the scopes
// and permissions it needs.
func discordAddURL(appID string) string {
	q := url.Values{"client_id": {appID}, "scope": {"bot applications.commands"},
		"permissions": {strconv.Itoa(discordBotPermissions)}}
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}

func discordRegister(ctx context.Context, cfg *Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.DiscordToken == "" || cfg.DiscordAppID == "" {
		return errors.New("discord register needs DISCORD_BOT_TOKEN and DISCORD_APP_ID")
	}
	// The command definitions come from the router; no database is needed.
	router := handlers.New(nil, handlers.Config{}, log)
	a, err := discord.New(discord.Config{BotToken: cfg.DiscordToken, AppID: cfg.DiscordAppID, GuildID: cfg.DiscordGuild,
		APIURL: cfg.DiscordAPIURL}, router, nil, discord.WithLogger(log))
	if err != nil {
		return err
	}
	if err := a.Register(ctx); err != nil {
		return err
	}
	where := "globally"
	if cfg.DiscordGuild != "" {
		where = "in guild " + cfg.DiscordGuild
	}
	log.Info("discord commands registered", "where", where)
	_, err = fmt.Fprintf(stdout, "Commands registered %s.\nAdd the bot to a server (scopes bot and applications.commands, permissions View Channels and Send Messages):\n%s\n",
		where, discordAddURL(cfg.DiscordAppID))
	return err
}
