package slack_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/storage"
)

// commandBody is a slash command form with this trigger_id.
func commandBody(e *testEnv, trigger string) string {
	return url.Values{
		"team_id": {"T1"}, "team_domain": {"acme"}, "channel_id": {"C1"}, "user_id": {"U1"}, "user_name": {"u1"},
		"command": {"/learn"}, "text": {"echo hi"}, "response_url": {e.fake.responseURL("cmd-U1")}, "trigger_id": {trigger},
	}.Encode()
}

// TestReplayActsOnce sends the same signed request twice within the
// signature window: the replay gets an empty 200 and changes nothing.
func TestReplayActsOnce(t *testing.T) {
	t.Run("CommandAnsweredOnce", func(t *testing.T) {
		h := newTestHandler()
		env := newEnv(t, h)
		body := commandBody(env, "111.222.aaa")
		for n, want := range []bool{true, false} {
			status, reply := env.post(t, "/slack/commands", "application/x-www-form-urlencoded", body, testSecret, testNow, nil)
			if status != http.StatusOK || (reply != "") != want {
				t.Fatalf("request %d: status %d, body %q; want 200 and a reply: %v", n+1, status, reply, want)
			}
		}
		if n := len(h.Requests()); n != 1 {
			t.Errorf("the handler ran %d times; want once", n)
		}
	})
	t.Run("PressActedOnOnce", func(t *testing.T) {
		h := newTestHandler()
		env := newEnv(t, h)
		body := pressBody("U1", "done:1", env.fake.responseURL("press"), false)
		for range 2 {
			status, reply := env.post(t, "/slack/interactions", "application/x-www-form-urlencoded", body, testSecret, testNow, nil)
			if status != http.StatusOK || reply != "" {
				t.Fatalf("status %d, body %q; want an empty 200", status, reply)
			}
		}
		eventually(t, "the press answered", func() bool { return len(env.fake.Posts()) >= 1 })
		env.adapter.Wait()
		if n := len(env.fake.Posts()); n != 1 {
			t.Errorf("%d answers to the response_url; want 1", n)
		}
		if n := len(h.Requests()); n != 2 { // the press, and the Home refreshed after it
			t.Errorf("the handler ran %d times; want the press once and its Home", n)
		}
	})
	t.Run("ReplayToAnotherReplicaIgnored", func(t *testing.T) {
		testdb.ForEach(t, func(t *testing.T, db string) {
			fake := newFakeSlack(t)
			h := newTestHandler()
			var envs []*testEnv
			for range 2 {
				st, err := storage.Open(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				envs = append(envs, newEnvWith(t, fake, slack.Config{}, h, slack.WithDedup(st)))
			}
			body := commandBody(envs[0], "333.444.bbb")
			_, first := envs[0].post(t, "/slack/commands", "application/x-www-form-urlencoded", body, testSecret, testNow, nil)
			status, replay := envs[1].post(t, "/slack/commands", "application/x-www-form-urlencoded", body, testSecret, testNow, nil)
			if first == "" || status != http.StatusOK || replay != "" {
				t.Errorf("first reply %q; replay to the other replica: status %d, body %q", first, status, replay)
			}
			if n := len(h.Requests()); n != 1 {
				t.Errorf("the handler ran %d times; want once", n)
			}
		})
	})
}
