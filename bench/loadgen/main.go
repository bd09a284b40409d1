// Command loadgen measures learnbot under load, on loopback only. It sends
// correctly signed Slack slash commands and block_actions clicks and Discord
// interactions to a running `learnbot serve`, at a fixed rate (open loop) or
// concurrency, and prints throughput, latency percentiles and errors. The
// same load goes to the floor, a server that only checks signatures, so
// that learnbot's figures read as multiples of what no bot can beat here.
//
//	loadgen keygen                     a Discord key pair for a run (env lines)
//	loadgen floor -addr 127.0.0.1:0    the floor server
//	loadgen fake  -addr 127.0.0.1:0    a fake Slack Web API and Discord API, one record
//	loadgen load  -target URL ...      one load against one server
//	loadgen bench -learnbot URL ...    every scenario of BENCHMARKS.md, with a summary
//
// bench/run.sh starts everything and runs the suite; see BENCHMARKS.md.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
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
	"strings"
	"syscall"
	"time"
)

const usage = `loadgen: load and latency for learnbot, on loopback.

  loadgen keygen                         print LOADGEN_DISCORD_SEED and DISCORD_PUBLIC_KEY for a run
  loadgen floor [-addr 127.0.0.1:0] [-db URL]   serve the floor: check signatures, answer 200
                                         (-db: also the durable floor under /durable/)
  loadgen fake  [-addr 127.0.0.1:0]      serve a fake Slack Web API, and Discord's API under /discord/
  loadgen load  -target URL [flags]      one load against one server; -h for flags
  loadgen bench -learnbot URL -floor URL -fake URL [flags]   the whole suite; -h for flags

Environment: SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, DISCORD_BOT_TOKEN, LOADGEN_DISCORD_SEED
(hex, 32 bytes; its public key is learnbot's DISCORD_PUBLIC_KEY).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return errors.New("name a subcommand")
	}
	switch args[0] {
	case "keygen":
		pub, priv, err := ed25519.GenerateKey(nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "LOADGEN_DISCORD_SEED=%s\nDISCORD_PUBLIC_KEY=%s\n", hex.EncodeToString(priv.Seed()), hex.EncodeToString(pub))
		return nil
	case "floor":
		key, err := discordKey(getenv("LOADGEN_DISCORD_SEED"))
		if err != nil {
			return err
		}
		if getenv("SLACK_SIGNING_SECRET") == "" {
			return errors.New("floor: set SLACK_SIGNING_SECRET")
		}
		f := &floor{slackSecret: getenv("SLACK_SIGNING_SECRET"), discordKey: key.Public().(ed25519.PublicKey), now: time.Now}
		return serveFlags(ctx, "floor", args[1:], stdout, func(fs *flag.FlagSet) func() http.Handler {
			db := fs.String("db", "", "learnbot's PostgreSQL URL: also serve the durable floor under /durable/")
			return func() http.Handler {
				if *db != "" {
					d, err := newDurable(*db)
					if err != nil {
						fmt.Fprintln(os.Stderr, "floor: -db:", err)
						os.Exit(2)
					}
					f.durable = d
				}
				return f.routes()
			}
		})
	case "fake":
		return serveFlags(ctx, "fake", args[1:], stdout, func(fs *flag.FlagSet) func() http.Handler {
			postRate := fs.Float64("post-rate", 0, "chat.postMessage allowed per second (0: no limit); POST /limit?rate= changes it")
			return func() http.Handler {
				f := newFakes(or(getenv("SLACK_BOT_TOKEN"), "xoxb-bench"), or(getenv("DISCORD_BOT_TOKEN"), "bench-bot-token"))
				f.slack.SetPostRate(*postRate)
				return f
			}
		})
	case "load":
		return loadCommand(ctx, args[1:], getenv, stdout)
	case "bench":
		return benchCommand(ctx, args[1:], getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stdout, usage)
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// serveFlags runs a server subcommand: parse -addr and -addr-file (plus the
// flags define adds), listen on loopback, write the URL to stdout and to the
// file, serve until ctx ends.
func serveFlags(ctx context.Context, name string, args []string, stdout io.Writer, define func(*flag.FlagSet) func() http.Handler) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	addrFile := fs.String("addr-file", "", "write the server's URL to this file once listening")
	handler := define(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loopbackHost(*addr); err != nil {
		return fmt.Errorf("%s: -addr: %w", name, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(base+"\n"), 0o644); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintln(stdout, base)
	srv := &http.Server{Handler: handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(slog.NewTextHandler(os.Stderr, nil).WithAttrs([]slog.Attr{slog.String("server", name)}), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}

// loopbackHost accepts host:port addresses whose host is a loopback IP or
// "localhost": load goes nowhere else.
func loopbackHost(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address (127.0.0.0/8, ::1, localhost)", host)
	}
	return nil
}

// loopbackURL checks an http URL points to loopback and returns it without
// a trailing slash.
func loopbackURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" || u.Host == "" {
		return "", fmt.Errorf("%q: want http://host:port", raw)
	}
	hostport := u.Host
	if u.Port() == "" {
		hostport = net.JoinHostPort(u.Hostname(), "80")
	}
	if err := loopbackHost(hostport); err != nil {
		return "", fmt.Errorf("%q: %w", raw, err)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// newHTTPClient is a client that keeps up to conns connections to one host.
func newHTTPClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: 90 * time.Second, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}}
}
