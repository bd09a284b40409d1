package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
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

// SeenAmong reports which of keys were recorded, in one statement: the
// Slack adapter asks it for the App Homes of a fan-out's recipients, a batch
// at a time (a statement per DM cost the database as much as the DM's own
// lookup).
func (s *Store) SeenAmong(ctx context.Context, keys []string) (map[string]bool, error) {
	seen := make(map[string]bool, len(keys))
	if len(keys) == 0 {
		return seen, nil
	}
	query, args, err := sqlx.In(`SELECT key FROM seen_events WHERE key IN (?)`, keys)
	if err != nil {
		return nil, fmt.Errorf("storage: seen among: %w", err)
	}
	var found []string
	if err := s.db.SelectContext(ctx, &found, s.q(query), args...); err != nil {
		return nil, fmt.Errorf("storage: seen among: %w", err)
	}
	for _, k := range found {
		seen[k] = true
	}
	return seen, nil
}
