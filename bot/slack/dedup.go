package slack

import (
	"context"
	"sync"
	"time"
)

// memoryDedup remembers event keys in this process only: enough for one
// replica; several replicas need the store's EventDedup (WithDedup).
type memoryDedup struct {
	mu   sync.Mutex
	ttl  time.Duration
	now  func() time.Time
	seen map[string]time.Time
}

func newMemoryDedup(ttl time.Duration, now func() time.Time) *memoryDedup {
	return &memoryDedup{ttl: ttl, now: now, seen: map[string]time.Time{}}
}

func (d *memoryDedup) FirstSeen(_ context.Context, key string) (bool, error) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if at, ok := d.seen[key]; ok && now.Sub(at) < d.ttl {
		return false, nil
	}
	if len(d.seen) > 10000 {
		for k, at := range d.seen {
			if now.Sub(at) >= d.ttl {
				delete(d.seen, k)
			}
		}
	}
	d.seen[key] = now
	return true, nil
}

func (d *memoryDedup) Touch(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[key] = d.now()
	return nil
}

func (d *memoryDedup) Seen(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.seen[key]
	return ok && d.now().Sub(at) < d.ttl, nil
}
