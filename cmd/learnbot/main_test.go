package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/internal/testdb"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestConsoleSession is the newcomer's tour as a scripted session, on both
// databases.
func TestConsoleSession(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			url := testdb.New(t, d)
			script := strings.Join([]string{
				"/task add git Git basics https://learn.example.com/git",
				"/group create cohort-7",
				"/group add cohort-7 @anna @ben @cleo",
				"/assign git @anna",
				"/assign git @anna cohort-7",
				"2", // Only new
				"2", // again: already decided
				"/as ben",
				"/tasks",
			}, "\n") + "\n"
			var out bytes.Buffer
			err := run(context.Background(), []string{"console"}, envOf(map[string]string{"LEARNBOT_DATABASE_URL": url}),
				strings.NewReader(script), &out)
			if err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, want := range []string{
				"Assigned Git basics (git) to 1 person: anna.",
				"[1] Do not assign", "[2] Only new", "[3] Force reassignment", "[4] Show selected groups",
				"learnbot (replaces the prompt): Only new: assigned Git basics (git) to 2 people: ben, cleo.",
				"Already decided: Only new, by @me.",
				"@ben> /tasks",
				"[DM to @anna] New learning task from me: Git basics (git)",
				"[DM to @ben] New learning task from me: Git basics (git)",
				"[DM to @cleo] New learning task from me: Git basics (git)",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("console output lacks %q", want)
				}
			}
			if t.Failed() {
				t.Log(got)
			}
		})
	}
}

// TestConsoleSessionInGerman: learnbot console -lang de runs the duplicate
// flow in German (the prompt, its four German buttons, the outcome, the
// DMs); /language en inside the session switches one user back.
func TestConsoleSessionInGerman(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			url := testdb.New(t, d)
			script := strings.Join([]string{
				"/task add git Git-Grundlagen https://learn.example.com/git",
				"/group create kohorte-7",
				"/group add kohorte-7 @anna @ben @cleo",
				"/assign git @anna",
				"/assign git @anna kohorte-7",
				"2", // Nur neue
				"3", // again: already decided
				"/as ben",
				"/language en",
				"/tasks",
			}, "\n") + "\n"
			var out bytes.Buffer
			err := run(context.Background(), []string{"console", "-lang", "de"}, envOf(map[string]string{"LEARNBOT_DATABASE_URL": url}),
				strings.NewReader(script), &out)
			if err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, want := range []string{
				"learnbot-Konsole. Du bist @me (admin).",
				"learnbot: Aufgabe git hinzugefügt: Git-Grundlagen. Link: https://learn.example.com/git",
				"learnbot: Git-Grundlagen (git) ist 1 Person zugewiesen: anna. Sie bekommt eine DM.",
				"learnbot: Git-Grundlagen (git) ist schon 1 von 3 gewählten Personen zugewiesen: anna.",
				"[1] Nicht zuweisen\n  [2] Nur neue\n  [3] Neuzuweisung erzwingen\n  [4] Ausgewählte Gruppen anzeigen\n",
				"learnbot (ersetzt die Rückfrage): Nur neue: Git-Grundlagen (git) ist 2 Personen zugewiesen: ben, cleo. Alle bekommen eine DM.",
				"learnbot: Schon entschieden: Nur neue, von @me.",
				"[DM an @anna] Neue Lernaufgabe von me: Git-Grundlagen (git)",
				"[DM an @cleo] Neue Lernaufgabe von me: Git-Grundlagen (git)",
				"Der Gruppe kohorte-7 zugewiesen.",
				"] Erledigt\n",
				"Du bist jetzt @ben.",
				"learnbot: From now on I answer you in English.",
				"learnbot: Your tasks (1 open of the 1 shown; open ones first, by due date):",
				"[1] Mark done: git",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("console output lacks %q", want)
				}
			}
			// (ben's DM may be English: he may switch before the queue sends it.)
			for _, english := range []string{"Do not assign", "Only new"} {
				if strings.Contains(got, english) {
					t.Errorf("German session shows the English %q", english)
				}
			}
			if t.Failed() {
				t.Log(got)
			}
		})
	}
	t.Run("ErrBadLang", func(t *testing.T) {
		err := run(context.Background(), []string{"console", "-lang", "it"}, envOf(nil), strings.NewReader(""), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-lang") {
			t.Fatalf("console -lang it = %v", err)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]map[string]string{
		"BadAdmin":           {"LEARNBOT_ADMINS": "irc:bob"},
		"BadDecisionTTL":     {"LEARNBOT_DECISION_TTL": "soon"},
		"BadAppToken":        {"SLACK_APP_TOKEN": "xoxb-1"},
		"BadLogFormat":       {"LEARNBOT_LOG_FORMAT": "xml"},
		"BadLogLevel":        {"LEARNBOT_LOG_LEVEL": "loud"},
		"BadLanguage":        {"LEARNBOT_LANGUAGE": "it"},
		"BadTimeZone":        {"LEARNBOT_TIMEZONE": "Mars/Olympus"},
		"LocalTimeZone":      {"LEARNBOT_TIMEZONE": "Local"},
		"BadRemindHours":     {"LEARNBOT_REMIND_BEFORE": "36h"},
		"BadRemind":          {"LEARNBOT_REMIND_BEFORE": "soon"},
		"BadEscalate":        {"LEARNBOT_ESCALATE_AFTER": "a week"},
		"BadDBWait":          {"LEARNBOT_DB_WAIT": "a minute"},
		"NegativeDBWait":     {"LEARNBOT_DB_WAIT": "-5s"},
		"PublicURLNotAURL":   {"LEARNBOT_PUBLIC_URL": "notaurl"},
		"PublicURLNoScheme":  {"LEARNBOT_PUBLIC_URL": "learnbot.example.com"},
		"PublicURLNotWeb":    {"LEARNBOT_PUBLIC_URL": "ftp://learnbot.example.com"},
		"DiscordKeyNotHex":   {"DISCORD_PUBLIC_KEY": "not-a-key"},
		"DiscordKeyTooShort": {"DISCORD_PUBLIC_KEY": "abcd"},
	}
	for name, vars := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := configFromEnv(envOf(vars))
			if err == nil {
				t.Fatalf("configFromEnv(%v) accepted it", vars)
			}
			for variable := range vars {
				if !strings.Contains(err.Error(), variable) {
					t.Errorf("the error %q does not name %s", err, variable)
				}
			}
		})
	}
	t.Run("MatrixPickleKey", func(t *testing.T) {
		matrixOn := map[string]string{"MATRIX_HOMESERVER_URL": "https://matrix.example.org", "MATRIX_ACCESS_TOKEN": "t"}
		for key, want := range map[string]string{"": "is not set", "short": "has 5 characters", strings.Repeat("k", 31): "has 31"} {
			env := maps.Clone(matrixOn)
			env["MATRIX_PICKLE_KEY"] = key
			_, err := configFromEnv(envOf(env))
			switch {
			case !matrix.Encrypts && err != nil:
				t.Errorf("a build without goolm needs no MATRIX_PICKLE_KEY; with %q: %v", key, err)
			case matrix.Encrypts && (err == nil || !strings.Contains(err.Error(), "MATRIX_PICKLE_KEY "+want)):
				t.Errorf("MATRIX_PICKLE_KEY=%q: %v; want an error saying it %s", key, err, want)
			case err != nil && key != "" && strings.Contains(err.Error(), key):
				t.Errorf("the error shows the key: %v", err)
			}
		}
		env := maps.Clone(matrixOn)
		env["MATRIX_PICKLE_KEY"] = strings.Repeat("k", 32)
		if c, err := configFromEnv(envOf(env)); err != nil || c.MatrixPickleKey != env["MATRIX_PICKLE_KEY"] {
			t.Errorf("a key of 32 characters: %v", err)
		}
		if _, err := configFromEnv(envOf(map[string]string{"MATRIX_HOMESERVER_URL": "https://matrix.example.org"})); err != nil {
			t.Errorf("Matrix off (no token) needs no key: %v", err)
		}
	})
	t.Run("DBWait", func(t *testing.T) {
		c, err := configFromEnv(envOf(nil))
		if err != nil || c.DBWait != time.Minute {
			t.Fatalf("default = %v, %v; want DESIGN's 60s", c.DBWait, err)
		}
		c, err = configFromEnv(envOf(map[string]string{"LEARNBOT_DB_WAIT": "0"}))
		if err != nil || c.DBWait != 0 {
			t.Fatalf("LEARNBOT_DB_WAIT=0: %v, %v", c.DBWait, err)
		}
	})
	t.Run("Defaults", func(t *testing.T) {
		c, err := configFromEnv(envOf(nil))
		if err != nil || c.DatabaseURL != "sqlite:learnbot.db" || c.Addr != ":8080" || c.DecisionTTL != 24*time.Hour || c.Language != catalog.English {
			t.Fatalf("defaults = %+v, %v", c, err)
		}
	})
	t.Run("DueDateDefaults", func(t *testing.T) {
		c, err := configFromEnv(envOf(nil))
		if err != nil || c.TimeZone != time.UTC || c.RemindBefore != 2 {
			t.Fatalf("defaults = %v, %d, %v; want UTC and 2 days", c.TimeZone, c.RemindBefore, err)
		}
		c, err = configFromEnv(envOf(map[string]string{"LEARNBOT_TIMEZONE": "Europe/Berlin", "LEARNBOT_REMIND_BEFORE": "0"}))
		if err != nil || c.TimeZone.String() != "Europe/Berlin" || c.RemindBefore != 0 {
			t.Fatalf("Europe/Berlin, 0 = %v, %d, %v", c.TimeZone, c.RemindBefore, err)
		}
	})
	t.Run("EscalateAfter", func(t *testing.T) {
		c, err := configFromEnv(envOf(nil))
		if err != nil || c.EscalateAfter != 7 {
			t.Fatalf("default = %d, %v; want 7 days", c.EscalateAfter, err)
		}
		for in, want := range map[string]int{"0": 0, "2w": 14, "3d": 3} {
			c, err = configFromEnv(envOf(map[string]string{"LEARNBOT_ESCALATE_AFTER": in}))
			if err != nil || c.EscalateAfter != want {
				t.Fatalf("LEARNBOT_ESCALATE_AFTER=%s: %d, %v; want %d", in, c.EscalateAfter, err, want)
			}
		}
	})
	t.Run("German", func(t *testing.T) {
		c, err := configFromEnv(envOf(map[string]string{"LEARNBOT_LANGUAGE": "de"}))
		if err != nil || c.Language != catalog.Lang("de") {
			t.Fatalf("LEARNBOT_LANGUAGE=de: %+v, %v", c, err)
		}
	})
}

// TestServe checks the operational endpoints and a graceful stop: a request
// in flight when the stop comes still gets its answer.
func TestServe(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, d)}))
			if err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			s, err := newServer(ctx, cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			inFlight := make(chan struct{})
			mux := http.NewServeMux()
			mux.Handle("/", s.handler)
			mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
				close(inFlight)
				time.Sleep(500 * time.Millisecond)
				io.WriteString(w, "finished")
			})
			s.handler = mux
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx, ln, log) }()
			base := "http://" + ln.Addr().String()
			for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "learnbot_build_info{"} {
				body, status := get(t, base+path)
				if status != 200 || !strings.Contains(body, want) {
					t.Fatalf("GET %s = %d %q; want 200 with %q", path, status, body, want)
				}
			}
			if _, status := get(t, base+"/invite/no-such-token"); status != http.StatusNotFound {
				t.Fatalf("GET /invite/no-such-token = %d; want 404 from the invitation page", status)
			}
			slow := make(chan string, 1)
			go func() { body, _ := get(t, base+"/slow"); slow <- body }()
			<-inFlight
			stop()
			if body := <-slow; body != "finished" {
				t.Fatalf("in-flight request got %q; want it to finish", body)
			}
			if err := <-done; err != nil {
				t.Fatalf("Run = %v", err)
			}
		})
	}
}

func get(t *testing.T, url string) (string, int) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Error(err)
		return "", 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode
}

// TestMetricsAddr: with LEARNBOT_METRICS_ADDR, /metrics is served on that
// address only, not on the public listener.
func TestMetricsAddr(t *testing.T) {
	cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, "sqlite"),
		"LEARNBOT_METRICS_ADDR": "127.0.0.1:0"}))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := newServer(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.core.store.Close() })
	public := httptest.NewServer(s.handler)
	t.Cleanup(public.Close)
	if _, status := get(t, public.URL+"/metrics"); status != http.StatusNotFound {
		t.Errorf("public /metrics = %d; want 404", status)
	}
	if s.metrics == nil {
		t.Fatal("no metrics handler aside")
	}
	addr, stop, err := serveAside(cfg.MetricsAddr, "LEARNBOT_METRICS_ADDR", s.metrics, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if body, status := get(t, "http://"+addr+"/metrics"); status != http.StatusOK || !strings.Contains(body, "learnbot_build_info") {
		t.Errorf("/metrics on LEARNBOT_METRICS_ADDR = %d %.80q", status, body)
	}
	if _, status := get(t, "http://"+addr+"/healthz"); status != http.StatusNotFound {
		t.Errorf("the metrics listener serves /healthz (%d): it must serve /metrics only", status)
	}
}
