package storage

import (
	"context"
	"fmt"
)

// KeepDMChannel keeps the DM channel of a chat user of a workspace
// (platform and its external ID), which AssignmentView then carries; ""
// forgets it. A user learnbot does not know keeps nothing.
func (s *Store) KeepDMChannel(ctx context.Context, platform, workspace, chatID, channel string) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE people SET dm_channel = ?
		WHERE workspace_id = (SELECT id FROM workspaces WHERE platform = ? AND external_id = ?) AND chat_id = ?`),
		nullString(channel), platform, workspace, chatID)
	if err != nil {
		return fmt.Errorf("storage: keep dm channel: %w", err)
	}
	return nil
}
