package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testdb"
)

const (
	replicaSecret = "replica-signing-secret"
	replicaToken  = "xoxb-replica"
)

// replica is one `learnbot serve` process of the test.
type replica struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	logs *syncBuffer
}

// TestReplicas runs 3 `learnbot serve` processes on one fresh PostgreSQL
// database behind one fake Slack, started at the same moment (so their
// migrations meet too): a fan-out of 300 DMs goes out exactly once, a
// decision pressed on two replicas at the same moment resolves once, and an
// event retried to another replica is handled once.
func TestReplicas(t *testing.T) {
	dbURL := testdb.NewShared(t, 3)
	bin := learnbotBinary(t)
	fake := fakeslack.New(replicaToken)
	api := httptest.NewServer(fake)
	defer api.Close()

	env := replicaEnv(dbURL, api.URL)
	replicas := make([]*replica, 3)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() { replicas[i] = startReplica(t, bin, env) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	sl := &slackSender{t: t, respBase: api.URL + "/response/", fake: api.URL}
	var mentions []string // U001 ... U300
	for i := 1; i <= 300; i++ {
		mentions = append(mentions, fmt.Sprintf("<@U%03d>", i))
	}

	t.Run("FanOutOnce", func(t *testing.T) {
		sl.command(replicas[0].base, "UGUIDE", "/learn", "task add git Git basics https://learn.example.com/git", "Added")
		sl.command(replicas[0].base, "UGUIDE", "/assign", "git "+strings.Join(mentions, " "), "to 300 people")
		waitFor(t, 30*time.Second, "300 DMs delivered", func() bool { return fake.Stats(false).DMs >= 300 })
		time.Sleep(time.Second) // a duplicate would come now
		st := fake.Stats(true)
		if st.DMs != 300 {
			t.Errorf("%d DMs for 300 assignments", st.DMs)
		}
		for ch, n := range st.SlackDMs {
			if n != 1 {
				t.Errorf("%s got %d DMs", ch, n)
			}
		}
		if len(st.SlackDMs) != 300 {
			t.Errorf("%d recipients; want 300", len(st.SlackDMs))
		}
	})

	// The replicas keep the DM channels they open in the database: a second
	// task to the same 300 opens none (each replica had DMed about a third
	// of them, and Slack allows about 50 conversations.open a minute).
	t.Run("DMChannelsOpenedOnce", func(t *testing.T) {
		opens := func() int { return fake.Stats(false).Calls["conversations.open"] }
		before := opens()
		sl.command(replicas[0].base, "UGUIDE", "/learn", "task add sql SQL basics", "Added")
		sl.command(replicas[1].base, "UGUIDE", "/assign", "sql "+strings.Join(mentions, " "), "to 300 people")
		waitFor(t, 30*time.Second, "300 more DMs delivered", func() bool { return fake.Stats(false).DMs >= 600 })
		if n := opens() - before; n != 0 {
			t.Errorf("the second task's 300 DMs opened %d conversations, want 0 (the channels kept)", n)
		}
	})

	t.Run("DecisionOnce", func(t *testing.T) {
		reply := sl.command(replicas[0].base, "UGUIDE", "/assign", "git <@U001> <@U301>", "already assigned")
		value := reply.button("Only new")
		if value == "" {
			t.Fatalf("no Only new button in %+v", reply)
		}
		texts := make([]string, 2)
		var wg sync.WaitGroup
		for i := range texts {
			wg.Go(func() { texts[i] = sl.click(replicas[1+i].base, "UGUIDE", value) })
		}
		wg.Wait()
		assigned, refused := 0, 0
		for _, text := range texts {
			switch {
			case strings.Contains(text, "Only new: assigned"):
				assigned++
			case strings.Contains(strings.ToLower(text), "already decided"):
				refused++
			}
		}
		if assigned != 1 || refused != 1 {
			t.Fatalf("two replicas pressed at once answered %q; want one outcome and one \"already decided\"", texts)
		}
		waitFor(t, 15*time.Second, "the DM to U301", func() bool { return fake.Stats(true).SlackDMs["DU301"] >= 1 })
		time.Sleep(500 * time.Millisecond)
		if n := fake.Stats(true).SlackDMs["DU301"]; n != 1 {
			t.Errorf("U301 got %d DMs", n)
		}
	})

	t.Run("EventOnce", func(t *testing.T) {
		before := fake.Stats(false).Calls["views.publish"]
		body := `{"type":"event_callback","team_id":"T1","event_id":"EvReplica1","event":{"type":"app_home_opened","user":"U777","tab":"home"}}`
		sl.event(replicas[0].base, body, 0)
		sl.event(replicas[2].base, body, 1) // Slack's retry, to another replica
		waitFor(t, 10*time.Second, "the App Home published", func() bool { return fake.Stats(false).Calls["views.publish"] > before })
		time.Sleep(time.Second)
		if n := fake.Stats(false).Calls["views.publish"] - before; n != 1 {
			t.Errorf("one event sent to two replicas published the Home %d times", n)
		}
	})

	// The App Home refresher as serve wires it: an assignment and its DM
	// refresh the Home its learner opened (U777, just above), a press the
	// presser's.
	t.Run("HomeAfterDMAndPress", func(t *testing.T) {
		views := func(user string) int {
			n := 0
			for _, v := range fake.Views() {
				if v.UserID == user {
					n++
				}
			}
			return n
		}
		learner := views("U777")
		sl.command(replicas[1].base, "UGUIDE", "/learn", "task add docker Docker basics", "Added")
		sl.command(replicas[1].base, "UGUIDE", "/assign", "docker <@U777>", "docker")
		waitFor(t, 15*time.Second, "U777's Home refreshed after the assignment", func() bool { return views("U777") > learner })
		reply := sl.command(replicas[0].base, "UGUIDE", "/assign", "docker <@U777>", "already assigned")
		value := reply.button("Do not assign")
		if value == "" {
			t.Fatalf("no Do not assign button in %+v", reply)
		}
		guide := views("UGUIDE")
		sl.click(replicas[2].base, "UGUIDE", value)
		waitFor(t, 10*time.Second, "the presser's Home refreshed", func() bool { return views("UGUIDE") > guide })
	})

	for _, r := range replicas {
		r.stop(t)
	}
}

// startReplica starts `learnbot serve` and waits until it answers /readyz.
func startReplica(t *testing.T, bin string, env []string) *replica {
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Error(err)
		return nil
	}
	if err := cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	r := &replica{cmd: cmd, logs: &syncBuffer{}}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			t.Logf("replica %s log:\n%s", r.base, r.logs.String())
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			r.logs.WriteString(line + "\n")
			var entry struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "serving" {
				addr <- entry.Addr
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Errorf("learnbot serve exited before serving: %v\n%s", cmd.Wait(), r.logs.String())
			return nil
		}
		r.base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Errorf("learnbot serve did not start in 30 s:\n%s", r.logs.String())
		return nil
	}
	waitFor(t, 10*time.Second, r.base+" ready", func() bool {
		resp, err := http.Get(r.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return r
}

// stop sends SIGTERM and expects a clean exit.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("replica %s exited with %v", r.base, err)
		}
	case <-time.After(25 * time.Second):
		t.Errorf("replica %s did not stop within 25 s of SIGTERM", r.base)
	}
}

// slackSender sends signed requests as Slack does.
type slackSender struct {
	t        *testing.T
	respBase string // the fake's response_url prefix
	fake     string
	n        int
	mu       sync.Mutex
}

func (s *slackSender) responseID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return "r" + strconv.Itoa(s.n)
}

func (s *slackSender) post(base, path, contentType, body string, header http.Header) (int, string) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", slack.Sign(replicaSecret, stamp, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("POST %s%s: %v", base, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// slackMessage is the part of a reply read here.
type slackMessage struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type     string `json:"type"`
		Elements []struct {
			Value string `json:"value"`
			Text  *struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

func (m *slackMessage) button(label string) string {
	for _, b := range m.Blocks {
		for _, e := range b.Elements {
			if e.Text != nil && e.Text.Text == label {
				return e.Value
			}
		}
	}
	return ""
}

// command runs a slash command and returns its reply, inline or through
// the response_url; the reply must contain want.
func (s *slackSender) command(base, user, command, text, want string) *slackMessage {
	s.t.Helper()
	id := s.responseID()
	form := url.Values{"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C1"}, "user_id": {user},
		"user_name": {strings.ToLower(user)}, "command": {command}, "text": {text}, "response_url": {s.respBase + id},
		"trigger_id": {rand.Text()}, "api_app_id": {"A1"}}
	status, body := s.post(base, "/slack/commands", "application/x-www-form-urlencoded", form.Encode(), nil)
	if status != http.StatusOK {
		s.t.Fatalf("%s %s: status %d %s", command, text, status, body)
	}
	var m slackMessage
	if body == "" {
		m.Text = s.waitResponse(id)
		// the blocks of a late reply are not kept by the fake
	} else if err := json.Unmarshal([]byte(body), &m); err != nil {
		s.t.Fatalf("%s %s: %q: %v", command, text, body, err)
	}
	all := m.Text
	for _, b := range m.Blocks {
		js, _ := json.Marshal(b)
		all += string(js)
	}
	if !strings.Contains(all, want) {
		s.t.Fatalf("%s %.80s: reply %q lacks %q", command, text, all, want)
	}
	return &m
}

// click presses a button on an ephemeral message and returns the text
// posted to its response_url.
func (s *slackSender) click(base, user, value string) string {
	s.t.Helper()
	id := s.responseID()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1", "domain": "acme"},
		"user":       map[string]any{"id": user, "username": strings.ToLower(user), "team_id": "T1"},
		"api_app_id": "A1", "trigger_id": rand.Text(),
		"container":    map[string]any{"type": "message", "message_ts": "1.000100", "channel_id": "C1", "is_ephemeral": true},
		"channel":      map[string]any{"id": "C1"},
		"response_url": s.respBase + id,
		"actions": []any{map[string]any{"type": "button", "action_id": value, "block_id": "b", "value": value,
			"text": map[string]any{"type": "plain_text", "text": "button"}, "action_ts": "1.000200"}},
	})
	status, body := s.post(base, "/slack/interactions", "application/x-www-form-urlencoded",
		url.Values{"payload": {string(payload)}}.Encode(), nil)
	if status != http.StatusOK {
		s.t.Errorf("click %s: status %d %s", value, status, body)
		return ""
	}
	return s.waitResponse(id)
}

func (s *slackSender) event(base, body string, retry int) {
	s.t.Helper()
	header := http.Header{}
	if retry > 0 {
		header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	if status, out := s.post(base, "/slack/events", "application/json", body, header); status != http.StatusOK {
		s.t.Fatalf("event: status %d %s", status, out)
	}
}

// waitResponse returns the text posted to the response_url id.
func (s *slackSender) waitResponse(id string) string {
	resp, err := http.Get(s.fake + "/wait/" + id + "?timeout=20s")
	if err != nil {
		s.t.Errorf("waiting for response %s: %v", id, err)
		return ""
	}
	defer resp.Body.Close()
	var r fakeslack.Response
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&r) != nil {
		s.t.Errorf("no response posted to %s in 20 s (status %d)", id, resp.StatusCode)
		return ""
	}
	return r.Text
}

func waitFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncBuffer collects a process's log lines for a failure report.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.WriteString(s)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// replicaEnv is the environment of a `learnbot serve` process on the
// database at dbURL, Slack over HTTP against the fake Slack at apiURL,
// with UGUIDE as admin; extra variables come last and win.
func replicaEnv(dbURL, apiURL string, extra ...string) []string {
	return append(append(os.Environ(),
		"LEARNBOT_DATABASE_URL="+dbURL,
		"LEARNBOT_ADDR=127.0.0.1:0",
		"LEARNBOT_LOG_FORMAT=json",
		"LEARNBOT_ADMINS=slack:UGUIDE",
		"SLACK_SIGNING_SECRET="+replicaSecret,
		"SLACK_BOT_TOKEN="+replicaToken,
		"LEARNBOT_SLACK_API_URL="+apiURL+"/api/",
	), extra...)
}
