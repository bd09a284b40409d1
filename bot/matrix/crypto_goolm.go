//go:build goolm

package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/sql_store_upgrade"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"
)

// Encrypts tells whether this build works in end-to-end encrypted rooms:
// this one, built with the tag goolm, does.
const Encrypts = true

// e2ee is the bot's end-to-end encryption: mautrix's OlmMachine on stores
// in learnbot's database. It is mautrix's crypto helper for the client, so
// that everything the adapter sends into an encrypted room is encrypted
// (reactions excepted: mautrix sends them in the clear, as Element does).
//
// It drives the OlmMachine itself rather than through mautrix's
// cryptohelper: that package imports dbutil/litestream, which links a
// second SQLite driver (mattn/go-sqlite3, cgo) into any build with cgo on,
// and it would take over the client's sync position.
type e2ee struct {
	a      *Adapter
	mach   *crypto.OlmMachine
	state  *sqlstatestore.SQLStateStore
	syncer *mautrix.DefaultSyncer
}

var _ mautrix.CryptoHelper = (*e2ee)(nil)

// How long a message whose room key has not arrived waits for it: first
// without asking, then after asking the sender's devices for it.
const (
	keyWait       = 3 * time.Second
	keyWaitLonger = 22 * time.Second
	// keyBookkeeping bounds what a sync's keys take, even past a stop.
	keyBookkeeping = 5 * time.Second
)

// startCrypto loads (or makes, the first time) the bot's device keys from
// the key store, publishes them when the homeserver does not have them yet,
// and has the syncer hand encrypted events to the OlmMachine. Without a key
// store the adapter declines encrypted rooms.
func (a *Adapter) startCrypto(ctx context.Context, syncer *mautrix.DefaultSyncer) error {
	if ctx.Err() != nil {
		return nil // stopped before it connected
	}
	if a.keys.db == nil {
		decline := a.decline("encrypted rooms need learnbot's database for their keys")
		syncer.OnEventType(event.StateEncryption, decline)
		syncer.OnEventType(event.EventEncrypted, decline)
		return nil
	}
	if len(a.cfg.PickleKey) < MinPickleKey {
		return fmt.Errorf("matrix: MATRIX_PICKLE_KEY must be at least %d characters", MinPickleKey)
	}
	if a.client.DeviceID == "" {
		return errors.New("matrix: MATRIX_ACCESS_TOKEN belongs to no device (whoami names none): " +
			"end-to-end encryption needs the access token of a login")
	}
	zl := zerolog.New(slogWriter{a.log}).Level(zerolog.WarnLevel)
	store, state, err := openKeyStore(ctx, a.keys, a.self(), a.client.DeviceID, a.cfg.PickleKey, zl)
	if err != nil {
		return err
	}
	a.client.StateStore = state
	e := &e2ee{a: a, state: state, syncer: syncer}
	e.mach = crypto.NewOlmMachine(a.client, &zl, store, state)
	if err := e.mach.Load(ctx); err != nil {
		return fmt.Errorf("matrix: load the bot's encryption keys (stored with another MATRIX_PICKLE_KEY?): %w", err)
	}
	if err := e.publish(ctx); err != nil {
		return err
	}
	syncer.OnSync(e.onSync)
	syncer.OnEvent(a.client.StateStoreSyncHandler)
	syncer.OnEventType(event.StateMember, e.mach.HandleMemberEvent)
	syncer.OnEventType(event.EventEncrypted, e.onEncrypted)
	a.client.Crypto = e
	a.e2ee = e
	a.log.Info("matrix: end-to-end encryption on", "platform", "matrix", "device", a.client.DeviceID)
	return nil
}

// openKeyStore opens mautrix's crypto and state stores in learnbot's
// database, creating or upgrading their tables.
func openKeyStore(ctx context.Context, keys keyStore, user id.UserID, device id.DeviceID, pickleKey string,
	zl zerolog.Logger) (*crypto.SQLCryptoStore, *sqlstatestore.SQLStateStore, error) {
	db, err := dbutil.NewWithDB(keys.db, keys.dialect)
	if err != nil {
		return nil, nil, fmt.Errorf("matrix: key store: %w", err)
	}
	dblog := dbutil.ZeroLogger(zl)
	// One account per device: a new access token (a new device) starts
	// with new keys instead of clashing with the old device's.
	account := user.String() + "/" + device.String()
	store := crypto.NewSQLCryptoStore(db, dblog, account, device, []byte(pickleKey))
	state := sqlstatestore.NewSQLStateStore(db, dblog, false)
	if err := upgradeKeyStore(ctx, db, store.DB, state.Database); err != nil {
		return nil, nil, err
	}
	return store, state, nil
}

// upgradeKeyStore creates or upgrades mautrix's tables in learnbot's
// database, one process at a time on PostgreSQL (replicas start together).
// dbutil looks for its version tables in information_schema, which sees
// every schema of the database: creating them first in learnbot's schema
// keeps another schema's tables (another installation, the tests) from
// being taken for learnbot's.
func upgradeKeyStore(ctx context.Context, root *dbutil.Database, stores ...*dbutil.Database) error {
	if root.Dialect == dbutil.Postgres {
		conn, err := root.RawDB.Conn(ctx)
		if err != nil {
			return fmt.Errorf("matrix: key store: %w", err)
		}
		defer conn.Close()
		const key = `hashtext('learnbot matrix keys ' || COALESCE(current_schema(), ''))`
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
			return fmt.Errorf("matrix: key store: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`)
	}
	for _, s := range stores {
		if _, err := s.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+s.VersionTable+" (version INTEGER, compat INTEGER)"); err != nil {
			return fmt.Errorf("matrix: key store: %s: %w", s.VersionTable, err)
		}
		if err := s.Upgrade(ctx); err != nil {
			return fmt.Errorf("matrix: key store: %s: %w", s.VersionTable, err)
		}
	}
	return nil
}

// Make sure the names match mautrix's.
var _ = [...]string{sql_store_upgrade.VersionTableName, sqlstatestore.VersionTableName}

// publish uploads the device's keys the first time, and checks that the
// homeserver has the keys the store has.
func (e *e2ee) publish(ctx context.Context) error {
	cli := e.a.client
	resp, err := cli.QueryKeys(ctx, &mautrix.ReqQueryKeys{
		DeviceKeys: map[id.UserID]mautrix.DeviceIDList{cli.UserID: {cli.DeviceID}}})
	if err != nil {
		return fmt.Errorf("matrix: query the bot's own device keys: %w", err)
	}
	shared := e.mach.GetAccount().Shared
	device, ok := resp.DeviceKeys[cli.UserID][cli.DeviceID]
	switch {
	case !ok || len(device.Keys) == 0:
		if shared {
			return fmt.Errorf("matrix: the homeserver lost the keys of device %s: log in again for a new MATRIX_ACCESS_TOKEN", cli.DeviceID)
		}
		if err := e.mach.ShareKeys(ctx, -1); err != nil {
			return fmt.Errorf("matrix: upload the bot's device keys: %w", err)
		}
	case !shared:
		return fmt.Errorf("matrix: device %s of MATRIX_ACCESS_TOKEN has keys that are not in learnbot's database "+
			"(another program uses the token, or the database is new): log in again for a new MATRIX_ACCESS_TOKEN", cli.DeviceID)
	case device.Keys.GetEd25519(cli.DeviceID) != e.mach.OwnIdentity().SigningKey:
		return fmt.Errorf("matrix: device %s has other keys on the homeserver than in learnbot's database: "+
			"log in again for a new MATRIX_ACCESS_TOKEN", cli.DeviceID)
	}
	return nil
}

// onSync hands the keys sent to the bot's device to the OlmMachine. On the
// first sync of a session, whose events the adapter skips, it also records
// the state of the rooms (who is in them, which are encrypted), which later
// syncs record event by event.
func (e *e2ee) onSync(ctx context.Context, resp *mautrix.RespSync, since string) bool {
	if since == "" {
		for room, data := range resp.Rooms.Join {
			for _, evt := range slices.Concat(data.State.Events, data.Timeline.Events) {
				if evt.StateKey == nil {
					continue
				}
				evt.RoomID, evt.Type.Class = room, event.StateEventType
				if err := evt.Content.ParseRaw(evt.Type); err != nil && !errors.Is(err, event.ErrContentAlreadyParsed) {
					continue
				}
				mautrix.UpdateStateStore(ctx, e.state, evt)
			}
		}
	}
	// Keys uploaded and the account saved belong together: a stop in
	// between would leave the homeserver handing out one-time keys the
	// bot does not keep. So they get a little time past a stop.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), keyBookkeeping)
	defer cancel()
	return e.mach.ProcessSyncResponse(ctx, resp, since)
}

// onEncrypted decrypts an event and hands it on as if it had come so. A
// message whose room key has not arrived yet waits for it apart from the
// sync loop.
func (e *e2ee) onEncrypted(ctx context.Context, evt *event.Event) {
	a := e.a
	if evt.Sender == a.self() || a.old(evt) {
		return
	}
	if known, err := e.state.IsEncrypted(ctx, evt.RoomID); err == nil && !known {
		// A room whose state the bot never recorded (none of its syncs
		// since it keeps keys brought it): learn it now, so that the
		// answer is encrypted too, for the room's members.
		if _, err := a.client.State(ctx, evt.RoomID); err != nil {
			a.log.Warn("matrix: could not read an encrypted room's state", "platform", "matrix", "room", evt.RoomID, "error", err)
		}
	}
	decrypted, err := e.mach.DecryptMegolmEvent(ctx, evt)
	if errors.Is(err, crypto.ErrNoSessionFound) {
		a.handling.Add(1)
		go func() {
			defer a.handling.Done()
			e.waitAndDecrypt(ctx, evt)
		}()
		return
	}
	if err != nil {
		e.undecryptable(evt, err)
		return
	}
	e.dispatch(ctx, decrypted)
}

// waitAndDecrypt waits for the room key of evt, asks the sender's devices
// for it if it is late, and decrypts evt when it comes.
func (e *e2ee) waitAndDecrypt(ctx context.Context, evt *event.Event) {
	content := evt.Content.AsEncrypted()
	if !e.mach.WaitForSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, keyWait) {
		if ctx.Err() != nil {
			return
		}
		e.RequestSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, evt.Sender, content.DeviceID)
		if !e.mach.WaitForSession(ctx, evt.RoomID, content.SenderKey, content.SessionID, keyWaitLonger) {
			if ctx.Err() == nil {
				e.undecryptable(evt, crypto.ErrNoSessionFound)
			}
			return
		}
	}
	decrypted, err := e.mach.DecryptMegolmEvent(ctx, evt)
	if err != nil {
		e.undecryptable(evt, err)
		return
	}
	e.dispatch(ctx, decrypted)
}

func (e *e2ee) undecryptable(evt *event.Event, err error) {
	e.a.log.Warn("matrix: could not decrypt a message", "platform", "matrix", "room", evt.RoomID,
		"user", evt.Sender, "error", err)
}

// dispatch hands a decrypted event to the adapter's handlers.
func (e *e2ee) dispatch(ctx context.Context, evt *event.Event) {
	evt.Mautrix.EventSource |= event.SourceDecrypted
	e.syncer.Dispatch(ctx, evt)
}

// Encrypt encrypts content for room, sharing a new room key with the room's
// members' devices when there is none yet (or it expired). Every device is
// trusted as it comes: nothing is verified.
func (e *e2ee) Encrypt(ctx context.Context, room id.RoomID, typ event.Type, content any) (*event.EncryptedEventContent, error) {
	encrypted, err := e.mach.EncryptMegolmEvent(ctx, room, typ, content)
	if !crypto.IsShareError(err) {
		return encrypted, err
	}
	users, err := e.state.GetRoomJoinedOrInvitedMembers(ctx, room)
	if err != nil {
		return nil, fmt.Errorf("matrix: members of %s: %w", room, err)
	}
	if err := e.mach.ShareGroupSession(ctx, room, users); err != nil {
		return nil, fmt.Errorf("matrix: share a room key in %s: %w", room, err)
	}
	return e.mach.EncryptMegolmEvent(ctx, room, typ, content)
}

// Decrypt decrypts a room event.
func (e *e2ee) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	return e.mach.DecryptMegolmEvent(ctx, evt)
}

// WaitForSession waits up to timeout for a room key.
func (e *e2ee) WaitForSession(ctx context.Context, room id.RoomID, senderKey id.SenderKey, session id.SessionID, timeout time.Duration) bool {
	return e.mach.WaitForSession(ctx, room, senderKey, session, timeout)
}

// RequestSession asks the sender's device (and the bot's other devices)
// for a room key.
func (e *e2ee) RequestSession(ctx context.Context, room id.RoomID, senderKey id.SenderKey, session id.SessionID, user id.UserID, device id.DeviceID) {
	if device == "" {
		device = "*"
	}
	err := e.mach.SendRoomKeyRequest(ctx, room, senderKey, session, "",
		map[id.UserID][]id.DeviceID{user: {device}, e.a.client.UserID: {"*"}})
	if err != nil {
		e.a.log.Warn("matrix: could not ask for a room key", "platform", "matrix", "room", room, "user", user, "error", err)
	}
}

// Init is done by startCrypto.
func (e *e2ee) Init(context.Context) error { return nil }

// directRoomState is the initial state of a direct room: encrypted, as
// Element makes them, when the adapter can encrypt.
func (a *Adapter) directRoomState() []*event.Event {
	if a.keys.db == nil {
		return nil
	}
	return []*event.Event{{Type: event.StateEncryption, StateKey: new(""),
		Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}}
}

// slogWriter turns mautrix's zerolog lines into learnbot's log lines.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	var fields map[string]any
	if err := json.Unmarshal(p, &fields); err != nil {
		w.log.Warn("matrix: "+string(p), "platform", "matrix")
		return len(p), nil
	}
	level := slog.LevelWarn
	switch fields[zerolog.LevelFieldName] {
	case "debug", "trace":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "error", "fatal", "panic":
		level = slog.LevelError
	}
	msg, _ := fields[zerolog.MessageFieldName].(string)
	delete(fields, zerolog.LevelFieldName)
	delete(fields, zerolog.MessageFieldName)
	delete(fields, zerolog.TimestampFieldName)
	attrs := []any{"platform", "matrix"}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		attrs = append(attrs, k, fields[k])
	}
	w.log.Log(context.Background(), level, "matrix: "+msg, attrs...)
	return len(p), nil
}

// readable is evt decrypted when it is encrypted and can be decrypted (a
// message of the bot's fetched again, after a restart), else evt.
func (a *Adapter) readable(ctx context.Context, evt *event.Event) *event.Event {
	if a.e2ee == nil || evt.Type != event.EventEncrypted {
		return evt
	}
	if err := evt.Content.ParseRaw(evt.Type); err != nil && !errors.Is(err, event.ErrContentAlreadyParsed) {
		return evt
	}
	decrypted, err := a.e2ee.mach.DecryptMegolmEvent(ctx, evt)
	if err != nil {
		a.e2ee.undecryptable(evt, err)
		return evt
	}
	return decrypted
}
