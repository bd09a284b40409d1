package main

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/storage"
)

// hangingSlack is the fake Slack, except that chat.postMessage never
// answers (until the caller gives up): a DM job that stays running.
func hangingSlack(t *testing.T) (url string, hung <-chan struct{}) {
	fake := fakeslack.New(replicaToken)
	calls := make(chan struct{}, 100)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/chat.postMessage" {
			calls <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		close(release)
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL, calls
}

// TestShutdown stops serve while an HTTP request and a DM job hang: it
// stops taking connections at once, returns within its budget, and the
// hung job is handed back to the queue (not left running) for a retry.
func TestShutdown(t *testing.T) {
	api, hung := hangingSlack(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "learnbot.db")
	cfg, err := configFromEnv(envOf(map[string]string{"LEARNBOT_DATABASE_URL": db, "LEARNBOT_ADMINS": "slack:UGUIDE",
		"SLACK_SIGNING_SECRET": replicaSecret, "SLACK_BOT_TOKEN": replicaToken, "LEARNBOT_SLACK_API_URL": api + "/api/"}))
	if err != nil {
		t.Fatal(err)
	}
	const budget = 4 * time.Second
	cfg.ShutdownTimeout = budget
	log := slog.New(slog.DiscardHandler)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/", s.handler)
	mux.HandleFunc("GET /hang", func(w http.ResponseWriter, r *http.Request) {
		close(inFlight)
		<-r.Context().Done() // until its connection is closed
	})
	s.handler = mux
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln, log) }()
	base := "http://" + ln.Addr().String()

	sl := &slackSender{t: t, respBase: api + "/response/", fake: api}
	sl.command(base, "UGUIDE", "/learn", "task add git Git basics", "Added")
	sl.command(base, "UGUIDE", "/assign", "git <@U1>", "Assigned")
	select {
	case <-hung:
	case <-time.After(10 * time.Second):
		t.Fatal("the DM never reached chat.postMessage")
	}
	go http.Get(base + "/hang")
	<-inFlight

	start := time.Now()
	stop()
	waitFor(t, time.Second, "new connections refused", func() bool {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(budget + 2*time.Second):
		t.Fatalf("serve did not stop within its %s budget", budget)
	}
	if took := time.Since(start); took > budget {
		t.Errorf("stop took %s; budget %s", took.Round(time.Millisecond), budget)
	}

	store, err := storage.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var state string
	if err := store.DB().QueryRow(`SELECT state FROM river_job WHERE kind = 'dm'`).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != "retryable" && state != "available" {
		t.Errorf("the hung DM job is %q after the stop; want it handed back (retryable or available)", state)
	}
}

// TestSecondSignalExitsAtOnce runs the binary: the first SIGTERM starts a
// graceful stop that waits for a hung DM; a second one exits at once.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	bin := learnbotBinary(t)
	api, hung := hangingSlack(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "LEARNBOT_DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "learnbot.db"),
		"LEARNBOT_ADDR=127.0.0.1:0", "LEARNBOT_LOG_FORMAT=json", "LEARNBOT_ADMINS=slack:UGUIDE",
		"SLACK_SIGNING_SECRET="+replicaSecret, "SLACK_BOT_TOKEN="+replicaToken, "LEARNBOT_SLACK_API_URL="+api+"/api/")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	logs := &syncBuffer{}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logs.WriteString(line + "\n")
			if i := strings.Index(line, `"msg":"serving","addr":"`); i >= 0 {
				rest := line[i+len(`"msg":"serving","addr":"`):]
				addr <- rest[:strings.IndexByte(rest, '"')]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not start:\n%s", logs.String())
	}
	sl := &slackSender{t: t, respBase: api + "/response/", fake: api}
	sl.command(base, "UGUIDE", "/learn", "task add git Git basics", "Added")
	sl.command(base, "UGUIDE", "/assign", "git <@U1>", "Assigned")
	select {
	case <-hung:
	case <-time.After(10 * time.Second):
		t.Fatal("the DM never reached chat.postMessage")
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		t.Fatalf("serve exited (%v) on the first signal while a DM was running; want a graceful stop that waits\n%s", err, logs.String())
	case <-time.After(time.Second):
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if took := time.Since(start); took > time.Second {
			t.Errorf("exit took %s after the second signal", took)
		}
		if err == nil {
			t.Error("exit status 0 after the second signal; want a failure status")
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("serve still running 5 s after a second SIGTERM\n%s", logs.String())
	}
}
