package matrix

import (
	"context"
	"sync"
	"time"

	"github.com/learnbot/learnbot/internal/pacer"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// SyncPositions keeps where the bot's sync got to (the sync token,
// next_batch) in learnbot's database, so that a restart goes on from there:
// what was said while learnbot was down is answered, what was answered
// before is not answered again.
type SyncPositions interface {
	SyncPosition(ctx context.Context, workspace, account string) (string, error)
	SaveSyncPosition(ctx context.Context, workspace, account, position string) error
}

// EventDedup records which events were acted on, so that an event seen
// again (a sync replayed after a crash, another replica syncing the same
// account) is acted on once. Several replicas share it: it lives in the
// database.
type EventDedup interface {
	FirstSeen(ctx context.Context, key string) (bool, error)
}

// WithSyncPositions keeps the sync position in positions (learnbot's
// database); without it, a restart skips what was said while it was down.
func WithSyncPositions(positions SyncPositions) Option {
	return func(a *Adapter) { a.positions = positions }
}

// WithDedup shares which events were acted on between replicas and
// restarts (the store); without it, only this process remembers.
func WithDedup(d EventDedup) Option { return func(a *Adapter) { a.dedup = d } }

// syncStore is mautrix's SyncStore on SyncPositions. mautrix saves a
// position before it hands the events up to it to the adapter, so a crash
// in between would lose them; syncStore writes each position one sync
// late, once the events before it were handed on, and the latest when Run
// ends. A crash then costs the replay of one sync, which the dedup takes
// once.
type syncStore struct {
	a      *Adapter
	filter *mautrix.MemorySyncStore // the filter is made again at each start

	mu sync.Mutex
	// pending is the latest position mautrix gave, saved when the next
	// comes; saved is the one in the database.
	pending, saved string
}

func newSyncStore(a *Adapter) *syncStore {
	return &syncStore{a: a, filter: mautrix.NewMemorySyncStore()}
}

func (s *syncStore) SaveFilterID(ctx context.Context, user id.UserID, filterID string) error {
	return s.filter.SaveFilterID(ctx, user, filterID)
}

func (s *syncStore) LoadFilterID(ctx context.Context, user id.UserID) (string, error) {
	return s.filter.LoadFilterID(ctx, user)
}

func (s *syncStore) LoadNextBatch(ctx context.Context, user id.UserID) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending != "" {
		return s.pending, nil // a sync that failed goes on from where this process got to
	}
	pos, err := s.a.positions.SyncPosition(ctx, s.a.Workspace(), user.String())
	if err != nil {
		return "", err
	}
	s.pending, s.saved = pos, pos
	return pos, nil
}

func (s *syncStore) SaveNextBatch(ctx context.Context, user id.UserID, position string) error {
	s.mu.Lock()
	prev := s.pending
	s.pending = position
	s.mu.Unlock()
	return s.save(ctx, user, prev)
}

// flush saves the latest position, once the events before it were handled.
func (s *syncStore) flush(user id.UserID) {
	s.mu.Lock()
	pos := s.pending
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.save(ctx, user, pos); err != nil {
		s.a.log.Warn("matrix: could not save the sync position", "platform", "matrix", "error", err)
	}
}

func (s *syncStore) save(ctx context.Context, user id.UserID, pos string) error {
	s.mu.Lock()
	if pos == "" || pos == s.saved {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	if err := s.a.positions.SaveSyncPosition(ctx, s.a.Workspace(), user.String(), pos); err != nil {
		return err
	}
	s.mu.Lock()
	s.saved = pos
	s.mu.Unlock()
	return nil
}

// firstSight reports whether evt is seen for the first time, recording it:
// only then is it acted on. When the record cannot be asked, the event is
// acted on (a replayed answer is still taken once by the homeserver, which
// knows its transaction ID).
func (a *Adapter) firstSight(ctx context.Context, evt *event.Event) bool {
	key := "matrix:event:" + evt.ID.String()
	if a.dedup == nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		if _, seen := a.seen.Get(key); seen {
			return false
		}
		a.seen.Put(key, struct{}{})
		return true
	}
	first, err := a.dedup.FirstSeen(ctx, key)
	if err != nil {
		a.log.Warn("matrix: could not record an event as seen", "platform", "matrix", "room", evt.RoomID, "error", err)
		return true
	}
	return first
}

// setup builds what the options chose.
func (a *Adapter) setup() {
	a.pacers = pacer.NewSet(2*time.Second, a.now)
	if a.shared != nil {
		a.pacers.Share(a.shared, a.replica, a.log)
	}
	if a.positions != nil {
		a.syncStore = newSyncStore(a)
		a.client.Store = a.syncStore
	}
}

// stopped waits for the events still being handled, then saves the sync
// position they were read up to.
func (a *Adapter) stopped() {
	a.handling.Wait()
	if a.syncStore != nil {
		a.syncStore.flush(a.self())
	}
}
