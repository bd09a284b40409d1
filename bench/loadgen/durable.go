package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/lib/pq" // the durable floor writes to learnbot's PostgreSQL
)

// durable is the floor of the write path's physical work: each command
// under /durable/ writes, in one hand-made transaction of one statement on
// learnbot's PostgreSQL, the rows an /assign of 3 new learners makes: 3
// people, their 3 assignments, 3 DM jobs and an audit event, into copies
// of learnbot's tables (LIKE … INCLUDING ALL: the same columns, defaults
// and indexes; no triggers or foreign keys), then answers. learnbot's CPU
// and latency per /assign read as multiples of it.
type durable struct {
	db    *sql.DB
	once  sync.Once
	err   error
	fresh atomic.Int64
}

// durableTables copies learnbot's tables once learnbot has migrated them
// (the first durable request comes after the bench set learnbot up).
var durableTables = []string{
	`CREATE TABLE IF NOT EXISTS floor_people (LIKE people INCLUDING ALL)`,
	`CREATE TABLE IF NOT EXISTS floor_assignments (LIKE assignments INCLUDING ALL)`,
	`CREATE TABLE IF NOT EXISTS floor_events (LIKE events INCLUDING ALL)`,
	`CREATE TABLE IF NOT EXISTS floor_jobs (LIKE river_job INCLUDING ALL)`,
}

const durableAssign = `WITH p AS (
	INSERT INTO floor_people (workspace_id, role, status, display_name, chat_id, created_at)
	SELECT 1, 'learner', 'active', c, c, now() FROM unnest($1::text[]) c RETURNING id
), a AS (
	INSERT INTO floor_assignments (workspace_id, task_id, person_id, assigned_by, created_at)
	SELECT 1, 1, id, 1, now() FROM p RETURNING id
), j AS (
	INSERT INTO floor_jobs (args, kind, max_attempts, priority, queue, state, scheduled_at)
	SELECT jsonb_build_object('assignment_id', id), 'dm', 25, 1, 'default', 'available', now() FROM a
)
INSERT INTO floor_events (workspace_id, actor_id, created_at, kind, task_id, count, details)
VALUES (1, 1, now(), 'assign', 1, 3, '{"names":["a","b","c"]}')`

func newDurable(url string) (*durable, error) {
	db, err := sql.Open("postgres", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8) // as learnbot's pool (storage.DefaultPoolSize)
	db.SetMaxIdleConns(8)
	return &durable{db: db}, nil
}

// write makes one command's rows in one transaction.
func (d *durable) write(ctx context.Context) error {
	d.once.Do(func() {
		for _, q := range durableTables {
			if _, err := d.db.ExecContext(ctx, q); err != nil {
				d.err = fmt.Errorf("durable floor: %w", err)
				return
			}
		}
	})
	if d.err != nil {
		return d.err
	}
	n := d.fresh.Add(3)
	chats := fmt.Sprintf("{F%09d,F%09d,F%09d}", n-2, n-1, n)
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, durableAssign, chats); err != nil {
		return err
	}
	return tx.Commit()
}

// wrap writes a command's rows before next answers it; other requests
// (button presses, events, PINGs) pass through.
func (d *durable) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d != nil && (strings.HasSuffix(r.URL.Path, "/commands") || strings.HasSuffix(r.URL.Path, "/interactions")) &&
			r.Header.Get("X-Slack-Signature")+r.Header.Get("X-Signature-Ed25519") != "" {
			if err := d.write(r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
