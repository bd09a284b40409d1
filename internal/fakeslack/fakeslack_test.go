package fakeslack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/internal/fakeslack"
)

func newFake(t *testing.T) (*fakeslack.Server, *httptest.Server, *slackgo.Client) {
	t.Helper()
	f := fakeslack.New("xoxb-test")
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv, slackgo.New("xoxb-test", slackgo.OptionAPIURL(srv.URL+"/api/"))
}

func TestDMsCountedPerRecipient(t *testing.T) {
	f, _, api := newFake(t)
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
	st := f.Stats(true)
	if st.DMs != 3 || len(st.SlackDMs) != 2 || st.SlackDMs["DU1"] != 2 || st.SlackDMs["DU2"] != 1 {
		t.Errorf("stats = %+v, want 3 DMs: DU1 twice, DU2 once", st)
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

// TestRecordsOrCountsOnly checks both modes: by default the fake keeps what
// was sent for tests to read; CountOnly keeps the counts and the response
// texts (loadgen waits for them) and no DM bodies or views.
func TestRecordsOrCountsOnly(t *testing.T) {
	send := func(t *testing.T, f *fakeslack.Server) {
		srv := httptest.NewServer(f)
		t.Cleanup(srv.Close)
		api := slackgo.New("xoxb-test", slackgo.OptionAPIURL(srv.URL+"/api/"))
		ctx := context.Background()
		blocks := slackgo.MsgOptionBlocks(slackgo.NewSectionBlock(slackgo.NewTextBlockObject("mrkdwn", "New task: git", false, false), nil, nil),
			slackgo.NewActionBlock("a", slackgo.NewButtonBlockElement("done", "done:1", slackgo.NewTextBlockObject("plain_text", "Mark done", false, false))))
		if _, _, err := api.PostMessageContext(ctx, "DU1", slackgo.MsgOptionText("New task: git", false), blocks); err != nil {
			t.Fatal(err)
		}
		if _, err := api.PublishViewContext(ctx, slackgo.PublishViewContextRequest{UserID: "U1", View: slackgo.HomeTabViewRequest{Type: slackgo.VTHomeTab,
			Blocks: slackgo.Blocks{BlockSet: []slackgo.Block{slackgo.NewSectionBlock(slackgo.NewTextBlockObject("mrkdwn", "Tasks", false, false), nil, nil)}}}}); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(srv.URL+"/response/r1", "application/json", bytes.NewReader([]byte(`{"text":"Assigned","response_type":"ephemeral"}`)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	t.Run("Records", func(t *testing.T) {
		f := fakeslack.New("xoxb-test", fakeslack.ReportTo(t))
		send(t, f)
		dms, views, posts := f.DMs(), f.Views(), f.Posts()
		if len(dms) != 1 || dms[0].Channel != "DU1" || fakeslack.TextOf(dms[0].Blocks) != "New task: git" ||
			fakeslack.ButtonsOf(dms[0].Blocks)[0] != (fakeslack.Button{Label: "Mark done", Value: "done:1"}) {
			t.Errorf("DMs = %+v", dms)
		}
		if len(views) != 1 || views[0].UserID != "U1" || fakeslack.TextOf(views[0].View.Blocks) != "Tasks" {
			t.Errorf("views = %+v", views)
		}
		if len(posts) != 1 || posts[0].ID != "r1" || posts[0].Text != "Assigned" || posts[0].ResponseType != "ephemeral" {
			t.Errorf("posts = %+v", posts)
		}
	})
	t.Run("CountOnly", func(t *testing.T) {
		f := fakeslack.New("xoxb-test", fakeslack.CountOnly())
		send(t, f)
		if len(f.DMs()) != 0 || len(f.Views()) != 0 || len(f.Posts()) != 0 {
			t.Errorf("kept bodies: %d DMs, %d views, %d posts", len(f.DMs()), len(f.Views()), len(f.Posts()))
		}
		st := f.Stats(true)
		if st.DMs != 1 || st.SlackDMs["DU1"] != 1 || st.Calls["views.publish"] != 1 || st.Responses != 1 {
			t.Errorf("stats = %+v", st)
		}
	})
}

// TestWorkspaceAsSetUp checks what the Slack adapter's tests set up: known
// users only, user groups, paged channel members, and failures on demand.
func TestWorkspaceAsSetUp(t *testing.T) {
	f, _, api := newFake(t)
	f.SetAutoUsers(false)
	f.AddUser(fakeslack.User{ID: "U1", Name: "anna", Display: "Anna", Email: "anna@example.com"})
	if _, err := api.GetUserInfo("U404"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	if u, err := api.GetUserByEmail("ANNA@example.com"); err != nil || u.ID != "U1" {
		t.Errorf("lookupByEmail = %+v, %v", u, err)
	}
	f.SetUserGroup("S1", "U1", "U2")
	if m, err := api.GetUserGroupMembers("S1"); err != nil || len(m) != 2 {
		t.Errorf("user group = %v, %v", m, err)
	}
	f.FailUserGroups("paid_teams_only")
	if _, err := api.GetUserGroupMembers("S1"); err == nil || err.Error() != "paid_teams_only" {
		t.Errorf("failing user groups: %v", err)
	}
	f.SetChannel("C1", "U1", "U2", "U3")
	var all []string
	cursor := ""
	for pages := 0; ; pages++ {
		m, next, err := api.GetUsersInConversation(&slackgo.GetUsersInConversationParameters{ChannelID: "C1", Cursor: cursor})
		if err != nil || pages > 3 {
			t.Fatalf("channel members: %v after %d pages", err, pages)
		}
		all = append(all, m...)
		if cursor = next; cursor == "" {
			break
		}
	}
	if len(all) != 3 {
		t.Errorf("channel members = %v", all)
	}
	f.FailOpen("U9", "cannot_dm_bot")
	if _, _, _, err := api.OpenConversation(&slackgo.OpenConversationParameters{Users: []string{"U9"}}); err == nil || err.Error() != "cannot_dm_bot" {
		t.Errorf("failing conversations.open: %v", err)
	}
	f.FailPosts(fakeslack.FailWith(http.StatusTooManyRequests, http.Header{"Retry-After": {"3"}}, ""))
	_, _, err := api.PostMessage("DU1", slackgo.MsgOptionText("hi", false))
	var limited *slackgo.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != 3*time.Second {
		t.Errorf("failing chat.postMessage: %v", err)
	}
}

// Message metadata is kept and returned by conversations.history when
// include_all_metadata is set, newest first, after oldest.
func TestHistoryKeepsMetadata(t *testing.T) {
	_, _, api := newFake(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	meta := slackgo.SlackMetadata{EventType: "learnbot_dm", EventPayload: map[string]any{"key": "assignment:1"}}
	if _, _, err := api.PostMessageContext(ctx, "DU1", slackgo.MsgOptionText("one", false), slackgo.MsgOptionMetadata(meta)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "DU1", slackgo.MsgOptionText("two", false)); err != nil {
		t.Fatal(err)
	}
	hist, err := api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{ChannelID: "DU1",
		Oldest: strconv.FormatInt(before.Unix(), 10), IncludeAllMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Messages) != 2 || hist.Messages[1].Metadata.EventPayload["key"] != "assignment:1" || hist.Messages[0].Metadata.EventType != "" {
		t.Fatalf("history %+v, want two messages, the older with its metadata", hist.Messages)
	}
	if hist.Messages[0].Timestamp <= hist.Messages[1].Timestamp {
		t.Errorf("timestamps %s then %s: want newest first", hist.Messages[0].Timestamp, hist.Messages[1].Timestamp)
	}
	hist, err = api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{ChannelID: "DU1"})
	if err != nil || len(hist.Messages) != 2 || hist.Messages[1].Metadata.EventType != "" {
		t.Errorf("without include_all_metadata: %+v, %v; want no metadata", hist, err)
	}
	hist, err = api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{ChannelID: "DU1",
		Oldest: strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)})
	if err != nil || len(hist.Messages) != 0 {
		t.Errorf("after a later oldest: %+v, %v; want none", hist, err)
	}
}

// A limit for one prefix of channels leaves the others alone, and GET
// /first tells when a channel's first message came.
func TestPostLimitForAPrefix(t *testing.T) {
	f, srv, api := newFake(t)
	f.SetPostLimit(1, "DUA")
	ctx := context.Background()
	for _, ch := range []string{"DUA1", "DUB1", "DUB2"} {
		if _, _, err := api.PostMessageContext(ctx, ch, slackgo.MsgOptionText("hi", false)); err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, "DUA2", slackgo.MsgOptionText("hi", false)); err == nil {
		t.Error("a second message within the second to the limited prefix was accepted")
	}
	resp, err := http.Get(srv.URL + "/first?channel=DUB2")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body [64]byte
	n, _ := resp.Body.Read(body[:])
	if at, err := time.Parse(time.RFC3339Nano, string(body[:n])); err != nil || time.Since(at) > time.Minute {
		t.Errorf("first message of DUB2 at %q (%v)", body[:n], err)
	}
	if resp, err := http.Get(srv.URL + "/first?channel=DUC9"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a channel without messages: %v, %v; want 404", resp.StatusCode, err)
	}
}

func TestGeneratedUserGroup(t *testing.T) {
	_, srv, api := newFake(t)
	define := func(query string) int {
		t.Helper()
		resp, err := http.Post(srv.URL+"/usergroup?"+query, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := define("id=S100K&prefix=UG&n=100000"); code != http.StatusOK {
		t.Fatalf("define: status %d", code)
	}
	define("id=S50K&prefix=UG&n=50000")
	for _, c := range []struct {
		group string
		n     int
	}{{"S100K", 100000}, {"S50K", 50000}} {
		m, err := api.GetUserGroupMembers(c.group)
		if err != nil || len(m) != c.n || m[0] != "UG000000" || m[c.n-1] != fakeslack.GeneratedID("UG", c.n-1) {
			t.Errorf("%s: %d members (%v), want %d from UG000000", c.group, len(m), err, c.n)
		}
	}
	if u, err := api.GetUserInfo("UG099999"); err != nil || u.ID != "UG099999" {
		t.Errorf("users.info of a generated member = %+v, %v", u, err)
	}
	for _, bad := range []string{"id=S1&prefix=UG", "id=S1&prefix=UG&n=-1", "prefix=UG&n=3", "id=S1&n=3", "id=S1&prefix=UG&n=1000001"} {
		if code := define(bad); code != http.StatusBadRequest {
			t.Errorf("POST /usergroup?%s: status %d, want 400", bad, code)
		}
	}
}
