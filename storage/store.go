package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the SQL database behind a store.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Outbox queues work in the transaction that makes it necessary, so that a
// row and its notification commit or roll back together. The job queue
// implements it.
type Outbox interface {
	QueueDMs(ctx context.Context, tx *sql.Tx, assignmentIDs []int64) error
	// QueueInvitationEmail sends the invitation by email with a link under
	// publicURL, minted when the email goes out.
	QueueInvitationEmail(ctx context.Context, tx *sql.Tx, invitationID int64, publicURL string) error
	// QueueInvitationDM sends the invitation to its chat user with an
	// Accept button.
	QueueInvitationDM(ctx context.Context, tx *sql.Tx, invitationID int64) error
	// QueueReminders queues the reminder DMs whose moment has come.
	QueueReminders(ctx context.Context, tx *sql.Tx, reminders []Reminder) error
	// QueueNotices queues scheduled DMs to guides: digests and
	// escalations, each claimed (or asked for) in tx.
	QueueNotices(ctx context.Context, tx *sql.Tx, notices []Notice) error
}

// OutboxFunc makes a store's outbox from the store's pool once it is open:
// the outbox inserts its jobs in the store's transactions, so it works on
// the same database (the job queue's is queue.NewOutbox).
type OutboxFunc func(db *sql.DB, dialect Dialect) (Outbox, error)

// Option configures a store when it is opened.
type Option func(*Store) error

// WithOutbox gives the store its outbox; a store opened without one queues
// nothing (tools, tests of storage alone).
func WithOutbox(f OutboxFunc) Option {
	return func(s *Store) (err error) {
		if s.outbox, err = f(s.db.DB, s.dialect); err != nil {
			return fmt.Errorf("storage: outbox: %w", err)
		}
		return nil
	}
}

// Store keeps learnbot's state.
type Store struct {
	db      *sqlx.DB
	dialect Dialect
	outbox  Outbox
	now     func() time.Time
	cache   stmtCache
	// locker serializes migrations across processes (PostgreSQL only): a
	// session advisory lock, so that replicas starting at once on a fresh
	// database take turns instead of racing to create the same tables.
	locker lock.SessionLocker
	// reminders says when reminders go out (SetReminderPolicy).
	reminders ReminderPolicy
	// dsn and text serve TextDB: a pool of its own on PostgreSQL, opened
	// on first use and closed with the store.
	dsn      string
	textOnce sync.Once
	text     *sql.DB
	textErr  error
}

// Open connects to url ("postgres://..." or "sqlite:<path>") and applies the
// migrations.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	dialect, driver, dsn, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	var db *sqlx.DB
	maxConns := DefaultPoolSize
	if dialect == Postgres {
		if dsn, maxConns, err = poolSize(dsn, maxConns); err != nil {
			return nil, err
		}
		c, err := newPGConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("storage: open: %w", err)
		}
		db = sqlx.NewDb(sql.OpenDB(c), driver)
	} else if db, err = sqlx.Open(driver, dsn); err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's rule; a small pool of readers
		// works with WAL, and busy_timeout makes writers queue, not fail.
		db.SetMaxOpenConns(4)
	} else {
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: connect: %w", err)
	}
	s := &Store{db: db, dialect: dialect, dsn: dsn, now: func() time.Time { return time.Now().UTC() },
		reminders: ReminderPolicy{Zone: time.UTC, Lead: 2, EscalateAfter: 7}}
	if dialect == Postgres {
		if s.locker, err = s.newLocker(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// withBinaryParameters turns on lib/pq's binary_parameters unless the URL
// says otherwise: a statement with parameters then costs one round trip
// (Parse, Bind and Execute sent together) instead of two (Parse and
// Describe first, to learn the parameter types).
func withBinaryParameters(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw // lib/pq names the problem when it connects
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return raw
	}
	q.Set("binary_parameters", "yes")
	u.RawQuery = q.Encode()
	return u.String()
}

// DefaultPoolSize is how many PostgreSQL connections a store opens at most
// unless the URL's pool_max_conns says otherwise. More connections do not
// make more work go through: a backend runs on one core, and past a few
// per core they take turns and wait on each other's locks. On 2 cores the
// write bench's /assign p99 was 29 ms with 4 or 8 connections, 73 ms with
// 12 and 118-168 ms with 20, for the same CPU per command; a fan-out of
// 10,000 DMs went as fast with 8 as with 20. Commands beyond the pool wait
// for a connection in the process, where the router bounds them (Admit).
const DefaultPoolSize = 8

// poolSize takes pool_max_conns (the most connections the store opens at
// once, default def) out of a PostgreSQL URL: lib/pq would send it to the
// server as a setting it does not know.
func poolSize(raw string, def int) (string, int, error) {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw, def, nil // lib/pq names the problem when it connects
	}
	q := u.Query()
	if !q.Has("pool_max_conns") {
		return raw, def, nil
	}
	n, err := strconv.Atoi(q.Get("pool_max_conns"))
	if err != nil || n < 2 || n > 1000 {
		return "", 0, fmt.Errorf("storage: pool_max_conns=%q: want a number of connections from 2 to 1000", q.Get("pool_max_conns"))
	}
	q.Del("pool_max_conns")
	u.RawQuery = q.Encode()
	return u.String(), n, nil
}

// ParseURL maps LEARNBOT_DATABASE_URL to a dialect, a database/sql driver
// name and its data source name.
func ParseURL(url string) (Dialect, string, string, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return Postgres, "postgres", withBinaryParameters(url), nil
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", "", errors.New("storage: sqlite URL needs a path, e.g. sqlite:learnbot.db")
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		dsn := "file:" + path + sep + "_txlock=immediate&_time_format=sqlite" +
			"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		return SQLite, "sqlite", dsn, nil
	}
	return "", "", "", fmt.Errorf("storage: database URL %q: want postgres://... or sqlite:<path>", url)
}

// newLocker makes the migrations' session locker. Its lock ID is derived
// from the schema the store works in: migrations of one schema take turns,
// those of different schemas (tests, several installations in one database)
// do not wait on each other.
func (s *Store) newLocker(ctx context.Context) (lock.SessionLocker, error) {
	var schema string
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("storage: current schema: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("learnbot migrations\x00" + schema))
	// The probe runs every second (goose's default is 5 s, which a replica
	// would wait needlessly) for up to 5 minutes; unlocking is retried a
	// minute. A session lock also ends with its connection, so a crashed
	// migrator does not block the others.
	l, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 300),
		lock.WithUnlockTimeout(1, 60))
	if err != nil {
		return nil, fmt.Errorf("storage: migration lock: %w", err)
	}
	return l, nil
}

// Migrate applies the embedded migrations of the store's dialect, under the
// migration lock.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrator(true)
	if err != nil {
		return err
	}
	// SQLite gets no lock: it is the database of one process (the console,
	// a single serve); replicas run on PostgreSQL.
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	return nil
}

// MigrationLocked runs fn under the lock that learnbot's own migrations take,
// for the job queue's migrations. On SQLite it just runs fn: one file has one
// writer at a time anyway.
func (s *Store) MigrationLocked(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if s.locker == nil {
		return fn(ctx)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: migration lock: %w", err)
	}
	defer conn.Close()
	if err := s.locker.SessionLock(ctx, conn); err != nil {
		return fmt.Errorf("storage: migration lock: %w", err)
	}
	defer func() {
		// Unlock even when ctx has ended; the lock would otherwise stay
		// with the pooled connection.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if uerr := s.locker.SessionUnlock(uctx, conn); uerr != nil {
			// Closing the connection ends the session and its locks.
			conn.Raw(func(any) error { return driver.ErrBadConn })
			err = errors.Join(err, fmt.Errorf("storage: migration unlock: %w", uerr))
		}
	}()
	return fn(ctx)
}

// Pending reports how many migrations are not applied (for /readyz). It does
// not wait for the migration lock.
func (s *Store) Pending(ctx context.Context) (int, error) {
	p, err := s.migrator(false)
	if err != nil {
		return 0, err
	}
	status, err := p.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: migration status: %w", err)
	}
	n := 0
	for _, st := range status {
		if st.State == goose.StatePending {
			n++
		}
	}
	return n, nil
}

func (s *Store) migrator(locked bool) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectPostgres
	if s.dialect == SQLite {
		dialect = goose.DialectSQLite3
	}
	var opts []goose.ProviderOption
	if locked && s.locker != nil {
		opts = append(opts, goose.WithSessionLocker(s.locker))
	}
	p, err := goose.NewProvider(dialect, s.db.DB, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	return p, nil
}

// DB is the underlying pool, for the job queue that shares it.
func (s *Store) DB() *sql.DB { return s.db.DB }

// TextDB is a pool on the store's database for a library that keeps its
// own tables there with its own SQL (the Matrix adapter's encryption keys,
// written by mautrix). On SQLite it is the store's pool; on PostgreSQL a
// small one of its own whose parameters are sent as text, as libraries
// expect of lib/pq: the store's binary parameters cannot carry []byte into
// a jsonb column. It is closed with the store.
func (s *Store) TextDB() (*sql.DB, error) {
	if s.dialect != Postgres {
		return s.db.DB, nil
	}
	s.textOnce.Do(func() {
		u, err := neturl.Parse(s.dsn)
		if err != nil {
			s.textErr = fmt.Errorf("storage: text pool: %w", err)
			return
		}
		q := u.Query()
		q.Set("binary_parameters", "no")
		u.RawQuery = q.Encode()
		c, err := newPGConnector(u.String())
		if err != nil {
			s.textErr = fmt.Errorf("storage: text pool: %w", err)
			return
		}
		s.text = sql.OpenDB(c)
		s.text.SetMaxOpenConns(4)
	})
	return s.text, s.textErr
}

// Dialect tells which database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = func() time.Time { return now().UTC() } }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Ping checks the database is reachable.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close closes the pool.
func (s *Store) Close() error {
	s.closeStatements()
	if s.text != nil {
		s.text.Close()
	}
	return s.db.Close()
}

// tx runs f in a transaction. On PostgreSQL callers lock what they read with
// FOR UPDATE (see forUpdate); SQLite transactions begin IMMEDIATE and so
// already hold the database's write lock.
func (s *Store) tx(ctx context.Context, f func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// forUpdate is the row-lock suffix of a SELECT in this dialect, locking
// the rows of the tables named in of (all of the statement's when none).
// The lock is PostgreSQL's FOR NO KEY UPDATE: learnbot never changes a
// key it locks, and a FOR UPDATE would also wait for, and hold up, every
// transaction whose foreign key merely points at the row (each /assign
// points at its guide, its task and its workspace).
func (s *Store) forUpdate(of ...string) string {
	if s.dialect != Postgres {
		return ""
	}
	if len(of) == 0 {
		return " FOR NO KEY UPDATE"
	}
	return " FOR NO KEY UPDATE OF " + strings.Join(of, ", ")
}

// q rewrites ? placeholders for the dialect.
func (s *Store) q(query string) string { return s.db.Rebind(query) }

func isUnique(err error) bool {
	var pqe *pq.Error
	if errors.As(err, &pqe) {
		return pqe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// fragment is a piece of SQL with the arguments of its placeholders, in
// order, so that pieces combine without the two drifting apart.
type fragment struct {
	sql  string
	args []any
}

// frag is a fragment with the given placeholder arguments.
func frag(query string, args ...any) fragment { return fragment{query, args} }

// join concatenates fragments, SQL and arguments alike.
func join(parts ...fragment) fragment { return joinSep("", parts) }

// joinSep concatenates fragments with sep between their SQL.
func joinSep(sep string, parts []fragment) fragment {
	var b strings.Builder
	var args []any
	for i, p := range parts {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p.sql)
		args = append(args, p.args...)
	}
	return fragment{b.String(), args}
}

// idSet is a set of IDs as one parameter, for sets of any size: an array
// on PostgreSQL, a JSON array on SQLite. Use it as "x IN <idSet>".
func (s *Store) idSet(ids []int64) fragment {
	if s.dialect == Postgres {
		return frag(`(SELECT unnest(CAST(? AS BIGINT[])))`, pq.Array(ids))
	}
	if ids == nil {
		ids = []int64{} // "null" would be one NULL row
	}
	buf, _ := json.Marshal(ids)
	return frag(`(SELECT value FROM json_each(?))`, string(buf))
}

// idIn is "col IN <idSet>", written on PostgreSQL, for up to anyMax
// values, as col = ANY(array): the planner then looks them up through
// col's index whatever it believes of the rest of the condition. With
// "IN (SELECT unnest(...))" and a workspace it believes small (a young
// table without statistics, or a workspace grown since the last ANALYZE)
// it read all of the workspace's people through another index to find
// three: 5.6 ms against 0.3.
func (s *Store) idIn(col string, ids []int64) fragment {
	if s.dialect == Postgres && len(ids) <= anyMax {
		return frag(col+` = ANY(CAST(? AS BIGINT[]))`, pq.Array(ids))
	}
	return join(frag(col+` IN `), s.idSet(ids))
}

// textIn is idIn for text values.
func (s *Store) textIn(col string, vals []string) fragment {
	if s.dialect == Postgres && len(vals) <= anyMax {
		return frag(col+` = ANY(CAST(? AS TEXT[]))`, pq.Array(vals))
	}
	return join(frag(col+` IN `), s.textSet(vals))
}

// anyMax bounds the values of an = ANY(array): PostgreSQL estimates the
// condition value by value, which for 100,000 took 106 ms of planning
// (the unnest form: 0.6 ms, and a hash of them all at run time).
const anyMax = 100

// textSet is a set of strings as one parameter, like idSet. Use it as
// "x IN <textSet>".
func (s *Store) textSet(vals []string) fragment {
	if s.dialect == Postgres {
		return frag(`(SELECT unnest(CAST(? AS TEXT[])))`, pq.Array(vals))
	}
	if vals == nil {
		vals = []string{}
	}
	buf, _ := json.Marshal(vals)
	return frag(`(SELECT value FROM json_each(?))`, string(buf))
}

// typed is a placeholder cast to a PostgreSQL type where the statement
// gives it none (a CASE or VALUES in a SELECT); SQLite needs no cast.
func (s *Store) typed(pgType string) string {
	if s.dialect == Postgres {
		return "CAST(? AS " + pgType + ")"
	}
	return "?"
}

// placeholders is n comma-separated placeholders; none is NULL, so that
// "IN (NULL)" matches nothing.
func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// inList is the placeholders of an IN list and their arguments.
func inList[T any](vals []T) fragment {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return frag(placeholders(len(vals)), args...)
}
