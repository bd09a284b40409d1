package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// CreateGroup adds a group; ErrConflict if the name is taken.
func (s *Store) CreateGroup(ctx context.Context, wsID int64, name string) (*Group, error) {
	g := Group{WorkspaceID: wsID, Name: name, CreatedAt: s.now()}
	err := s.db.GetContext(ctx, &g.ID, s.q(`INSERT INTO groups (workspace_id, name, created_at) VALUES (?, ?, ?) RETURNING id`),
		wsID, name, g.CreatedAt)
	if isUnique(err) {
		return nil, fmt.Errorf("storage: create group: %w", ErrConflict)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: create group: %w", err)
	}
	return &g, nil
}

// DeleteGroup removes a group and its memberships (not its members).
func (s *Store) DeleteGroup(ctx context.Context, wsID int64, name string) error {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM groups WHERE workspace_id = ? AND name = ?`), wsID, name)
	if err != nil {
		return fmt.Errorf("storage: delete group: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: delete group: %w", ErrNotFound)
	}
	return nil
}

// RenameGroup gives a group a new name; ErrNotFound if there is no group
// name, ErrConflict if newName is taken.
func (s *Store) RenameGroup(ctx context.Context, wsID int64, name, newName string) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE groups SET name = ? WHERE workspace_id = ? AND name = ?`), newName, wsID, name)
	if isUnique(err) {
		return fmt.Errorf("storage: rename group: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("storage: rename group: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: rename group: %w", ErrNotFound)
	}
	return nil
}

// GroupByName finds a group with its size.
func (s *Store) GroupByName(ctx context.Context, wsID int64, name string) (*Group, error) {
	var g Group
	err := s.db.GetContext(ctx, &g, s.q(`SELECT g.id, g.workspace_id, g.name, g.created_at,
		(SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS size
		FROM groups g WHERE g.workspace_id = ? AND g.name = ?`), wsID, name)
	if err != nil {
		return nil, fmt.Errorf("storage: group by name: %w", notFound(err))
	}
	return &g, nil
}

// ListGroups returns the workspace's groups with their sizes.
func (s *Store) ListGroups(ctx context.Context, wsID int64) ([]Group, error) {
	var out []Group
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT g.id, g.workspace_id, g.name, g.created_at,
		(SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS size
		FROM groups g WHERE g.workspace_id = ? ORDER BY g.name`), wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: list groups: %w", err)
	}
	return out, nil
}

// AddMembers adds people to a group and reports how many were new to it.
func (s *Store) AddMembers(ctx context.Context, wsID, groupID int64, personIDs []int64) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		for start := 0; start < len(personIDs); start += 400 {
			part := personIDs[start:min(start+400, len(personIDs))]
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO group_members (workspace_id, group_id, person_id)
				SELECT p.workspace_id, ?, p.id FROM people p WHERE p.workspace_id = ? AND p.id IN (`+placeholders(len(part))+`)
				ON CONFLICT DO NOTHING`), append([]any{groupID, wsID}, int64Args(part)...)...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: add members: %w", err)
	}
	return added, nil
}

// RemoveMembers removes people from a group and reports how many were in it.
func (s *Store) RemoveMembers(ctx context.Context, wsID, groupID int64, personIDs []int64) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM group_members WHERE workspace_id = ? AND group_id = ? AND person_id IN (`+
		placeholders(len(personIDs))+`)`), append([]any{wsID, groupID}, int64Args(personIDs)...)...)
	if err != nil {
		return 0, fmt.Errorf("storage: remove members: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// GroupMembers lists a group's members by name.
func (s *Store) GroupMembers(ctx context.Context, wsID, groupID int64) ([]Person, error) {
	var out []Person
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+personColumns+` FROM people p
		JOIN group_members m ON m.person_id = p.id
		WHERE m.workspace_id = ? AND m.group_id = ? ORDER BY lower(p.display_name), p.id`), wsID, groupID)
	if err != nil {
		return nil, fmt.Errorf("storage: group members: %w", err)
	}
	return out, nil
}
