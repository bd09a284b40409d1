package fakediscord_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/internal/fakediscord"
	"github.com/learnbot/learnbot/internal/fakerecord"
	"github.com/learnbot/learnbot/internal/fakeslack"
)

func newFake(t *testing.T, opts ...fakediscord.Option) (*fakediscord.Server, *httptest.Server) {
	t.Helper()
	f := fakediscord.New("discord-test", append([]fakediscord.Option{fakediscord.ReportTo(t)}, opts...)...)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// call sends a request with the bot token (none when token is "") and
// returns the status and the body.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bot "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDMsCountedPerRecipient(t *testing.T) {
	f, srv := newFake(t)
	api := srv.URL + "/api/v10/"
	for _, token := range []string{"", "stolen"} {
		if status, _ := call(t, http.MethodPost, api+"channels/DM42/messages", token, `{}`); status != http.StatusUnauthorized {
			t.Errorf("message with token %q: status %d, want 401", token, status)
		}
	}
	status, body := call(t, http.MethodPost, api+"users/@me/channels", "discord-test", `{"recipient_id":"42"}`)
	if status != http.StatusOK || !strings.Contains(body, `"id":"DM42"`) {
		t.Fatalf("open DM channel: %d %s", status, body)
	}
	for _, ch := range []string{"DM42", "DM7", "DM42"} {
		if status, body := call(t, http.MethodPost, api+"channels/"+ch+"/messages", "discord-test", `{"content":"hi"}`); status != http.StatusOK {
			t.Fatalf("message to %s: %d %s", ch, status, body)
		}
	}
	st := f.Stats(true)
	if st.DMs != 3 || len(st.DiscordDMs) != 2 || st.DiscordDMs["DM42"] != 2 || st.DiscordDMs["DM7"] != 1 {
		t.Errorf("stats = %+v, want 3 DMs: DM42 twice, DM7 once", st)
	}
	if n := f.Calls("channels/messages"); n != 5 {
		t.Errorf("%d calls of channels/messages, want 5 (the refused ones too)", n)
	}
	if st.First.IsZero() || st.Last.Before(st.First) {
		t.Errorf("first %v, last %v", st.First, st.Last)
	}
	f.Reset()
	if st := f.Stats(true); st.DMs != 0 || len(st.DiscordDMs) != 0 || len(st.Calls) != 0 {
		t.Errorf("after reset: %+v", st)
	}
}

func TestMe(t *testing.T) {
	_, srv := newFake(t)
	if status, body := call(t, http.MethodGet, srv.URL+"/api/v10/users/@me", "discord-test", ""); status != http.StatusOK ||
		!strings.Contains(body, `"bot":true`) {
		t.Errorf("GET /users/@me: %d %s", status, body)
	}
	if status, body := call(t, http.MethodGet, srv.URL+"/api/v10/users/@me", "stolen", ""); status != http.StatusUnauthorized ||
		!strings.Contains(body, "401: Unauthorized") {
		t.Errorf("GET /users/@me with a wrong token: %d %s, want 401", status, body)
	}
}

// A message sent again with enforce_nonce and the same nonce is answered
// with the first and not counted; after a reset the nonce is new.
func TestEnforceNonce(t *testing.T) {
	f, srv := newFake(t)
	post := func(body string) string {
		t.Helper()
		_, resp := call(t, http.MethodPost, srv.URL+"/api/v10/channels/DM42/messages", "discord-test", body)
		var m struct{ ID string }
		if err := json.Unmarshal([]byte(resp), &m); err != nil {
			t.Fatalf("answer %q: %v", resp, err)
		}
		return m.ID
	}
	const enforced = `{"content":"a","nonce":"assignment:1","enforce_nonce":true}`
	first := post(enforced)
	again := post(enforced)
	if first == "" || again != first {
		t.Errorf("the same nonce twice: ids %q and %q, want the first twice", first, again)
	}
	post(`{"content":"a","nonce":"assignment:1"}`) // not enforced: a new message
	if n := f.Stats(true).DiscordDMs["DM42"]; n != 2 {
		t.Errorf("%d messages created, want 2", n)
	}
	f.Reset()
	post(enforced)
	if n := f.Stats(true).DiscordDMs["DM42"]; n != 1 {
		t.Errorf("the nonce after a reset: %d messages created, want 1", n)
	}
}

// Follow-ups are kept under the interaction token, the edit of the
// original as replacing it, and GET /wait/{token} answers the latest.
func TestFollowUps(t *testing.T) {
	send := func(t *testing.T, srv *httptest.Server) {
		call(t, http.MethodPost, srv.URL+"/api/v10/webhooks/1/tok", "", `{"content":"working on it"}`)
		call(t, http.MethodPatch, srv.URL+"/api/v10/webhooks/1/tok/messages/@original", "", `{"content":"Assigned"}`)
	}
	t.Run("Records", func(t *testing.T) {
		f, srv := newFake(t)
		send(t, srv)
		posts := f.Posts()
		if len(posts) != 2 || posts[0].ID != "tok" || posts[0].ReplaceOriginal || posts[1].Text != "Assigned" || !posts[1].ReplaceOriginal {
			t.Errorf("posts = %+v", posts)
		}
		status, body := call(t, http.MethodGet, srv.URL+"/wait/tok?timeout=1s", "", "")
		var r fakediscord.Response
		if err := json.Unmarshal([]byte(body), &r); status != http.StatusOK || err != nil || r.Text != "Assigned" || !r.ReplaceOriginal {
			t.Errorf("GET /wait/tok: %d %s (%v)", status, body, err)
		}
		if st := f.Stats(false); st.Responses != 1 || st.Calls["response"] != 2 {
			t.Errorf("stats = %+v, want 1 response posted twice", st)
		}
	})
	t.Run("CountOnly", func(t *testing.T) {
		f, srv := newFake(t, fakediscord.CountOnly())
		send(t, srv)
		if n := len(f.Posts()); n != 0 {
			t.Errorf("kept %d posts", n)
		}
		if status, body := call(t, http.MethodGet, srv.URL+"/wait/tok?timeout=1s", "", ""); status != http.StatusOK || !strings.Contains(body, "Assigned") {
			t.Errorf("GET /wait/tok: %d %s", status, body)
		}
	})
}

// TestSharedRecord serves the Slack and the Discord fakes behind one URL
// with one record, as bench/loadgen does: one /stats counts the DMs of
// both, one /wait finds a Discord follow-up, one /reset forgets both.
func TestSharedRecord(t *testing.T) {
	rec := fakerecord.New()
	slack := fakeslack.New("xoxb-test", fakeslack.RecordTo(rec), fakeslack.ReportTo(t))
	discord := fakediscord.New("discord-test", fakediscord.RecordTo(rec), fakediscord.ReportTo(t))
	mux := http.NewServeMux()
	mux.Handle("/discord/", http.StripPrefix("/discord", discord))
	mux.Handle("/", slack)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	api := slackgo.New("xoxb-test", slackgo.OptionAPIURL(srv.URL+"/api/"))
	if _, _, err := api.PostMessageContext(context.Background(), "DU1", slackgo.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	const enforced = `{"content":"a","nonce":"n1","enforce_nonce":true}`
	if status, body := call(t, http.MethodPost, srv.URL+"/discord/api/v10/channels/DM42/messages", "discord-test", enforced); status != http.StatusOK {
		t.Fatalf("Discord message: %d %s", status, body)
	}
	call(t, http.MethodPatch, srv.URL+"/discord/api/v10/webhooks/1/tok/messages/@original", "", `{"content":"Assigned"}`)

	status, body := call(t, http.MethodGet, srv.URL+"/stats?detail=1", "", "")
	var st fakeslack.Stats
	if err := json.Unmarshal([]byte(body), &st); status != http.StatusOK || err != nil {
		t.Fatalf("GET /stats: %d %s (%v)", status, body, err)
	}
	if st.DMs != 2 || st.SlackDMs["DU1"] != 1 || st.Calls["chat.postMessage"] != 1 || st.Calls["discord:channels/messages"] != 1 || st.Responses != 1 {
		t.Errorf("GET /stats = %+v, want 2 DMs (DU1 on Slack), each platform's calls, 1 response", st)
	}
	if d := discord.Stats(true); d.DMs != 2 || d.DiscordDMs["DM42"] != 1 {
		t.Errorf("Discord's stats = %+v, want the shared 2 DMs, DM42 once", d)
	}
	if status, body := call(t, http.MethodGet, srv.URL+"/wait/tok?timeout=1s", "", ""); status != http.StatusOK || !strings.Contains(body, "Assigned") {
		t.Errorf("GET /wait/tok at the shared URL: %d %s", status, body)
	}

	if status, _ := call(t, http.MethodPost, srv.URL+"/reset", "", ""); status != http.StatusOK {
		t.Fatalf("POST /reset: %d", status)
	}
	if s, d := slack.Stats(true), discord.Stats(true); s.DMs != 0 || len(s.SlackDMs) != 0 || len(d.DiscordDMs) != 0 || s.Responses != 0 || len(slack.DMs()) != 0 {
		t.Errorf("after reset: Slack %+v, Discord %+v", s, d)
	}
	call(t, http.MethodPost, srv.URL+"/discord/api/v10/channels/DM42/messages", "discord-test", enforced)
	if n := discord.Stats(true).DiscordDMs["DM42"]; n != 1 {
		t.Errorf("the nonce sent again after POST /reset: %d messages, want 1 (the reset forgets nonces)", n)
	}
}
