package storage

import (
	"context"
	"fmt"
	"time"
)

// How long rows that only serve a while are kept.
const (
	// KeepSeenEvents covers Slack's retries of an event (minutes) with a
	// wide margin; an App Home visit is refreshed at each opening (Touch),
	// and a Home not opened for a day is published afresh when it is.
	KeepSeenEvents = 24 * time.Hour
	// KeepDecisions keeps a decision a week after it was resolved or
	// expired: late clicks on its prompt still get "already decided".
	KeepDecisions = 7 * 24 * time.Hour
	// KeepReports keeps a report's link a day after it expired, so that
	// opening it says "expired" (410) before it says "no such report".
	KeepReports = 24 * time.Hour
)

// Pruned counts what Prune deleted.
type Pruned struct {
	SeenEvents int64
	Decisions  int64
	Reports    int64
	TargetSets int64 // platform group members a command named, kept by no decision
}

// Prune deletes seen events older than KeepSeenEvents and decisions that
// ended (resolved, else expired) more than KeepDecisions ago, with the
// people and groups they named, report links expired more than
// KeepReports ago, and target sets of platform group members a day old that
// no decision keeps.
func (s *Store) Prune(ctx context.Context) (Pruned, error) {
	now := s.now()
	var p Pruned
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM seen_events WHERE created_at < ?`), now.Add(-KeepSeenEvents))
	if err != nil {
		return p, fmt.Errorf("storage: prune seen events: %w", err)
	}
	p.SeenEvents, _ = res.RowsAffected()
	res, err = s.db.ExecContext(ctx, s.q(`DELETE FROM decisions WHERE COALESCE(resolved_at, expires_at) < ?`), now.Add(-KeepDecisions))
	if err != nil {
		return p, fmt.Errorf("storage: prune decisions: %w", err)
	}
	p.Decisions, _ = res.RowsAffected()
	res, err = s.db.ExecContext(ctx, s.q(`DELETE FROM reports WHERE expires_at < ?`), now.Add(-KeepReports))
	if err != nil {
		return p, fmt.Errorf("storage: prune reports: %w", err)
	}
	p.Reports, _ = res.RowsAffected()
	if p.TargetSets, err = s.pruneTargetSets(ctx); err != nil {
		return p, fmt.Errorf("storage: prune target sets: %w", err)
	}
	return p, nil
}
