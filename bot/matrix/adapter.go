// Package matrix is learnbot's Matrix adapter: the bot is an ordinary
// account that syncs, accepts invitations to rooms, reads commands typed as
// "!learn <command>", "!assign" and "!tasks" in any room it is in, and
// answers each as an m.notice replying to it. Matrix has no buttons, so a
// reply's choices are numbered and offered as reactions; a choice is a
// reaction or a reply with the number or the label, and its outcome edits
// the message. DMs go to one direct room per learner, created by the bot
// and kept by learnbot. It is built on maunium.net/go/mautrix; built with
// the tag goolm (mautrix's pure-Go olm) it works in end-to-end encrypted
// rooms, its keys in learnbot's database (crypto_goolm.go). A build without
// the tag declines encrypted rooms with one log line.
package matrix

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/memo"
	"github.com/learnbot/learnbot/internal/pacer"
)

// Config is what the adapter needs from learnbot's configuration.
type Config struct {
	HomeserverURL string // MATRIX_HOMESERVER_URL
	// UserID is the bot's account (MATRIX_USER_ID); when empty, whoami
	// tells it.
	UserID      string
	AccessToken string // MATRIX_ACCESS_TOKEN
	// PickleKey (MATRIX_PICKLE_KEY) encrypts the bot's end-to-end
	// encryption keys in the key store (WithKeyStore).
	PickleKey string
}

// Handler runs one request; bot.Router satisfies it.
type Handler interface {
	Handle(ctx context.Context, req *bot.Request) *bot.Reply
}

// DMRooms keeps each learner's direct room, so that later DMs (from any
// replica, after any restart) go to the same room; the queue hands the kept
// room back as bot.Message.Channel.
type DMRooms interface {
	KeepDMRoom(ctx context.Context, workspace, user, room string) error
}

// matrixAPI is the part of mautrix's client the adapter calls.
type matrixAPI interface {
	Whoami(ctx context.Context) (*mautrix.RespWhoami, error)
	JoinRoomByID(ctx context.Context, roomID id.RoomID) (*mautrix.RespJoinRoom, error)
	SendMessageEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, contentJSON any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error)
	RedactEvent(ctx context.Context, roomID id.RoomID, eventID id.EventID, extra ...mautrix.ReqRedact) (*mautrix.RespSendEvent, error)
	CreateRoom(ctx context.Context, req *mautrix.ReqCreateRoom) (*mautrix.RespCreateRoom, error)
	GetEvent(ctx context.Context, roomID id.RoomID, eventID id.EventID) (*event.Event, error)
	GetDisplayName(ctx context.Context, mxid id.UserID) (*mautrix.RespUserDisplayName, error)
	StateEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, stateKey string, outContent any) error
	LeaveRoom(ctx context.Context, roomID id.RoomID, optionalReq ...*mautrix.ReqLeave) (*mautrix.RespLeaveRoom, error)
	GetAccountData(ctx context.Context, name string, output any) error
	SetAccountData(ctx context.Context, name string, data any) error
	JoinedMembers(ctx context.Context, roomID id.RoomID) (*mautrix.RespJoinedMembers, error)
	ResolveAlias(ctx context.Context, alias id.RoomAlias) (*mautrix.RespAliasResolve, error)
}

var _ matrixAPI = (*mautrix.Client)(nil)

// Adapter connects one Matrix account to learnbot.
type Adapter struct {
	cfg     Config
	client  *mautrix.Client
	api     matrixAPI
	handler Handler
	rooms   DMRooms // may be nil: direct rooms are then remembered in memory only
	log     *slog.Logger
	keys    keyStore // the end-to-end encryption keys' database (WithKeyStore)
	e2ee    *e2ee    // end-to-end encryption, once Run has started it

	positions SyncPositions // may be nil: a restart skips what was said meanwhile
	syncStore *syncStore
	dedup     EventDedup // may be nil: seen remembers in memory
	seen      *memo.Map[string, struct{}]
	joiner    bot.Joiner // may be nil: joining a room serves no rule
	pacers    *pacer.Set
	shared    pacer.Shared
	replica   string
	now       func() time.Time
	direct    sync.Mutex // one change of m.direct at a time

	mu     sync.Mutex
	me     id.UserID
	server string // the workspace: the homeserver's server name
	// joinedAt is when the bot joined a room, as the room's timeline says:
	// what was said there before is not for the bot.
	joinedAt map[id.RoomID]time.Time
	// encrypted names the rooms whose encryption has been logged once.
	encrypted map[id.RoomID]bool

	dms     *memo.Map[string, id.RoomID] // direct room by user ID
	prompts *memo.Map[id.EventID, []choice]
	names   *memo.Map[id.UserID, string]

	// handling counts events still being handled, so that Run returns
	// after their answers went out.
	handling sync.WaitGroup
	retryMax time.Duration
	// ready is closed once the first sync is through: from then on, what
	// is said in the bot's rooms is answered.
	ready     chan struct{}
	readyOnce sync.Once
}

// Option changes an adapter's defaults.
type Option func(*Adapter)

// WithLogger sets the logger (slog.Default otherwise).
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.log = l } }

// WithDMRooms keeps learners' direct rooms in rooms (learnbot's database).
func WithDMRooms(rooms DMRooms) Option { return func(a *Adapter) { a.rooms = rooms } }

// New builds an adapter; Run connects it.
func New(cfg Config, h Handler, opts ...Option) (*Adapter, error) {
	if cfg.HomeserverURL == "" || cfg.AccessToken == "" {
		return nil, errors.New("matrix: MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN are both needed")
	}
	client, err := mautrix.NewClient(cfg.HomeserverURL, id.UserID(cfg.UserID), cfg.AccessToken)
	if err != nil {
		return nil, fmt.Errorf("matrix: MATRIX_HOMESERVER_URL: %w", err)
	}
	a := &Adapter{cfg: cfg, client: client, api: client, handler: h, log: slog.Default(),
		joinedAt: map[id.RoomID]time.Time{}, encrypted: map[id.RoomID]bool{},
		dms: memo.New[string, id.RoomID](100_000), prompts: memo.New[id.EventID, []choice](10_000),
		names: memo.New[id.UserID, string](10_000), retryMax: time.Minute, ready: make(chan struct{}),
		seen: memo.New[string, struct{}](10_000), now: time.Now}
	for _, o := range opts {
		o(a)
	}
	a.setup()
	if cfg.UserID != "" {
		if err := a.setMe(id.UserID(cfg.UserID)); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// setMe records the bot's own account and its server, the workspace.
func (a *Adapter) setMe(me id.UserID) error {
	_, server, err := me.Parse()
	if err != nil || server == "" {
		return fmt.Errorf("matrix: MATRIX_USER_ID %q is not a user ID such as @learnbot:example.org", me)
	}
	a.mu.Lock()
	a.me, a.server = me, server
	a.mu.Unlock()
	a.client.UserID = me
	return nil
}

// Workspace is the homeserver's server name, once known.
func (a *Adapter) Workspace() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.server
}

func (a *Adapter) self() id.UserID {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.me
}

// Ready is closed once the adapter has synced for the first time: what is
// said in its rooms from then on is answered, what was said before is not.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

// errRejected marks a token the homeserver refused: no retry helps.
var errRejected = errors.New("matrix: MATRIX_ACCESS_TOKEN was rejected by the homeserver")

// Run syncs until ctx ends. An unreachable homeserver is logged and tried
// again with backoff; a rejected token ends Run with an error naming
// MATRIX_ACCESS_TOKEN.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.stopped()
	if err := a.identify(ctx); err != nil {
		return err
	}
	syncer, ok := a.client.Syncer.(*mautrix.DefaultSyncer)
	if !ok {
		return errors.New("matrix: unexpected syncer")
	}
	// Encryption comes first: its sync handler reads the keys sent to the
	// bot's device before onSync may skip the rest of a sync.
	if err := a.startCrypto(ctx, syncer); err != nil {
		return err
	}
	syncer.OnSync(a.onSync)
	syncer.OnEventType(event.StateMember, a.onMember)
	syncer.OnEventType(event.EventMessage, a.async(a.onMessage))
	syncer.OnEventType(event.EventReaction, a.async(a.onReaction))
	wait := time.Second
	for {
		start := time.Now()
		err := a.client.SyncWithContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, mautrix.MUnknownToken) {
			return fmt.Errorf("%w: %v", errRejected, err)
		}
		if time.Since(start) > a.retryMax {
			wait = time.Second // it had been working: start over
		}
		a.log.Warn("matrix: sync failed; trying again", "platform", "matrix", "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, a.retryMax)
	}
}

// identify asks whoami who the token belongs to, until the homeserver
// answers: it tells the bot's account when MATRIX_USER_ID is not set, and
// that the token works.
func (a *Adapter) identify(ctx context.Context) error {
	wait := time.Second
	for {
		who, err := a.api.Whoami(ctx)
		switch {
		case err == nil:
			if me := a.self(); me != "" && me != who.UserID {
				return fmt.Errorf("matrix: MATRIX_ACCESS_TOKEN belongs to %s, not to MATRIX_USER_ID %s", who.UserID, me)
			}
			if err := a.setMe(who.UserID); err != nil {
				return err
			}
			a.client.DeviceID = who.DeviceID
			a.log.Info("matrix: connected", "platform", "matrix", "as", who.UserID)
			return nil
		case errors.Is(err, mautrix.MUnknownToken), errors.Is(err, mautrix.MForbidden):
			return fmt.Errorf("%w: %v", errRejected, err)
		}
		a.log.Warn("matrix: homeserver unreachable; trying again", "platform", "matrix", "in", wait, "error", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, a.retryMax)
	}
}

// onSync skips the history of a first sync from nowhere (no position
// saved: what was said before learnbot ever synced is not run late) but
// accepts the invitations in it, and marks when the bot joined a room, so
// that a joined room's past is skipped too.
func (a *Adapter) onSync(ctx context.Context, resp *mautrix.RespSync, since string) bool {
	defer a.readyOnce.Do(func() { close(a.ready) })
	if since == "" {
		for room := range resp.Rooms.Invite {
			a.join(ctx, room)
		}
		return false
	}
	me := a.self()
	for room, data := range resp.Rooms.Join {
		for _, evt := range data.Timeline.Events {
			if evt.Type == event.StateMember && evt.GetStateKey() == me.String() {
				a.mu.Lock()
				a.joinedAt[room] = time.UnixMilli(evt.Timestamp)
				a.mu.Unlock()
			}
		}
	}
	return true
}

// old reports whether evt was said before the bot joined its room.
func (a *Adapter) old(evt *event.Event) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	at, ok := a.joinedAt[evt.RoomID]
	return ok && time.UnixMilli(evt.Timestamp).Before(at)
}

// onMember accepts invitations to rooms, and tells the rules who joined.
func (a *Adapter) onMember(ctx context.Context, evt *event.Event) {
	if evt.GetStateKey() != a.self().String() || evt.Content.AsMember().Membership != event.MembershipInvite {
		a.joinedRoom(ctx, evt)
		return
	}
	a.join(ctx, evt.RoomID)
}

func (a *Adapter) join(ctx context.Context, room id.RoomID) {
	if _, err := a.api.JoinRoomByID(ctx, room); err != nil {
		a.log.Warn("matrix: could not accept an invitation", "platform", "matrix", "room", room, "error", err)
		return
	}
	a.log.Info("matrix: joined a room", "platform", "matrix", "room", room)
}

// decline says once per encrypted room that this adapter cannot read it,
// and why.
func (a *Adapter) decline(why string) mautrix.EventHandler {
	return func(ctx context.Context, evt *event.Event) {
		a.mu.Lock()
		seen := a.encrypted[evt.RoomID]
		a.encrypted[evt.RoomID] = true
		a.mu.Unlock()
		if !seen {
			a.log.Warn("matrix: "+why+"; ignoring this encrypted room", "platform", "matrix", "room", evt.RoomID)
		}
	}
}

// async handles an event apart from the sync loop, which must go on while
// a command runs.
func (a *Adapter) async(h func(ctx context.Context, evt *event.Event)) mautrix.EventHandler {
	return func(ctx context.Context, evt *event.Event) {
		if evt.Sender == a.self() || a.old(evt) {
			return
		}
		a.handling.Add(1)
		go func() {
			defer a.handling.Done()
			h(context.WithoutCancel(ctx), evt)
		}()
	}
}

// name is how a user calls themselves here: their display name, else the
// user ID.
func (a *Adapter) name(ctx context.Context, user id.UserID) string {
	if n, ok := a.names.Get(user); ok {
		return n
	}
	n := user.String()
	if resp, err := a.api.GetDisplayName(ctx, user); err == nil && strings.TrimSpace(resp.DisplayName) != "" {
		n = resp.DisplayName
	}
	a.names.Put(user, n)
	return n
}
