package storage

import (
	"context"
	"fmt"
)

// FirstSeen records a platform event key (e.g. "slack:event:Ev123") and
// reports whether this is its first delivery, so that retries sent to any
// replica are handled once.
func (s *Store) FirstSeen(ctx context.Context, key string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO seen_events (key, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`), key, s.now())
	if err != nil {
		return false, fmt.Errorf("storage: first seen: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Touch records key as seen now, again if it was before (an App Home
// visit: pruning forgets visits a day after the latest).
func (s *Store) Touch(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO seen_events (key, created_at) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET created_at = excluded.created_at`), key, s.now())
	if err != nil {
		return fmt.Errorf("storage: touch: %w", err)
	}
	return nil
}

// Seen reports whether key was recorded by FirstSeen or Touch.
func (s *Store) Seen(ctx context.Context, key string) (bool, error) {
	var seen bool
	if err := s.getPrepared(ctx, &seen, s.q(`SELECT EXISTS (SELECT 1 FROM seen_events WHERE key = ?)`), key); err != nil {
		return false, fmt.Errorf("storage: seen: %w", err)
	}
	return seen, nil
}
