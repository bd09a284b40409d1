package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/learnbot/learnbot/calendar"
)

// Rule source kinds (DESIGN 3b).
const (
	SourceGroup     = "group"
	SourceChannel   = "channel"   // a Slack channel, a Matrix room
	SourceUsergroup = "usergroup" // Slack
	SourceRole      = "role"      // Discord
	SourceEveryone  = "everyone"  // joining the workspace or server
)

// Source is what a rule follows: a learnbot group (ID is its ID in
// decimal), a platform group by its platform ID, or everyone (ID "").
type Source struct {
	Kind string `db:"source_kind"`
	ID   string `db:"source_id"`
	Name string `db:"source_name"`
}

// Rule is "whoever joins Source gets the task (or the path)".
type Rule struct {
	ID          int64      `db:"id"`
	WorkspaceID int64      `db:"workspace_id"`
	TaskID      *int64     `db:"task_id"`
	PathID      *int64     `db:"path_id"`
	What        string     `db:"what"` // the task's or path's key
	Source                 // embedded: source_kind, source_id, source_name
	EveryDays   *int       `db:"every_days"`
	EveryText   string     `db:"every_text"` // as typed: "1y"
	DueDays     *int       `db:"due_days"`
	CreatedBy   int64      `db:"created_by"`
	CreatorName string     `db:"creator_name"`
	CreatedAt   time.Time  `db:"created_at"`
	RemovedAt   *time.Time `db:"removed_at"`
	Applied     int        `db:"applied"`
}

const ruleColumns = `r.id, r.workspace_id, r.task_id, r.path_id, COALESCE(t.key, pa.key) AS what, r.source_kind, r.source_id,
	r.source_name, r.every_days, r.every_text, r.due_days, r.created_by, COALESCE(c.display_name, '') AS creator_name,
	r.created_at, r.removed_at, r.applied
	FROM rules r LEFT JOIN tasks t ON t.id = r.task_id LEFT JOIN paths pa ON pa.id = r.path_id
	LEFT JOIN people c ON c.id = r.created_by`

// CreateRule stores a rule.
func (s *Store) CreateRule(ctx context.Context, r *Rule) error {
	r.CreatedAt = s.now()
	err := s.db.GetContext(ctx, &r.ID, s.q(`INSERT INTO rules (workspace_id, task_id, path_id, source_kind, source_id, source_name,
		every_days, every_text, due_days, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.WorkspaceID, r.TaskID, r.PathID, r.Kind, r.Source.ID, r.Name, r.EveryDays, r.EveryText, r.DueDays, r.CreatedBy, r.CreatedAt)
	if err != nil {
		return fmt.Errorf("storage: create rule: %w", err)
	}
	return nil
}

// ListRules lists the workspace's rules that were not removed, oldest first.
func (s *Store) ListRules(ctx context.Context, wsID int64) ([]Rule, error) {
	var out []Rule
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+ruleColumns+` WHERE r.workspace_id = ? AND r.removed_at IS NULL ORDER BY r.id`), wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: list rules: %w", err)
	}
	return out, nil
}

// RemoveRule ends a rule; ErrNotFound when the workspace has no such rule
// or it was removed already.
func (s *Store) RemoveRule(ctx context.Context, wsID, id int64) (*Rule, error) {
	var r Rule
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &r, s.q(`SELECT `+ruleColumns+` WHERE r.workspace_id = ? AND r.id = ? AND r.removed_at IS NULL`), wsID, id); err != nil {
			return notFound(err)
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE rules SET removed_at = ? WHERE id = ?`), s.now(), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("storage: remove rule: %w", err)
	}
	return &r, nil
}

// RulesFor lists the rules of the workspace that follow a source.
func (s *Store) RulesFor(ctx context.Context, wsID int64, kind, sourceID string) ([]Rule, error) {
	var out []Rule
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+ruleColumns+`
		WHERE r.workspace_id = ? AND r.source_kind = ? AND r.source_id = ? AND r.removed_at IS NULL ORDER BY r.id`), wsID, kind, sourceID)
	if err != nil {
		return nil, fmt.Errorf("storage: rules for source: %w", err)
	}
	return out, nil
}

// ApplyRule applies a rule to people (of its workspace) and returns how many
// it assigned or enrolled. Each person is served at most once per period:
// the claim of (rule, person, period) is written in the transaction that
// assigns, so event retries, replicas and reconciliation agree. Without a
// period a person is served once ever, and skipped (counted as served)
// while they hold the task in any state or are on the path; with one,
// they are served again when they hold nothing open of it and their
// latest assignment (or enrolment) of it is older than the period. A rule
// never forces.
func (s *Store) ApplyRule(ctx context.Context, r *Rule, people []int64) (int, error) {
	if len(people) == 0 {
		return 0, nil
	}
	var n int
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var removed *time.Time
		if err := tx.GetContext(ctx, &removed, s.q(`SELECT removed_at FROM rules WHERE id = ?`+s.forUpdate()), r.ID); err != nil {
			return notFound(err)
		}
		if removed != nil {
			return nil
		}
		var err error
		if r.TaskID != nil {
			n, err = s.applyTaskRule(ctx, tx, r, people)
		} else {
			n, err = s.applyPathRule(ctx, tx, r, people)
		}
		if err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE rules SET applied = applied + ? WHERE id = ?`), n, r.ID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: apply rule %d: %w", r.ID, err)
	}
	return n, nil
}

// claimFor inserts the claims (rule, person, period) that sel yields as
// rows (person_id, period) and returns the people claimed now, not before:
// one statement for any number of people.
func (s *Store) claimFor(ctx context.Context, tx *sqlx.Tx, ruleID int64, sel fragment) ([]int64, error) {
	var claimed []int64
	q := join(frag(`INSERT INTO rule_applications (rule_id, person_id, period, applied_at)
		SELECT ?, c.person_id, c.period, ? FROM (`, ruleID, s.now()), sel, frag(`) c
		WHERE true -- SQLite would read ON CONFLICT as a join's ON without it
		ON CONFLICT DO NOTHING RETURNING person_id`))
	if err := tx.SelectContext(ctx, &claimed, s.q(q.sql), q.args...); err != nil {
		return nil, err
	}
	return sortedCopy(claimed), nil
}

// applyTaskRule claims and assigns the rule's task. Without a period every
// person named is claimed once, and those who hold the task in any state
// are skipped (served); with one, those who hold nothing open of it and
// nothing newer than the period are claimed for the period their latest
// assignment opened, and assigned.
func (s *Store) applyTaskRule(ctx context.Context, tx *sqlx.Tx, r *Rule, people []int64) (int, error) {
	if err := s.lockTask(ctx, tx, r.WorkspaceID, *r.TaskID); err != nil {
		return 0, err
	}
	now := s.now()
	sel := s.taskClaims(r, people, now)
	claimed, err := s.claimFor(ctx, tx, r.ID, sel)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	var due calendar.Date
	if r.DueDays != nil {
		due = calendar.Today(now, s.reminders.Zone).AddDays(*r.DueDays)
	}
	var dueVal any
	if !due.IsZero() {
		dueVal = due
	}
	skip := fragment{}
	if r.EveryDays == nil { // holding it in any state counts as served
		skip = frag(` AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = p.id AND a.state <> 'removed')`, *r.TaskID)
	}
	a, err := s.assignFrom(ctx, tx, due, join(
		frag(`SELECT ?, ?, p.id, ?, NULL, FALSE, 'open', ?, `+s.typed("DATE")+` FROM people p WHERE p.workspace_id = ? AND p.id IN `,
			r.WorkspaceID, *r.TaskID, r.CreatedBy, now, dueVal, r.WorkspaceID), s.idSet(claimed), skip))
	if err != nil || len(a.people) == 0 {
		return 0, err
	}
	return len(a.people), s.record(ctx, tx, Event{WorkspaceID: r.WorkspaceID, ActorID: ref(r.CreatedBy), Kind: EventAssign,
		TaskID: r.TaskID, PersonID: onlyOne(a.people), Count: len(a.people), Details: EventDetails{Names: a.names, Rule: r.ID}})
}

// applyPathRule claims and enrols in the rule's path, as applyTaskRule
// assigns: those on the path (an active, unfinished enrolment) are skipped.
func (s *Store) applyPathRule(ctx context.Context, tx *sqlx.Tx, r *Rule, people []int64) (int, error) {
	if err := s.lockPath(ctx, tx, r.WorkspaceID, *r.PathID); err != nil {
		return 0, err
	}
	now := s.now()
	holders, err := s.pathHolders(ctx, tx, *r.PathID, sortedCopy(people))
	if err != nil {
		return 0, err
	}
	sel := s.pathClaims(r, people, holders, now)
	claimed, err := s.claimFor(ctx, tx, r.ID, sel)
	if err != nil {
		return 0, err
	}
	enrol := without(claimed, holders)
	if len(enrol) == 0 {
		return 0, nil
	}
	var res EnrolResult
	start := calendar.Today(now, s.reminders.Zone)
	if err := s.enrolBy(ctx, tx, r.WorkspaceID, *r.PathID, r.CreatedBy, start, enrol, r.ID, &res); err != nil {
		return 0, err
	}
	return res.Enrolled, nil
}

// taskClaims is the claims a task rule makes of people now: rows
// (person_id, period).
func (s *Store) taskClaims(r *Rule, people []int64, now time.Time) fragment {
	if r.EveryDays == nil {
		return s.onceClaims(r, people)
	}
	return join(frag(`SELECT p.id AS person_id, 'a' || CAST(COALESCE((SELECT MAX(a.id) FROM assignments a
		WHERE a.task_id = ? AND a.person_id = p.id AND a.state <> 'removed'), 0) AS TEXT) AS period
		FROM people p WHERE p.workspace_id = ? AND p.id IN `, *r.TaskID, r.WorkspaceID), s.idSet(people), frag(`
		AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = p.id AND a.state = 'open')
		AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = p.id AND a.state <> 'removed'
			AND a.created_at > ?)`, *r.TaskID, *r.TaskID, periodStart(r, now)))
}

// onceClaims is the claims of a rule that serves each person once: rows
// (person_id, 'once').
func (s *Store) onceClaims(r *Rule, people []int64) fragment {
	return join(frag(`SELECT p.id AS person_id, 'once' AS period FROM people p WHERE p.workspace_id = ? AND p.id IN `, r.WorkspaceID),
		s.idSet(people))
}

// pathClaims is the claims a path rule makes of people now (holders: those
// on the path): rows (person_id, period).
func (s *Store) pathClaims(r *Rule, people, holders []int64, now time.Time) fragment {
	if r.EveryDays == nil {
		return s.onceClaims(r, people)
	}
	return join(frag(`SELECT p.id AS person_id, 'e' || CAST(COALESCE((SELECT MAX(e.id) FROM enrolments e
		WHERE e.path_id = ? AND e.person_id = p.id), 0) AS TEXT) AS period
		FROM people p WHERE p.workspace_id = ? AND p.id IN `, *r.PathID, r.WorkspaceID), s.idSet(without(sortedCopy(people), holders)), frag(`
		AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.path_id = ? AND e.person_id = p.id AND e.created_at > ?)`,
		*r.PathID, periodStart(r, now)))
}

// ExcludeFromRule marks people as served by a rule without serving them:
// those already in the source when a rule without existing is made are
// left alone, by events and by the reconciliation alike.
func (s *Store) ExcludeFromRule(ctx context.Context, r *Rule, people []int64) error {
	if len(people) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		now := s.now()
		var sel fragment
		if r.TaskID != nil {
			sel = s.taskClaims(r, people, now)
		} else {
			holders, err := s.pathHolders(ctx, tx, *r.PathID, sortedCopy(people))
			if err != nil {
				return err
			}
			sel = s.pathClaims(r, people, holders, now)
		}
		_, err := s.claimFor(ctx, tx, r.ID, sel)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: exclude from rule %d: %w", r.ID, err)
	}
	return nil
}

// periodStart is the moment a periodic rule's period began: anything made
// after it is recent. A rule without a period looks back to now (nothing
// counts as recent; it serves once by its claim).
func periodStart(r *Rule, now time.Time) time.Time {
	if r.EveryDays == nil {
		return now
	}
	return now.Add(-time.Duration(*r.EveryDays) * 24 * time.Hour)
}

// ActiveRules lists every rule not removed, in every workspace, for the
// reconciliation.
func (s *Store) ActiveRules(ctx context.Context) ([]Rule, error) {
	var out []Rule
	if err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+ruleColumns+` WHERE r.removed_at IS NULL ORDER BY r.id`)); err != nil {
		return nil, fmt.Errorf("storage: active rules: %w", err)
	}
	return out, nil
}

// MemberIDs lists the people in a group, by ID.
func (s *Store) MemberIDs(ctx context.Context, wsID, groupID int64) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.q(`SELECT person_id FROM group_members WHERE workspace_id = ? AND group_id = ? ORDER BY person_id`), wsID, groupID)
	if err != nil {
		return nil, fmt.Errorf("storage: member IDs: %w", err)
	}
	return ids, nil
}

// ActivePeopleIDs lists the active people of a workspace: "everyone" as
// learnbot knows it.
func (s *Store) ActivePeopleIDs(ctx context.Context, wsID int64) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, s.q(`SELECT id FROM people WHERE workspace_id = ? AND status = 'active' ORDER BY id`), wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: active people: %w", err)
	}
	return ids, nil
}

// RulesForPlatform lists the rules that follow a platform source in the
// workspace the platform calls workspace; none when learnbot has not met
// the workspace. It is the cheap first question of every join event.
func (s *Store) RulesForPlatform(ctx context.Context, platform, workspace, kind, sourceID string) ([]Rule, error) {
	var out []Rule
	err := s.db.SelectContext(ctx, &out, s.q(`SELECT `+ruleColumns+`
		JOIN workspaces w ON w.id = r.workspace_id
		WHERE w.platform = ? AND w.external_id = ? AND r.source_kind = ? AND r.source_id = ? AND r.removed_at IS NULL
		ORDER BY r.id`), platform, workspace, kind, sourceID)
	if err != nil {
		return nil, fmt.Errorf("storage: rules for platform source: %w", err)
	}
	return out, nil
}
