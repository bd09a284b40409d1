package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakediscord"
	"github.com/learnbot/learnbot/internal/fakeslack"
)

// TestStartupChecks runs `learnbot serve` against the fake platforms: a
// token the platform rejects stops it before it touches the database, with
// a message naming the variable; an unreachable platform is a warning and
// it serves; half configurations are warned about.
func TestStartupChecks(t *testing.T) {
	bin := learnbotBinary(t)
	fake := httptest.NewServer(fakeslack.New("xoxb-good"))
	defer fake.Close()
	discordFake := httptest.NewServer(fakediscord.New("discord-good"))
	defer discordFake.Close()
	// A homeserver that knows no token.
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"errcode":"M_UNKNOWN_TOKEN","error":"Unknown token"}`)
	}))
	defer hs.Close()
	const key = "0000000000000000000000000000000000000000000000000000000000000000"
	cases := []struct {
		name    string
		env     []string
		fails   bool
		stderr  []string // all of these, in the log or the error
		without []string
	}{
		{"SlackTokenRejected", []string{"SLACK_SIGNING_SECRET=s", "SLACK_BOT_TOKEN=xoxb-revoked",
			"LEARNBOT_SLACK_API_URL=" + fake.URL + "/api/"}, true,
			[]string{"SLACK_BOT_TOKEN was rejected by Slack (auth.test: invalid_auth)"}, nil},
		{"DiscordTokenRejected", []string{"DISCORD_BOT_TOKEN=stolen", "DISCORD_APP_ID=1",
			"LEARNBOT_DISCORD_API_URL=" + discordFake.URL + "/api/v10/"}, true,
			[]string{"DISCORD_BOT_TOKEN was rejected by Discord"}, nil},
		{"MatrixTokenRejected", []string{"MATRIX_HOMESERVER_URL=" + hs.URL, "MATRIX_ACCESS_TOKEN=stolen", "MATRIX_PICKLE_KEY=" + key}, true,
			[]string{"MATRIX_ACCESS_TOKEN was rejected by the homeserver (whoami: M_UNKNOWN_TOKEN)"}, nil},
		{"MatrixUnreachable", []string{"MATRIX_HOMESERVER_URL=http://127.0.0.1:1", "MATRIX_ACCESS_TOKEN=t", "MATRIX_PICKLE_KEY=" + key,
			"LEARNBOT_ADMINS=matrix:@guide:example.org"}, false,
			[]string{`"msg":"platform unreachable at start; going on","platform":"matrix"`, `"matrix":"sync"`}, []string{"no platform"}},
		{"AcceptedAndHalfConfigurations", []string{"SLACK_SIGNING_SECRET=s", "SLACK_BOT_TOKEN=xoxb-good",
			"LEARNBOT_SLACK_API_URL=" + fake.URL + "/api/", "DISCORD_PUBLIC_KEY=" + key,
			"LEARNBOT_SMTP_URL=smtp://127.0.0.1:2525", "LEARNBOT_PUBLIC_URL=http://localhost:8080"}, false,
			[]string{`"msg":"platform credentials accepted","platform":"slack","as":"learnbot in Acme"`,
				"DISCORD_PUBLIC_KEY is set but DISCORD_BOT_TOKEN is not",
				"invitation emails will link to http://localhost:8080/invite/",
				"LEARNBOT_ADMINS is empty", "Copy member ID",
				`"msg":"integrations","slack":"http","discord":"http","matrix":"off","email":"smtp"`}, nil},
		{"Unreachable", []string{"SLACK_APP_TOKEN=xapp-1", "SLACK_BOT_TOKEN=xoxb-good",
			"LEARNBOT_SLACK_API_URL=http://127.0.0.1:1/api/", "LEARNBOT_ADMINS=slack:U1"}, false,
			[]string{`"msg":"platform unreachable at start; going on","platform":"slack"`}, []string{"LEARNBOT_ADMINS is empty", "no platform"}},
		{"NoPlatform", []string{"LEARNBOT_ADMINS=console:me"}, false,
			[]string{`"level":"WARN","msg":"no platform is configured`, `"msg":"database","url":"sqlite:`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "learnbot.db")
			cmd := exec.Command(bin, "serve")
			cmd.Env = append(append(os.Environ(), "LEARNBOT_DATABASE_URL=sqlite:"+db, "LEARNBOT_ADDR=127.0.0.1:0",
				"LEARNBOT_LOG_FORMAT=json"), tc.env...)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var log strings.Builder
			served := false
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				log.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), `"msg":"serving"`) {
					served = true
					cmd.Process.Signal(syscall.SIGTERM)
				}
			}
			waitErr := make(chan error, 1)
			go func() { waitErr <- cmd.Wait() }()
			select {
			case err = <-waitErr:
			case <-time.After(30 * time.Second):
				t.Fatalf("serve did not exit:\n%s", log.String())
			}
			if tc.fails {
				if err == nil || served {
					t.Fatalf("serve ran (exit %v, served %v); want it to stop at the check:\n%s", err, served, log.String())
				}
				if _, err := os.Stat(db); err == nil {
					t.Error("the database was created before the credentials were checked")
				}
			} else if !served {
				t.Fatalf("serve did not serve (exit %v):\n%s", err, log.String())
			}
			for _, want := range tc.stderr {
				if !strings.Contains(log.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, log.String())
				}
			}
			for _, unwanted := range tc.without {
				if strings.Contains(log.String(), unwanted) {
					t.Errorf("output has %q:\n%s", unwanted, log.String())
				}
			}
		})
	}
}

// TestDiscordAddURL: the link `discord register` prints adds the bot with
// both scopes and the permissions it needs.
func TestDiscordAddURL(t *testing.T) {
	u, err := url.Parse(discordAddURL("123456789012345678"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Host != "discord.com" || u.Path != "/oauth2/authorize" || q.Get("client_id") != "123456789012345678" ||
		q.Get("scope") != "bot applications.commands" || q.Get("permissions") != "3072" {
		t.Fatalf("add URL %s", u)
	}
}
