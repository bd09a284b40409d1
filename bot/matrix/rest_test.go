package matrix_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/internal/pacer"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// env is learnbot on a Dendrite: a bot account, a guide (an admin), two
// learners, and a room of the three with the bot, "#<tag>:localhost".
type env struct {
	t        *testing.T
	hs       *homeserver
	tag      string
	botUser  id.UserID
	botToken string
	guide    *peer
	anna     *peer
	bob      *peer
	b        *testbot.Bot
	fwd      *lateHandler
	a        *matrix.Adapter
	stop     func()
	room     id.RoomID
	log      *slog.Logger
}

// newEnv starts the bot as serve wires it: direct rooms, sync position and
// seen events in the store, rules told about joins.
func newEnv(t *testing.T, hs *homeserver, db, tag string) *env {
	t.Helper()
	tag = tag + "_" + db
	e := &env{t: t, hs: hs, tag: tag, fwd: &lateHandler{},
		log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	e.botUser, e.botToken = hs.register(t, "learnbot_"+tag)
	e.guide = hs.peer(t, "guide_"+tag)
	e.anna = hs.peer(t, "anna_"+tag)
	e.bob = hs.peer(t, "bob_"+tag)
	var err error
	e.a, err = e.adapter()
	if err != nil {
		t.Fatal(err)
	}
	e.b = testbot.New(t, db, map[string]bot.Sender{model.PlatformMatrix: e.a}, testbot.Admins("matrix:"+e.guide.id().String()))
	e.fwd.set(e.b.Router)
	e.stop = run(t, e.a)
	created, err := e.guide.c.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "private_chat",
		Invite: []id.UserID{e.botUser, e.anna.id(), e.bob.id()}, Name: "Onboarding", RoomAliasName: tag})
	if err != nil {
		t.Fatal(err)
	}
	e.room = created.RoomID
	e.guide.wait("the bot to join", joined(e.room, e.botUser))
	e.anna.join(e.room)
	e.bob.join(e.room)
	return e
}

// adapter is a new adapter on the env's account and store, as after a
// restart; opts come after serve's.
func (e *env) adapter(opts ...matrix.Option) (*matrix.Adapter, error) {
	base := []matrix.Option{matrix.WithLogger(e.log), matrix.WithDMRooms(lateRooms{e}), matrix.WithSyncPositions(lateStore{e}),
		matrix.WithDedup(lateStore{e}), matrix.WithJoiner(lateJoiner{e})}
	return matrix.New(matrix.Config{HomeserverURL: e.hs.URL, UserID: e.botUser.String(), AccessToken: e.botToken}, e.fwd,
		append(base, opts...)...)
}

// lateRooms, lateStore and lateJoiner reach the store and handlers made
// after the first adapter (the queue needs it as its sender first).
type lateRooms struct{ e *env }

func (l lateRooms) KeepDMRoom(ctx context.Context, workspace, user, room string) error {
	return storeRooms{l.e.b.Store}.KeepDMRoom(ctx, workspace, user, room)
}

type lateStore struct{ e *env }

func (l lateStore) SyncPosition(ctx context.Context, workspace, account string) (string, error) {
	return l.e.b.Store.SyncPosition(ctx, model.PlatformMatrix, workspace, account)
}

func (l lateStore) SaveSyncPosition(ctx context.Context, workspace, account, position string) error {
	return l.e.b.Store.SaveSyncPosition(ctx, model.PlatformMatrix, workspace, account, position)
}

func (l lateStore) FirstSeen(ctx context.Context, key string) (bool, error) {
	return l.e.b.Store.FirstSeen(ctx, key)
}

type lateJoiner struct{ e *env }

func (l lateJoiner) Joined(ctx context.Context, platform, workspace string, source bot.PlatformGroup, users []model.User) error {
	return l.e.b.Handlers.Joined(ctx, platform, workspace, source, users)
}

// command says text in the shared room as p and returns the bot's answer.
func (e *env) command(p *peer, text string) *event.Event {
	e.t.Helper()
	cmd := p.say(e.room, text)
	return p.wait("the answer to "+text, noticeReplying(e.botUser, cmd))
}

// dmRoom is the direct room the bot invites p to next (the first one not
// in except), joined.
func (e *env) dmRoom(p *peer, except ...id.RoomID) id.RoomID {
	e.t.Helper()
	evt := p.wait("an invitation to a direct room", func(evt *event.Event) bool {
		for _, r := range except {
			if evt.RoomID == r {
				return false
			}
		}
		return invited(p.id())(evt) && evt.Sender == e.botUser && evt.Content.AsMember().IsDirect
	})
	p.join(evt.RoomID)
	return evt.RoomID
}

// botMessage matches the bot's message in room whose text has want.
func (e *env) botMessage(room id.RoomID, want string) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		return evt.RoomID == room && evt.Type == event.EventMessage && evt.Sender == e.botUser &&
			evt.Content.AsMessage().RelatesTo.GetReplaceID() == "" && strings.Contains(body(evt), want)
	}
}

// offered matches the bot's reaction key on msg.
func (e *env) offered(msg id.EventID, key string) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		r := evt.Content.AsReaction()
		return evt.Type == event.EventReaction && evt.Sender == e.botUser && r.RelatesTo.EventID == msg && r.RelatesTo.Key == key
	}
}

// editOf matches the bot's edit of msg whose new text has want.
func (e *env) editOf(msg id.EventID, want string) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		if evt.Type != event.EventMessage || evt.Sender != e.botUser {
			return false
		}
		m := evt.Content.AsMessage()
		return m.RelatesTo.GetReplaceID() == msg && m.NewContent != nil && strings.Contains(m.NewContent.Body, want)
	}
}

// assignmentState is the state of a person's assignment of a task.
func (e *env) assignmentState(p *peer, task string) string {
	e.t.Helper()
	ctx := context.Background()
	person, err := e.b.Store.PersonByChat(ctx, model.PlatformMatrix, "localhost", p.id().String())
	if err != nil {
		e.t.Fatal(err)
	}
	for id := int64(1); id < 100; id++ {
		v, err := e.b.Store.AssignmentByID(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			break
		}
		if err != nil {
			e.t.Fatal(err)
		}
		if v.PersonID == person.ID && v.TaskKey == task {
			return v.State
		}
	}
	return ""
}

// TestMatrixDMReactions: Mark done, Undo and Accept by reaction on the bot's
// DMs, the outcome editing the DM; a list of tasks numbered, ✅ for a lone
// open task, "done 2" as a reply; a reaction by someone the message is not
// for refused in a notice replying to it, changing nothing.
func TestMatrixDMReactions(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e := newEnv(t, hs, db, "react")
		e.command(e.guide, "!learn task add git Git basics")
		e.command(e.guide, "!assign git "+e.anna.id().String())
		dm := e.dmRoom(e.anna)
		msg := e.anna.wait("the DM of git", e.botMessage(dm, "Git basics"))
		if !strings.Contains(body(msg), "1 Mark done") || !strings.Contains(body(msg), "✅") {
			t.Errorf("the DM reads %q; want its choice numbered and ✅ named", body(msg))
		}
		e.anna.wait("the bot to offer ✅ on the DM", e.offered(msg.ID, "✅"))

		e.anna.react(dm, msg.ID, "✅")
		e.anna.wait("the DM edited to done, with Undo", e.editOf(msg.ID, "Marked done"))
		e.anna.wait("the bot to offer ↩️", e.offered(msg.ID, "↩️"))
		if s := e.assignmentState(e.anna, "git"); s != storage.AssignmentDone {
			t.Errorf("after ✅ the assignment is %q; want done", s)
		}
		e.anna.react(dm, msg.ID, "↩️")
		e.anna.wait("the DM edited to open again", e.editOf(msg.ID, "Reopened"))
		if s := e.assignmentState(e.anna, "git"); s != storage.AssignmentOpen {
			t.Errorf("after ↩️ the assignment is %q; want open", s)
		}

		// anna's list, in the shared room: one open task, offered as ✅;
		// bob's ✅ is refused in a notice replying to it.
		list := e.command(e.anna, "!tasks")
		e.anna.wait("✅ offered on the list", e.offered(list.ID, "✅"))
		refused := e.bob.react(e.room, list.ID, "✅")
		refusal := e.bob.wait("the refusal of bob's ✅", noticeReplying(e.botUser, refused))
		if !strings.Contains(body(refusal), "someone else") {
			t.Errorf("bob's ✅ was answered %q", body(refusal))
		}
		if s := e.assignmentState(e.anna, "git"); s != storage.AssignmentOpen {
			t.Errorf("after bob's ✅ anna's assignment is %q; want open", s)
		}

		// Two open tasks are numbered; "done 2" marks the second (the
		// older, git: the newest comes first).
		e.command(e.guide, "!learn task add sql SQL basics")
		e.command(e.guide, "!assign sql "+e.anna.id().String())
		e.anna.wait("the DM of sql", e.botMessage(dm, "SQL basics"))
		list = e.command(e.anna, "!tasks")
		e.anna.wait("2️⃣ offered on the list", e.offered(list.ID, "2️⃣"))
		reply := &event.MessageEventContent{MsgType: event.MsgText, Body: "done 2", RelatesTo: (&event.RelatesTo{}).SetReplyTo(list.ID)}
		if _, err := e.anna.c.SendMessageEvent(context.Background(), e.room, event.EventMessage, reply); err != nil {
			t.Fatal(err)
		}
		e.anna.wait("the list edited to git done", e.editOf(list.ID, "Git basics"))
		if git, sql := e.assignmentState(e.anna, "git"), e.assignmentState(e.anna, "sql"); git != storage.AssignmentDone || sql != storage.AssignmentOpen {
			t.Errorf(`after "done 2": git %q, sql %q; want done, open`, git, sql)
		}

		// An invitation DM to a linked Matrix user: ✅ accepts it.
		ctx := context.Background()
		guide, err := e.b.Store.PersonByChat(ctx, model.PlatformMatrix, "localhost", e.guide.id().String())
		if err != nil {
			t.Fatal(err)
		}
		dan := hs.peer(t, "dan_"+e.tag)
		_, err = e.b.Store.CreateInvitation(ctx, storage.InviteParams{WorkspaceID: guide.WorkspaceID, Email: "dan@example.org",
			Role: model.RoleGuide, InvitedBy: guide.ID, ByRole: model.RoleAdmin, TTL: 24 * time.Hour, PublicURL: "http://learnbot.test",
			ChatUser: &model.User{ID: dan.id().String(), Name: "dan"}})
		if err != nil {
			t.Fatal(err)
		}
		danDM := e.dmRoom(dan)
		invitation := dan.wait("the invitation DM", e.botMessage(danDM, "Accept"))
		dan.wait("✅ offered on the invitation", e.offered(invitation.ID, "✅"))
		dan.react(danDM, invitation.ID, "✅")
		dan.wait("the invitation edited to accepted", e.editOf(invitation.ID, "Welcome"))
		person, err := e.b.Store.PersonByChat(ctx, model.PlatformMatrix, "localhost", dan.id().String())
		if err != nil || person.Role != model.RoleGuide || person.Status != "active" {
			t.Errorf("after ✅ dan is %+v (%v); want an active guide", person, err)
		}
	})
}

// TestMatrixDirectRooms: the bot marks a learner's direct room in its
// m.direct and reuses it; a learner who left gets a new one, and the old
// one is no longer direct nor kept.
func TestMatrixDirectRooms(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e := newEnv(t, hs, db, "direct")
		ctx := context.Background()
		botClient, err := mautrix.NewClient(hs.URL, e.botUser, e.botToken)
		if err != nil {
			t.Fatal(err)
		}
		direct := func() map[id.UserID][]id.RoomID {
			m := map[id.UserID][]id.RoomID{}
			if err := botClient.GetAccountData(ctx, event.AccountDataDirectChats.Type, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		send := func(n int64, text string) {
			t.Helper()
			if err := e.a.SendDM(ctx, bot.Message{Platform: model.PlatformMatrix, Workspace: "localhost", Channel: keptRoom(t, e, e.anna),
				To: model.User{ID: e.anna.id().String()}, Key: bot.DMKey{Kind: "test", ID: n}, Reply: bot.Reply{Text: text}}); err != nil {
				t.Fatal(err)
			}
		}
		e.command(e.anna, "!tasks") // anna is a person of the workspace
		send(1, "First")
		first := e.dmRoom(e.anna)
		e.anna.wait("the first DM", e.botMessage(first, "First"))
		if rooms := direct()[e.anna.id()]; len(rooms) != 1 || rooms[0] != first {
			t.Errorf("m.direct names %v for anna; want [%s]", rooms, first)
		}
		if kept := keptRoom(t, e, e.anna); kept != first.String() {
			t.Errorf("the store keeps %q; want %s", kept, first)
		}
		send(2, "Second")
		e.anna.wait("the second DM in the same room", e.botMessage(first, "Second"))

		if _, err := e.anna.c.LeaveRoom(ctx, first); err != nil {
			t.Fatal(err)
		}
		send(3, "Third")
		second := e.dmRoom(e.anna, first)
		e.anna.wait("the third DM in a new room", e.botMessage(second, "Third"))
		if rooms := direct()[e.anna.id()]; len(rooms) != 1 || rooms[0] != second {
			t.Errorf("m.direct names %v for anna after she left; want [%s]", rooms, second)
		}
		if kept := keptRoom(t, e, e.anna); kept != second.String() {
			t.Errorf("the store keeps %q after she left; want %s", kept, second)
		}
	})
}

// keptRoom is the direct room the store keeps for p.
func keptRoom(t *testing.T, e *env, p *peer) string {
	t.Helper()
	q := `SELECT dm_channel FROM people WHERE chat_id = ?`
	if strings.HasPrefix(e.b.URL, "postgres") {
		q = strings.Replace(q, "?", "$1", 1)
	}
	var room *string
	if err := e.b.Store.DB().QueryRowContext(context.Background(), q, p.id().String()).Scan(&room); err != nil {
		t.Fatal(err)
	}
	if room == nil {
		return ""
	}
	return *room
}

// TestMatrixSyncPosition: after a restart the bot answers the command said
// while it was down, once, and not again the one it answered before.
func TestMatrixSyncPosition(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e := newEnv(t, hs, db, "sync")
		before := e.guide.say(e.room, "!learn task add git Git basics")
		e.guide.wait("the answer before the restart", noticeReplying(e.botUser, before))
		e.stop()

		during := e.guide.say(e.room, "!learn task add sql SQL basics")
		a2, err := e.adapter()
		if err != nil {
			t.Fatal(err)
		}
		stop2 := run(t, a2)
		e.guide.wait("the answer to the command said while down", noticeReplying(e.botUser, during))
		after := e.command(e.guide, "!learn task list")
		stop2()
		// Everything the bot said came before the marker the guide sees
		// last.
		marker := e.guide.say(e.room, "marker")
		e.guide.wait("the marker", func(evt *event.Event) bool { return evt.ID == marker })
		for _, c := range []struct {
			name string
			cmd  id.EventID
		}{{"before", before}, {"during", during}, {"after", after.Content.AsMessage().RelatesTo.GetReplyTo()}} {
			if n := e.guide.count(noticeReplying(e.botUser, c.cmd)); n != 1 {
				t.Errorf("the command said %s the restart was answered %d times; want 1", c.name, n)
			}
		}
	})
}

// limiter stands in front of the homeserver and answers the next sends
// M_LIMIT_EXCEEDED, asking for retry_after_ms 7000, while limit is above 0.
type limiter struct {
	limit atomic.Int32
	sends atomic.Int32
}

func (l *limiter) serve(t *testing.T, hs string) string {
	target, err := url.Parse(hs)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/send/") {
			l.sends.Add(1)
			if l.limit.Add(-1) >= 0 {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":7000}`))
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// memShared shares pacing episodes between adapters, as the store does
// between replicas.
type memShared struct {
	mu       sync.Mutex
	episodes map[string]pacer.Episode
}

func (m *memShared) LoadEpisode(_ context.Context, key, _ string, _ bool) (pacer.Episode, bool, int, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.episodes[key]
	return e, ok, 1, 0, nil
}

func (m *memShared) SaveEpisode(_ context.Context, key string, e pacer.Episode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.episodes[key] = e
	return nil
}

// TestMatrixRateLimit: M_LIMIT_EXCEEDED comes back as a RetryAfterError of
// its retry_after_ms, and paces the workspace's sends: the next DM, from
// this replica or another that shares the pace, waits without calling.
func TestMatrixRateLimit(t *testing.T) {
	hs := startDendrite(t)
	e := newEnv(t, hs, "sqlite", "limit")
	e.command(e.anna, "!tasks")
	lim := &limiter{}
	proxied := lim.serve(t, hs.URL)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	shared := &memShared{episodes: map[string]pacer.Episode{}}
	replica := func(name string) *matrix.Adapter {
		a, err := matrix.New(matrix.Config{HomeserverURL: proxied, UserID: e.botUser.String(), AccessToken: e.botToken}, e.fwd,
			matrix.WithLogger(e.log), matrix.WithDMRooms(lateRooms{e}), matrix.WithClock(func() time.Time { return now }),
			matrix.WithSharedPacing(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	one, two := replica("one"), replica("two")
	// A replica sends DMs once its first sync is through (encryption and
	// the rooms' state are known then).
	run(t, one)
	run(t, two)
	msg := bot.Message{Platform: model.PlatformMatrix, Workspace: "localhost", To: model.User{ID: e.anna.id().String()},
		Key: bot.DMKey{Kind: "test", ID: 1}, Reply: bot.Reply{Text: "Paced"}}
	ctx := context.Background()

	lim.limit.Store(1)
	// The direct room is made; its first send is refused.
	err := one.SendDM(ctx, msg)
	var ra *model.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 7*time.Second {
		t.Fatalf("a DM refused with M_LIMIT_EXCEEDED: %v; want a RetryAfterError of 7s", err)
	}
	if n := lim.sends.Load(); n != 1 {
		t.Errorf("%d sends reached the homeserver; want 1, retried by the queue, not mautrix", n)
	}
	msg.Channel = keptRoom(t, e, e.anna)
	for _, r := range []struct {
		name string
		a    *matrix.Adapter
	}{{"SameReplica", one}, {"OtherReplica", two}} {
		t.Run(r.name, func(t *testing.T) {
			before := lim.sends.Load()
			err := r.a.SendDM(ctx, msg)
			if !errors.As(err, &ra) || ra.After <= 5*time.Second || ra.After > 7*time.Second {
				t.Errorf("a DM right after the refusal: %v; want to come back in about 7s", err)
			}
			if n := lim.sends.Load() - before; n != 0 {
				t.Errorf("%d sends during the wait; want none", n)
			}
		})
	}
	// Once the wait is over, the DM goes out.
	now = now.Add(8 * time.Second)
	if err := one.SendDM(ctx, msg); err != nil {
		t.Fatalf("the DM after the wait: %v", err)
	}
	e.anna.wait("the paced DM", e.botMessage(e.dmRoom(e.anna), "Paced"))
}

// TestMatrixRooms: a room named in assign (#alias or !id) stands for its
// joined members; a rule on a room serves whoever joins it.
func TestMatrixRooms(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e := newEnv(t, hs, db, "rooms")
		alias := "#" + e.tag + ":localhost"
		e.command(e.guide, "!learn task add git Git basics")
		reply := e.command(e.guide, "!assign git "+alias)
		for _, who := range []string{"anna_" + e.tag, "bob_" + e.tag} {
			if !strings.Contains(body(reply), who) {
				t.Errorf("assign to %s answered %q; want %s among those assigned", alias, body(reply), who)
			}
		}
		if strings.Contains(body(reply), "learnbot_") {
			t.Errorf("assign to %s assigned the bot: %q", alias, body(reply))
		}
		e.anna.wait("anna's DM of git", e.botMessage(e.dmRoom(e.anna), "Git basics"))

		e.command(e.guide, "!learn task add sql SQL basics")
		reply = e.command(e.guide, "!learn auto sql "+e.room.String())
		if !strings.Contains(body(reply), "Rule #") {
			t.Errorf("auto answered %q", body(reply))
		}
		carol := hs.peer(t, "carol_"+e.tag)
		if _, err := e.guide.c.InviteUser(context.Background(), e.room, &mautrix.ReqInviteUser{UserID: carol.id()}); err != nil {
			t.Fatal(err)
		}
		carol.join(e.room)
		carolDM := e.dmRoom(carol)
		carol.wait("carol's DM of sql, for joining the room", e.botMessage(carolDM, "SQL basics"))
		if s := e.assignmentState(e.anna, "sql"); s != "" {
			t.Errorf("anna, in the room before the rule, holds sql %q; want nothing", s)
		}

		reply = e.command(e.guide, "!assign git #nowhere_"+e.tag+":localhost")
		if strings.Contains(body(reply), "Assigned") {
			t.Errorf("assign to an unknown alias answered %q", body(reply))
		}
	})
}

// TestMatrixFourChoices: assigning to a group and a person when some hold
// the task already asks with all four choices; Show selected groups,
// chosen by a reply with its number, lists the group with who holds the
// task and leaves the choice open; Force reassignment, chosen by reaction,
// edits the prompt and sends everyone named the task again.
func TestMatrixFourChoices(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		e := newEnv(t, hs, db, "four")
		anna, bob := e.anna.id().String(), e.bob.id().String()
		e.command(e.guide, "!learn task add git Git basics")
		e.command(e.guide, "!learn group create team")
		e.command(e.guide, "!learn group add team "+anna)
		e.command(e.guide, "!assign git "+anna)
		dm := e.dmRoom(e.anna)
		e.anna.wait("anna's DM of git", e.botMessage(dm, "Git basics"))

		prompt := e.command(e.guide, "!assign git team "+bob)
		for _, want := range []string{"1 Do not assign", "2 Only new", "3 Force reassignment", "4 Show selected groups"} {
			if !strings.Contains(body(prompt), want) {
				t.Fatalf("prompt %q lacks %q", body(prompt), want)
			}
		}
		e.guide.wait("4️⃣ offered on the prompt", e.offered(prompt.ID, "4️⃣"))
		reply := &event.MessageEventContent{MsgType: event.MsgText, Body: "4", RelatesTo: (&event.RelatesTo{}).SetReplyTo(prompt.ID)}
		if _, err := e.guide.c.SendMessageEvent(context.Background(), e.room, event.EventMessage, reply); err != nil {
			t.Fatal(err)
		}
		groups := e.guide.wait("the selected groups", func(evt *event.Event) bool {
			return evt.Sender == e.botUser && evt.Type == event.EventMessage && strings.Contains(body(evt), "Selected groups for")
		})
		if !strings.Contains(body(groups), "team") || !strings.Contains(body(groups), "anna_"+e.tag) {
			t.Errorf("selected groups %q do not show team with anna", body(groups))
		}

		e.guide.react(e.room, prompt.ID, "3️⃣")
		e.guide.wait("the prompt edited to the outcome of Force reassignment", e.editOf(prompt.ID, "Force reassignment"))
		for deadline := time.Now().Add(30 * time.Second); e.anna.count(e.botMessage(dm, "Git basics")) < 2; {
			if time.Now().After(deadline) {
				t.Fatalf("anna got %d DMs of git after Force reassignment; want 2", e.anna.count(e.botMessage(dm, "Git basics")))
			}
			time.Sleep(50 * time.Millisecond)
		}
		e.bob.wait("bob's DM of git", e.botMessage(e.dmRoom(e.bob), "Git basics"))
	})
}
