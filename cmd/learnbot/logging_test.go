package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLogConfig checks LEARNBOT_LOG_FORMAT and LEARNBOT_LOG_LEVEL reach the
// logger: JSON lines, and nothing below the level.
func TestLogConfig(t *testing.T) {
	cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_LOG_FORMAT": "json", "LEARNBOT_LOG_LEVEL": "warn"}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := newLogger(&buf, cfg.LogFormat, cfg.LogLevel)
	log.Info("hidden")
	log.Warn("shown", "workspace", "T1")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log output %q is not one JSON line: %v", buf.String(), err)
	}
	if line["msg"] != "shown" || line["level"] != "WARN" || line["workspace"] != "T1" {
		t.Fatalf("log line = %v", line)
	}
	t.Run("DefaultText", func(t *testing.T) {
		cfg, err := configFromEnv(envOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		newLogger(&buf, cfg.LogFormat, cfg.LogLevel).Info("started", "platform", "slack")
		if got := buf.String(); !strings.Contains(got, "level=INFO msg=started platform=slack") {
			t.Fatalf("default log line = %q; want logfmt at INFO", got)
		}
	})
	t.Run("SecretURLsRedacted", func(t *testing.T) {
		var buf bytes.Buffer
		newLogger(&buf, "text", slog.LevelInfo).Error("delivery failed",
			"error", errors.New(`Post "https://hooks.slack.com/actions/T1/1/s3cret": EOF`))
		if got := buf.String(); strings.Contains(got, "s3cret") || !strings.Contains(got, "hooks.slack.com/actions/…/redacted") {
			t.Fatalf("log line = %q; want the URL redacted", got)
		}
	})
}

// TestJSONLogsEveryLine runs the binary with LEARNBOT_LOG_FORMAT=json: a
// fatal misconfiguration, a usage error and a serve that is stopped all
// write nothing but JSON lines, on standard output and standard error, and
// their durations are strings such as "25s".
func TestJSONLogsEveryLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	sqlite := "LEARNBOT_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "learnbot.db")
	cases := []struct {
		name string
		env  []string
		args []string
		want string // in the last line
	}{
		{"AddressInUse", []string{sqlite, "LEARNBOT_ADDR=" + busy.Addr().String()}, []string{"serve"}, "LEARNBOT_ADDR"},
		{"BadConfiguration", []string{sqlite, "LEARNBOT_DECISION_TTL=soon"}, []string{"serve"}, "LEARNBOT_DECISION_TTL"},
		{"DatabaseUnreachable", []string{"LEARNBOT_DATABASE_URL=postgres://learnbot:s3cret@" + closedPort(t) + "/learnbot?sslmode=disable",
			"LEARNBOT_DB_WAIT=2s"}, []string{"migrate"}, "LEARNBOT_DB_WAIT=2s"},
		{"UnknownSubcommand", nil, []string{"serv"}, `unknown subcommand \"serv\"`},
		{"NoSubcommand", nil, nil, "name a subcommand"},
		{"UnknownFlag", []string{sqlite}, []string{"console", "-x"}, "-x"},
		{"SlackManifestWarning", nil, []string{"slack", "manifest"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, learnbotBinary(t), tc.args...)
			cmd.Env = append(os.Environ(), append(tc.env, "LEARNBOT_LOG_FORMAT=json", "LEARNBOT_ADMINS=console:me")...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("learnbot %v = %v:\n%s", tc.args, err, stderr.String())
				}
				// The manifest is YAML on standard output by design; its
				// warning is a log line.
				checkJSONLines(t, stderr.String())
				return
			}
			if err == nil {
				t.Fatalf("learnbot %v succeeded:\n%s", tc.args, stderr.String())
			}
			checkJSONLines(t, stdout.String()+stderr.String())
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, tc.want) || !strings.Contains(last, `"level":"ERROR"`) {
				t.Errorf("the fatal line %s does not name %s at ERROR", last, tc.want)
			}
		})
	}
	t.Run("DurationsOnStop", func(t *testing.T) {
		cmd := exec.Command(learnbotBinary(t), "serve")
		cmd.Env = append(os.Environ(), sqlite, "LEARNBOT_ADDR=127.0.0.1:0", "LEARNBOT_LOG_FORMAT=json", "LEARNBOT_ADMINS=console:me")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		var out strings.Builder
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), `"msg":"serving"`) {
				cmd.Process.Signal(syscall.SIGTERM)
			}
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("serve = %v:\n%s", err, out.String())
		}
		checkJSONLines(t, out.String())
		if !strings.Contains(out.String(), `"msg":"stopping","within":"25s"`) {
			t.Errorf("no stopping line with the budget as \"25s\":\n%s", out.String())
		}
	})
	t.Run("TextDuration", func(t *testing.T) {
		var buf bytes.Buffer
		newLogger(&buf, "text", slog.LevelInfo).Info("stopping", "within", 25*time.Second, "nested", slog.GroupValue(slog.Duration("d", time.Minute)))
		if got := buf.String(); !strings.Contains(got, "within=25s nested.d=1m0s") {
			t.Fatalf("text line = %q", got)
		}
	})
}

// checkJSONLines fails unless every line of out is a JSON object whose
// duration-like values are strings.
func checkJSONLines(t *testing.T, out string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("not a JSON line: %s", line)
			continue
		}
		for _, k := range []string{"within", "took", "duration", "left"} {
			if x, ok := v[k]; ok {
				if _, isString := x.(string); !isString {
					t.Errorf("%s is %v (%T) in %s; want a string such as \"25s\"", k, x, x, line)
				}
			}
		}
	}
}
