package matrix_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// lateHandler hands requests to a router made after the adapter (the
// queue needs the adapter as its sender first).
type lateHandler struct {
	mu sync.Mutex
	h  matrix.Handler
}

func (l *lateHandler) set(h matrix.Handler) { l.mu.Lock(); l.h = h; l.mu.Unlock() }

func (l *lateHandler) Handle(ctx context.Context, req *bot.Request) *bot.Reply {
	l.mu.Lock()
	h := l.h
	l.mu.Unlock()
	return h.Handle(ctx, req)
}

// storeRooms keeps direct rooms in the store, as serve does.
type storeRooms struct{ store *storage.Store }

func (s storeRooms) KeepDMRoom(ctx context.Context, workspace, user, room string) error {
	return s.store.KeepDMChannels(ctx, model.PlatformMatrix, []storage.KeptDMChannel{{Workspace: workspace, ChatID: user, Channel: room}})
}

// TestMatrixOnDendrite runs the first Matrix flow against a real Dendrite:
// a guide adds a task and assigns it in a room the bot was invited to; the
// learner gets a DM in a direct room the bot made, and the next DM in the
// same room; a duplicate assign numbers its choices, a learner's reaction
// is refused and changes nothing, and the guide's reaction picks "Only new",
// which edits the prompt.
func TestMatrixOnDendrite(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		botUser, botToken := hs.register(t, "learnbot_"+db)
		guide := hs.peer(t, "guide_"+db)
		anna := hs.peer(t, "anna_"+db)
		bob := hs.peer(t, "bob_"+db)

		fwd := &lateHandler{}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		a, err := matrix.New(matrix.Config{HomeserverURL: hs.URL, UserID: botUser.String(), AccessToken: botToken}, fwd,
			matrix.WithLogger(log))
		if err != nil {
			t.Fatal(err)
		}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformMatrix: a}, testbot.Admins("matrix:"+guide.id().String()))
		fwd.set(b.Router)
		matrix.WithDMRooms(storeRooms{b.Store})(a)
		stop := run(t, a)

		// The guide makes a room and invites the bot and anna; the bot
		// accepts by itself.
		created, err := guide.c.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "private_chat",
			Invite: []id.UserID{botUser, anna.id()}, Name: "Onboarding"})
		if err != nil {
			t.Fatal(err)
		}
		room := created.RoomID
		guide.wait("the bot to join", joined(room, botUser))
		anna.join(room)

		cmd := guide.say(room, "!learn task add git Git basics")
		reply := guide.wait("the answer to task add", noticeReplying(botUser, cmd))
		if !strings.Contains(body(reply), "git") {
			t.Errorf("task add answered %q", body(reply))
		}

		cmd = guide.say(room, "!assign git "+anna.id().String())
		reply = guide.wait("the answer to assign", noticeReplying(botUser, cmd))
		if !strings.Contains(body(reply), "Assigned") || !strings.Contains(body(reply), "anna_"+db) {
			t.Errorf("assign answered %q", body(reply))
		}

		// anna's DM comes in a direct room the bot made.
		invite := anna.wait("an invitation to a direct room", func(evt *event.Event) bool {
			return invited(anna.id())(evt) && evt.Sender == botUser && evt.Content.AsMember().IsDirect
		})
		dm := invite.RoomID
		anna.join(dm)
		anna.wait("the DM of git", func(evt *event.Event) bool {
			return evt.RoomID == dm && evt.Type == event.EventMessage && evt.Sender == botUser &&
				strings.Contains(body(evt), "Git basics")
		})

		// A second DM goes to the same room.
		cmd = guide.say(room, "!learn task add sql SQL basics")
		guide.wait("the answer to the second task add", noticeReplying(botUser, cmd))
		cmd = guide.say(room, "!assign sql "+anna.id().String())
		guide.wait("the answer to the second assign", noticeReplying(botUser, cmd))
		anna.wait("the DM of sql in the same room", func(evt *event.Event) bool {
			return evt.RoomID == dm && evt.Type == event.EventMessage && evt.Sender == botUser &&
				strings.Contains(body(evt), "SQL basics")
		})
		rooms := map[id.RoomID]bool{}
		anna.count(func(evt *event.Event) bool {
			if invited(anna.id())(evt) && evt.Sender == botUser {
				rooms[evt.RoomID] = true
			}
			return false
		})
		if len(rooms) != 1 {
			t.Errorf("the bot invited anna to %d rooms; want 1 direct room for every DM", len(rooms))
		}

		// A duplicate: anna holds git, bob does not.
		cmd = guide.say(room, "!assign git "+anna.id().String()+" "+bob.id().String())
		prompt := guide.wait("the duplicate prompt", noticeReplying(botUser, cmd))
		for _, want := range []string{"1 Do not assign", "2 Only new", "3 Force reassignment"} {
			if !strings.Contains(body(prompt), want) {
				t.Errorf("the prompt lacks %q:\n%s", want, body(prompt))
			}
		}
		guide.wait("the bot to offer 2️⃣", func(evt *event.Event) bool {
			r := evt.Content.AsReaction()
			return evt.Type == event.EventReaction && evt.Sender == botUser && r.RelatesTo.EventID == prompt.ID &&
				r.RelatesTo.Key == "2️⃣"
		})
		edited := func(evt *event.Event) bool {
			return evt.Type == event.EventMessage && evt.Sender == botUser &&
				evt.Content.AsMessage().RelatesTo.GetReplaceID() == prompt.ID
		}

		// anna may not choose: her reaction is refused and changes nothing.
		refused := anna.react(room, prompt.ID, "2️⃣")
		refusal := guide.wait("the refusal of anna's reaction", noticeReplying(botUser, refused))
		if !strings.Contains(body(refusal), "guide") {
			t.Errorf("anna's reaction was answered %q", body(refusal))
		}
		if guide.find(edited) != nil {
			t.Fatalf("anna's reaction edited the prompt")
		}

		// The guide's reaction picks Only new: the prompt shows the outcome.
		guide.react(room, prompt.ID, "2️⃣")
		outcome := guide.wait("the prompt edited with the outcome", edited)
		newBody := outcome.Content.AsMessage().NewContent.Body
		if !strings.Contains(newBody, "Only new") || !strings.Contains(newBody, "bob_"+db) || strings.Contains(newBody, "2 Only new") {
			t.Errorf("the prompt became %q", newBody)
		}
		bobInvite := bob.wait("bob's direct room", func(evt *event.Event) bool {
			return invited(bob.id())(evt) && evt.Sender == botUser
		})
		bob.join(bobInvite.RoomID)
		bob.wait("bob's DM of git", func(evt *event.Event) bool {
			return evt.RoomID == bobInvite.RoomID && evt.Type == event.EventMessage && evt.Sender == botUser &&
				strings.Contains(body(evt), "Git basics")
		})
		b.WaitJobs(t)
		kept, err := b.Store.AssignmentByID(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if kept.DMChannel == nil || *kept.DMChannel != dm.String() {
			t.Errorf("the store keeps %v as anna's direct room; want %s", kept.DMChannel, dm)
		}
		if n := anna.count(func(evt *event.Event) bool {
			return evt.RoomID == dm && evt.Type == event.EventMessage && strings.Contains(body(evt), "Git basics")
		}); n != 1 {
			t.Errorf("anna got %d DMs of git; want 1 (Only new leaves her out)", n)
		}

		// A DM sent again with the same key (a retry whose first outcome
		// was lost) is posted once: its transaction ID comes from the key.
		again := bot.Message{Platform: model.PlatformMatrix, Workspace: "localhost", To: model.User{ID: anna.id().String()},
			Key: bot.DMKey{Kind: "test", ID: 1}, Reply: bot.Reply{Text: "Only once"}}
		for range 2 {
			if err := a.SendDM(context.Background(), again); err != nil {
				t.Fatal(err)
			}
		}
		after := again
		after.Key, after.Text = bot.DMKey{Kind: "test", ID: 2}, "After"
		if err := a.SendDM(context.Background(), after); err != nil {
			t.Fatal(err)
		}
		anna.wait("the DM after", func(evt *event.Event) bool { return evt.RoomID == dm && body(evt) == "After" })
		if n := anna.count(func(evt *event.Event) bool { return evt.RoomID == dm && body(evt) == "Only once" }); n != 1 {
			t.Errorf("the DM sent twice with one key arrived %d times; want 1", n)
		}

		// A prompt outlives a restart: its choices are in the message, and
		// a reply with a label chooses.
		cmd = guide.say(room, "!assign sql "+anna.id().String())
		prompt = guide.wait("the second duplicate prompt", noticeReplying(botUser, cmd))
		stop()
		a2, err := matrix.New(matrix.Config{HomeserverURL: hs.URL, UserID: botUser.String(), AccessToken: botToken}, fwd,
			matrix.WithLogger(log), matrix.WithDMRooms(storeRooms{b.Store}))
		if err != nil {
			t.Fatal(err)
		}
		run(t, a2)
		choice := &event.MessageEventContent{MsgType: event.MsgText, Body: "do not assign",
			RelatesTo: (&event.RelatesTo{}).SetReplyTo(prompt.ID)}
		if _, err := guide.c.SendMessageEvent(context.Background(), room, event.EventMessage, choice); err != nil {
			t.Fatal(err)
		}
		outcome = guide.wait("the second prompt edited", func(evt *event.Event) bool {
			return evt.Type == event.EventMessage && evt.Sender == botUser &&
				evt.Content.AsMessage().RelatesTo.GetReplaceID() == prompt.ID
		})
		if newBody := outcome.Content.AsMessage().NewContent.Body; !strings.Contains(newBody, "Do not assign") {
			t.Errorf("the second prompt became %q", newBody)
		}
	})
}

// run runs the adapter until the test ends or stop is called, and waits
// until it has synced once.
func run(t *testing.T, a *matrix.Adapter) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case <-a.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the adapter did not sync within 30s")
	}
	return stop
}
