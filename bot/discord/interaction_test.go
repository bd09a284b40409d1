package discord_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/model"
)

// argString renders args as the test expects them: plain words, users as
// user(id,name), roles as role(id,name).
func argString(args []bot.Arg) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.User != nil:
			parts = append(parts, fmt.Sprintf("user(%s,%s)", a.User.ID, a.User.Name))
		case a.Group != nil:
			parts = append(parts, fmt.Sprintf("%s(%s,%s)", a.Group.Kind, a.Group.ID, a.Group.Name))
		default:
			parts = append(parts, a.Text)
		}
	}
	return strings.Join(parts, " ")
}

func TestCommandBecomesRequest(t *testing.T) {
	withResolved := func(i map[string]any, resolved map[string]any) map[string]any {
		i["data"].(map[string]any)["resolved"] = resolved
		return i
	}
	cases := []struct {
		name        string
		interaction map[string]any
		want        string
	}{
		{"AssignWithMentionsRolesAndGroups",
			slash(testGuild, guide, "assign", str("task", "git-basics"),
				str("targets", "<@701> <@&801>  cohort-7 <@!702><@703>")),
			"assign git-basics user(701,<@701>) role(801,) cohort-7 user(702,<@702>) user(703,<@703>)"},
		{"OptionsInDefinitionOrderNotArrivalOrder",
			slash(testGuild, guide, "assign", str("targets", "<@701>"), str("task", "git-basics")),
			"assign git-basics user(701,<@701>)"},
		{"BareInviteIsEmailSubcommand",
			slash(testGuild, guide, "invite", sub("email", str("address", "anna@example.com"), str("role", "guide"))),
			"invite anna@example.com guide"},
		{"AbsentOptionalOptionSkipped",
			slash(testGuild, guide, "invite", sub("email", str("address", "anna@example.com"))),
			"invite anna@example.com"},
		{"SubcommandWords",
			slash(testGuild, guide, "invite", sub("again", str("address", "anna@example.com"))),
			"invite again anna@example.com"},
		{"SubcommandWithoutOptions", slash(testGuild, guide, "group", sub("list")), "group list"},
		{"RestOptionSplitIntoWords",
			slash(testGuild, guide, "task", sub("add", str("url", "https://x.test/git"), str("key", "git"), str("title", "Git  basics, part 1"))),
			"task add git Git basics, part 1 https://x.test/git"},
		{"GroupMembersMentions",
			slash(testGuild, guide, "group", sub("add", str("name", "cohort-7"), str("members", "<@701> ben@example.com"))),
			"group add cohort-7 user(701,<@701>) ben@example.com"},
		{"UserOptionNamedFromResolvedMember",
			withResolved(slash(testGuild, guide, "role", opt("member", 6, "701"), str("role", "guide")),
				map[string]any{"users": map[string]any{"701": map[string]any{"id": "701", "username": "ben", "global_name": "Ben B"}},
					"members": map[string]any{"701": map[string]any{"nick": "Benny", "roles": []any{}}}}),
			"role user(701,Benny) guide"},
		{"UserOptionNamedFromResolvedUser",
			withResolved(slash(testGuild, guide, "role", opt("member", 6, "701"), str("role", "guide")),
				map[string]any{"users": map[string]any{"701": map[string]any{"id": "701", "username": "ben", "global_name": "Ben B"}}}),
			"role user(701,Ben B) guide"},
		{"NoOptions", slash(testGuild, guide, "tasks"), "tasks"},
		{"AssignDueOptionAfterItsKeyword",
			slash(testGuild, guide, "assign", str("due", "2026-12-04"), str("task", "git"), str("targets", "<@701> cohort-7")),
			"assign git user(701,<@701>) cohort-7 due 2026-12-04"},
		{"DueWithoutTargets",
			slash(testGuild, guide, "due", str("when", "none"), str("task", "git")),
			"due git none"},
		{"DueWithTargets",
			slash(testGuild, guide, "due", str("targets", "<@&801>"), str("when", "3d"), str("task", "git")),
			"due git 3d role(801,)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			e := newEnv(t, rec, nil)
			e.interact(t, c.interaction)
			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("handler ran %d times", len(reqs))
			}
			r := reqs[0]
			if got := argString(r.Args); got != c.want {
				t.Errorf("args = %q, want %q", got, c.want)
			}
			if r.Platform != model.PlatformDiscord || r.Workspace != testGuild || r.Action != nil {
				t.Errorf("request = %+v", r)
			}
			if r.Actor != (model.User{ID: guide.ID, Name: "Gina"}) {
				t.Errorf("actor = %+v", r.Actor)
			}
			if r.Directory == nil {
				t.Error("no directory")
			}
		})
	}
}

func TestActorDisplayName(t *testing.T) {
	for _, c := range []struct {
		name string
		m    member
		want string
	}{
		{"NickFirst", member{ID: "1", Nick: "Nick", GlobalName: "Global", Username: "user"}, "Nick"},
		{"GlobalNameWithoutNick", member{ID: "1", GlobalName: "Global", Username: "user"}, "Global"},
		{"UsernameLast", member{ID: "1", Username: "user"}, "user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			e := newEnv(t, rec, nil)
			e.interact(t, slash(testGuild, c.m, "tasks"))
			if got := rec.requests()[0].Actor.Name; got != c.want {
				t.Errorf("name = %q, want %q", got, c.want)
			}
		})
	}
}

// TestCommandInDMRefused: a command Discord offers only in servers (here
// one the adapter does not know as a learner's) is refused in a direct
// message before any handler runs.
func TestCommandInDMRefused(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, rec, nil)
	r := e.interact(t, slash("", guide, "assign"))
	if r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "server") {
		t.Errorf("response = %+v", r)
	}
	if len(rec.requests()) != 0 {
		t.Error("handler ran")
	}
}

func TestReplyRendering(t *testing.T) {
	t.Run("EphemeralWithButtonRows", func(t *testing.T) {
		var bs []bot.Button
		for i := range 7 {
			bs = append(bs, bot.Button{Label: fmt.Sprintf("B%d", i), ID: fmt.Sprintf("x:%d", i)})
		}
		bs[1].Style, bs[2].Style = bot.StylePrimary, bot.StyleDanger
		rec := &recorder{reply: func(*bot.Request) *bot.Reply { return &bot.Reply{Text: "pick", Buttons: bs} }}
		e := newEnv(t, rec, nil)
		r := e.interact(t, slash(testGuild, guide, "tasks"))
		if r.Type != 4 || r.Data.Flags != 64 || r.Data.Content != "pick" {
			t.Errorf("response = %+v", r)
		}
		if len(r.Data.Components) != 2 || len(r.Data.Components[0].Components) != 5 || len(r.Data.Components[1].Components) != 2 {
			t.Fatalf("rows = %+v", r.Data.Components)
		}
		got := r.Data.buttons()
		wantStyles := []int{2, 1, 4, 2, 2, 2, 2}
		for i, b := range got {
			if b.Type != 2 || b.Style != wantStyles[i] || b.CustomID != bs[i].ID || b.Label != bs[i].Label {
				t.Errorf("button %d = %+v", i, b)
			}
		}
		if parse, ok := r.Data.Mentions["parse"].([]any); !ok || len(parse) != 0 {
			t.Errorf("allowed_mentions = %v; replies must ping nobody", r.Data.Mentions)
		}
	})
	t.Run("PublicReplyNotEphemeral", func(t *testing.T) {
		e := newEnv(t, &recorder{reply: func(*bot.Request) *bot.Reply { return &bot.Reply{Text: "hi", Public: true} }}, nil)
		if r := e.interact(t, slash(testGuild, guide, "tasks")); r.Type != 4 || r.Data.Flags != 0 {
			t.Errorf("response = %+v", r)
		}
	})
	t.Run("LongTextCut", func(t *testing.T) {
		long := strings.Repeat("a line of the task list\n", 200)
		e := newEnv(t, &recorder{reply: func(*bot.Request) *bot.Reply { return bot.Text("%s", long) }}, nil)
		r := e.interact(t, slash(testGuild, guide, "tasks"))
		if n := len([]rune(r.Data.Content)); n > 2000 || n < 1900 || !strings.HasSuffix(r.Data.Content, "…") {
			t.Errorf("content has %d characters: %q", n, r.Data.Content[len(r.Data.Content)-40:])
		}
	})
	t.Run("OverlongCustomIDDropped", func(t *testing.T) {
		e := newEnv(t, &recorder{reply: func(*bot.Request) *bot.Reply {
			return &bot.Reply{Text: "x", Buttons: []bot.Button{{Label: "ok", ID: "a:1"}, {Label: "long", ID: strings.Repeat("b", 101)}}}
		}}, nil)
		r := e.interact(t, slash(testGuild, guide, "tasks"))
		if got := labels(r.Data.buttons()); !reflect.DeepEqual(got, []string{"ok"}) {
			t.Errorf("buttons = %v", got)
		}
	})
	t.Run("PanicBecomesMessage", func(t *testing.T) {
		e := newEnv(t, handlerFunc(func(context.Context, *bot.Request) *bot.Reply { panic("boom") }), nil)
		r := e.interact(t, slash(testGuild, guide, "tasks"))
		if r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "went wrong") {
			t.Errorf("response = %+v", r)
		}
	})
}

func TestButtonPress(t *testing.T) {
	t.Run("ReplaceUpdatesMessageWithoutButtons", func(t *testing.T) {
		rec := &recorder{reply: func(*bot.Request) *bot.Reply { return &bot.Reply{Text: "Only new: assigned.", Replace: true} }}
		e := newEnv(t, rec, nil)
		r := e.interact(t, press(testGuild, guide, "decision:only_new:abc"))
		if r.Type != 7 || r.Data.Content != "Only new: assigned." {
			t.Errorf("response = %+v", r)
		}
		if r.Data.Components == nil || len(r.Data.Components) != 0 {
			t.Errorf("components = %#v, want [] (buttons removed)", r.Data.Components)
		}
		req := rec.requests()[0]
		if req.Action == nil || req.Action.ID != "decision:only_new:abc" || req.Args != nil || req.Workspace != testGuild {
			t.Errorf("request = %+v", req)
		}
	})
	t.Run("NoReplaceSendsNewEphemeralMessage", func(t *testing.T) {
		e := newEnv(t, &recorder{reply: func(*bot.Request) *bot.Reply { return bot.Text("groups: ...") }}, nil)
		r := e.interact(t, press(testGuild, guide, "decision:show_groups:abc"))
		if r.Type != 4 || r.Data.Flags != 64 || r.Data.Content != "groups: ..." {
			t.Errorf("response = %+v", r)
		}
	})
	t.Run("PressInDMCarriesWorkspace", func(t *testing.T) {
		rec := &recorder{reply: func(*bot.Request) *bot.Reply { return &bot.Reply{Text: "Done", Replace: true} }}
		e := newEnv(t, rec, nil)
		r := e.interact(t, press("", learner, "dm:"+testGuild+":done:42"))
		if r.Type != 7 {
			t.Errorf("response = %+v", r)
		}
		req := rec.requests()[0]
		if req.Workspace != testGuild || req.Action.ID != "done:42" || req.Actor.ID != learner.ID || req.Actor.Name != "Anna" {
			t.Errorf("request = %+v, action %+v", req, req.Action)
		}
	})
	t.Run("PressInDMWithoutWorkspaceRefused", func(t *testing.T) {
		rec := &recorder{}
		e := newEnv(t, rec, nil)
		r := e.interact(t, press("", learner, "done:42"))
		if r.Type != 4 || r.Data.Flags != 64 || len(rec.requests()) != 0 {
			t.Errorf("response = %+v, handler ran %d times", r, len(rec.requests()))
		}
	})
}

// slowHandler answers when released.
type slowHandler struct {
	release chan struct{}
	reply   *bot.Reply
}

func (h *slowHandler) Handle(ctx context.Context, _ *bot.Request) *bot.Reply {
	<-h.release
	return h.reply
}

func TestDeferredReplies(t *testing.T) {
	t.Run("CommandDeferredThenOriginalEdited", func(t *testing.T) {
		h := &slowHandler{release: make(chan struct{}), reply: &bot.Reply{Text: "slow answer", Buttons: []bot.Button{{Label: "Go", ID: "x:1"}}}}
		e := newEnv(t, h, nil, discord.WithDeferAfter(20*time.Millisecond))
		i := slash(testGuild, guide, "tasks")
		r := e.interact(t, i)
		if r.Type != 5 || r.Data.Flags != 64 {
			t.Errorf("first response = %+v, want type 5, ephemeral", r)
		}
		close(h.release)
		calls := e.fake.waitFor(t, 1, "PATCH", "/webhooks/"+testApp+"/"+i["token"].(string)+"/messages/@original")
		body := calls[0].JSON(t)
		if body["content"] != "slow answer" || len(body["components"].([]any)) != 1 {
			t.Errorf("edit = %s", calls[0].Body)
		}
	})
	t.Run("PressDeferredThenPromptReplaced", func(t *testing.T) {
		h := &slowHandler{release: make(chan struct{}), reply: &bot.Reply{Text: "decided", Replace: true}}
		e := newEnv(t, h, nil, discord.WithDeferAfter(20*time.Millisecond))
		i := press(testGuild, guide, "decision:force:1")
		if r := e.interact(t, i); r.Type != 6 {
			t.Errorf("first response = %+v, want type 6", r)
		}
		close(h.release)
		calls := e.fake.waitFor(t, 1, "PATCH", "/webhooks/"+testApp+"/"+i["token"].(string)+"/messages/@original")
		body := calls[0].JSON(t)
		if body["content"] != "decided" || body["components"] == nil || len(body["components"].([]any)) != 0 {
			t.Errorf("edit = %s, want the outcome with components []", calls[0].Body)
		}
	})
	t.Run("PressDeferredThenEphemeralFollowUp", func(t *testing.T) {
		h := &slowHandler{release: make(chan struct{}), reply: bot.Text("members: ...")}
		e := newEnv(t, h, nil, discord.WithDeferAfter(20*time.Millisecond))
		i := press(testGuild, guide, "decision:show_groups:1")
		if r := e.interact(t, i); r.Type != 6 {
			t.Errorf("first response = %+v, want type 6", r)
		}
		close(h.release)
		calls := e.fake.waitFor(t, 1, "POST", "/webhooks/"+testApp+"/"+i["token"].(string))
		body := calls[0].JSON(t)
		if body["content"] != "members: ..." || body["flags"] != float64(64) {
			t.Errorf("follow-up = %s", calls[0].Body)
		}
	})
	t.Run("FastReplyNotDeferred", func(t *testing.T) {
		e := newEnv(t, &recorder{}, nil)
		if r := e.interact(t, slash(testGuild, guide, "tasks")); r.Type != 4 {
			t.Errorf("response = %+v", r)
		}
		if n := len(e.fake.Calls()); n != 0 {
			t.Errorf("%d REST calls for an inline reply", n)
		}
	})
}

// completer is a TaskCompleter over a fixed list of keys.
type completer struct {
	keys []string
	err  error
	got  []string // "platform workspace prefix" of each call
}

func (c *completer) CompleteTasks(_ context.Context, platform, workspace string, _ model.User, _ model.Role, prefix string) ([]string, error) {
	c.got = append(c.got, platform+" "+workspace+" "+prefix)
	var out []string
	for _, k := range c.keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out, c.err
}

func autocomplete(name string, opts ...map[string]any) map[string]any {
	i := slash(testGuild, guide, name, opts...)
	i["type"] = 4
	return i
}

func focused(name, value string) map[string]any {
	o := str(name, value)
	o["focused"] = true
	return o
}

func TestAutocomplete(t *testing.T) {
	var keys []string
	for i := range 30 {
		keys = append(keys, fmt.Sprintf("git-%02d", i))
	}
	keys = append(keys, "python")
	t.Run("AtMost25TaskKeys", func(t *testing.T) {
		c := &completer{keys: keys}
		e := newEnv(t, &recorder{}, c)
		r := e.interact(t, autocomplete("assign", focused("task", "git"), str("targets", "")))
		if r.Type != 8 || len(r.Data.Choices) != 25 || r.Data.Choices[0] != (choice{"git-00", "git-00"}) {
			t.Errorf("response = %+v", r)
		}
		if !reflect.DeepEqual(c.got, []string{"discord " + testGuild + " git"}) {
			t.Errorf("completer calls = %q", c.got)
		}
	})
	t.Run("ProgressTask", func(t *testing.T) {
		e := newEnv(t, &recorder{}, &completer{keys: keys})
		r := e.interact(t, autocomplete("progress", focused("task", "py")))
		if r.Type != 8 || len(r.Data.Choices) != 1 || r.Data.Choices[0].Value != "python" {
			t.Errorf("response = %+v", r)
		}
	})
	t.Run("NoChoicesOnError", func(t *testing.T) {
		e := newEnv(t, &recorder{}, &completer{err: errors.New("db down")})
		if r := e.interact(t, autocomplete("progress", focused("task", "py"))); r.Type != 8 || len(r.Data.Choices) != 0 {
			t.Errorf("response = %+v", r)
		}
	})
	t.Run("NoChoicesForOtherOptions", func(t *testing.T) {
		c := &completer{keys: keys}
		e := newEnv(t, &recorder{}, c)
		if r := e.interact(t, autocomplete("assign", str("task", "git"), focused("targets", "g"))); r.Type != 8 || len(r.Data.Choices) != 0 {
			t.Errorf("response = %+v", r)
		}
		if len(c.got) != 0 {
			t.Errorf("completer called: %q", c.got)
		}
	})
}

// TestOptionValuesTypeChecked: a null, mistyped or malformed option value is
// refused with a reply naming the option; the handler never sees "<nil>".
func TestOptionValuesTypeChecked(t *testing.T) {
	cases := []struct {
		name        string
		interaction map[string]any
		option      string
	}{
		{"NullTitle", slash(testGuild, guide, "task", sub("add", str("key", "git"), opt("title", 3, nil))), "title"},
		{"NumberTitle", slash(testGuild, guide, "task", sub("add", str("key", "git"), opt("title", 3, 42))), "title"},
		{"NullMember", slash(testGuild, guide, "role", opt("member", 6, nil), str("role", "guide")), "member"},
		{"MemberNotAnID", slash(testGuild, guide, "role", opt("member", 6, "<@701>"), str("role", "guide")), "member"},
		{"NullTargets", slash(testGuild, guide, "assign", str("task", "git"), opt("targets", 3, nil)), "targets"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			e := newEnv(t, rec, nil)
			r := e.interact(t, c.interaction)
			if len(rec.requests()) != 0 {
				t.Fatalf("handler ran with %q", argString(rec.requests()[0].Args))
			}
			if r.Type != 4 || r.Data.Flags != 64 || !strings.Contains(r.Data.Content, strconv.Quote(c.option)) ||
				strings.Contains(r.Data.Content, "nil") {
				t.Fatalf("response = %+v; want an ephemeral reply naming the option %q", r, c.option)
			}
		})
	}
}

// TestRespondLater: a press's request carries its interaction's route, and
// Respond edits the pressed message through it once the interaction was
// answered (a decision resolved by a job); a route that is not one is
// refused without a call.
func TestRespondLater(t *testing.T) {
	rec := &recorder{}
	e := newEnv(t, rec, nil)
	i := press(testGuild, guide, "decision:only_new:1")
	e.interact(t, i)
	reqs := rec.requests()
	token := i["token"].(string)
	if len(reqs) != 1 || reqs[0].FollowUp != testApp+"/"+token {
		t.Fatalf("requests %+v, want one whose FollowUp is the application and the token", reqs)
	}
	reply := bot.Text("Only new: assigned Git basics to 1,500 people.")
	reply.Replace = true
	if err := e.adapter.Respond(context.Background(), testGuild, reqs[0].FollowUp, reply); err != nil {
		t.Fatal(err)
	}
	calls := e.fake.waitFor(t, 1, "PATCH", "/webhooks/"+testApp+"/"+token+"/messages/@original")
	if body := calls[0].JSON(t); body["content"] != reply.Text || len(body["components"].([]any)) != 0 {
		t.Errorf("edit = %s, want the outcome without buttons", calls[0].Body)
	}
	before := len(e.fake.Calls())
	for _, bad := range []string{"", testApp, "/" + token, testApp + "/"} {
		if err := e.adapter.Respond(context.Background(), testGuild, bad, reply); err == nil {
			t.Errorf("Respond through %q: no error", bad)
		}
	}
	if n := len(e.fake.Calls()); n != before {
		t.Errorf("%d calls for routes that are none", n-before)
	}
}
