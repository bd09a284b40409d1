package storage

import (
	"context"
	"fmt"
)

// KeptDMChannel is the DM channel of a chat user of a workspace (its
// external ID); "" forgets the one kept.
type KeptDMChannel struct {
	Workspace, ChatID, Channel string
}

// KeepDMChannels keeps the DM channels of chat users of a platform's
// workspaces in one statement (AssignmentView then carries them). Users
// learnbot does not know keep nothing. The rows are locked in person order,
// so that two replicas keeping channels at once cannot deadlock.
func (s *Store) KeepDMChannels(ctx context.Context, platform string, keep []KeptDMChannel) error {
	if len(keep) == 0 {
		return nil
	}
	ws, ids, channels := make([]string, len(keep)), make([]string, len(keep)), make([]string, len(keep))
	for i, k := range keep {
		ws[i], ids[i], channels[i] = k.Workspace, k.ChatID, k.Channel
	}
	q := join(frag(`WITH c AS (SELECT p.id, k.channel FROM `), s.rows("k", []string{"ws", "id", "channel"}, ws, ids, channels),
		frag(` JOIN workspaces w ON w.platform = ? AND w.external_id = k.ws
		JOIN people p ON p.workspace_id = w.id AND p.chat_id = k.id ORDER BY p.id`+s.forUpdate("p")+`)
		UPDATE people SET dm_channel = NULLIF(c.channel, '') FROM c WHERE people.id = c.id`, platform))
	if _, err := s.db.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
		return fmt.Errorf("storage: keep dm channels: %w", err)
	}
	return nil
}
