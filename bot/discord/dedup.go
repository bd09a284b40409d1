package discord

import (
	"context"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Dedup remembers which interactions were acted on, so that a signed
// interaction replayed within the signature window has no second effect.
// Several replicas share it, so it must live in the database
// (storage.Store satisfies it).
type Dedup interface {
	// FirstSeen records key and reports whether this was its first sighting.
	FirstSeen(ctx context.Context, key string) (bool, error)
}

// WithDedup shares the memory of handled interactions (an in-memory one,
// good for one replica, otherwise).
func WithDedup(d Dedup) Option { return func(a *Adapter) { a.dedup = d } }

// replayTimeout bounds the replay check inside Discord's 3 s.
const replayTimeout = time.Second

// replayed reports whether the interaction was acted on before. When the
// check fails the interaction is acted on: a lost command is worse than a
// rare second one.
func (a *Adapter) replayed(ctx context.Context, i *discordgo.Interaction) bool {
	if i.ID == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, replayTimeout)
	defer cancel()
	first, err := a.dedup.FirstSeen(ctx, "discord:interaction:"+i.ID)
	switch {
	case err != nil:
		a.log.Warn("replay check failed; acting on the interaction", "platform", "discord", "error", err)
		return false
	case !first:
		a.log.Warn("replayed interaction ignored", "platform", "discord", "workspace", i.GuildID, "interaction", i.ID)
		return true
	}
	return false
}

// memoryDedup remembers interaction IDs in this process only, for as long
// as a replay could pass the signature check.
type memoryDedup struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[string]time.Time
}

func newMemoryDedup(now func() time.Time) *memoryDedup {
	return &memoryDedup{now: now, seen: map[string]time.Time{}}
}

func (d *memoryDedup) FirstSeen(_ context.Context, key string) (bool, error) {
	const keep = 2 * signatureWindow
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if at, ok := d.seen[key]; ok && now.Sub(at) < keep {
		return false, nil
	}
	if len(d.seen) > 10000 {
		for k, at := range d.seen {
			if now.Sub(at) >= keep {
				delete(d.seen, k)
			}
		}
	}
	d.seen[key] = now
	return true, nil
}
