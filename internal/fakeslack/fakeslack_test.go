package fakeslack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/internal/fakeslack"
)

func newFake(t *testing.T) (*fakeslack.Server, *httptest.Server, *slackgo.Client) {
	t.Helper()
	f := fakeslack.New("xoxb-test", "discord-test")
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv, slackgo.New("xoxb-test", slackgo.OptionAPIURL(srv.URL+"/api/"))
}

func TestDMsCountedPerRecipient(t *testing.T) {
	f, srv, api := newFake(t)
	ctx := context.Background()
	for _, user := range []string{"U1", "U2", "U1"} {
		ch, _, _, err := api.OpenConversationContext(ctx, &slackgo.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := api.PostMessageContext(ctx, ch.ID, slackgo.MsgOptionText("hi", false)); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Post(srv.URL+"/discord/api/v10/channels/DM42/messages", "application/json", bytes.NewReader([]byte(`{}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Discord message without the bot token: status %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/discord/api/v10/channels/DM42/messages", bytes.NewReader([]byte(`{}`)))
	req.Header.Set("Authorization", "Bot discord-test")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	st := f.Stats(true)
	if st.DMs != 4 || st.SlackDMs["DU1"] != 2 || st.SlackDMs["DU2"] != 1 || st.DiscordDMs["DM42"] != 1 {
		t.Errorf("stats = %+v, want 4 DMs: DU1 twice, DU2 and DM42 once", st)
	}
	if st.First.IsZero() || st.Last.Before(st.First) {
		t.Errorf("first %v, last %v", st.First, st.Last)
	}
	f.Reset()
	if st := f.Stats(true); st.DMs != 0 || len(st.SlackDMs) != 0 {
		t.Errorf("after reset: %+v", st)
	}
}

func TestPostRateLimit(t *testing.T) {
	f, _, api := newFake(t)
	f.SetPostRate(1)
	ctx := context.Background()
	if _, _, err := api.PostMessageContext(ctx, "DU1", slackgo.MsgOptionText("first", false)); err != nil {
		t.Fatalf("first message: %v", err)
	}
	_, _, err := api.PostMessageContext(ctx, "DU2", slackgo.MsgOptionText("second", false))
	var limited *slackgo.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter < time.Second {
		t.Fatalf("second message within the second: %v, want a rate limit with Retry-After >= 1s", err)
	}
	st := f.Stats(true)
	if st.DMs != 1 || st.RateLimited != 1 || st.SlackDMs["DU2"] != 0 {
		t.Errorf("stats = %+v, want 1 DM and 1 refused", st)
	}
	f.SetPostRate(0)
	if _, _, err := api.PostMessageContext(ctx, "DU2", slackgo.MsgOptionText("again", false)); err != nil {
		t.Errorf("without a limit: %v", err)
	}
}

func TestWrongTokenRefused(t *testing.T) {
	_, srv, _ := newFake(t)
	api := slackgo.New("xoxb-wrong", slackgo.OptionAPIURL(srv.URL+"/api/"))
	if _, err := api.GetUserInfo("U1"); err == nil || err.Error() != "invalid_auth" {
		t.Errorf("users.info with a wrong token: %v, want invalid_auth", err)
	}
}

func TestUsersInfoKnowsEveryone(t *testing.T) {
	_, _, api := newFake(t)
	u, err := api.GetUserInfo("UB00042")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "UB00042" || u.Profile.DisplayName != "Learner UB00042" || u.Profile.Email != "ub00042@example.com" {
		t.Errorf("user = %+v", u)
	}
}

func TestWaitForResponse(t *testing.T) {
	_, srv, _ := newFake(t)
	t.Run("PostedLater", func(t *testing.T) {
		go func() {
			time.Sleep(50 * time.Millisecond)
			resp, err := http.Post(srv.URL+"/response/r1", "application/json",
				bytes.NewReader([]byte(`{"text":"Only new: done","replace_original":true}`)))
			if err == nil {
				resp.Body.Close()
			}
		}()
		start := time.Now()
		resp, err := http.Get(srv.URL + "/wait/r1?timeout=5s")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			ID              string    `json:"id"`
			At              time.Time `json:"at"`
			Text            string    `json:"text"`
			ReplaceOriginal bool      `json:"replace_original"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if r.ID != "r1" || r.Text != "Only new: done" || !r.ReplaceOriginal || r.At.Before(start) {
			t.Errorf("response = %+v", r)
		}
	})
	t.Run("NotFoundAfterTimeout", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/wait/never?timeout=50ms")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
}
