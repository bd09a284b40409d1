//go:build goolm

package matrix_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/bot/matrix"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
)

// pickleKey is the test's MATRIX_PICKLE_KEY.
const pickleKey = "0123456789abcdef0123456789abcdef"

// TestEncryptedRoomsOnDendrite runs learnbot in end-to-end encrypted rooms
// against a real Dendrite, with a guide and a learner on mautrix clients
// that encrypt and decrypt with their own olm (goolm): a command in an
// encrypted room gets an encrypted reply the guide can read; the learner's
// DM comes in an encrypted direct room and she can read it; a prompt is
// answered by an encrypted reply with its number and by a reaction (in the
// clear, as Element sends them); and after a restart on the same database
// the bot still decrypts and encrypts with the device and keys it kept.
func TestEncryptedRoomsOnDendrite(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		botUser, botToken := hs.register(t, "learnbot_"+db)
		guide := hs.cryptoPeer(t, "guide_"+db)
		anna := hs.cryptoPeer(t, "anna_"+db)

		fwd := &lateHandler{}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		cfg := matrix.Config{HomeserverURL: hs.URL, UserID: botUser.String(), AccessToken: botToken, PickleKey: pickleKey}
		a, err := matrix.New(cfg, fwd, matrix.WithLogger(log))
		if err != nil {
			t.Fatal(err)
		}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformMatrix: a}, testbot.Admins("matrix:"+guide.id().String()))
		fwd.set(b.Router)
		keyDB, err := b.Store.TextDB()
		if err != nil {
			t.Fatal(err)
		}
		keys := matrix.WithKeyStore(keyDB, string(b.Store.Dialect()))
		keys(a)
		matrix.WithDMRooms(storeRooms{b.Store})(a)
		stop := run(t, a)
		device := guide.deviceKey(botUser)

		// The guide makes an encrypted room, as Element does, and invites
		// the bot and anna.
		created, err := guide.c.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "private_chat",
			Invite: []id.UserID{botUser, anna.id()}, Name: "Onboarding", InitialState: []*event.Event{encryption()}})
		if err != nil {
			t.Fatal(err)
		}
		room := created.RoomID
		guide.wait("the bot to join", joined(room, botUser))
		anna.join(room)

		cmd := guide.say(room, "!learn task add git Git basics")
		reply := guide.wait("the answer to task add", decryptedNotice(botUser, cmd))
		if !strings.Contains(body(reply), "git") {
			t.Errorf("task add answered %q", body(reply))
		}
		cmd = guide.say(room, "!assign git "+anna.id().String())
		reply = guide.wait("the answer to assign", decryptedNotice(botUser, cmd))
		if !strings.Contains(body(reply), "Assigned") {
			t.Errorf("assign answered %q", body(reply))
		}
		if n := guide.count(func(evt *event.Event) bool {
			return evt.RoomID == room && evt.Sender == botUser && evt.Type == event.EventMessage &&
				evt.Mautrix.EventSource&event.SourceDecrypted == 0
		}); n != 0 {
			t.Errorf("the bot sent %d messages in the clear into the encrypted room", n)
		}

		// anna's DM comes in an encrypted direct room.
		invite := anna.wait("an invitation to a direct room", func(evt *event.Event) bool {
			return invited(anna.id())(evt) && evt.Sender == botUser && evt.Content.AsMember().IsDirect
		})
		dm := invite.RoomID
		anna.join(dm)
		anna.wait("the direct room to be encrypted", func(evt *event.Event) bool {
			return evt.RoomID == dm && evt.Type == event.StateEncryption &&
				evt.Content.AsEncryption().Algorithm == id.AlgorithmMegolmV1
		})
		anna.wait("the DM of git, decrypted", func(evt *event.Event) bool {
			return evt.RoomID == dm && decrypted(evt) && evt.Sender == botUser && strings.Contains(body(evt), "Git basics")
		})

		// A duplicate prompt, answered with an encrypted reply naming its
		// number.
		cmd = guide.say(room, "!assign git "+anna.id().String())
		prompt := guide.wait("the duplicate prompt", decryptedNotice(botUser, cmd))
		if !strings.Contains(body(prompt), "1 Do not assign") {
			t.Errorf("the prompt lacks its first choice:\n%s", body(prompt))
		}
		guide.replyTo(room, prompt.ID, "1")
		outcome := guide.wait("the prompt edited", editOf(botUser, prompt.ID))
		if newBody := outcome.Content.AsMessage().NewContent.Body; !strings.Contains(newBody, "Do not assign") {
			t.Errorf("the prompt became %q", newBody)
		}

		// Another prompt, left open over a restart.
		cmd = guide.say(room, "!assign git "+anna.id().String())
		prompt = guide.wait("the second duplicate prompt", decryptedNotice(botUser, cmd))
		stop()

		a2, err := matrix.New(cfg, fwd, matrix.WithLogger(log), keys, matrix.WithDMRooms(storeRooms{b.Store}))
		if err != nil {
			t.Fatal(err)
		}
		run(t, a2)
		if again := guide.deviceKey(botUser); again != device {
			t.Errorf("after a restart the bot's device key is %s; want the kept %s", again, device)
		}
		// The guide's room key was given to the bot's device before the
		// restart: reading this needs the kept keys.
		cmd = guide.say(room, "!learn task list")
		reply = guide.wait("the answer to task list after the restart", decryptedNotice(botUser, cmd))
		if !strings.Contains(body(reply), "Git basics") {
			t.Errorf("task list answered %q", body(reply))
		}
		// A reaction (in the clear) picks a choice of the prompt the bot
		// sent, encrypted, before the restart.
		guide.react(room, prompt.ID, "1️⃣")
		outcome = guide.wait("the second prompt edited", editOf(botUser, prompt.ID))
		if newBody := outcome.Content.AsMessage().NewContent.Body; !strings.Contains(newBody, "Do not assign") {
			t.Errorf("the second prompt became %q", newBody)
		}
		// The next DM goes to the same encrypted room, readable.
		cmd = guide.say(room, "!learn task add sql SQL basics")
		guide.wait("the answer to the second task add", decryptedNotice(botUser, cmd))
		cmd = guide.say(room, "!assign sql "+anna.id().String())
		guide.wait("the answer to the second assign", decryptedNotice(botUser, cmd))
		anna.wait("the DM of sql, decrypted", func(evt *event.Event) bool {
			return evt.RoomID == dm && decrypted(evt) && evt.Sender == botUser && strings.Contains(body(evt), "SQL basics")
		})
	})
}

// TestEncryptionAfterUpgrade: a bot that joined an encrypted room in a
// build that declined it (no key store) answers there, encrypted, once it
// starts with a key store: it records the room's state on its first sync.
func TestEncryptionAfterUpgrade(t *testing.T) {
	hs := startDendrite(t)
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		botUser, botToken := hs.register(t, "learnbot_"+db)
		guide := hs.cryptoPeer(t, "guide_"+db)
		fwd := &lateHandler{}
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		cfg := matrix.Config{HomeserverURL: hs.URL, UserID: botUser.String(), AccessToken: botToken, PickleKey: pickleKey}
		before, err := matrix.New(cfg, fwd, matrix.WithLogger(log))
		if err != nil {
			t.Fatal(err)
		}
		b := testbot.New(t, db, map[string]bot.Sender{model.PlatformMatrix: before}, testbot.Admins("matrix:"+guide.id().String()))
		fwd.set(b.Router)
		stop := run(t, before)
		created, err := guide.c.CreateRoom(context.Background(), &mautrix.ReqCreateRoom{Preset: "private_chat",
			Invite: []id.UserID{botUser}, InitialState: []*event.Event{encryption()}})
		if err != nil {
			t.Fatal(err)
		}
		room := created.RoomID
		guide.wait("the bot to join", joined(room, botUser))
		stop()

		keyDB, err := b.Store.TextDB()
		if err != nil {
			t.Fatal(err)
		}
		after, err := matrix.New(cfg, fwd, matrix.WithLogger(log), matrix.WithKeyStore(keyDB, string(b.Store.Dialect())))
		if err != nil {
			t.Fatal(err)
		}
		run(t, after)
		cmd := guide.say(room, "!learn task add git Git basics")
		reply := guide.wait("the answer, encrypted", decryptedNotice(botUser, cmd))
		if !strings.Contains(body(reply), "git") {
			t.Errorf("task add answered %q", body(reply))
		}
	})
}

// encryption is the state event that makes a room encrypted.
func encryption() *event.Event {
	return &event.Event{Type: event.StateEncryption, StateKey: new(""),
		Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}
}

// decrypted tells an event that arrived encrypted and was decrypted.
func decrypted(evt *event.Event) bool {
	return evt.Type == event.EventMessage && evt.Mautrix.EventSource&event.SourceDecrypted != 0
}

// decryptedNotice matches a notice from sender replying to to that arrived
// encrypted.
func decryptedNotice(sender id.UserID, to id.EventID) func(*event.Event) bool {
	reply := noticeReplying(sender, to)
	return func(evt *event.Event) bool { return decrypted(evt) && reply(evt) }
}

// editOf matches sender's encrypted edit of the message target.
func editOf(sender id.UserID, target id.EventID) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		return decrypted(evt) && evt.Sender == sender && evt.Content.AsMessage().RelatesTo.GetReplaceID() == target
	}
}

// replyTo sends text as a reply to the message target.
func (p *peer) replyTo(room id.RoomID, target id.EventID, text string) {
	p.t.Helper()
	content := &event.MessageEventContent{MsgType: event.MsgText, Body: text,
		RelatesTo: (&event.RelatesTo{}).SetReplyTo(target)}
	if _, err := p.c.SendMessageEvent(context.Background(), room, event.EventMessage, content); err != nil {
		p.t.Fatalf("%s replies %q: %v", p.id(), text, err)
	}
}

// deviceKey is the Ed25519 key of user's only device, as the homeserver
// tells it.
func (p *peer) deviceKey(user id.UserID) id.Ed25519 {
	p.t.Helper()
	resp, err := p.c.QueryKeys(context.Background(), &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{user: {}}})
	if err != nil {
		p.t.Fatal(err)
	}
	devices := resp.DeviceKeys[user]
	if len(devices) != 1 {
		p.t.Fatalf("%s has %d devices with keys; want 1", user, len(devices))
	}
	for device, keys := range devices {
		return keys.Keys.GetEd25519(device)
	}
	return ""
}

// cryptoPeer is a peer whose client encrypts and decrypts as Element does:
// mautrix's OlmMachine (goolm) on memory stores, trusting every device.
func (hs *homeserver) cryptoPeer(t *testing.T, name string) *peer {
	t.Helper()
	user, token := hs.register(t, name)
	c, err := mautrix.NewClient(hs.URL, user, token)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	who, err := c.Whoami(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.DeviceID = who.DeviceID
	state := mautrix.NewMemoryStateStore()
	c.StateStore = state
	mach := crypto.NewOlmMachine(c, nil, crypto.NewMemoryStore(nil), state.(crypto.StateStore))
	if err := mach.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := mach.ShareKeys(ctx, -1); err != nil {
		t.Fatal(err)
	}
	c.Crypto = &peerCrypto{mach: mach, state: state}

	p := &peer{t: t, c: c}
	syncer := c.Syncer.(*mautrix.DefaultSyncer)
	syncer.OnSync(mach.ProcessSyncResponse)
	syncer.OnEvent(c.StateStoreSyncHandler)
	syncer.OnEvent(func(ctx context.Context, evt *event.Event) {
		p.mu.Lock()
		p.events = append(p.events, evt)
		p.mu.Unlock()
	})
	syncer.OnEventType(event.StateMember, mach.HandleMemberEvent)
	var waits sync.WaitGroup
	syncer.OnEventType(event.EventEncrypted, func(ctx context.Context, evt *event.Event) {
		waits.Add(1)
		go func() {
			defer waits.Done()
			content := evt.Content.AsEncrypted()
			mach.WaitForSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, 20*time.Second)
			d, err := mach.DecryptMegolmEvent(ctx, evt)
			if err != nil {
				if ctx.Err() == nil {
					t.Logf("%s could not decrypt %s: %v", user, evt.ID, err)
				}
				return
			}
			d.Mautrix.EventSource |= event.SourceDecrypted
			syncer.Dispatch(ctx, d)
		}()
	})
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if err := c.SyncWithContext(ctx); err != nil && ctx.Err() == nil {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		c.StopSync()
		<-done
		waits.Wait()
	})
	return p
}

// peerCrypto encrypts a peer's messages in encrypted rooms, sharing a room
// key with every member's devices when it has none.
type peerCrypto struct {
	mach  *crypto.OlmMachine
	state mautrix.StateStore
}

func (pc *peerCrypto) Encrypt(ctx context.Context, room id.RoomID, typ event.Type, content any) (*event.EncryptedEventContent, error) {
	encrypted, err := pc.mach.EncryptMegolmEvent(ctx, room, typ, content)
	if !crypto.IsShareError(err) {
		return encrypted, err
	}
	users, err := pc.state.GetRoomJoinedOrInvitedMembers(ctx, room)
	if err != nil {
		return nil, err
	}
	if err := pc.mach.ShareGroupSession(ctx, room, users); err != nil {
		return nil, err
	}
	return pc.mach.EncryptMegolmEvent(ctx, room, typ, content)
}

func (pc *peerCrypto) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	return pc.mach.DecryptMegolmEvent(ctx, evt)
}

func (pc *peerCrypto) WaitForSession(ctx context.Context, room id.RoomID, key id.SenderKey, session id.SessionID, timeout time.Duration) bool {
	return pc.mach.WaitForSession(ctx, room, key, session, timeout)
}

func (pc *peerCrypto) RequestSession(context.Context, id.RoomID, id.SenderKey, id.SessionID, id.UserID, id.DeviceID) {
}

func (pc *peerCrypto) Init(context.Context) error { return errors.New("peerCrypto is ready when made") }
