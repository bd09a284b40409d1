package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ResolveParams is a press of a decision's button.
type ResolveParams struct {
	WorkspaceID int64
	DecisionID  string
	PersonID    int64 // who pressed
	Resolution  string
}

// ResolveResult is what a resolution did.
type ResolveResult struct {
	Decision DecisionInfo
	Assigned int
	Names    []string // up to 10 of the people assigned
	// NotOnChat counts the people assigned who have no chat identity yet.
	NotOnChat int
}

// storeDecision records the choice to ask for: the guide's, with the people
// and groups as named (groups are expanded again when it is resolved) and
// the target set of the platform groups' members, kept as it is.
func (s *Store) storeDecision(ctx context.Context, tx *sqlx.Tx, p AssignParams, now time.Time) (*Decision, error) {
	d := &Decision{ID: randomID(12), WorkspaceID: p.WorkspaceID, TaskID: p.TaskID, GuideID: p.GuideID,
		CreatedAt: now, ExpiresAt: now.Add(p.DecisionTTL), DueDate: p.Due}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO decisions (id, workspace_id, task_id, guide_id, created_at, expires_at, due_date, target_set)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), d.ID, d.WorkspaceID, d.TaskID, d.GuideID, d.CreatedAt, d.ExpiresAt, d.DueDate, nullString(p.TargetSet))
	if err != nil {
		return nil, err
	}
	if len(p.PersonIDs) > 0 {
		q := join(frag(`INSERT INTO decision_people (decision_id, person_id)
			SELECT ?, p.id FROM people p WHERE p.workspace_id = ? AND p.id IN `, d.ID, p.WorkspaceID), s.idSet(p.PersonIDs))
		if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
			return nil, err
		}
	}
	if len(p.GroupIDs) > 0 {
		q := join(frag(`INSERT INTO decision_groups (decision_id, group_id)
			SELECT ?, g.id FROM groups g WHERE g.workspace_id = ? AND g.id IN (`, d.ID, p.WorkspaceID), inList(p.GroupIDs), frag(`)`))
		if _, err := tx.ExecContext(ctx, s.q(q.sql), q.args...); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// ResolveDecision applies a button press once. A second press, a press by
// anyone but the guide who asked, or a press after expiry changes nothing and
// returns a *DecisionError wrapping ErrDecided, ErrNotYours, ErrExpired or
// ErrArchived (ErrSetLost when the members of its platform groups were
// lost), with the
// decision as it stands for the reply; a decision of another workspace is
// ErrNotFound. "Only new" is evaluated now, not when asked.
func (s *Store) ResolveDecision(ctx context.Context, p ResolveParams) (*ResolveResult, error) {
	var res ResolveResult
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res = ResolveResult{}
		now := s.now()
		info, err := s.claimDecision(ctx, tx, p, now)
		if err != nil {
			return err
		}
		// The decision may keep a large target set.
		if err := s.bulkMemory(ctx, tx, true); err != nil {
			return err
		}
		res.Decision = *info
		d := &info.Decision
		var people []int64
		if p.Resolution != ResolutionDoNotAssign {
			// Members of a platform group learnbot had not met become
			// learners now (Assign only counted them).
			if d.TargetSet != nil {
				if _, err := s.createStaged(ctx, tx, d.WorkspaceID, *d.TargetSet); err != nil {
					return err
				}
			}
			sel, err := resolutionAssignments(d, p.Resolution, now, s.dateValue(d.DueDate))
			if err != nil {
				return err
			}
			a, err := s.assignFrom(ctx, tx, d.DueDate, sel)
			if err != nil {
				return err
			}
			people, res.Names, res.NotOnChat, res.Assigned = a.people, a.names, a.notOnChat, len(a.people)
		}
		return s.record(ctx, tx, Event{WorkspaceID: p.WorkspaceID, ActorID: ref(p.PersonID), Kind: EventDecide,
			TaskID: ref(d.TaskID), PersonID: onlyOne(people), Count: res.Assigned,
			Details: EventDetails{Resolution: p.Resolution, Names: res.Names}})
	})
	if err != nil {
		return nil, fmt.Errorf("storage: resolve decision: %w", err)
	}
	return &res, nil
}

// DecisionError is a press that changes nothing (ErrDecided, ErrNotYours,
// ErrExpired, ErrArchived, ErrSetLost), with the decision as it stands.
type DecisionError struct {
	Err      error
	Decision DecisionInfo
}

func (e *DecisionError) Error() string { return e.Err.Error() }
func (e *DecisionError) Unwrap() error { return e.Err }

// decisionInfo is the query of a decision with the names replies show.
const decisionInfo = `SELECT d.id, d.workspace_id, d.task_id, d.guide_id, d.created_at, d.expires_at,
	d.resolution, d.resolved_by, d.resolved_at, d.due_date, d.target_set, t.key AS task_key, t.title AS task_title,
	g.display_name AS guide_name, r.display_name AS resolver_name
	FROM decisions d JOIN tasks t ON t.id = d.task_id JOIN people g ON g.id = d.guide_id
	LEFT JOIN people r ON r.id = d.resolved_by
	WHERE d.id = ? AND d.workspace_id = ?`

// claimDecision locks the decision, checks that p may resolve it now, and
// records the resolution. The task is locked too, as Assign locks it.
func (s *Store) claimDecision(ctx context.Context, tx *sqlx.Tx, p ResolveParams, now time.Time) (*DecisionInfo, error) {
	var d DecisionInfo
	if err := tx.GetContext(ctx, &d, s.q(decisionInfo+s.forUpdate("d")), p.DecisionID, p.WorkspaceID); err != nil {
		return nil, notFound(err)
	}
	refuse := func(err error) (*DecisionInfo, error) { return nil, &DecisionError{Err: err, Decision: d} }
	if err := mayResolve(p, d.GuideID, d.Resolution, d.ExpiresAt, now); err != nil {
		return refuse(err)
	}
	if d.TargetSet != nil {
		// The set is gone when PostgreSQL lost its unlogged tables (a
		// crash, a failover): the targets are no longer known.
		var kept bool
		err := tx.GetContext(ctx, &kept, s.q(`SELECT EXISTS (SELECT 1 FROM target_sets WHERE id = ?)`), *d.TargetSet)
		if err != nil {
			return nil, err
		}
		if !kept {
			return refuse(ErrSetLost)
		}
	}
	if err := s.lockTask(ctx, tx, d.WorkspaceID, d.TaskID); errors.Is(err, ErrArchived) {
		return refuse(err)
	} else if err != nil {
		return nil, err
	}
	if err := s.markResolved(ctx, tx, "decisions", d.ID, p, now); err != nil {
		return nil, err
	}
	d.Resolution, d.ResolvedBy, d.ResolvedAt = &p.Resolution, &p.PersonID, &now
	return &d, nil
}

// mayResolve says why p may not resolve a decision (of a task or a path)
// that guideID asked for, resolved as resolution and expiring at expires:
// ErrNotYours, ErrDecided or ErrExpired; nil when p may.
func mayResolve(p ResolveParams, guideID int64, resolution *string, expires, now time.Time) error {
	switch {
	case guideID != p.PersonID:
		return ErrNotYours
	case resolution != nil:
		return ErrDecided
	case !now.Before(expires):
		return ErrExpired
	}
	return nil
}

// markResolved records p's resolution of decision id in table
// ("decisions" or "path_decisions").
func (s *Store) markResolved(ctx context.Context, tx *sqlx.Tx, table, id string, p ResolveParams, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE `+table+` SET resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?`),
		p.Resolution, p.PersonID, now, id)
	return err
}

// resolutionAssignments selects the assignments a resolution makes, in the
// columns of insertAssignments: Only new to the targets who hold nothing
// now, Force to every target (forced where it duplicates); due is the due
// date's value.
func resolutionAssignments(d *Decision, resolution string, now time.Time, due fragment) (fragment, error) {
	// The named targets, with groups expanded as they are now.
	dt := join(frag(`(SELECT u.person_id, MIN(u.group_id) AS group_id FROM (
		SELECT m.person_id, m.group_id FROM group_members m JOIN decision_groups dg ON dg.group_id = m.group_id
		WHERE dg.decision_id = ?
		UNION ALL
		SELECT dp.person_id, NULL FROM decision_people dp WHERE dp.decision_id = ?
		UNION ALL
		`, d.ID, d.ID), stagedPeople(d.WorkspaceID, frag(`(SELECT target_set FROM decisions WHERE id = ?)`, d.ID)), frag(`
	) u GROUP BY u.person_id) dt`))
	holds := frag(`EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ? AND a.person_id = dt.person_id AND a.state <> 'removed')`, d.TaskID)
	switch resolution {
	case ResolutionOnlyNew:
		return join(frag(`SELECT ?, ?, dt.person_id, ?, dt.group_id, FALSE, 'open', ?, `, d.WorkspaceID, d.TaskID, d.GuideID, now),
			due, frag(` FROM `), dt, frag(` WHERE NOT `), holds), nil
	case ResolutionForce:
		return join(frag(`SELECT ?, ?, dt.person_id, ?, dt.group_id, CASE WHEN `, d.WorkspaceID, d.TaskID, d.GuideID),
			holds, frag(` THEN TRUE ELSE FALSE END, 'open', ?, `, now), due, frag(` FROM `), dt), nil
	}
	return fragment{}, fmt.Errorf("unknown resolution %q", resolution)
}

// DecisionInfo describes a decision for replies about it.
type DecisionInfo struct {
	Decision
	TaskKey      string  `db:"task_key"`
	TaskTitle    string  `db:"task_title"`
	GuideName    string  `db:"guide_name"`
	ResolverName *string `db:"resolver_name"`
}

// DecisionByID loads a decision of the workspace.
func (s *Store) DecisionByID(ctx context.Context, wsID int64, id string) (*DecisionInfo, error) {
	var d DecisionInfo
	err := s.db.GetContext(ctx, &d, s.q(decisionInfo), id, wsID)
	if err != nil {
		return nil, fmt.Errorf("storage: decision: %w", notFound(err))
	}
	return &d, nil
}

// DecisionSize is about how many targets resolving a decision of the
// workspace works on: the people it named, the members of its groups and
// of its platform groups' target set, each counted once per way it was
// named (an upper bound, for choosing to resolve it later, not for
// replies). One statement, whatever the size.
func (s *Store) DecisionSize(ctx context.Context, wsID int64, id string) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.q(`SELECT
		(SELECT COUNT(*) FROM decision_people dp WHERE dp.decision_id = d.id)
		+ (SELECT COUNT(*) FROM group_members m JOIN decision_groups dg ON dg.group_id = m.group_id WHERE dg.decision_id = d.id)
		+ (SELECT COUNT(*) FROM target_member_ids t WHERE t.set_id = d.target_set)
		FROM decisions d WHERE d.id = ? AND d.workspace_id = ?`), id, wsID)
	if err != nil {
		return 0, fmt.Errorf("storage: decision size: %w", notFound(err))
	}
	return n, nil
}

// DeferredDecision is a press of a decision's button resolved later, by a
// job, with what its outcome needs to reach the person who pressed: the
// platform, its workspace, the reply's route there (FollowUp: Slack's
// response_url, Discord's interaction token; a credential for minutes,
// never logged) and the language.
type DeferredDecision struct {
	ResolveParams
	Platform  string `json:"platform"`
	Workspace string `json:"workspace"`
	FollowUp  string `json:"follow_up,omitempty"`
	Lang      string `json:"lang"`
	TimeZone  string `json:"tz,omitempty"` // the presser's, as the platform gave it
}

// GroupHolding is one named group of a decision: its members and who of
// them already holds the task.
type GroupHolding struct {
	Name    string
	Size    int
	Holders int
	Members []MemberHolding // at most the limit asked for
}

// MemberHolding is a group member and whether they hold the task.
type MemberHolding struct {
	Name  string
	Holds bool
}

// DecisionGroups lists the groups a decision named, with up to limit members
// each and who holds the task now.
func (s *Store) DecisionGroups(ctx context.Context, wsID int64, id string, limit int) ([]GroupHolding, error) {
	var rows []holdingRow
	err := s.db.SelectContext(ctx, &rows, s.q(`SELECT x.group_name, x.display_name, x.holds, x.size, x.holders FROM (
		SELECT y.group_name, y.display_name, y.holds,
			count(*) OVER (PARTITION BY y.group_id) AS size,
			SUM(y.holds) OVER (PARTITION BY y.group_id) AS holders,
			ROW_NUMBER() OVER (PARTITION BY y.group_id ORDER BY lower(y.display_name), y.person_id) AS rn
		FROM (
			SELECT g.id AS group_id, g.name AS group_name, p.id AS person_id, p.display_name,
				CASE WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = d.task_id AND a.person_id = p.id AND a.state <> 'removed')
				THEN 1 ELSE 0 END AS holds
			FROM decisions d
			JOIN decision_groups dg ON dg.decision_id = d.id
			JOIN groups g ON g.id = dg.group_id
			JOIN group_members m ON m.group_id = g.id
			JOIN people p ON p.id = m.person_id
			WHERE d.id = ? AND d.workspace_id = ?
		) y
	) x WHERE x.rn <= ? ORDER BY x.group_name, x.rn`), id, wsID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: decision groups: %w", err)
	}
	return foldHoldings(rows), nil
}

// holdingRow is one member of a group a prompt named, in group order.
type holdingRow struct {
	Group string `db:"group_name"`
	Name  string `db:"display_name"`
	Holds bool   `db:"holds"`
	Size  int    `db:"size"`
	Total int    `db:"holders"`
}

// foldHoldings gathers the rows of each group into its GroupHolding.
func foldHoldings(rows []holdingRow) []GroupHolding {
	var out []GroupHolding
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Name != r.Group {
			out = append(out, GroupHolding{Name: r.Group, Size: r.Size, Holders: r.Total})
		}
		g := &out[len(out)-1]
		g.Members = append(g.Members, MemberHolding{Name: r.Name, Holds: r.Holds})
	}
	return out
}
