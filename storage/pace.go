package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Pace is what replicas share of a rate limit (internal/pacer's episode):
// when the API last refused, until when it asked to wait, and the paces
// that follow from it.
type Pace struct {
	RefusedAt, ResumeAt  time.Time
	Base, Ceiling, Burst float64
}

// Pace returns key's pace (ok false: none), how many replicas paced key
// since since, and how many of those sort before replica (its place among
// them, from 0). A non-zero seen records replica as pacing key at seen, and
// forgets replicas not seen for a minute before it.
func (s *Store) Pace(ctx context.Context, key, replica string, seen, since time.Time) (p Pace, ok bool, replicas, index int, err error) {
	if !seen.IsZero() {
		_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO pace_replicas (key, replica, seen_us) VALUES (?, ?, ?)
			ON CONFLICT (key, replica) DO UPDATE SET seen_us = excluded.seen_us`), key, replica, seen.UnixMicro())
		if err != nil {
			return Pace{}, false, 0, 0, fmt.Errorf("storage: record a pacing replica: %w", err)
		}
		_, err = s.db.ExecContext(ctx, s.q(`DELETE FROM pace_replicas WHERE key = ? AND seen_us < ?`),
			key, seen.Add(-time.Minute).UnixMicro())
		if err != nil {
			return Pace{}, false, 0, 0, fmt.Errorf("storage: forget pacing replicas: %w", err)
		}
	}
	err = s.db.QueryRowxContext(ctx, s.q(`SELECT count(*), COALESCE(SUM(CASE WHEN replica < ? THEN 1 ELSE 0 END), 0)
		FROM pace_replicas WHERE key = ? AND seen_us >= ?`), replica, key, since.UnixMicro()).Scan(&replicas, &index)
	if err != nil {
		return Pace{}, false, 0, 0, fmt.Errorf("storage: count pacing replicas: %w", err)
	}
	p, ok, err = scanPace(s.db.QueryRowxContext(ctx, s.q(`SELECT refused_us, resume_us, base, ceiling, burst FROM paces WHERE key = ?`), key))
	if err != nil {
		return Pace{}, false, 0, 0, fmt.Errorf("storage: read pace: %w", err)
	}
	return p, ok, replicas, index, nil
}

// UpdatePace replaces key's pace with what merge makes of it (old, and
// whether there was one), in one transaction: replicas refused at the same
// moment merge one after the other.
func (s *Store) UpdatePace(ctx context.Context, key string, merge func(old Pace, ok bool) Pace) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		old, ok, err := scanPace(tx.QueryRowxContext(ctx, s.q(`SELECT refused_us, resume_us, base, ceiling, burst FROM paces WHERE key = ?`+s.forUpdate()), key))
		if err != nil {
			return err
		}
		p := merge(old, ok)
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO paces (key, refused_us, resume_us, base, ceiling, burst) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET refused_us = excluded.refused_us, resume_us = excluded.resume_us,
				base = excluded.base, ceiling = excluded.ceiling, burst = excluded.burst`),
			key, p.RefusedAt.UnixMicro(), p.ResumeAt.UnixMicro(), p.Base, p.Ceiling, p.Burst)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: update pace: %w", err)
	}
	return nil
}

func scanPace(row *sqlx.Row) (Pace, bool, error) {
	var refused, resume int64
	var p Pace
	err := row.Scan(&refused, &resume, &p.Base, &p.Ceiling, &p.Burst)
	if errors.Is(err, sql.ErrNoRows) {
		return Pace{}, false, nil
	}
	if err != nil {
		return Pace{}, false, err
	}
	p.RefusedAt, p.ResumeAt = time.UnixMicro(refused).UTC(), time.UnixMicro(resume).UTC()
	return p, true, nil
}
