package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/learnbot/learnbot/model"
	"github.com/lib/pq"
)

// NewTargetSet starts a set of platform group members for a command (see
// StageMembers); its ID goes into the command's AssignParams, UnassignParams
// or SetDueParams.
func (s *Store) NewTargetSet(ctx context.Context, wsID int64) (string, error) {
	id := randomID(12)
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO target_sets (id, workspace_id, created_at) VALUES (?, ?, ?)`), id, wsID, s.now())
	if err != nil {
		return "", fmt.Errorf("storage: new target set: %w", err)
	}
	return id, nil
}

// StageMembers adds a page of a platform group's members to a target set
// in one statement, however large the page: one row of arrays on
// PostgreSQL (the view target_members unfolds them), a row per member on
// SQLite. Who they are is settled in the command's transaction, as a set.
func (s *Store) StageMembers(ctx context.Context, setID string, users []model.User) error {
	if len(users) == 0 {
		return nil
	}
	ids, names, langs, zones := make([]string, len(users)), make([]string, len(users)), make([]string, len(users)), make([]string, len(users))
	for i, u := range users {
		u.Name = plainText(u.Name)
		ids[i], names[i], langs[i], zones[i] = u.ID, displayName(u), string(u.Lang), zoneOf(u)
	}
	var err error
	if s.dialect == Postgres {
		_, err = s.db.ExecContext(ctx, `INSERT INTO target_pages (set_id, chat_ids, display_names, platform_languages, time_zones)
			VALUES ($1, $2, $3, $4, $5)`, setID, pq.Array(ids), pq.Array(names), pq.Array(langs), pq.Array(zones))
	} else {
		q := join(frag(`INSERT INTO target_members (set_id, chat_id, display_name, platform_language, time_zone)
			SELECT ?, u.id, u.name, NULLIF(u.lang, ''), u.tz FROM `, setID),
			s.rows("u", []string{"id", "name", "lang", "tz"}, ids, names, langs, zones))
		_, err = s.db.ExecContext(ctx, q.sql, q.args...)
	}
	if err != nil {
		return fmt.Errorf("storage: stage members: %w", err)
	}
	return nil
}

// bulkMemory gives a transaction that may work on a large target set the
// memory to hash it (PostgreSQL's default work_mem of 4 MB spills 100,000
// IDs to disk).
func (s *Store) bulkMemory(ctx context.Context, tx *sqlx.Tx, large bool) error {
	if !large || s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '64MB'`)
	return err
}

// createStaged makes the members of a target set learnbot has not met
// active learners, in one statement, in chat ID order (two transactions
// creating the same newcomers cannot deadlock), and returns how many it
// made. Only a command that assigns calls it: a prompt changes nothing,
// and creating 50,000 people was most of its time.
func (s *Store) createStaged(ctx context.Context, tx *sqlx.Tx, wsID int64, setID string) (int, error) {
	if setID == "" {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO people (workspace_id, role, status, display_name, chat_id, created_at, platform_language, time_zone)
		SELECT ?, 'learner', 'active', MAX(m.display_name), m.chat_id, ?, MAX(m.platform_language), MAX(m.time_zone)
		FROM target_members m
		WHERE m.set_id = ? AND NOT EXISTS (SELECT 1 FROM people p WHERE p.workspace_id = ? AND p.chat_id = m.chat_id)
		GROUP BY m.chat_id ORDER BY m.chat_id
		ON CONFLICT (workspace_id, chat_id) WHERE chat_id IS NOT NULL DO NOTHING`), wsID, s.now(), setID, wsID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// countUnknown counts the members of a target set learnbot has not met.
func (s *Store) countUnknown(ctx context.Context, tx *sqlx.Tx, wsID int64, setID string) (int, error) {
	var n int
	err := tx.GetContext(ctx, &n, s.q(`SELECT count(DISTINCT m.chat_id) FROM target_member_ids m WHERE m.set_id = ?
		AND NOT EXISTS (SELECT 1 FROM people p WHERE p.workspace_id = ? AND p.chat_id = m.chat_id)`), setID, wsID)
	return n, err
}

// unknownMembers are the members of a target set (first parameter) that
// the workspace (second) has no person for.
const unknownMembers = `FROM target_members m WHERE m.set_id = ? AND NOT EXISTS (SELECT 1 FROM people p WHERE p.workspace_id = ? AND p.chat_id = m.chat_id)`

// stagedPeople is the people of a target set learnbot knows, as rows
// (person_id, group_id) of targets; setID may be a fragment naming it.
func stagedPeople(wsID any, setID fragment) fragment {
	return join(frag(`SELECT p.id, NULL FROM target_member_ids m JOIN people p ON p.workspace_id = ? AND p.chat_id = m.chat_id
		WHERE m.set_id = `, wsID), setID)
}

// stagedUnknown counts the members of a target set learnbot has not met
// and names up to summaryNames of them (unassign and due create no one).
func (s *Store) stagedUnknown(ctx context.Context, tx *sqlx.Tx, wsID int64, setID string) (int, []string, error) {
	if setID == "" {
		return 0, nil, nil
	}
	n, err := s.countUnknown(ctx, tx, wsID, setID)
	if err != nil || n == 0 {
		return 0, nil, err
	}
	var names []string
	err = tx.SelectContext(ctx, &names, s.q(`SELECT MAX(m.display_name) `+unknownMembers+` GROUP BY m.chat_id ORDER BY m.chat_id LIMIT ?`),
		setID, wsID, summaryNames)
	return n, names, err
}

// pruneTargetSets deletes the target sets older than a day that no
// decision keeps, with their members.
func (s *Store) pruneTargetSets(ctx context.Context) (int64, error) {
	old := `SELECT t.id FROM target_sets t WHERE t.created_at < ? AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.target_set = t.id)`
	before := s.now().Add(-KeepSeenEvents)
	staged := "target_pages" // see StageMembers
	if s.dialect == SQLite {
		staged = "target_members"
	}
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM `+staged+` WHERE set_id IN (`+old+`)`), before); err != nil {
		return 0, err
	}
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM target_sets WHERE id IN (`+old+`)`), before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
