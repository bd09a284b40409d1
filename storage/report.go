package storage

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/learnbot/learnbot/calendar"
)

// ReportTTL is how long a report's CSV link works.
const ReportTTL = time.Hour

// ReportRow is one task of a report: how many assignments it has that
// count (Holders: removed ones count nowhere; a forced duplicate counts
// twice) and how far they are.
type ReportRow struct {
	TaskID    int64  `db:"task_id"`
	TaskKey   string `db:"task_key"`
	TaskTitle string `db:"task_title"`
	Holders   int    `db:"holders"`
	Done      int    `db:"done"`
	Open      int    `db:"open"`
	Overdue   int    `db:"overdue"`
}

// Report is what a report covers: a workspace, or one group's members.
type Report struct {
	ID          int64     `db:"id"`
	WorkspaceID int64     `db:"workspace_id"`
	GroupID     *int64    `db:"group_id"`
	CreatedBy   int64     `db:"created_by"`
	CreatedAt   time.Time `db:"created_at"`
	ExpiresAt   time.Time `db:"expires_at"`
	// Sealed is a CSV made when the link was, sealed with its token (Open);
	// nil for a report written from the assignments when opened.
	Sealed []byte `db:"sealed"`
}

// ReportTasks sums up every task with assignments in the workspace, or only
// those of groupID's members (0: everyone), by task key. An open
// assignment is overdue when its learner's local date is past its due date.
// Three statements whatever the size: the counts by task and state (no
// join but the 200-row tasks table), the time zones the workspace has, and
// the overdue ones by task, which alone need the learner's zone and only
// look at open assignments due before the latest "today" of any zone.
func (s *Store) ReportTasks(ctx context.Context, wsID, groupID int64) ([]ReportRow, error) {
	q := join(frag(`SELECT t.id AS task_id, t.key AS task_key, t.title AS task_title, x.holders, x.done, x.open, 0 AS overdue
		FROM (SELECT a.task_id, count(*) AS holders,
			SUM(CASE WHEN a.state = 'done' THEN 1 ELSE 0 END) AS done,
			SUM(CASE WHEN a.state = 'open' THEN 1 ELSE 0 END) AS open
			FROM assignments a WHERE a.workspace_id = ? AND a.state <> 'removed'`, wsID), s.ofGroup(groupID), frag(`
			GROUP BY a.task_id) x
		JOIN tasks t ON t.id = x.task_id ORDER BY t.key`))
	var rows []ReportRow
	if err := s.db.SelectContext(ctx, &rows, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: report: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	today, latest, err := s.todayByZone(ctx, s.db, wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: report: %w", err)
	}
	q = join(frag(`SELECT a.task_id, count(*) AS overdue FROM assignments a JOIN people p ON p.id = a.person_id
		WHERE a.workspace_id = ? AND a.state = 'open' AND a.due_date < `, wsID), s.dateValue(latest),
		frag(` AND a.due_date < `), today, s.ofGroup(groupID), frag(` GROUP BY a.task_id`))
	var overdue []struct {
		TaskID int64 `db:"task_id"`
		N      int   `db:"overdue"`
	}
	if err := s.db.SelectContext(ctx, &overdue, s.q(q.sql), q.args...); err != nil {
		return nil, fmt.Errorf("storage: report: %w", err)
	}
	byTask := make(map[int64]int, len(overdue))
	for _, o := range overdue {
		byTask[o.TaskID] = o.N
	}
	for i := range rows {
		rows[i].Overdue = byTask[rows[i].TaskID]
	}
	return rows, nil
}

// ofGroup narrows assignments a to a group's members (nothing for 0).
func (s *Store) ofGroup(groupID int64) fragment {
	if groupID == 0 {
		return fragment{}
	}
	return frag(` AND a.person_id IN (SELECT m.person_id FROM group_members m WHERE m.group_id = ?)`, groupID)
}

// todayByZone is each learner's local date as SQL over people p (a CASE
// on the time zones of the workspace's people, by the store's clock), and
// the latest of those dates.
func (s *Store) todayByZone(ctx context.Context, db sqlx.QueryerContext, wsID int64) (fragment, calendar.Date, error) {
	var zones []string
	if err := sqlx.SelectContext(ctx, db, &zones, s.q(`SELECT DISTINCT time_zone FROM people WHERE workspace_id = ?`), wsID); err != nil {
		return fragment{}, calendar.Date{}, err
	}
	now := s.now()
	latest := calendar.Today(now, s.reminders.Zone)
	var b strings.Builder
	var args []any
	b.WriteString("CASE p.time_zone")
	for _, z := range zones {
		today := calendar.Today(now, calendar.Location(z, s.reminders.Zone))
		if latest.Before(today) {
			latest = today
		}
		b.WriteString(" WHEN ? THEN " + s.typed("DATE"))
		args = append(args, z, today)
	}
	b.WriteString(" ELSE " + s.typed("DATE") + " END")
	args = append(args, calendar.Today(now, s.reminders.Zone))
	return frag(b.String(), args...), latest, nil
}

// CreateReport makes a report's CSV link for a workspace (or a group's
// members) and returns its token, which is stored only hashed, and when it
// stops working.
func (s *Store) CreateReport(ctx context.Context, wsID, groupID, actorID int64) (string, time.Time, error) {
	token, hash := newToken()
	now := s.now()
	expires := now.Add(ReportTTL)
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO reports (workspace_id, token_hash, group_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`), wsID, hash, ref(groupID), actorID, now, expires)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("storage: create report: %w", err)
	}
	return token, expires, nil
}

// CreateSealedReport keeps a CSV made now (the new links of a large
// invite) behind a link for ReportTTL, and returns the link's token and
// when it stops working. The CSV is stored sealed with a key derived from
// the token, which is stored only hashed: the database alone cannot read it.
func (s *Store) CreateSealedReport(ctx context.Context, wsID, actorID int64, csv []byte) (string, time.Time, error) {
	token, hash := newToken()
	sealed, err := seal(token, csv)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("storage: create sealed report: %w", err)
	}
	now := s.now()
	expires := now.Add(ReportTTL)
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO reports (workspace_id, token_hash, created_by, created_at, expires_at, sealed)
		VALUES (?, ?, ?, ?, ?, ?)`), wsID, hash, actorID, now, expires, sealed)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("storage: create sealed report: %w", err)
	}
	return token, expires, nil
}

// Open returns the CSV of a sealed report, given the token of its link.
func (r *Report) Open(token string) ([]byte, error) {
	csv, err := unseal(token, r.Sealed)
	if err != nil {
		return nil, fmt.Errorf("storage: open sealed report: %w", err)
	}
	return csv, nil
}

// sealer is the AES-GCM that seals a report's content, keyed from its
// token (not the token's stored hash).
func sealer(token string) (cipher.AEAD, error) {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("learnbot sealed report"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func seal(token string, plain []byte) ([]byte, error) {
	gcm, err := sealer(token)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return gcm.Seal(nonce, nonce, plain, nil), nil
}

func unseal(token string, sealed []byte) ([]byte, error) {
	gcm, err := sealer(token)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("sealed content too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
}

// ReportByToken finds a report's link: ErrNotFound for an unknown token,
// ErrGone once it has expired.
func (s *Store) ReportByToken(ctx context.Context, token string) (*Report, error) {
	var r Report
	err := s.db.GetContext(ctx, &r, s.q(`SELECT id, workspace_id, group_id, created_by, created_at, expires_at, sealed
		FROM reports WHERE token_hash = ?`), hashToken(token))
	if err != nil {
		return nil, fmt.Errorf("storage: report by token: %w", notFound(err))
	}
	if !s.now().Before(r.ExpiresAt) {
		return &r, fmt.Errorf("storage: report by token: %w", ErrGone)
	}
	return &r, nil
}

// ReportLine is one assignment of a report's CSV.
type ReportLine struct {
	TaskKey    string        `db:"task_key"`
	TaskTitle  string        `db:"task_title"`
	PersonName string        `db:"person_name"`
	Email      *string       `db:"email"`
	State      string        `db:"state"`
	AssignedAt time.Time     `db:"created_at"`
	Due        calendar.Date `db:"due_date"`
	DoneAt     *time.Time    `db:"done_at"`
}

// ReportLines calls f with each assignment the report covers, by task key
// and person, streaming: a workspace of 2 million assignments is never
// held in memory.
func (s *Store) ReportLines(ctx context.Context, r *Report, f func(*ReportLine) error) error {
	var group int64
	if r.GroupID != nil {
		group = *r.GroupID
	}
	q := join(frag(`SELECT t.key AS task_key, t.title AS task_title, p.display_name AS person_name, p.email, a.state,
		a.created_at, a.due_date, a.done_at
		FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN people p ON p.id = a.person_id
		WHERE a.workspace_id = ? AND a.state <> 'removed'`, r.WorkspaceID), s.ofGroup(group), frag(`
		ORDER BY t.key, lower(p.display_name), a.id`))
	rows, err := s.db.QueryxContext(ctx, s.q(q.sql), q.args...)
	if err != nil {
		return fmt.Errorf("storage: report lines: %w", err)
	}
	defer rows.Close()
	var line ReportLine
	for rows.Next() {
		line = ReportLine{}
		if err := rows.StructScan(&line); err != nil {
			return fmt.Errorf("storage: report lines: %w", err)
		}
		if err := f(&line); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: report lines: %w", err)
	}
	return nil
}
