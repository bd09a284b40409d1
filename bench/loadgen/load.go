package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// planFlags defines the flags shared by load and bench.
func planFlags(fs *flag.FlagSet) *Plan {
	p := &Plan{}
	fs.Float64Var(&p.Rate, "rate", 200, "requests per second, open loop (0: closed loop with -concurrency)")
	fs.IntVar(&p.Concurrency, "concurrency", 0, "requests in flight, closed loop (with -rate 0)")
	fs.DurationVar(&p.Duration, "duration", 20*time.Second, "measured time per load (at most 5m)")
	fs.DurationVar(&p.Warmup, "warmup", 2*time.Second, "unmeasured load before each measured one")
	fs.IntVar(&p.MaxRequests, "max-requests", 0, "stop after this many requests (0: rate × duration)")
	fs.IntVar(&p.MaxInFlight, "max-in-flight", 1000, "open loop: requests outstanding at most; more count as overload errors")
	return p
}

// loadCommand runs one load against one server and prints the result.
func loadCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	target := fs.String("target", "", "learnbot or floor base URL, e.g. http://127.0.0.1:8080 (loopback only)")
	platform := fs.String("platform", "slack", "slack or discord")
	command := fs.String("command", "/tasks", "Slack: the slash command (/tasks, /assign, /learn); Discord: the command name (tasks)")
	text := fs.String("text", "", "Slack: the command's text")
	user := fs.String("user", "UBENCH1", "the user sending (Slack user ID or Discord user ID)")
	click := fs.String("click", "", "Slack: press the button with this value (block_actions) instead of a command")
	expectText := fs.String("expect", "", "a reply without this text counts as an error")
	team := fs.String("team", "TBENCH", "Slack team ID / Discord guild ID (default 100000000000000001 on Discord)")
	respBase := fs.String("response-url", "", "base of response_url (default: target + /response/)")
	var opts []discordOption
	fs.Func("opt", "Discord: a string option name=value (repeat); sub=<name> makes the rest a subcommand's", func(s string) error {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return errors.New("want name=value")
		}
		opts = append(opts, strOpt(k, v))
		return nil
	})
	plan := planFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	base, err := loopbackURL(*target)
	if err != nil {
		return fmt.Errorf("-target: %w", err)
	}
	if *respBase == "" {
		*respBase = base + "/response/"
	}
	client := newHTTPClient(plan.MaxInFlight + plan.Concurrency)
	var do func(ctx context.Context) Outcome
	switch *platform {
	case "slack":
		c := &slackClient{base: base, secret: getenv("SLACK_SIGNING_SECRET"), team: *team, domain: "bench", respBase: *respBase, http: client}
		if c.secret == "" {
			return errors.New("set SLACK_SIGNING_SECRET")
		}
		var n int64
		do = func(ctx context.Context) Outcome {
			id := "load-" + strconv.FormatInt(n, 10)
			n++
			if *click != "" {
				return Outcome{Err: c.click(ctx, *user, *click, id)}
			}
			r, err := c.command(ctx, *user, *command, *text, id)
			return expect(r, err, *expectText)
		}
	case "discord":
		key, err := discordKey(getenv("LOADGEN_DISCORD_SEED"))
		if err != nil {
			return err
		}
		guild := *team
		if guild == "TBENCH" {
			guild = "100000000000000001"
		}
		c := &discordClient{base: base, key: key, guild: guild, app: "100000000000000009", http: client}
		if len(opts) > 0 && opts[0]["name"] == "sub" {
			opts = []discordOption{subOpt(opts[0]["value"].(string), opts[1:]...)}
		}
		name := strings.TrimPrefix(*command, "/")
		do = func(ctx context.Context) Outcome {
			a, err := c.command(ctx, *user, name, opts...)
			return expectDiscord(a, err, *expectText)
		}
	default:
		return fmt.Errorf("-platform %q: want slack or discord", *platform)
	}
	r, err := Run(ctx, *platform+" "+*command, *plan, do)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, r)
	return nil
}
