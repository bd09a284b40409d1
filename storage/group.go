package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// CreateGroup adds a group for actor; ErrConflict if the name is taken.
func (s *Store) CreateGroup(ctx context.Context, wsID int64, name string, actorID int64) (*Group, error) {
	g := Group{WorkspaceID: wsID, Name: name, CreatedAt: s.now()}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &g.ID, s.q(`INSERT INTO groups (workspace_id, name, created_at) VALUES (?, ?, ?) RETURNING id`),
			wsID, name, g.CreatedAt)
		if err != nil {
			return err
		}
		return s.recordGroup(ctx, tx, EventGroupCreate, actorID, &g, 0, nil)
	})
	if isUnique(err) {
		return nil, fmt.Errorf("storage: create group: %w", ErrConflict)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: create group: %w", err)
	}
	return &g, nil
}

// DeleteGroup removes a group and its memberships (not its members) for
// actor.
func (s *Store) DeleteGroup(ctx context.Context, wsID int64, name string, actorID int64) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		g := Group{WorkspaceID: wsID, Name: name}
		err := tx.GetContext(ctx, &g.ID, s.q(`DELETE FROM groups WHERE workspace_id = ? AND name = ? RETURNING id`), wsID, name)
		if err != nil {
			return notFound(err)
		}
		return s.recordGroup(ctx, tx, EventGroupDelete, actorID, &g, 0, nil)
	})
	if err != nil {
		return fmt.Errorf("storage: delete group: %w", err)
	}
	return nil
}

// RenameGroup gives a group a new name, recorded as actor's change;
// ErrNotFound if there is no group name, ErrConflict if newName is taken.
func (s *Store) RenameGroup(ctx context.Context, wsID int64, name, newName string, actorID int64) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		g := Group{WorkspaceID: wsID, Name: newName}
		err := tx.GetContext(ctx, &g.ID, s.q(`UPDATE groups SET name = ? WHERE workspace_id = ? AND name = ? RETURNING id`),
			newName, wsID, name)
		if err != nil {
			return notFound(err)
		}
		return s.record(ctx, tx, Event{WorkspaceID: wsID, ActorID: ref(actorID), Kind: EventGroupRename, GroupID: ref(g.ID),
			Details: EventDetails{Group: newName, From: name}})
	})
	if isUnique(err) {
		return fmt.Errorf("storage: rename group: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("storage: rename group: %w", err)
	}
	return nil
}

// recordGroup records a change of a group by actor: n people added or
// removed, one event for the set (naming the person when it is one).
func (s *Store) recordGroup(ctx context.Context, tx *sqlx.Tx, kind string, actorID int64, g *Group, n int, people []int64) error {
	var person *int64
	if n == 1 {
		person = onlyOne(people)
	}
	return s.record(ctx, tx, Event{WorkspaceID: g.WorkspaceID, ActorID: ref(actorID), Kind: kind, GroupID: ref(g.ID),
		PersonID: person, Count: n, Details: EventDetails{Group: g.Name}})
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

// AddMembers adds people to a group for actor and reports how many were new
// to it.
func (s *Store) AddMembers(ctx context.Context, g *Group, personIDs []int64, actorID int64) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		for part := range slices.Chunk(personIDs, peopleChunk) {
			q := join(frag(`INSERT INTO group_members (workspace_id, group_id, person_id)
				SELECT p.workspace_id, ?, p.id FROM people p WHERE p.workspace_id = ? AND p.id IN (`, g.ID, g.WorkspaceID),
				inList(part), frag(`) ON CONFLICT DO NOTHING`))
			res, err := tx.ExecContext(ctx, s.q(q.sql), q.args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return s.recordGroup(ctx, tx, EventGroupAdd, actorID, g, added, personIDs)
	})
	if err != nil {
		return 0, fmt.Errorf("storage: add members: %w", err)
	}
	return added, nil
}

// RemoveMembers removes people from a group for actor and reports how many
// were in it.
func (s *Store) RemoveMembers(ctx context.Context, g *Group, personIDs []int64, actorID int64) (int, error) {
	removed := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := join(frag(`DELETE FROM group_members WHERE workspace_id = ? AND group_id = ? AND person_id IN (`, g.WorkspaceID, g.ID),
			inList(personIDs), frag(`)`))
		res, err := tx.ExecContext(ctx, s.q(q.sql), q.args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		removed = int(n)
		return s.recordGroup(ctx, tx, EventGroupRemove, actorID, g, removed, personIDs)
	})
	if err != nil {
		return 0, fmt.Errorf("storage: remove members: %w", err)
	}
	return removed, nil
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
