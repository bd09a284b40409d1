package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SyncPosition is where the platform's event stream of a bot account in a
// workspace was read up to (Matrix: the sync token); "" when nothing was
// saved yet.
func (s *Store) SyncPosition(ctx context.Context, platform, workspace, account string) (string, error) {
	var pos string
	err := s.db.GetContext(ctx, &pos, s.q(`SELECT position FROM sync_positions WHERE platform = ? AND workspace = ? AND account = ?`),
		platform, workspace, account)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: sync position: %w", err)
	}
	return pos, nil
}

// SaveSyncPosition records where the event stream was read up to.
func (s *Store) SaveSyncPosition(ctx context.Context, platform, workspace, account, position string) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO sync_positions (platform, workspace, account, position, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, workspace, account)
		DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`), platform, workspace, account, position, s.now())
	if err != nil {
		return fmt.Errorf("storage: save sync position: %w", err)
	}
	return nil
}
