package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHelpDoesNothingElse runs every subcommand with -h and --help: each
// prints its help and returns at once, without reading the configuration
// (which is invalid here), opening the database or listening.
func TestHelpDoesNothingElse(t *testing.T) {
	for _, sc := range subcommands {
		for _, flag := range []string{"-h", "--help", "-help"} {
			t.Run(strings.ReplaceAll(sc.name, " ", "_")+flag, func(t *testing.T) {
				dir := t.TempDir()
				db := filepath.Join(dir, "learnbot.db")
				env := envOf(map[string]string{"LEARNBOT_DATABASE_URL": "sqlite:" + db, "LEARNBOT_ADDR": "127.0.0.1:0",
					"LEARNBOT_DECISION_TTL": "soon"})
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				var out bytes.Buffer
				args := append(strings.Fields(sc.name), flag)
				if err := run(ctx, args, env, strings.NewReader(""), &out); err != nil {
					t.Fatalf("learnbot %s = %v; want help and no error", strings.Join(args, " "), err)
				}
				if ctx.Err() != nil {
					t.Fatal("it ran until the test's deadline instead of printing help")
				}
				if want := "Usage: learnbot " + sc.name; !strings.HasPrefix(out.String(), want) {
					t.Errorf("output = %q; want it to start with %q", out.String(), want)
				}
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("help created %s", entries[0].Name())
				}
			})
		}
	}
	t.Run("Overview", func(t *testing.T) {
		for _, args := range [][]string{{"--help"}, {"help"}, {"discord", "--help"}} {
			var out bytes.Buffer
			if err := run(context.Background(), args, envOf(nil), nil, &out); err != nil {
				t.Fatalf("learnbot %v = %v", args, err)
			}
			for _, sc := range subcommands {
				if !strings.Contains(out.String(), "learnbot "+sc.name) {
					t.Errorf("learnbot %v does not list %q", args, sc.name)
				}
			}
		}
	})
	t.Run("HelpSubcommand", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"help", "console"}, envOf(nil), nil, &out); err != nil ||
			!strings.Contains(out.String(), "Usage: learnbot console [-as name]") || !strings.Contains(out.String(), "-as string") {
			t.Fatalf("learnbot help console = %v, %q", err, out.String())
		}
	})
	t.Run("ErrUnknownFlag", func(t *testing.T) {
		err := run(context.Background(), []string{"migrate", "-x"}, envOf(nil), nil, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "-x") {
			t.Fatalf("learnbot migrate -x = %v; want an error naming -x", err)
		}
	})
	t.Run("ErrExtraArgument", func(t *testing.T) {
		err := run(context.Background(), []string{"serve", "now"}, envOf(nil), nil, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), `"now"`) {
			t.Fatalf("learnbot serve now = %v; want an error naming the argument", err)
		}
	})
}

// TestVersion runs the built binary: `version` and `--version` print the
// version, the commit it was built from and the Go version.
func TestVersion(t *testing.T) {
	bin := learnbotBinary(t)
	// The go command stamps the commit when the module sits in a git
	// checkout (.git a directory, as in CI's clone; not in a worktree).
	wantCommit := "unknown"
	if st, err := os.Stat("../../.git"); err == nil && st.IsDir() {
		if out, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
			wantCommit = strings.TrimSpace(string(out))
		}
	}
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil {
			t.Fatalf("learnbot %s: %v", arg, err)
		}
		got := string(out)
		if !regexp.MustCompile(`^learnbot \S+\n`).MatchString(got) {
			t.Errorf("learnbot %s = %q; want a first line learnbot <version>", arg, got)
		}
		if !strings.Contains(got, "\ncommit: "+wantCommit) {
			t.Errorf("learnbot %s = %q; want commit %s", arg, got, wantCommit)
		}
		if !strings.Contains(got, "\ngo: "+runtime.Version()+" ") {
			t.Errorf("learnbot %s = %q; want go %s", arg, got, runtime.Version())
		}
	}
}
