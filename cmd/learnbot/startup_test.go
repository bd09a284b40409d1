package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runLearnbot runs the built binary with env added to the test's
// environment, and returns what it wrote to standard error and how it
// exited, within limit.
func runLearnbot(t *testing.T, limit time.Duration, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, learnbotBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("learnbot %s did not exit within %s:\n%s", strings.Join(args, " "), limit, stderr.String())
	}
	return stderr.String(), err
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestDatabaseWait: with LEARNBOT_DB_WAIT, migrate and serve try the
// database again until it is up, one log line per try with the password
// masked, and give up naming LEARNBOT_DATABASE_URL when the wait is over.
func TestDatabaseWait(t *testing.T) {
	t.Run("GivesUpNamingTheVariable", func(t *testing.T) {
		for _, sub := range []string{"migrate", "serve"} {
			t.Run(sub, func(t *testing.T) {
				start := time.Now()
				out, err := runLearnbot(t, 30*time.Second, []string{
					"LEARNBOT_DATABASE_URL=postgres://learnbot:s3cret@" + closedPort(t) + "/learnbot?sslmode=disable",
					"LEARNBOT_DB_WAIT=3s", "LEARNBOT_ADDR=127.0.0.1:0", "LEARNBOT_ADMINS=console:me"}, sub)
				took := time.Since(start)
				if err == nil {
					t.Fatalf("%s succeeded without a database:\n%s", sub, out)
				}
				if took < 3*time.Second {
					t.Errorf("%s gave up after %s; LEARNBOT_DB_WAIT is 3s", sub, took)
				}
				if tries := strings.Count(out, "database not up yet"); tries < 2 || tries > 5 {
					t.Errorf("%d lines of tries in 3 s; want one a second:\n%s", tries, out)
				}
				for _, want := range []string{"learnbot:xxxxx@127.0.0.1", "LEARNBOT_DATABASE_URL", "LEARNBOT_DB_WAIT=3s"} {
					if !strings.Contains(out, want) {
						t.Errorf("output lacks %q:\n%s", want, out)
					}
				}
				if strings.Contains(out, "s3cret") {
					t.Errorf("the password is in the output:\n%s", out)
				}
			})
		}
	})
	t.Run("WaitsUntilUp", func(t *testing.T) {
		// The database's directory appears two seconds after migrate starts,
		// as a volume mounted late would.
		dir := filepath.Join(t.TempDir(), "late")
		go func() {
			time.Sleep(2 * time.Second)
			os.Mkdir(dir, 0o755)
		}()
		out, err := runLearnbot(t, 60*time.Second, []string{"LEARNBOT_DATABASE_URL=sqlite:" + filepath.Join(dir, "learnbot.db"),
			"LEARNBOT_DB_WAIT=30s"}, "migrate")
		if err != nil {
			t.Fatalf("migrate = %v:\n%s", err, out)
		}
		for _, want := range []string{"database not up yet", "database is up", "migrations applied"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("NoWaitWithZero", func(t *testing.T) {
		out, err := runLearnbot(t, 30*time.Second, []string{
			"LEARNBOT_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "missing", "learnbot.db"), "LEARNBOT_DB_WAIT=0"}, "migrate")
		if err == nil || strings.Contains(out, "database not up yet") || !strings.Contains(out, "LEARNBOT_DATABASE_URL") {
			t.Fatalf("migrate with LEARNBOT_DB_WAIT=0 = %v; want one failure naming LEARNBOT_DATABASE_URL:\n%s", err, out)
		}
	})
}

// TestFatalErrorsNameTheirVariable: what stops serve says which variable
// to look at.
func TestFatalErrorsNameTheirVariable(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	sqlite := "LEARNBOT_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "learnbot.db")
	cases := []struct {
		name     string
		env      []string
		variable string
	}{
		{"DatabaseUnreachable", []string{"LEARNBOT_DATABASE_URL=postgres://learnbot:s3cret@" + closedPort(t) + "/learnbot?sslmode=disable",
			"LEARNBOT_ADDR=127.0.0.1:0", "LEARNBOT_DB_WAIT=0"}, "LEARNBOT_DATABASE_URL"},
		{"DatabaseURLUnknown", []string{"LEARNBOT_DATABASE_URL=mysql://learnbot:s3cret@db/learnbot"}, "LEARNBOT_DATABASE_URL"},
		{"AddressInUse", []string{sqlite, "LEARNBOT_ADDR=" + busy.Addr().String()}, "LEARNBOT_ADDR"},
		{"BadDiscordKey", []string{sqlite, "DISCORD_PUBLIC_KEY=0123", "DISCORD_BOT_TOKEN=t"}, "DISCORD_PUBLIC_KEY"},
		{"PublicURLNotAURL", []string{sqlite, "LEARNBOT_PUBLIC_URL=notaurl"}, "LEARNBOT_PUBLIC_URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runLearnbot(t, 30*time.Second, append(tc.env, "LEARNBOT_ADMINS=console:me"), "serve")
			if err == nil {
				t.Fatalf("serve succeeded:\n%s", out)
			}
			last := strings.TrimSpace(out)
			last = last[strings.LastIndex(last, "\n")+1:]
			if !strings.Contains(last, tc.variable) {
				t.Errorf("the fatal line %q does not name %s:\n%s", last, tc.variable, out)
			}
			if strings.Contains(out, "s3cret") {
				t.Errorf("the password is in the output:\n%s", out)
			}
		})
	}
}

// TestRedact: database URLs are logged with their password masked, and
// nothing else of them changed.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://learnbot:s3cret@db:5432/learnbot?sslmode=disable": "postgres://learnbot:xxxxx@db:5432/learnbot?sslmode=disable",
		"postgres://learnbot@db/learnbot":                             "postgres://learnbot@db/learnbot",
		"postgres://db/learnbot?password=s3cret&user=learnbot":        "postgres://db/learnbot?password=xxxxx&user=learnbot",
		"sqlite:learnbot.db":                                          "sqlite:learnbot.db",
		"sqlite:/data/learnbot.db":                                    "sqlite:/data/learnbot.db",
	} {
		if got := maskDatabaseURL(in); got != want {
			t.Errorf("maskDatabaseURL(%q) = %q; want %q", in, got, want)
		}
	}
}
