package slack_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot/slack"
)

// Slack's documented example of request signing
// (docs.slack.dev/authentication/verifying-requests-from-slack).
const (
	exampleSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	exampleTimestamp = "1531420618"
	exampleBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	exampleSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestSlackSigningExample(t *testing.T) {
	t.Run("SignMatchesSlack", func(t *testing.T) {
		if got := slack.Sign(exampleSecret, exampleTimestamp, []byte(exampleBody)); got != exampleSignature {
			t.Errorf("Sign = %s, want %s", got, exampleSignature)
		}
	})

	// The example request, arriving at the injected clock's "now".
	run := func(t *testing.T, now time.Time, signature string) (int, *testHandler) {
		h := newTestHandler()
		fake := newFakeSlack(t)
		a, err := slack.New(slack.Config{SigningSecret: exampleSecret, BotToken: testBotToken, APIURL: fake.apiURL()}, h,
			slack.WithClock(func() time.Time { return now }), slack.WithLogger(testLogger(t)))
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		a.Routes(mux)
		req, _ := http.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(exampleBody))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", exampleTimestamp)
		req.Header.Set("X-Slack-Signature", signature)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		a.Wait()
		return rec.Code, h
	}
	sent := time.Unix(1531420618, 0)
	t.Run("AcceptedWithinFiveMinutes", func(t *testing.T) {
		status, h := run(t, sent.Add(4*time.Minute), exampleSignature)
		if status != http.StatusOK || len(h.Requests()) != 1 {
			t.Fatalf("status %d, %d requests handled", status, len(h.Requests()))
		}
		if r := h.Requests()[0]; r.Workspace != "T1DC2JH3J" || r.Actor.ID != "U2CERLKJA" || r.Args[0].Text != "webhook-collect" {
			t.Errorf("request %+v", r)
		}
	})
	t.Run("RefusedAfterFiveMinutes", func(t *testing.T) {
		status, h := run(t, sent.Add(5*time.Minute+time.Second), exampleSignature)
		if status != http.StatusUnauthorized || len(h.Requests()) != 0 {
			t.Fatalf("status %d, %d requests handled", status, len(h.Requests()))
		}
	})
	t.Run("RefusedWithOneDigitChanged", func(t *testing.T) {
		status, h := run(t, sent, exampleSignature[:len(exampleSignature)-1]+"a")
		if status != http.StatusUnauthorized || len(h.Requests()) != 0 {
			t.Fatalf("status %d, %d requests handled", status, len(h.Requests()))
		}
	})
}

func TestSignatureRequired(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	command := "team_id=T1&user_id=U1&command=%2Flearn&text=echo+hi&response_url=" + env.fake.responseURL("x")
	press := pressBody("U1", "done:1", env.fake.responseURL("x"), false)
	event := `{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`
	endpoints := []struct{ path, contentType, body string }{
		{"/slack/commands", "application/x-www-form-urlencoded", command},
		{"/slack/interactions", "application/x-www-form-urlencoded", press},
		{"/slack/events", "application/json", event},
	}
	for _, ep := range endpoints {
		for _, tc := range []struct {
			name   string
			secret string
			ts     time.Time
			tamper bool
			want   int
		}{
			{"MissingSignatureIs401", "", testNow, false, http.StatusUnauthorized},
			{"ForgedSignatureIs401", "not-the-secret", testNow, false, http.StatusUnauthorized},
			{"ExpiredTimestampIs401", testSecret, testNow.Add(-6 * time.Minute), false, http.StatusUnauthorized},
			{"FutureTimestampIs401", testSecret, testNow.Add(6 * time.Minute), false, http.StatusUnauthorized},
			{"TamperedBodyIs401", testSecret, testNow, true, http.StatusUnauthorized},
		} {
			t.Run(strings.TrimPrefix(ep.path, "/slack/")+"/"+tc.name, func(t *testing.T) {
				body := ep.body
				var header http.Header
				if tc.tamper {
					// signed for one body, sent with another
					header = http.Header{"X-Slack-Signature": {slack.Sign(testSecret, "1700000000", []byte(body))}}
					body = strings.Replace(body, "U1", "U9", 1)
				}
				status, _ := env.post(t, ep.path, ep.contentType, body, tc.secret, tc.ts, header)
				if status != tc.want {
					t.Errorf("status %d, want %d", status, tc.want)
				}
			})
		}
	}
	t.Run("BodyOver1MiBIs413", func(t *testing.T) {
		body := command + "&pad=" + strings.Repeat("x", slack.MaxBodySize)
		status, _ := env.post(t, "/slack/commands", "application/x-www-form-urlencoded", body, testSecret, testNow, nil)
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", status)
		}
	})
	if n := len(h.Requests()); n != 0 {
		t.Errorf("the handler ran %d times for refused requests", n)
	}
	if calls := env.fake.Stats(false).Calls; len(calls) != 0 {
		t.Errorf("refused requests called Slack: %v", calls)
	}
	if posts := env.fake.Posts(); len(posts) != 0 {
		t.Errorf("refused requests answered through response_url: %v", posts)
	}

	t.Run("SSLCheckAnswered", func(t *testing.T) {
		status, body := env.post(t, "/slack/commands", "application/x-www-form-urlencoded", "ssl_check=1&token=x", testSecret, testNow, nil)
		if status != http.StatusOK || body != "" {
			t.Errorf("status %d, body %q", status, body)
		}
		if n := len(h.Requests()); n != 0 {
			t.Errorf("ssl_check reached the handler")
		}
	})
	t.Run("URLVerificationAnswered", func(t *testing.T) {
		status, body := env.post(t, "/slack/events", "application/json",
			`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`, testSecret, testNow, nil)
		if status != http.StatusOK || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
			t.Errorf("status %d, body %q", status, body)
		}
	})
	t.Run("UnsignedURLVerificationIs401", func(t *testing.T) {
		status, _ := env.post(t, "/slack/events", "application/json", `{"challenge":"x","type":"url_verification"}`, "", testNow, nil)
		if status != http.StatusUnauthorized {
			t.Errorf("status %d", status)
		}
	})
}
