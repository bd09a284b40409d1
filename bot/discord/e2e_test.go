package discord_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/discord"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// senderRef lets the core's queue be built before the adapter that sends.
type senderRef struct {
	p atomic.Pointer[discord.Adapter]
}

func (s *senderRef) SendDM(ctx context.Context, msg bot.Message) error {
	return s.p.Load().SendDM(ctx, msg)
}

// coreEnv is learnbot's real core behind the Discord endpoint.
func coreEnv(t testing.TB, db string, opts ...testbot.Option) (*env, *testbot.Bot) {
	t.Helper()
	return coreEnvIn(t, db, testGuild, opts...)
}

// coreEnvIn is coreEnv with DISCORD_GUILD_ID set to guild ("" registers
// the commands globally, for every server).
func coreEnvIn(t testing.TB, db, guild string, opts ...testbot.Option) (*env, *testbot.Bot) {
	t.Helper()
	ref := &senderRef{}
	b := testbot.New(t, db, map[string]bot.Sender{model.PlatformDiscord: ref},
		append([]testbot.Option{testbot.Admins("discord:" + guide.ID)}, opts...)...)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{fake: newFakeDiscord(t), priv: priv, now: time.Now()}
	e.adapter, err = discord.New(discord.Config{PublicKey: hex.EncodeToString(pub), BotToken: testToken, AppID: testApp,
		GuildID: guild, APIURL: e.fake.URL()}, b.Router, handlers.Completer{Store: b.Store, Admins: b.Config.Admins},
		discord.WithClock(func() time.Time { return e.now }), discord.WithLogger(quietLog),
		// These tests read the answer itself: a machine slowed by other work
		// must not turn it into a deferred one (interaction_test tests that).
		discord.WithDeferAfter(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ref.p.Store(e.adapter)
	mux := http.NewServeMux()
	e.adapter.Routes(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.srv.Close()
		e.adapter.Wait()
	})
	return e, b
}

// expect sends an interaction and checks the reply's type and words.
func expect(t *testing.T, e *env, interaction map[string]any, typ int, words ...string) response {
	t.Helper()
	r := e.interact(t, interaction)
	if r.Type != typ {
		t.Fatalf("response type %d, want %d: %+v", r.Type, typ, r)
	}
	for _, w := range words {
		if !strings.Contains(r.Data.Content, w) {
			t.Fatalf("reply %q does not say %q", r.Data.Content, w)
		}
	}
	return r
}

func TestDuplicateFlowEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, b := coreEnv(t, db)
		const role = "800000000000000007"
		ben := member{ID: "700000000000000003", Username: "ben"}
		carl := member{ID: "700000000000000004", GlobalName: "Carl", Username: "carl", Roles: []string{role}}
		annaWithRole := learner
		annaWithRole.Roles = []string{role}
		e.fake.setMembers(testGuild, guide.JSON(), annaWithRole.JSON(), ben.JSON(), carl.JSON())

		// Registration of the real command definitions.
		if err := e.adapter.Register(context.Background()); err != nil {
			t.Fatal(err)
		}

		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git-basics"), str("title", "Git basics"),
			str("url", "https://learn.test/git"))), 4, "Added the task git-basics")
		expect(t, e, slash(testGuild, guide, "group", sub("create", str("name", "cohort-7"))), 4, "cohort-7")
		expect(t, e, slash(testGuild, guide, "group", sub("add", str("name", "cohort-7"),
			str("members", "<@"+learner.ID+"> <@"+ben.ID+">"))), 4, "cohort-7")

		// Autocomplete offers the task key.
		ac := e.interact(t, autocomplete("assign", focused("task", "gi"), str("targets", "")))
		if ac.Type != 8 || !reflect.DeepEqual(ac.Data.Choices, []choice{{"git-basics", "git-basics"}}) {
			t.Errorf("autocomplete = %+v", ac)
		}

		// First assignment: nobody holds the task; Anna gets a DM.
		r := expect(t, e, slash(testGuild, guide, "assign", str("task", "git-basics"), str("targets", "<@"+learner.ID+">")),
			4, "Assigned", "git-basics")
		if r.Data.Flags != 64 {
			t.Errorf("reply not ephemeral: %+v", r)
		}
		b.WaitJobs(t)
		annaDMs := e.fake.waitFor(t, 1, "POST", "/channels/9"+learner.ID+"/messages")
		dmBody := annaDMs[0].JSON(t)
		if !strings.Contains(dmBody["content"].(string), "Git basics") || !strings.Contains(dmBody["content"].(string), "https://learn.test/git") {
			t.Errorf("DM = %s", annaDMs[0].Body)
		}
		var dm struct {
			Components []actionRow `json:"components"`
		}
		json.Unmarshal(annaDMs[0].Body, &dm)
		if len(dm.Components) != 1 || dm.Components[0].Components[0].Label != "Mark done" {
			t.Fatalf("DM buttons = %+v", dm.Components)
		}
		markDone := dm.Components[0].Components[0].CustomID

		// Again, with a role mention and a group: Anna holds it already.
		r = expect(t, e, slash(testGuild, guide, "assign", str("task", "git-basics"), str("targets", "<@&"+role+"> cohort-7")),
			4, "already assigned", "duplicate")
		bs := r.Data.buttons()
		if got := labels(bs); !reflect.DeepEqual(got, []string{"Do not assign", "Only new", "Force reassignment", "Show selected groups"}) {
			t.Fatalf("prompt buttons = %q", got)
		}
		if bs[2].Style != 4 {
			t.Errorf("Force reassignment style = %d, want 4 (Danger)", bs[2].Style)
		}
		for _, b := range bs {
			if len(b.CustomID) > 100 {
				t.Errorf("custom_id %q over 100 characters", b.CustomID)
			}
		}
		onlyNew, force, show := bs[1].CustomID, bs[2].CustomID, bs[3].CustomID

		// Forged, stale and unsigned presses of Force reassignment change nothing.
		body, _ := json.Marshal(press(testGuild, guide, force))
		_, otherKey, _ := ed25519.GenerateKey(nil)
		for name, h := range map[string]http.Header{
			"forged":   sign(otherKey, e.now, body),
			"stale":    sign(e.priv, e.now.Add(-6*time.Minute), body),
			"unsigned": {"Content-Type": {"application/json"}},
		} {
			if status, _ := e.postRaw(t, body, h); status != http.StatusUnauthorized {
				t.Errorf("%s press: status %d, want 401", name, status)
			}
		}

		r = expect(t, e, press(testGuild, guide, show), 4, "cohort-7", "The prompt is still open")
		if r.Data.Flags != 64 {
			t.Errorf("Show selected groups not ephemeral: %+v", r)
		}

		r = expect(t, e, press(testGuild, guide, onlyNew), 7, "Only new", "2 people")
		if r.Data.Components == nil || len(r.Data.Components) != 0 {
			t.Errorf("outcome still has components: %+v", r.Data.Components)
		}
		b.WaitJobs(t)
		e.fake.waitFor(t, 1, "POST", "/channels/9"+ben.ID+"/messages")
		e.fake.waitFor(t, 1, "POST", "/channels/9"+carl.ID+"/messages")
		if n := len(e.fake.find("POST", "/channels/9"+learner.ID+"/messages")); n != 1 {
			t.Errorf("Anna got %d DMs, want 1 (Only new)", n)
		}

		// A second click is refused and names the decision.
		expect(t, e, press(testGuild, guide, onlyNew), 4, "Already decided: Only new")

		// Anna marks her task done from the DM (no guild in the press).
		r = expect(t, e, press("", learner, markDone), 7, "Marked done")
		undo := r.Data.buttons()
		if len(undo) != 1 || undo[0].Label != "Undo" {
			t.Fatalf("Mark done outcome buttons = %+v", undo)
		}
		// The DM's answer carries the workspace in its Undo button too.
		expect(t, e, press("", learner, undo[0].CustomID), 7, "Reopened")
		expect(t, e, press("", learner, undo[0].CustomID), 4, "nothing to undo")
		expect(t, e, press("", learner, markDone), 7, "Marked done")
		r = expect(t, e, slash(testGuild, learner, "tasks"), 4, "git-basics", "done")
		if len(r.Data.buttons()) != 0 {
			t.Errorf("done task still has a button: %+v", r.Data.buttons())
		}
	})
}

func TestRoleMentionWithoutMembersIntent(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, _ := coreEnv(t, db)
		e.fake.fail("GET", "/guilds/"+testGuild+"/members", failure{status: 403, body: `{"message": "Missing Access", "code": 50001}`})
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git"))), 4, "Added")
		expect(t, e, slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@&800000000000000007>")),
			4, "Server Members Intent", "Privileged Gateway Intents")
	})
}

func TestDMsClosedShownInProgress(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, b := coreEnv(t, db)
		e.fake.fail("POST", "/channels/9"+learner.ID+"/messages", failure{status: 403,
			body: `{"message": "Cannot send messages to this user", "code": 50007}`})
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git"))), 4, "Added")
		expect(t, e, slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@"+learner.ID+">")), 4, "Assigned")
		b.WaitJobs(t)
		expect(t, e, slash(testGuild, guide, "progress", str("task", "git")), 4, "DMs closed")
	})
}

// TestAutocompleteRespectsRoles: task keys are suggested only to someone
// who may run the command being typed; a learner, and a member learnbot
// has not met, get none.
func TestAutocompleteRespectsRoles(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, _ := coreEnv(t, db)
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git-basics"), str("title", "Git basics"))), 4, "git-basics")
		expect(t, e, slash(testGuild, learner, "tasks"), 4)
		complete := func(by member, command string) []string {
			t.Helper()
			i := slash(testGuild, by, command, focused("task", "gi"))
			i["type"] = 4
			r := e.interact(t, i)
			if r.Type != 8 {
				t.Fatalf("autocomplete answered type %d", r.Type)
			}
			var keys []string
			for _, c := range r.Data.Choices {
				keys = append(keys, c.Value)
			}
			return keys
		}
		if got := complete(guide, "assign"); !reflect.DeepEqual(got, []string{"git-basics"}) {
			t.Errorf("the admin got %q; want git-basics", got)
		}
		for _, command := range []string{"assign", "progress"} {
			if got := complete(learner, command); len(got) != 0 {
				t.Errorf("a learner got task keys for /%s: %q", command, got)
			}
		}
		if got := complete(member{ID: "700000000000000099", Username: "stranger"}, "assign"); len(got) != 0 {
			t.Errorf("a member not met yet got task keys: %q", got)
		}
	})
}

// TestUnmetUserShownAsMention: a user mentioned in a string option, whom
// the bot has not met, is named by their mention in the reply (Discord
// shows their name), never by a bare number.
func TestUnmetUserShownAsMention(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e, _ := coreEnv(t, db)
		const stranger = "910000000000000001"
		expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git basics"))), 4, "Added")
		r := expect(t, e, slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@"+stranger+">")), 4, "Assigned")
		content := r.Data.Content
		if !strings.Contains(content, "<@"+stranger+">") || strings.Contains(strings.ReplaceAll(content, "<@"+stranger+">", ""), stranger) {
			t.Fatalf("reply %q; want the stranger as <@%s>, never the bare number", content, stranger)
		}
	})
}

// TestTasksInDirectMessage: /tasks works in the bot's direct messages, about
// the one server of DISCORD_GUILD_ID or else the one server the learner is
// known in; Mark done on its answer works there too. A guide's commands stay
// in the server.
func TestTasksInDirectMessage(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		for _, guild := range []string{testGuild, ""} {
			name := map[string]string{testGuild: "OneServer", "": "KnownServer"}[guild]
			t.Run(name, func(t *testing.T) {
				e, _ := coreEnvIn(t, db, guild)
				if guild == "" {
					expect(t, e, slash("", learner, "tasks"), 4, "I don't know your server yet")
				}
				expect(t, e, slash(testGuild, guide, "task", sub("add", str("key", "git"), str("title", "Git basics"))), 4, "Added the task git")
				expect(t, e, slash(testGuild, guide, "assign", str("task", "git"), str("targets", "<@"+learner.ID+">")), 4, "Assigned")
				r := expect(t, e, slash("", learner, "tasks"), 4, "Git basics")
				buttons := r.Data.buttons()
				if len(buttons) != 1 || !strings.HasPrefix(buttons[0].CustomID, "dm:"+testGuild+":") {
					t.Fatalf("buttons of /tasks in a DM = %+v; want Mark done for %s", buttons, testGuild)
				}
				expect(t, e, press("", learner, buttons[0].CustomID), 7, "Marked done")
				expect(t, e, slash("", guide, "assign", str("task", "git"), str("targets", "<@"+learner.ID+">")), 4, "in a server")
			})
		}
	})
}
