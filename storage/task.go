package storage

import (
	"context"
	"fmt"
	"strings"
)

// TaskSummary is a catalogue entry with how many learners hold the task.
type TaskSummary struct {
	Task
	Holders int `db:"holders"`
}

const taskColumns = `t.id, t.workspace_id, t.key, t.title, t.url, t.description, t.created_at`

// CreateTask adds a task to the catalogue; ErrConflict if the key is taken.
func (s *Store) CreateTask(ctx context.Context, t *Task) error {
	t.CreatedAt = s.now()
	err := s.db.GetContext(ctx, &t.ID, s.q(`INSERT INTO tasks (workspace_id, key, title, url, description, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), t.WorkspaceID, t.Key, t.Title, t.URL, t.Description, t.CreatedAt)
	if isUnique(err) {
		return fmt.Errorf("storage: create task: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("storage: create task: %w", err)
	}
	return nil
}

// TaskByKey finds a task of the workspace.
func (s *Store) TaskByKey(ctx context.Context, wsID int64, key string) (*Task, error) {
	var t Task
	err := s.getPrepared(ctx, &t, s.q(`SELECT `+taskColumns+` FROM tasks t WHERE t.workspace_id = ? AND t.key = ?`), wsID, key)
	if err != nil {
		return nil, fmt.Errorf("storage: task by key: %w", notFound(err))
	}
	return &t, nil
}

// ListTasks returns the catalogue with the number of distinct holders.
func (s *Store) ListTasks(ctx context.Context, wsID int64) ([]TaskSummary, error) {
	var out []TaskSummary
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+taskColumns+`,
		(SELECT count(DISTINCT a.person_id) FROM assignments a WHERE a.task_id = t.id) AS holders
		FROM tasks t WHERE t.workspace_id = ? ORDER BY t.key`), wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: list tasks: %w", err)
	}
	return out, nil
}

// TaskKeys returns up to limit task keys starting with prefix (autocomplete).
func (s *Store) TaskKeys(ctx context.Context, platform, workspace, prefix string, limit int) ([]string, error) {
	var out []string
	prefix = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(prefix))
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT t.key FROM tasks t JOIN workspaces w ON w.id = t.workspace_id
		WHERE w.platform = ? AND w.external_id = ? AND t.key LIKE ? ESCAPE '\'
		ORDER BY t.key LIMIT ?`), platform, workspace, prefix+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("storage: task keys: %w", err)
	}
	return out, nil
}
