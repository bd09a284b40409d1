package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

func TestRunOpenLoop(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%10 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}))
	defer srv.Close()
	client := newHTTPClient(50)
	do := func(ctx context.Context) Outcome {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			return Outcome{Err: errKind("transport", "%w", err)}
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return Outcome{Err: errKind("status "+strconv.Itoa(resp.StatusCode), "bad")}
		}
		return Outcome{}
	}
	r, err := Run(context.Background(), "test", Plan{Rate: 200, Duration: 500 * time.Millisecond, Warmup: 50 * time.Millisecond}, do)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent != 100 {
		t.Errorf("sent %d, want 200/s × 0.5 s = 100", r.Sent)
	}
	if r.OK+r.ErrorCount() != r.Sent || r.Errors["status 500"] < 5 || r.Errors["status 500"] > 15 {
		t.Errorf("ok %d, errors %v of %d sent; want about one in ten to fail with status 500", r.OK, r.Errors, r.Sent)
	}
	if p50, p99 := r.Percentile(0.5), r.Percentile(0.99); p50 < 2*time.Millisecond || p99 < p50 || r.Percentile(1) < p99 {
		t.Errorf("p50 %v, p99 %v, max %v: want 2 ms <= p50 <= p99 <= max", p50, p99, r.Percentile(1))
	}
	// About 180/s (200/s less the errors) on an idle machine; a loaded one
	// (CI beside other work) answers later, so only a gross error fails.
	if tp := r.Throughput(); tp < 50 || tp > 210 {
		t.Errorf("throughput %.0f/s, want about 180/s (200/s less the errors)", tp)
	}
}

func TestRunClosedLoop(t *testing.T) {
	var inFlight, most atomic.Int64
	do := func(ctx context.Context) Outcome {
		now := inFlight.Add(1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		time.Sleep(time.Millisecond)
		inFlight.Add(-1)
		return Outcome{}
	}
	r, err := Run(context.Background(), "test", Plan{Concurrency: 4, Duration: time.Second, MaxRequests: 40}, do)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent != 40 || r.OK != 40 || most.Load() > 4 {
		t.Errorf("sent %d, ok %d, at most %d in flight; want 40, 40, <= 4", r.Sent, r.OK, most.Load())
	}
}

func TestPlanBounds(t *testing.T) {
	for name, p := range map[string]Plan{
		"RateTooHigh":      {Rate: maxRate + 1, Duration: time.Second},
		"DurationTooLong":  {Rate: 1, Duration: maxDuration + time.Second},
		"NoRateNoWorkers":  {Duration: time.Second},
		"NegativeRequests": {Rate: 1, Duration: time.Second, MaxRequests: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Run(context.Background(), name, p, func(context.Context) Outcome { return Outcome{} }); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:80/", "http://127.1.2.3:9"} {
		if _, err := loopbackURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{"http://10.0.0.1:80", "http://example.com", "https://127.0.0.1:443", "ftp://127.0.0.1", "127.0.0.1:80"} {
		if _, err := loopbackURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if err := loopbackHost("0.0.0.0:0"); err == nil {
		t.Error("listening on every interface accepted")
	}
}

func TestReadMemory(t *testing.T) {
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if m.RSS < 1<<20 || m.Peak < m.RSS {
		t.Errorf("memory = %+v, want RSS over 1 MB and peak >= RSS", m)
	}
	if _, err := readMemory(-1); err == nil {
		t.Error("a process that cannot exist has memory")
	}
}

// keys returns a Discord key pair for tests.
func keys(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return priv, hex.EncodeToString(pub)
}

func TestFloorChecksSignatures(t *testing.T) {
	priv, _ := keys(t)
	f := &floor{slackSecret: "s3cret", discordKey: priv.Public().(ed25519.PublicKey), now: time.Now}
	srv := httptest.NewServer(f.routes())
	defer srv.Close()
	client := newHTTPClient(4)
	ctx := context.Background()

	t.Run("SignedSlackCommandAnswered", func(t *testing.T) {
		c := &slackClient{base: srv.URL, secret: "s3cret", team: "T1", http: client}
		r, err := c.command(ctx, "U1", "/tasks", "", "x")
		if err != nil || r == nil || r.Text != "ok" {
			t.Errorf("reply %+v, %v", r, err)
		}
		if err := c.click(ctx, "U1", "done:1", "x"); err != nil {
			t.Errorf("click: %v", err)
		}
	})
	t.Run("WrongSlackSecretRefused", func(t *testing.T) {
		c := &slackClient{base: srv.URL, secret: "other", team: "T1", http: client}
		if _, err := c.command(ctx, "U1", "/tasks", "", "x"); err == nil || !strings.Contains(err.Error(), "status 401") {
			t.Errorf("err = %v, want status 401", err)
		}
	})
	t.Run("StaleSlackTimestampRefused", func(t *testing.T) {
		body := "command=%2Ftasks"
		stamp := strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands", strings.NewReader(body))
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", slack.Sign("s3cret", stamp, []byte(body)))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	})
	t.Run("SignedDiscordInteractionAnswered", func(t *testing.T) {
		c := &discordClient{base: srv.URL, key: priv, guild: "1", app: "2", http: client}
		a, err := c.command(ctx, "3", "tasks")
		if o := expectDiscord(a, err, "ok"); o.Err != nil || o.Late {
			t.Errorf("outcome %+v", o)
		}
	})
	t.Run("OtherDiscordKeyRefused", func(t *testing.T) {
		other, _ := keys(t)
		c := &discordClient{base: srv.URL, key: other, guild: "1", app: "2", http: client}
		if _, err := c.command(ctx, "3", "tasks"); err == nil || !strings.Contains(err.Error(), "status 401") {
			t.Errorf("err = %v, want status 401", err)
		}
	})
}

// senderRef lets the queue deliver through an adapter made after the core.
type senderRef struct {
	mu sync.Mutex
	s  bot.Sender
}

func (r *senderRef) SendDM(ctx context.Context, m bot.Message) error {
	r.mu.Lock()
	s := r.s
	r.mu.Unlock()
	if s == nil {
		return errors.New("no sender yet")
	}
	return s.SendDM(ctx, m)
}

// TestAgainstLearnbot drives the real core through the real adapters with
// loadgen's clients: what bench sends is what learnbot accepts, and what
// bench reads of the answers is there.
func TestAgainstLearnbot(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		b, fake, core := againstCore(t, db, 20)

		t.Run("SlackCommandsAndClick", func(t *testing.T) {
			if _, err := b.slackRun(ctx, "/learn", "task add git Git basics https://learn.example.com/git", "Added"); err != nil {
				t.Fatal(err)
			}
			if _, err := b.slackRun(ctx, "/assign", "git "+mentions([]string{"UR1", "UR2"}), "Assigned Git basics (git) to 2 people"); err != nil {
				t.Fatal(err)
			}
			r, err := Run(ctx, "tasks", Plan{Rate: 100, Duration: 300 * time.Millisecond}, func(ctx context.Context) Outcome {
				r, err := b.slack.command(ctx, "UR1", "/tasks", "", b.responseID("t"))
				return expect(r, err, "Your tasks (1 open")
			})
			if err != nil || r.OK != 30 || r.ErrorCount() != 0 {
				t.Fatalf("/tasks load: %v; %s", err, r)
			}
			prompt, err := b.slack.command(ctx, slackAdmin, "/assign", "git "+mentions([]string{"UR1", "UR3"}), b.responseID("p"))
			if err != nil || prompt == nil {
				t.Fatalf("prompt %+v, %v", prompt, err)
			}
			value, ok := prompt.button("Only new")
			if !ok {
				t.Fatalf("no Only new button in %+v", prompt)
			}
			id := b.responseID("onlynew")
			if err := b.slack.click(ctx, slackAdmin, value, id); err != nil {
				t.Fatal(err)
			}
			resp, err := b.waitResponse(ctx, id, 10*time.Second)
			if err != nil || !strings.Contains(resp.Text, "Only new: assigned Git basics (git) to 1 person") || !resp.ReplaceOriginal {
				t.Fatalf("Only new: %+v, %v", resp, err)
			}
		})
		t.Run("DiscordCommands", func(t *testing.T) {
			if err := b.discordRun(ctx, "task", "Added", subOpt("add", strOpt("key", "go"), strOpt("title", "Go tour"))); err != nil {
				t.Fatal(err)
			}
			if err := b.discordRun(ctx, "assign", "Assigned Go tour (go) to 3 people", strOpt("task", "go"),
				strOpt("targets", mentions(ids("2%017d", 1, 3)))); err != nil {
				t.Fatal(err)
			}
			a, err := b.discord.command(ctx, "200000000000000002", "tasks")
			if o := expectDiscord(a, err, "Your tasks (1 open"); o.Err != nil || o.Late {
				t.Fatalf("/tasks: %+v", o)
			}
		})
		t.Run("DMsDeliveredOnce", func(t *testing.T) {
			core.WaitJobs(t)
			st, err := b.fakeStats(ctx, true) // as bench reads them: one /stats for both platforms
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range []string{"DUR1", "DUR2", "DUR3"} {
				if st.SlackDMs[ch] != 1 {
					t.Errorf("Slack DMs to %s: %d, want 1 (%v)", ch, st.SlackDMs[ch], st.SlackDMs)
				}
			}
			if discord := fake.discord.Stats(true).DiscordDMs; len(discord) != 3 || st.DMs != 6 {
				t.Errorf("DMs %d (Discord %v), want 6 with 3 on Discord", st.DMs, discord)
			}
		})
	})
}

// serveBoth serves both adapters on loopback until the test ends, and
// returns a bench whose clients (conns connections each) talk to them.
// againstCore serves the real core through the real Slack and Discord
// adapters, on the fake as bench/loadgen runs it, and returns a bench whose
// clients send to it (conns connections each).
func againstCore(t *testing.T, db string, conns int) (*bench, *fakes, *testbot.Bot) {
	t.Helper()
	fake := newFakes("xoxb-test", "discord-test")
	fakeSrv := httptest.NewServer(fake)
	t.Cleanup(fakeSrv.Close)
	slackRef, discordRef := &senderRef{}, &senderRef{}
	core := testbot.New(t, db, map[string]bot.Sender{model.PlatformSlack: slackRef, model.PlatformDiscord: discordRef},
		testbot.Admins("slack:"+slackAdmin, "discord:"+discordAdmin))
	quiet := slog.New(slog.DiscardHandler)
	sa, err := slack.New(slack.Config{SigningSecret: "s3cret", BotToken: "xoxb-test", APIURL: fakeSrv.URL + "/api/"}, core.Handlers,
		slack.WithDedup(core.Store), slack.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	priv, pub := keys(t)
	da, err := discord.New(discord.Config{PublicKey: pub, BotToken: "discord-test", AppID: discordApp,
		APIURL: fakeSrv.URL + "/discord/api/v10/"}, core.Router, handlers.Completer{Store: core.Store}, discord.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	slackRef.s, discordRef.s = sa, da
	return serveBoth(t, sa, da, fakeSrv.URL, priv, conns), fake, core
}

func serveBoth(t *testing.T, sa *slack.Adapter, da *discord.Adapter, fakeURL string, priv ed25519.PrivateKey, conns int) *bench {
	mux := http.NewServeMux()
	sa.Routes(mux)
	da.Routes(mux)
	lb := httptest.NewServer(mux)
	t.Cleanup(func() {
		lb.Close()
		sa.Wait()
		da.Wait()
	})
	b := &bench{cfg: benchConfig{learnbot: lb.URL, fake: fakeURL}, log: &bytes.Buffer{}, ctl: newHTTPClient(4), results: map[string]any{}}
	b.slack = &slackClient{base: lb.URL, secret: "s3cret", team: slackTeam, domain: "bench", respBase: fakeURL + "/response/", http: newHTTPClient(conns)}
	b.discord = &discordClient{base: lb.URL, key: priv, guild: discordGuild, app: discordApp, http: newHTTPClient(conns)}
	return b
}

// slowHandler answers every request after a delay.
type slowHandler time.Duration

func (h slowHandler) Handle(ctx context.Context, req *bot.Request) *bot.Reply {
	time.Sleep(time.Duration(h))
	return bot.Text("slow answer")
}

func (h slowHandler) Home(ctx context.Context, platform, workspace string, user model.User) (*bot.Reply, error) {
	return bot.Text("slow home"), nil
}

// TestLateRepliesCountUntilTheyArrive: a command learnbot only acknowledges
// in time counts as late, with its latency up to the real reply.
func TestLateRepliesCountUntilTheyArrive(t *testing.T) {
	ctx := context.Background()
	fake := newFakes("xoxb-test", "discord-test") // as bench/loadgen runs it
	fakeSrv := httptest.NewServer(fake)
	defer fakeSrv.Close()
	quiet := slog.New(slog.DiscardHandler)
	const delay = 100 * time.Millisecond
	sa, err := slack.New(slack.Config{SigningSecret: "s3cret", BotToken: "xoxb-test", APIURL: fakeSrv.URL + "/api/"}, slowHandler(delay),
		slack.WithAckWait(10*time.Millisecond), slack.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	priv, pub := keys(t)
	da, err := discord.New(discord.Config{PublicKey: pub, BotToken: "discord-test", AppID: discordApp,
		APIURL: fakeSrv.URL + "/discord/api/v10/"}, slowHandler(delay), nil, discord.WithDeferAfter(10*time.Millisecond), discord.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	b := serveBoth(t, sa, da, fakeSrv.URL, priv, 4)
	for name, send := range map[string]func() Outcome{
		"Slack":   func() Outcome { return b.slackCommand(ctx, b.slack, "U1", "/tasks", "", "slow answer") },
		"Discord": func() Outcome { return b.discordCommand(ctx, b.discord, "1", "tasks", "slow answer") },
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			o := send()
			if took := time.Since(start); o.Err != nil || !o.Late || took < delay {
				t.Errorf("outcome %+v after %v; want late, no error, after at least %v", o, took, delay)
			}
		})
	}
}

// TestBulk100kScenario runs the scenario at a small size against the real
// core: its rows say what was measured, and a failing step gives a row
// saying so instead of stopping the suite.
func TestBulk100kScenario(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		b, fake, _ := againstCore(t, db, 8)
		b.cfg.bigMembers, b.cfg.bigHolders, b.cfg.drainTimeout = 30, 12, time.Minute

		t.Run("RowsOfEachStep", func(t *testing.T) {
			if err := b.bulk100k(ctx); err != nil {
				t.Fatal(err)
			}
			want := []string{"bulk-100k: seed", "command → prompt", "**Only new** → outcome", "the 18 DMs of Only new"}
			if len(b.rows) != len(want) {
				t.Fatalf("rows %+v, want %d", b.rows, len(want))
			}
			for i, w := range want {
				if !strings.Contains(b.rows[i].Scenario, w) {
					t.Errorf("row %d: %q, want %q in it", i, b.rows[i].Scenario, w)
				}
			}
			if got := b.rows[0].Learnbot; !strings.Contains(got, "12 DMs") || !strings.Contains(got, "lost 0, duplicated 0") {
				t.Errorf("seed row %q: want 12 DMs, none lost or duplicated", got)
			}
			if got := b.rows[3].Learnbot; !strings.Contains(got, "18 DMs") || !strings.Contains(got, "lost 0, duplicated 0") {
				t.Errorf("DMs row %q: want 18 DMs, none lost or duplicated", got)
			}
		})
		t.Run("FailureIsARow", func(t *testing.T) {
			b.rows = nil
			fake.slack.FailUserGroups("paid_teams_only")
			defer fake.slack.FailUserGroups("")
			if err := b.bulk100k(ctx); err != nil {
				t.Fatalf("a failing step stopped the suite: %v", err)
			}
			if len(b.rows) != 1 || b.rows[0].Met != "**no**" || !strings.Contains(b.rows[0].Learnbot, "failed: seed /assign") {
				t.Errorf("rows %+v, want one failed row", b.rows)
			}
		})
	})
}

func TestReadCPU(t *testing.T) {
	before := readCPU(os.Getpid())
	if before <= 0 {
		t.Fatalf("CPU time of this test %v", before)
	}
	// Busy until the clock of its CPU time moves on (a tick is 10 ms).
	for start := time.Now(); readCPU(os.Getpid()) == before; {
		if time.Since(start) > 30*time.Second {
			t.Fatal("CPU time did not move in 30 s of busy loop")
		}
	}
	if readCPU(0) != 0 {
		t.Error("pid 0: want 0")
	}
}

// TestReplicasScenario runs the scenario "replicas" with the one learnbot
// the test serves (no other processes): the generated group, the paced
// fan-out in a workspace of its own, the counts per recipient and the row.
// With more replicas and no binary to start them it says what is missing.
func TestReplicasScenario(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		ctx := context.Background()
		b, fake, _ := againstCore(t, db, 8)
		b.cfg.replicas, b.cfg.limitedDMs, b.cfg.limit, b.cfg.drainTimeout = 1, 60, 50, time.Minute

		if err := b.replicas(ctx); err != nil {
			t.Fatal(err)
		}
		if len(b.rows) != 1 {
			t.Fatalf("rows %+v, want one", b.rows)
		}
		got := b.rows[0].Learnbot
		if !strings.HasPrefix(b.rows[0].Scenario, "replicas: 1 learnbot processes") || !strings.Contains(got, "lost 0, duplicated 0") {
			t.Errorf("row %+v: want 1 process, none lost or duplicated", b.rows[0])
		}
		res, _ := b.results["replicas"].(map[string]any)
		if res["dms"] != 60 || res["expected"] != 60 {
			t.Errorf("results %v: want the 60 DMs of the group", res)
		}
		// 60 DMs at 50 a second take about a second: the rate is measured
		// between the first and the last, and at most the fake's limit.
		if rate, _ := res["per_second"].(float64); rate <= 0 || rate > 50*1.2 {
			t.Errorf("%v DMs a second, want a rate up to the fake's 50", res["per_second"])
		}
		if st := fake.slack.Stats(false); st.PostRate != 0 || st.DMs != 60 {
			t.Errorf("the fake allows %v/s after the scenario (want its limit lifted), counted %d DMs (want 60)", st.PostRate, st.DMs)
		}

		b.cfg.replicas = 3
		if err := b.replicas(ctx); err == nil || !strings.Contains(err.Error(), "-learnbot-bin") {
			t.Errorf("3 replicas without a binary: %v, want the missing -learnbot-bin named", err)
		}
	})
}
