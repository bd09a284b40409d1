package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/lib/pq"
)

// lib/pq honours a context only by asking the server to cancel the query
// (a second connection and a CancelRequest); its goroutine stays blocked
// reading the socket until the server answers. A hung server (stopped, or
// behind a dead network path) then hangs every caller however short its
// deadline. So learnbot's PostgreSQL connections carry the deadline to the
// socket itself: each call that takes a context sets the socket's deadline
// from it, and its end (deadline or cancellation) fails a blocked read at
// once. lib/pq then marks the connection bad and database/sql drops it.
// Commit and Rollback run under the transaction's context; reading rows
// under the query's.

// connectTimeout bounds a connection's startup when the context asking for
// it has no deadline (database/sql opens spare connections with none).
const connectTimeout = 10 * time.Second

// pgConnector opens lib/pq connections whose waits end with their context.
type pgConnector struct{ pq *pq.Connector }

func newPGConnector(dsn string) (*pgConnector, error) {
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	c.Dialer(dialer{})
	return &pgConnector{pq: c}, nil
}

type slotKey struct{}

// Connect opens a connection and keeps a handle on its socket. The dialer
// finds where to put the socket in the context.
func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	var sock *deadlineConn
	inner, err := c.pq.Connect(context.WithValue(ctx, slotKey{}, &sock))
	if err != nil {
		return nil, ended(ctx, err)
	}
	pc, ok := inner.(pqConn)
	if sock == nil || !ok {
		inner.Close()
		return nil, errors.New("storage: postgres connection opened without learnbot's dialer")
	}
	return &pgConn{pqConn: pc, sock: sock}, nil
}

func (c *pgConnector) Driver() driver.Driver { return c.pq.Driver() }

// dialer hands lib/pq sockets that honour deadlines set from contexts.
type dialer struct{}

func (dialer) Dial(network, address string) (net.Conn, error) {
	return dialer{}.DialContext(context.Background(), network, address)
}

func (dialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return dialer{}.DialContext(ctx, network, address)
}

func (dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nc, err := (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	slot, ok := ctx.Value(slotKey{}).(**deadlineConn)
	if !ok {
		// lib/pq's CancelRequest: its own context bounds it (10 s), and
		// it reads until the server hangs up, which a hung one never does.
		if d, ok := ctx.Deadline(); ok {
			nc.SetDeadline(d)
		}
		return nc, nil
	}
	c := &deadlineConn{Conn: nc}
	c.watch(ctx, connectTimeout) // the startup: until Connect's context ends
	*slot = c
	return c, nil
}

// deadlineConn is a socket whose reads and writes fail once the context of
// the latest call on its connection is done.
type deadlineConn struct {
	net.Conn
	mu   sync.Mutex
	gen  uint64
	stop func() bool
}

// past is a deadline that has passed: blocked reads and writes return.
var past = time.Unix(1, 0)

// watch bounds the socket by ctx until the next watch: its deadline now,
// and its cancellation whenever it comes. Without a deadline in ctx,
// fallback (if not zero) bounds it.
func (c *deadlineConn) watch(ctx context.Context, fallback time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.stop != nil {
		c.stop()
	}
	d, ok := ctx.Deadline()
	if !ok && fallback > 0 {
		d = time.Now().Add(fallback)
	}
	c.Conn.SetDeadline(d)
	gen := c.gen
	c.stop = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen {
			c.Conn.SetDeadline(past)
		}
	})
}

// pqConn is what lib/pq's connection implements, which pgConn passes on.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// pgConn is a lib/pq connection whose context-taking calls bound its socket.
type pgConn struct {
	pqConn
	sock *deadlineConn
}

var _ pqConn = (*pgConn)(nil)

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.sock.watch(ctx, 0)
	tx, err := c.pqConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, ended(ctx, err)
	}
	return &pgTx{Tx: tx, ctx: ctx, sock: c.sock}, nil
}

// pgTx ends under the transaction's context, whatever context its last
// statement had.
type pgTx struct {
	driver.Tx
	ctx  context.Context
	sock *deadlineConn
}

func (t *pgTx) Commit() error {
	t.sock.watch(t.ctx, 0)
	return ended(t.ctx, t.Tx.Commit())
}

func (t *pgTx) Rollback() error {
	t.sock.watch(t.ctx, 0)
	return ended(t.ctx, t.Tx.Rollback())
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.sock.watch(ctx, 0)
	st, err := c.pqConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, ended(ctx, err)
	}
	if ps, ok := st.(pqStmt); ok {
		return &pgStmt{pqStmt: ps, sock: c.sock}, nil
	}
	return st, nil // COPY: runs under the deadline set here
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.sock.watch(ctx, 0)
	rows, err := c.pqConn.QueryContext(ctx, query, args)
	return rows, ended(ctx, err)
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.sock.watch(ctx, 0)
	res, err := c.pqConn.ExecContext(ctx, query, args)
	return res, ended(ctx, err)
}

func (c *pgConn) Ping(ctx context.Context) error {
	c.sock.watch(ctx, 0)
	return ended(ctx, c.pqConn.Ping(ctx))
}

// pqStmt is what lib/pq's prepared statement implements.
type pqStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type pgStmt struct {
	pqStmt
	sock *deadlineConn
}

func (s *pgStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.sock.watch(ctx, 0)
	res, err := s.pqStmt.ExecContext(ctx, args)
	return res, ended(ctx, err)
}

func (s *pgStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.sock.watch(ctx, 0)
	rows, err := s.pqStmt.QueryContext(ctx, args)
	return rows, ended(ctx, err)
}

// ended says why a call failed when its context ended meanwhile: the
// socket's timeout is only how the end reached lib/pq, and callers check
// errors.Is(err, context.DeadlineExceeded).
func ended(ctx context.Context, err error) error {
	if err == nil {
		return err
	}
	cause := ctx.Err()
	if d, ok := ctx.Deadline(); ok && cause == nil && !time.Now().Before(d) {
		// The socket's deadline can pass a moment before the context's
		// timer marks it done.
		cause = context.DeadlineExceeded
	}
	if cause == nil || errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w (%w)", cause, err)
}
