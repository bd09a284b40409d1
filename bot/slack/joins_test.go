package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/model"
)

// joinerCall is one hand-over to the Joiner.
type joinerCall struct {
	Platform, Workspace string
	Source              bot.PlatformGroup
	Users               []model.User
}

// recordingJoiner records what the adapter hands over; hold, when set,
// keeps Joined from returning until it is closed.
type recordingJoiner struct {
	mu    sync.Mutex
	calls []joinerCall
	hold  chan struct{}
}

func (j *recordingJoiner) Joined(_ context.Context, platform, workspace string, source bot.PlatformGroup, users []model.User) error {
	j.mu.Lock()
	j.calls = append(j.calls, joinerCall{platform, workspace, source, append([]model.User(nil), users...)})
	hold := j.hold
	j.mu.Unlock()
	if hold != nil {
		<-hold
	}
	return nil
}

func (j *recordingJoiner) Calls() []joinerCall {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]joinerCall(nil), j.calls...)
}

// next waits for the call after the first n and returns it.
func (j *recordingJoiner) next(t *testing.T, n int) joinerCall {
	t.Helper()
	eventually(t, "a hand-over to the Joiner", func() bool { return len(j.Calls()) > n })
	return j.Calls()[n]
}

// none checks that no call beyond the first n comes (after a pause long
// enough for a wrong one).
func (j *recordingJoiner) none(t *testing.T, n int, why string) {
	t.Helper()
	time.Sleep(100 * time.Millisecond)
	if calls := j.Calls(); len(calls) != n {
		t.Errorf("%s: %d hand-overs, want %d: %+v", why, len(calls), n, calls[n:])
	}
}

// ownBot is the app's bot user in the test installation.
const ownBot = "UBOT"

// eventJSON is an Events API envelope for event, as Slack sends it.
func eventJSON(id string, event map[string]any) string {
	b, _ := json.Marshal(map[string]any{
		"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": id,
		"event_time": 1700000000, "event": event,
		"authorizations": []any{map[string]any{"enterprise_id": nil, "team_id": "T1", "user_id": ownBot, "is_bot": true}},
	})
	return string(b)
}

func channelJoin(user, channel string) map[string]any {
	return map[string]any{"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": "C",
		"team": "T1", "inviter": "U1", "event_ts": "1700000000.2"}
}

func userGroupChange(group string, added, removed []string) map[string]any {
	return map[string]any{"type": "subteam_members_changed", "subteam_id": group, "team_id": "T1",
		"date_previous_update": 1699990000, "date_update": 1700000000,
		// counts are numbers, whatever Slack's documentation shows
		// (slack-go's Socket Mode parser refuses strings)
		"added_users": added, "added_users_count": len(added),
		"removed_users": removed, "removed_users_count": len(removed), "event_ts": "1700000000.3"}
}

func teamJoin(id, name string, bot bool) map[string]any {
	return map[string]any{"type": "team_join", "event_ts": "1700000000.4", "user": map[string]any{
		"id": id, "team_id": "T1", "name": name, "deleted": false, "real_name": "Dora Explorer", "tz": "Europe/Berlin",
		"is_bot": bot, "profile": map[string]any{"real_name": "Dora Explorer", "display_name": "Dora", "email": "dora@example.com"},
	}}
}

func TestJoinEvents(t *testing.T) {
	h := newTestHandler()
	j := &recordingJoiner{}
	env := newEnv(t, h, slack.WithJoiner(j))
	addPeople(env.fake)
	// The app's own user is not in the fake's directory: only the event's
	// authorizations tell it apart.
	post := func(t *testing.T, id string, event map[string]any, retry string) {
		t.Helper()
		var header http.Header
		if retry != "" {
			header = http.Header{"X-Slack-Retry-Num": {retry}, "X-Slack-Retry-Reason": {"http_timeout"}}
		}
		status, body := env.post(t, "/slack/events", "application/json", eventJSON(id, event), testSecret, testNow, header)
		if status != http.StatusOK || body != "" {
			t.Fatalf("status %d body %q", status, body)
		}
	}
	want := func(t *testing.T, got joinerCall, source bot.PlatformGroup, users ...model.User) {
		t.Helper()
		w := joinerCall{Platform: model.PlatformSlack, Workspace: "T1", Source: source, Users: users}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("handed over %+v\nwant %+v", got, w)
		}
	}
	ben := model.User{ID: "U2", Name: "ben", Email: "ben@example.com"}
	cleo := model.User{ID: "U3", Name: "Cleo", Email: "cleo@example.com"}

	t.Run("ChannelJoinHandedOver", func(t *testing.T) {
		post(t, "EvJ1", channelJoin("U2", "C5"), "")
		want(t, j.next(t, 0), bot.PlatformGroup{Kind: "channel", ID: "C5"}, ben)
	})
	t.Run("RetryHandedOverOnce", func(t *testing.T) {
		post(t, "EvJ1", channelJoin("U2", "C5"), "1")
		post(t, "EvJ1", channelJoin("U2", "C5"), "2")
		j.none(t, 1, "Slack's retries of EvJ1")
	})
	t.Run("UserGroupAddedUsersOnly", func(t *testing.T) {
		post(t, "EvJ2", userGroupChange("S7", []string{"U3", "U2", "B1"}, []string{"U1"}), "")
		want(t, j.next(t, 1), bot.PlatformGroup{Kind: "usergroup", ID: "S7"}, cleo, ben)
	})
	t.Run("UserGroupWithOnlyRemovalsIgnored", func(t *testing.T) {
		post(t, "EvJ3", userGroupChange("S7", []string{}, []string{"U3"}), "")
		j.none(t, 2, "removals only")
	})
	t.Run("TeamJoinIsEveryone", func(t *testing.T) {
		post(t, "EvJ4", teamJoin("U9", "dora", false), "")
		want(t, j.next(t, 2), bot.PlatformGroup{Kind: bot.SourceEveryone},
			model.User{ID: "U9", Name: "Dora", Email: "dora@example.com", TZ: "Europe/Berlin"})
	})
	t.Run("BotsIgnored", func(t *testing.T) {
		post(t, "EvJ5", channelJoin(ownBot, "C5"), "") // the app invited to a channel
		post(t, "EvJ6", channelJoin("B1", "C5"), "")   // another bot, told apart by users.info
		post(t, "EvJ7", teamJoin("B8", "newbot", true), "")
		post(t, "EvJ8", userGroupChange("S7", []string{ownBot}, nil), "")
		j.none(t, 3, "bots joining")
	})
	t.Run("AcknowledgedBeforeTheJoinerIsDone", func(t *testing.T) {
		hold := make(chan struct{})
		j.mu.Lock()
		j.hold = hold
		j.mu.Unlock()
		defer func() {
			j.mu.Lock()
			j.hold = nil
			j.mu.Unlock()
			close(hold)
		}()
		start := time.Now()
		post(t, "EvJ9", channelJoin("U3", "C6"), "")
		if took := time.Since(start); took > time.Second {
			t.Errorf("acknowledged after %s, with the Joiner still busy", took)
		}
		want(t, j.next(t, 3), bot.PlatformGroup{Kind: "channel", ID: "C6"}, cleo)
	})
}

func TestJoinEventsWithoutJoiner(t *testing.T) {
	h := newTestHandler()
	d := &recordingDedup{seen: map[string]bool{}}
	env := newEnv(t, h, slack.WithDedup(d))
	addPeople(env.fake)
	status, _ := env.post(t, "/slack/events", "application/json", eventJSON("EvN1", channelJoin("U2", "C5")), testSecret, testNow, nil)
	time.Sleep(50 * time.Millisecond)
	env.adapter.Wait()
	if status != http.StatusOK || len(d.seen) != 0 || env.fake.Calls("users.info") != 0 {
		t.Errorf("status %d, dedup keys %v, users.info calls %d: want 200 and no work", status, d.seen, env.fake.Calls("users.info"))
	}
}

func TestSocketModeJoinEvents(t *testing.T) {
	h := newTestHandler()
	fake := newFakeSlack(t)
	addPeople(fake)
	j := &recordingJoiner{}
	a, err := slack.New(slack.Config{BotToken: testBotToken, AppToken: testAppToken, APIURL: fake.apiURL()}, h,
		slack.WithLogger(testLogger(t)), slack.WithJoiner(j))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()
	conn := fake.socket(t)

	event := json.RawMessage(eventJSON("EvS9", userGroupChange("S2", []string{"U1"}, nil)))
	envelope(t, conn, "E1", "events_api", event)
	envelope(t, conn, "E2", "events_api", event) // Slack's retry: a new envelope, the same event_id
	got := j.next(t, 0)
	want := joinerCall{Platform: model.PlatformSlack, Workspace: "T1", Source: bot.PlatformGroup{Kind: "usergroup", ID: "S2"},
		Users: []model.User{{ID: "U1", Name: "Anna D", Email: "anna@example.com"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("handed over %+v\nwant %+v", got, want)
	}
	j.none(t, 1, "the retried envelope")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("RunSocketMode did not stop")
	}
	a.Wait()
}
