package slack_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/slack"
	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/model"
)

func addPeople(f *slackFake) {
	f.AddUser(fakeslack.User{ID: "U1", Name: "anna", Display: "Anna D", Email: "anna@example.com"})
	f.AddUser(fakeslack.User{ID: "U2", Name: "ben", Display: "", Email: "ben@example.com"})
	f.AddUser(fakeslack.User{ID: "U3", Name: "cleo", Display: "Cleo", Email: "cleo@example.com"})
	f.AddUser(fakeslack.User{ID: "B1", Name: "somebot", Bot: true})
}

func TestCommands(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	addPeople(env.fake)

	t.Run("MentionsParsedAndActorEnriched", func(t *testing.T) {
		r := env.command(t, "U1", "/learn", "echo <@U2|ben> <@U3> <!subteam^S1|@devs> <#C9|general> <mailto:x@y.z|x@y.z> <https://git-scm.com|git>")
		if r == nil {
			t.Fatal("no inline reply")
		}
		want := "user(U2,ben,ben@example.com) user(U3,Cleo,cleo@example.com) group(usergroup,S1,devs) group(channel,C9,general) x@y.z https://git-scm.com"
		if got := fakeslack.TextOf(r.Blocks); got != want {
			t.Errorf("args %q\nwant %q", got, want)
		}
		req := h.Requests()[len(h.Requests())-1]
		if req.Actor != (model.User{ID: "U1", Name: "Anna D", Email: "anna@example.com"}) {
			t.Errorf("actor %+v", req.Actor)
		}
		if req.Platform != model.PlatformSlack || req.Workspace != "T1" || req.WorkspaceName != "acme" || req.Directory == nil {
			t.Errorf("request %+v", req)
		}
		if r.ResponseType != "ephemeral" {
			t.Errorf("response_type %q", r.ResponseType)
		}
	})
	t.Run("UsersInfoCached", func(t *testing.T) {
		before := env.fake.Calls("users.info")
		env.command(t, "U1", "/learn", "echo <@U2|ben>")
		if after := env.fake.Calls("users.info"); after != before {
			t.Errorf("users.info called %d more times for known users", after-before)
		}
	})
	t.Run("UnknownActorFallsBackToPayloadName", func(t *testing.T) {
		env.command(t, "U404", "/tasks", "")
		req := h.Requests()[len(h.Requests())-1]
		if req.Actor.ID != "U404" || req.Actor.Name != "u404" {
			t.Errorf("actor %+v", req.Actor)
		}
	})
	t.Run("DecisionPromptRendered", func(t *testing.T) {
		r := env.command(t, "U1", "/assign", "git <@U2|ben> <!subteam^S1|@devs>")
		req := h.Requests()[len(h.Requests())-1]
		if got := describe(req.Args); got != "assign git user(U2,ben,ben@example.com) group(usergroup,S1,devs)" {
			t.Errorf("args %q", got)
		}
		want := []fakeslack.Button{
			{Label: "Do not assign", Value: "decision:cancel:7", Style: ""},
			{Label: "Only new", Value: "decision:only_new:7", Style: "primary"},
			{Label: "Force reassignment", Value: "decision:force:7", Style: "danger"},
			{Label: "Show selected groups", Value: "decision:show:7", Style: ""},
		}
		if got := fakeslack.ButtonsOf(r.Blocks); !reflect.DeepEqual(got, want) {
			t.Errorf("buttons %+v\nwant %+v", got, want)
		}
		if !strings.Contains(fakeslack.TextOf(r.Blocks), "held already by @anna") {
			t.Errorf("text %q", fakeslack.TextOf(r.Blocks))
		}
	})
}

func TestCommandPrefix(t *testing.T) {
	h := newTestHandler()
	fake := newFakeSlack(t)
	env := newEnvWith(t, fake, slack.Config{CommandPrefix: "acme-"}, h)
	env.command(t, "U1", "/acme-assign", "git x")
	env.command(t, "U1", "/acme-learn", "echo a b")
	env.command(t, "U1", "/acme-tasks", "")
	var got []string
	for _, r := range h.Requests() {
		got = append(got, describe(r.Args))
	}
	if want := []string{"assign git x", "echo a b", "tasks"}; !reflect.DeepEqual(got, want) {
		t.Errorf("args %q, want %q", got, want)
	}
	t.Run("RepliesNameCommandsAsTyped", func(t *testing.T) {
		req := h.Requests()[0]
		for name, want := range map[string]string{"assign": "/acme-assign", "tasks": "/acme-tasks", "invite again": "/acme-learn invite again", "help": "/acme-learn help"} {
			if got := req.Slash(name); got != want {
				t.Errorf("Slash(%q) = %q, want %q", name, got, want)
			}
		}
		r := env.command(t, "U1", "/acme-learn", "nonsense")
		if text := fakeslack.TextOf(r.Blocks); !strings.Contains(text, "/acme-learn help") {
			t.Errorf("unknown command reply %q", text)
		}
	})
}

func TestSlowCommandAnsweredThroughResponseURL(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h, slack.WithAckWait(50*time.Millisecond))
	start := time.Now()
	if r := env.command(t, "U1", "/learn", "slow"); r != nil {
		t.Fatalf("got an inline reply %+v, want an empty acknowledgement", r)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("acknowledged after %s", d)
	}
	if posts := env.fake.Posts(); len(posts) != 0 {
		t.Fatalf("answered before the command finished: %+v", posts)
	}
	close(h.slow)
	eventually(t, "the late reply", func() bool { return len(env.fake.Posts()) == 1 })
	p := env.fake.Posts()[0]
	if p.ID != "cmd-U1" || p.ResponseType != "ephemeral" || p.ReplaceOriginal || fakeslack.TextOf(p.Blocks) != "slow done" {
		t.Errorf("late reply %+v", p)
	}
}

func TestButtons(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	addPeople(env.fake)

	t.Run("PressReplacesThePrompt", func(t *testing.T) {
		env.press(t, "U1", "decision:only_new:7", env.fake.responseURL("prompt-1"), false)
		posts := env.fake.Posts()
		if len(posts) != 1 {
			t.Fatalf("%d response_url posts", len(posts))
		}
		p := posts[0]
		if p.ID != "prompt-1" || !p.ReplaceOriginal || fakeslack.TextOf(p.Blocks) != "Assigned git to 2 new learners." || len(fakeslack.ButtonsOf(p.Blocks)) != 0 {
			t.Errorf("post %+v", p)
		}
		req := h.Requests()[0]
		if req.Action == nil || req.Action.ID != "decision:only_new:7" || req.Actor.Name != "Anna D" || req.Workspace != "T1" {
			t.Errorf("request %+v", req)
		}
	})
	t.Run("ShowGroupsAddsAMessage", func(t *testing.T) {
		env.press(t, "U1", "decision:show:7", env.fake.responseURL("prompt-2"), false)
		p := env.fake.Posts()[1]
		if p.ReplaceOriginal || p.ResponseType != "ephemeral" || !strings.Contains(fakeslack.TextOf(p.Blocks), "@ben") {
			t.Errorf("post %+v", p)
		}
	})
	t.Run("PressRefreshesHome", func(t *testing.T) {
		views := env.fake.Views()
		if len(views) != 2 || views[1].UserID != "U1" {
			t.Fatalf("views %+v", views)
		}
	})
	t.Run("MarkDoneInHomeRepublishesIt", func(t *testing.T) {
		posts := len(env.fake.Posts())
		env.press(t, "U2", "done:1", "", true)
		if len(env.fake.Posts()) != posts {
			t.Errorf("a press in Home posted to a response_url")
		}
		views := env.fake.Views()
		v := views[len(views)-1]
		text := fakeslack.TextOf(v.View.Blocks)
		if v.UserID != "U2" || v.View.Type != "home" || !strings.Contains(text, "Marked done: Git basics.") || !strings.Contains(text, "Tasks of ben") {
			t.Errorf("view for %s: %q", v.UserID, text)
		}
	})
	t.Run("OtherInteractionsIgnored", func(t *testing.T) {
		n := len(h.Requests())
		status, _ := env.post(t, "/slack/interactions", "application/x-www-form-urlencoded",
			"payload="+`{"type":"view_closed","team":{"id":"T1"},"user":{"id":"U1"}}`, testSecret, testNow, nil)
		if status != http.StatusOK || len(h.Requests()) != n {
			t.Errorf("status %d, handled %d", status, len(h.Requests())-n)
		}
	})
}

func TestAppHome(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	addPeople(env.fake)
	event := func(id, tab string, retry string) {
		t.Helper()
		var header http.Header
		if retry != "" {
			header = http.Header{"X-Slack-Retry-Num": {retry}, "X-Slack-Retry-Reason": {"http_timeout"}}
		}
		status, body := env.post(t, "/slack/events", "application/json",
			`{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"`+id+`","event_time":1700000000,`+
				`"event":{"type":"app_home_opened","user":"U1","channel":"D1","tab":"`+tab+`","event_ts":"1700000000.1"}}`,
			testSecret, testNow, header)
		if status != http.StatusOK || body != "" {
			t.Fatalf("status %d body %q", status, body)
		}
	}
	t.Run("OpenedPublishesTasks", func(t *testing.T) {
		event("Ev1", "home", "")
		views := env.fake.Views()
		if len(views) != 1 {
			t.Fatalf("%d views published", len(views))
		}
		v := views[0]
		if v.UserID != "U1" || v.View.Type != "home" || !strings.Contains(fakeslack.TextOf(v.View.Blocks), "Tasks of Anna D") {
			t.Errorf("view %+v", v)
		}
		if got := fakeslack.ButtonsOf(v.View.Blocks); len(got) != 1 || got[0].Value != "done:1" {
			t.Errorf("buttons %+v", got)
		}
		req := h.Requests()[0]
		// the Home's own entry point, not a made-up command
		if len(req.Args) != 0 || req.Action != nil || req.Workspace != "T1" || req.Actor.ID != "U1" {
			t.Errorf("request %+v", req)
		}
	})
	t.Run("RetryHandledOnce", func(t *testing.T) {
		event("Ev1", "home", "1")
		event("Ev1", "home", "2")
		if n := len(env.fake.Views()); n != 1 {
			t.Errorf("%d views after retries, want 1", n)
		}
	})
	t.Run("MessagesTabIgnored", func(t *testing.T) {
		event("Ev2", "messages", "")
		if n := len(env.fake.Views()); n != 1 {
			t.Errorf("%d views", n)
		}
	})
	t.Run("SharedDedupUsed", func(t *testing.T) {
		d := &recordingDedup{seen: map[string]bool{}}
		env2 := newEnvWith(t, env.fake, slack.Config{}, h, slack.WithDedup(d))
		_, _ = env2.post(t, "/slack/events", "application/json",
			`{"type":"event_callback","team_id":"T1","event_id":"Ev9","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`, testSecret, testNow, nil)
		if !d.seen["slack:event:Ev9"] || !d.seen["slack:home:T1:U1"] {
			t.Errorf("keys %v, want the event and U1's visit of their Home", d.seen)
		}
	})
}

type recordingDedup struct{ seen map[string]bool }

func (d *recordingDedup) FirstSeen(_ context.Context, key string) (bool, error) {
	first := !d.seen[key]
	d.seen[key] = true
	return first, nil
}

func (d *recordingDedup) Seen(_ context.Context, key string) (bool, error) { return d.seen[key], nil }

func (d *recordingDedup) Touch(_ context.Context, key string) error {
	d.seen[key] = true
	return nil
}

func TestDirectory(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	addPeople(env.fake)
	env.fake.SetUserGroup("S1", "U1", "U2")
	env.fake.SetChannel("C9", "U1", "B1", "U2", "U3", "U404")
	dir := env.adapter.Directory()
	ctx := context.Background()

	t.Run("UserGroupMembers", func(t *testing.T) {
		users, err := members(dir, bot.PlatformGroup{Kind: "usergroup", ID: "S1", Name: "devs"})
		if err != nil {
			t.Fatal(err)
		}
		if got := describeUsers(users); got != "U1=Anna D,U2=ben" {
			t.Errorf("members %s", got)
		}
	})
	t.Run("ChannelMembersPagedWithoutBots", func(t *testing.T) {
		users, err := members(dir, bot.PlatformGroup{Kind: "channel", ID: "C9", Name: "general"})
		if err != nil {
			t.Fatal(err)
		}
		if got := describeUsers(users); got != "U1=Anna D,U2=ben,U3=Cleo,U404=" {
			t.Errorf("members %s", got)
		}
		if n := env.fake.Calls("conversations.members"); n != 3 {
			t.Errorf("%d pages fetched, want 3", n)
		}
	})
	t.Run("UnknownChannelIsUserError", func(t *testing.T) {
		_, err := members(dir, bot.PlatformGroup{Kind: "channel", ID: "C404", Name: "secret"})
		var ue *model.UserError
		if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "#secret") {
			t.Errorf("error %v", err)
		}
	})
	for _, code := range []string{"not_allowed_token_type", "paid_teams_only", "plan_upgrade_required"} {
		t.Run("FreePlan_"+code+"IsUserError", func(t *testing.T) {
			env.fake.FailUserGroups(code)
			defer env.fake.FailUserGroups("")
			_, err := members(dir, bot.PlatformGroup{Kind: "usergroup", ID: "S1", Name: "devs"})
			var ue *model.UserError
			if !errors.As(err, &ue) || !strings.Contains(ue.Msg, "paid Slack plan") {
				t.Errorf("error %v", err)
			}
		})
	}
	t.Run("FreePlanReplyThroughTheRouter", func(t *testing.T) {
		env.fake.FailUserGroups("paid_teams_only")
		defer env.fake.FailUserGroups("")
		r := env.command(t, "U1", "/learn", "members <!subteam^S1|@devs>")
		if !strings.Contains(fakeslack.TextOf(r.Blocks), "paid Slack plan") {
			t.Errorf("reply %q", fakeslack.TextOf(r.Blocks))
		}
	})
	t.Run("UserByEmailFound", func(t *testing.T) {
		u, err := dir.UserByEmail(ctx, "cleo@example.com")
		if err != nil || u.ID != "U3" || u.Name != "Cleo" || u.Email != "cleo@example.com" {
			t.Errorf("user %+v, error %v", u, err)
		}
	})
	t.Run("UserByEmailMissingIsErrNoUser", func(t *testing.T) {
		_, err := dir.UserByEmail(ctx, "nobody@example.com")
		if !errors.Is(err, model.ErrNoUser) {
			t.Errorf("error %v", err)
		}
	})
}

func TestSendDM(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	addPeople(env.fake)
	ctx := context.Background()
	msg := bot.Message{Platform: model.PlatformSlack, Workspace: "T1", To: model.User{ID: "U2"},
		Reply: bot.Reply{Text: "Anna D assigned you Git basics: https://git-scm.com/book", Buttons: []bot.Button{{Label: "Mark done", ID: "done:42"}}}}

	t.Run("Delivered", func(t *testing.T) {
		if err := env.adapter.SendDM(ctx, msg); err != nil {
			t.Fatal(err)
		}
		dms := env.fake.DMs()
		if len(dms) != 1 {
			t.Fatalf("%d DMs", len(dms))
		}
		dm := dms[0]
		if dm.Channel != "DU2" || dm.Text != msg.Text || fakeslack.TextOf(dm.Blocks) != msg.Text {
			t.Errorf("DM %+v", dm)
		}
		if got := fakeslack.ButtonsOf(dm.Blocks); len(got) != 1 || got[0] != (fakeslack.Button{Label: "Mark done", Value: "done:42", Style: ""}) {
			t.Errorf("buttons %+v", got)
		}
	})
	t.Run("HomeRefreshedOnlyOnceOpened", func(t *testing.T) {
		slack.WaitHomeRefreshes(env.adapter) // the refresh queued by the DM before
		if views := env.fake.Views(); len(views) != 0 {
			t.Fatalf("a DM published the Home of a user who never opened it: %+v", views)
		}
		_, _ = env.post(t, "/slack/events", "application/json",
			`{"type":"event_callback","team_id":"T1","event_id":"EvHomeU2","event":{"type":"app_home_opened","user":"U2","tab":"home"}}`, testSecret, testNow, nil)
		if n := len(env.fake.Views()); n != 1 {
			t.Fatalf("%d views published when U2 opened their Home, want 1", n)
		}
		if err := env.adapter.SendDM(ctx, msg); err != nil {
			t.Fatal(err)
		}
		eventually(t, "U2's Home refreshed after the DM", func() bool { return len(env.fake.Views()) == 2 })
		views := env.fake.Views()
		if views[1].UserID != "U2" || !strings.Contains(fakeslack.TextOf(views[1].View.Blocks), "Tasks of ben") {
			t.Errorf("Home not refreshed: %+v", views[1])
		}
	})
	t.Run("RateLimitIsRetryAfter", func(t *testing.T) {
		env.fake.FailPosts(fakeslack.FailWith(http.StatusTooManyRequests, http.Header{"Retry-After": {"7"}}, ""))
		before := env.fake.Calls("chat.postMessage")
		err := env.adapter.SendDM(ctx, msg)
		var ra *model.RetryAfterError
		if !errors.As(err, &ra) || ra.After != 7*time.Second {
			t.Errorf("error %#v", err)
		}
		if n := env.fake.Calls("chat.postMessage") - before; n != 1 {
			t.Errorf("chat.postMessage tried %d times; the queue, not slack-go, retries", n)
		}

		// The workspace's next DMs wait for the Retry-After without calling
		// Slack; another workspace's go on.
		env.fake.FailPosts(nil)
		before = env.fake.Calls("chat.postMessage")
		err = env.adapter.SendDM(ctx, msg)
		if !errors.As(err, &ra) || ra.After <= 5*time.Second || ra.After > 7*time.Second {
			t.Errorf("a DM right after a 429 with Retry-After 7: %#v, want to come back in about 7s", err)
		}
		if n := env.fake.Calls("chat.postMessage") - before; n != 0 {
			t.Errorf("chat.postMessage called %d times during the Retry-After", n)
		}
		other := msg
		other.Workspace = "T2"
		if err := env.adapter.SendDM(ctx, other); err != nil {
			t.Errorf("a DM in another workspace: %v", err)
		}
	})
	t.Run("RateLimitWithoutRetryAfterWaitsAnyway", func(t *testing.T) {
		msg := msg
		msg.Workspace = "T3" // T1 is paced after the last subtest's 429
		env.fake.FailPosts(fakeslack.FailWith(http.StatusTooManyRequests, nil, ""))
		var ra *model.RetryAfterError
		if err := env.adapter.SendDM(ctx, msg); !errors.As(err, &ra) || ra.After <= 0 {
			t.Errorf("error %#v", err)
		}
	})
	t.Run("ServerErrorIsRetried", func(t *testing.T) {
		msg := msg
		msg.Workspace = "T4" // T1 and T3 are paced after a 429
		env.fake.FailPosts(fakeslack.FailWith(http.StatusInternalServerError, nil, "oops"))
		err := env.adapter.SendDM(ctx, msg)
		var ra *model.RetryAfterError
		var pe *model.PermanentError
		if err == nil || errors.As(err, &ra) || errors.As(err, &pe) {
			t.Errorf("error %#v, want an ordinary error", err)
		}
	})
	t.Run("SlackErrorCodeRetriedUnlessPermanent", func(t *testing.T) {
		msg := msg
		msg.Workspace = "T4"
		env.fake.FailPosts(fakeslack.FailWith(http.StatusOK, http.Header{"Content-Type": {"application/json"}}, `{"ok":false,"error":"internal_error"}`))
		var pe *model.PermanentError
		var ra *model.RetryAfterError
		if err := env.adapter.SendDM(ctx, msg); err == nil || errors.As(err, &pe) || errors.As(err, &ra) {
			t.Errorf("error %#v", err)
		}
	})
	env.fake.FailPosts(nil)
	t.Run("DMChannelRemembered", func(t *testing.T) {
		msg := msg
		msg.Workspace = "T5"
		opens := func() int { return env.fake.Calls("conversations.open") }
		before := opens()
		for range 3 {
			if err := env.adapter.SendDM(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		if n := opens() - before; n != 1 {
			t.Errorf("3 DMs to one user opened the conversation %d times, want 1", n)
		}
		// The remembered channel is gone: a retryable error, and the
		// retry opens it again.
		stale := fakeslack.FailWith(http.StatusOK, http.Header{"Content-Type": {"application/json"}}, `{"ok":false,"error":"channel_not_found"}`)
		env.fake.FailPosts(stale)
		var pe *model.PermanentError
		if err := env.adapter.SendDM(ctx, msg); err == nil || errors.As(err, &pe) {
			t.Errorf("a remembered channel not found: %#v, want an error to retry", err)
		}
		before = opens()
		if err := env.adapter.SendDM(ctx, msg); !errors.As(err, &pe) {
			t.Errorf("a freshly opened channel not found: %#v, want a permanent error", err)
		}
		if n := opens() - before; n != 1 {
			t.Errorf("the retry opened the conversation %d times, want 1", n)
		}
		env.fake.FailPosts(nil)
	})
	t.Run("RetryOfUnrecordedSendDoesNotSendAgain", func(t *testing.T) {
		msg := msg
		msg.Workspace = "T6"
		msg.To = model.User{ID: "U6"}
		msg.Key = bot.DMKey{Kind: "assignment", ID: 42}
		started := time.Now()
		dmsTo := func(key string) int {
			n := 0
			for _, dm := range env.fake.DMs() {
				if dm.Channel == "DU6" && (key == "" || dm.Metadata != nil && dm.Metadata.EventPayload["key"] == key) {
					n++
				}
			}
			return n
		}
		history := func() int { return env.fake.Calls("conversations.history") }
		if err := env.adapter.SendDM(ctx, msg); err != nil {
			t.Fatal(err)
		}
		if n := dmsTo("assignment:42"); n != 1 {
			t.Fatalf("%d DMs marked assignment:42 after the first attempt, want 1", n)
		}
		if n := history(); n != 0 {
			t.Errorf("a first attempt read the channel's history %d times; only a retry of an unknown outcome should", n)
		}
		// The process died before recording the outcome: the retry finds
		// the DM and sends nothing.
		retry := msg
		retry.MaybeSentSince = started
		if err := env.adapter.SendDM(ctx, retry); err != nil {
			t.Fatal(err)
		}
		if n := dmsTo(""); n != 1 {
			t.Errorf("the retry of a sent DM sent it again: %d DMs to U6", n)
		}
		if n := history(); n != 1 {
			t.Errorf("conversations.history called %d times by the retry, want 1", n)
		}
		// A reminder of the same assignment is another DM: sent.
		reminder := retry
		reminder.Key = bot.DMKey{Kind: "reminder", ID: 42, Variant: "before:2026-12-01"}
		if err := env.adapter.SendDM(ctx, reminder); err != nil {
			t.Fatal(err)
		}
		if n := dmsTo("reminder:42:before:2026-12-01"); n != 1 {
			t.Errorf("a retried reminder never sent: %d sent, want 1", n)
		}
		// A retry whose first attempt did not send sends.
		other := retry
		other.Key = bot.DMKey{Kind: "assignment", ID: 43}
		if err := env.adapter.SendDM(ctx, other); err != nil {
			t.Fatal(err)
		}
		if n := dmsTo("assignment:43"); n != 1 {
			t.Errorf("a retry whose first attempt sent nothing: %d sent, want 1", n)
		}
	})
	for _, code := range []string{"user_not_found", "cannot_dm_bot", "account_inactive"} {
		t.Run("Permanent_"+code, func(t *testing.T) {
			env.fake.FailOpen("U9", code)
			m := msg
			m.To = model.User{ID: "U9"}
			err := env.adapter.SendDM(ctx, m)
			var pe *model.PermanentError
			if !errors.As(err, &pe) || pe.Reason.Detail != code {
				t.Errorf("error %#v", err)
			}
		})
	}
}

// TestUsersInfoWithoutUser: users.info answering ok with an empty user
// leaves the actor the payload's user ID and name, never an empty ID.
func TestUsersInfoWithoutUser(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	env.fake.AddUser(fakeslack.User{ID: "U9", Hollow: true})
	env.command(t, "U9", "/learn", "echo hi <@U9>")
	reqs := h.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	if got := reqs[0].Actor; got.ID != "U9" || got.Name != "u9" {
		t.Errorf("actor %+v; want the payload's U9 (u9)", got)
	}
	if u := reqs[0].Args[2].User; u == nil || u.ID != "U9" {
		t.Errorf("mention %+v; want U9", reqs[0].Args[2])
	}
}

// batchDedup answers SeenAmong, as the store does, and counts how the
// Homes of DM recipients were asked about. Its answers wait for gate.
type batchDedup struct {
	mu           sync.Mutex
	seen         map[string]bool
	single, many int
	gate         chan struct{}
}

func (d *batchDedup) FirstSeen(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	first := !d.seen[key]
	d.seen[key] = true
	return first, nil
}

func (d *batchDedup) Seen(_ context.Context, key string) (bool, error) {
	<-d.gate
	d.mu.Lock()
	defer d.mu.Unlock()
	d.single++
	return d.seen[key], nil
}

func (d *batchDedup) Touch(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[key] = true
	return nil
}

func (d *batchDedup) SeenAmong(_ context.Context, keys []string) (map[string]bool, error) {
	<-d.gate
	d.mu.Lock()
	defer d.mu.Unlock()
	d.many++
	out := map[string]bool{}
	for _, k := range keys {
		out[k] = d.seen[k]
	}
	return out, nil
}

// TestHomesAfterDMsAskedTogether: after a fan-out's DMs only the Homes
// opened before are published, and whether they were is asked of the store
// for up to 100 recipients at once, not once per DM.
func TestHomesAfterDMsAskedTogether(t *testing.T) {
	h := newTestHandler()
	d := &batchDedup{seen: map[string]bool{"slack:home:T1:U2": true}, gate: make(chan struct{})}
	env := newEnv(t, h, slack.WithDedup(d))
	addPeople(env.fake)
	ctx := context.Background()
	users := []string{"U2"}
	for i := range 149 {
		users = append(users, fmt.Sprintf("UX%03d", i))
	}
	for _, u := range users {
		msg := bot.Message{Platform: model.PlatformSlack, Workspace: "T1", To: model.User{ID: u}, Reply: bot.Reply{Text: "DM"}}
		if err := env.adapter.SendDM(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	close(d.gate) // the two refreshers held one recipient each; 148 are queued
	slack.WaitHomeRefreshes(env.adapter)
	views := env.fake.Views()
	if len(views) != 1 || views[0].UserID != "U2" {
		t.Errorf("views %+v, want U2's Home only (the others never opened theirs)", views)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.single != 0 || d.many > 4 {
		t.Errorf("asked %d times one by one and %d times together for 150 DMs; want at most 4 questions, each for many", d.single, d.many)
	}
}

// TestRespondLater: a press on a message carries its response_url, and
// Respond replaces the message through it once the press was answered (a
// decision resolved by a job); a press in the App Home tab carries none.
func TestRespondLater(t *testing.T) {
	h := newTestHandler()
	env := newEnv(t, h)
	addPeople(env.fake)
	env.press(t, "U1", "decision:only_new:7", env.fake.responseURL("prompt-9"), false)
	req := h.Requests()[0]
	if req.FollowUp != env.fake.responseURL("prompt-9") {
		t.Fatalf("FollowUp = %q, want the press's response_url", req.FollowUp)
	}
	reply := bot.Text("Only new: assigned Git basics to 1,500 people.")
	reply.Replace = true
	if err := env.adapter.Respond(context.Background(), "T1", req.FollowUp, reply); err != nil {
		t.Fatal(err)
	}
	posts := env.fake.Posts()
	p := posts[len(posts)-1]
	if p.ID != "prompt-9" || !p.ReplaceOriginal || fakeslack.TextOf(p.Blocks) != reply.Text {
		t.Errorf("post %+v, want the outcome replacing the prompt", p)
	}
	if err := env.adapter.Respond(context.Background(), "T1", "", reply); err == nil {
		t.Error("Respond without a response_url: no error")
	}
	env.press(t, "U1", "decision:only_new:7", "", true)
	if r := h.Requests(); r[len(r)-1].FollowUp != "" {
		t.Errorf("a press in the App Home carries FollowUp %q", r[len(r)-1].FollowUp)
	}
}
