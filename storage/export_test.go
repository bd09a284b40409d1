package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
)

// GiveOutbox gives an open store its outbox as WithOutbox does at Open, for
// tests that open the store first or replace its pool (CountStatements).
func GiveOutbox(s *Store, f OutboxFunc) error { return WithOutbox(f)(s) }

// CountStatements reopens s's pool through a connector that counts every
// statement sent on it (queries, execs, prepared statements' runs;
// transactions' BEGIN and COMMIT are not statements here), for benchmarks
// that hold a method to a number of statements. Call it before the outbox is
// given (GiveOutbox), so that the queue's inserts are counted too.
func CountStatements(s *Store, url string) (*atomic.Int64, error) {
	w, err := CountWire(s, url)
	if err != nil {
		return nil, err
	}
	return &w.Statements, nil
}

// Wire counts what a store sends to its database: statements as
// CountStatements does, statements prepared, and transactions' BEGINs,
// COMMITs and ROLLBACKs. With lib/pq's binary parameters each of them is one
// round trip.
//
// Notifies counts, among the statements, River's wake-ups of its workers
// after an insert, which River throttles by time (at most one per queue
// per FetchCooldown, 100 ms): whether a command sends one depends on how
// long ago the last one went out, so tests of a path's cost leave them out.
type Wire struct {
	Statements, Prepares, Begins, Commits, Rollbacks, Notifies atomic.Int64
}

// RoundTrips is the number of round trips counted so far.
func (w *Wire) RoundTrips() int64 {
	return w.Statements.Load() + w.Prepares.Load() + w.Begins.Load() + w.Commits.Load() + w.Rollbacks.Load()
}

// Snapshot is w's counts at one moment.
type Snapshot struct{ Statements, RoundTrips, Transactions, Notifies int64 }

// Snapshot reads w's counts.
func (w *Wire) Snapshot() Snapshot {
	return Snapshot{Statements: w.Statements.Load(), RoundTrips: w.RoundTrips(), Transactions: w.Begins.Load(), Notifies: w.Notifies.Load()}
}

// Sub is the counts between an earlier snapshot o and s.
func (s Snapshot) Sub(o Snapshot) Snapshot {
	return Snapshot{s.Statements - o.Statements, s.RoundTrips - o.RoundTrips, s.Transactions - o.Transactions, s.Notifies - o.Notifies}
}

// CountWire reopens s's pool as CountStatements does and counts everything
// sent on it.
func CountWire(s *Store, url string) (*Wire, error) {
	dialect, name, dsn, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	var inner driver.Connector
	if dialect == Postgres {
		if dsn, _, err = poolSize(dsn, 0); err != nil {
			return nil, err
		}
		if inner, err = newPGConnector(dsn); err != nil {
			return nil, err
		}
	} else {
		d := s.db.Driver()
		inner = dsnConnector{dsn: dsn, d: d}
	}
	w := &Wire{}
	old := s.db
	s.db = sqlx.NewDb(sql.OpenDB(countingConnector{inner: inner, w: w}), name)
	s.db.SetMaxOpenConns(old.Stats().MaxOpenConnections)
	s.closeStatements()
	old.Close()
	return w, nil
}

type dsnConnector struct {
	dsn string
	d   driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

type countingConnector struct {
	inner driver.Connector
	w     *Wire
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, w: c.w}, nil
}

func (c countingConnector) Driver() driver.Driver { return c.inner.Driver() }

// countingConn passes every call to its connection and counts statements.
type countingConn struct {
	driver.Conn
	w *Wire
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.count(query)
	return q.QueryContext(ctx, query, args)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.count(query)
	return e.ExecContext(ctx, query, args)
}

func (c *countingConn) count(query string) {
	c.w.Statements.Add(1)
	if strings.HasPrefix(query, "-- name: PGNotifyMany") || strings.HasPrefix(query, "-- name: NotificationInsertMany") {
		c.w.Notifies.Add(1)
	}
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	c.w.Prepares.Add(1)
	return &countingStmt{Stmt: st, w: c.w}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	var err error
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		tx, err = c.Conn.Begin() //nolint:staticcheck // the fallback database/sql uses too
	}
	if err != nil {
		return nil, err
	}
	c.w.Begins.Add(1)
	return countingTx{Tx: tx, w: c.w}, nil
}

type countingTx struct {
	driver.Tx
	w *Wire
}

func (t countingTx) Commit() error {
	t.w.Commits.Add(1)
	return t.Tx.Commit()
}

func (t countingTx) Rollback() error {
	t.w.Rollbacks.Add(1)
	return t.Tx.Rollback()
}

func (c *countingConn) CheckNamedValue(v *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(v)
	}
	return driver.ErrSkip
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

type countingStmt struct {
	driver.Stmt
	w *Wire
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.w.Statements.Add(1)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return nil, driver.ErrSkip
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.w.Statements.Add(1)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return nil, driver.ErrSkip
}

func (s *countingStmt) CheckNamedValue(v *driver.NamedValue) error {
	if ch, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(v)
	}
	return driver.ErrSkip
}
