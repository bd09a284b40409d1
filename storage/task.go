package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// TaskSummary is a catalogue entry with how many learners hold the task.
type TaskSummary struct {
	Task
	Holders int `db:"holders"`
}

const taskColumns = `t.id, t.workspace_id, t.key, t.title, t.url, t.description, t.created_at, t.archived_at`

// CreateTask adds a task to the catalogue for actor; ErrConflict if the key
// is taken.
func (s *Store) CreateTask(ctx context.Context, t *Task, actorID int64) error {
	t.CreatedAt = s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.keyFree(ctx, tx, t.WorkspaceID, t.Key, "paths"); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &t.ID, s.q(`INSERT INTO tasks (workspace_id, key, title, url, description, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), t.WorkspaceID, t.Key, t.Title, t.URL, t.Description, t.CreatedAt)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, Event{WorkspaceID: t.WorkspaceID, ActorID: ref(actorID), Kind: EventTaskAdd, TaskID: ref(t.ID)})
	})
	if isUnique(err) {
		return fmt.Errorf("storage: create task: %w", ErrConflict)
	}
	if errors.Is(err, ErrTaken) {
		return fmt.Errorf("storage: create task: %w", ErrTaken)
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

// EditTask changes a task's title and URL, recorded as actor's change;
// ErrNotFound if the workspace has no such task.
func (s *Store) EditTask(ctx context.Context, wsID int64, key, title, url string, actorID int64) (*Task, error) {
	var t Task
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &t.ID, s.q(`UPDATE tasks SET title = ?, url = ? WHERE workspace_id = ? AND key = ? RETURNING id`),
			title, url, wsID, key)
		if err != nil {
			return notFound(err)
		}
		return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(actorID), Kind: EventTaskEdit, TaskID: ref(t.ID),
			Details: EventDetails{Title: title}})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: edit task: %w", err)
	}
	return s.TaskByKey(ctx, wsID, key)
}

// SetTaskArchived archives a task (archived true) or restores it as actor,
// and says whether that changed anything (only a change is recorded);
// ErrNotFound if the workspace has no such task.
func (s *Store) SetTaskArchived(ctx context.Context, wsID int64, key string, archived bool, actorID int64) (t *Task, changed bool, err error) {
	q := frag(`UPDATE tasks SET archived_at = NULL WHERE workspace_id = ? AND key = ? AND archived_at IS NOT NULL RETURNING id`, wsID, key)
	kind := EventTaskRestore
	if archived {
		q = frag(`UPDATE tasks SET archived_at = ? WHERE workspace_id = ? AND key = ? AND archived_at IS NULL RETURNING id`, s.now(), wsID, key)
		kind = EventTaskArchive
	}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, s.q(q.sql), q.args...)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // nothing to change, or no such task: TaskByKey tells
		}
		if err != nil {
			return err
		}
		changed = true
		return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(actorID), Kind: kind, TaskID: ref(id)})
	})
	if err != nil {
		return nil, false, fmt.Errorf("storage: archive task: %w", err)
	}
	if t, err = s.TaskByKey(ctx, wsID, key); err != nil {
		return nil, false, err
	}
	return t, changed, nil
}

// ListTasks returns the catalogue (archived tasks left out) with the number
// of distinct holders.
func (s *Store) ListTasks(ctx context.Context, wsID int64) ([]TaskSummary, error) {
	var out []TaskSummary
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+taskColumns+`,
		(SELECT count(DISTINCT a.person_id) FROM assignments a WHERE a.task_id = t.id AND a.state <> 'removed') AS holders
		FROM tasks t WHERE t.workspace_id = ? AND t.archived_at IS NULL ORDER BY t.key`), wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: list tasks: %w", err)
	}
	return out, nil
}

// TaskKeys returns up to limit keys of tasks and paths not archived
// starting with prefix (autocomplete).
func (s *Store) TaskKeys(ctx context.Context, platform, workspace, prefix string, limit int) ([]string, error) {
	var out []string
	prefix = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(prefix))
	// Paths share the tasks' namespace and are assigned, unassigned and
	// followed by the same commands.
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT k.key FROM (
		SELECT t.key FROM tasks t JOIN workspaces w ON w.id = t.workspace_id
		WHERE w.platform = ? AND w.external_id = ? AND t.key LIKE ? ESCAPE '\' AND t.archived_at IS NULL
		UNION ALL
		SELECT p.key FROM paths p JOIN workspaces w ON w.id = p.workspace_id
		WHERE w.platform = ? AND w.external_id = ? AND p.key LIKE ? ESCAPE '\' AND p.archived_at IS NULL) k
		ORDER BY k.key LIMIT ?`), platform, workspace, prefix+"%", platform, workspace, prefix+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("storage: task keys: %w", err)
	}
	return out, nil
}
