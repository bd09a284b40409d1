package storage

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/jmoiron/sqlx/reflectx"
)

// stmtCache keeps prepared statements for the hot fixed queries (who is
// asking, my tasks, a DM's assignment). PostgreSQL then plans them once per
// connection instead of on every call, which for a six-table join is most
// of its cost.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*preparedStmt
}

// preparedStmt is a prepared query and how its columns land in the struct
// it was last read into.
type preparedStmt struct {
	*sqlx.Stmt
	plan sync.Map // reflect.Type -> *scanPlan
}

// prepared returns the prepared statement for query (already rebound).
func (s *Store) prepared(ctx context.Context, query string) (*preparedStmt, error) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if st, ok := s.cache.stmts[query]; ok {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.cache.stmts == nil {
		s.cache.stmts = map[string]*preparedStmt{}
	}
	p := &preparedStmt{Stmt: st}
	s.cache.stmts[query] = p
	return p, nil
}

// getPrepared is GetContext through a prepared statement: the first row
// into dest, a struct by its db tags or a single value; sql.ErrNoRows when
// there is none.
func (s *Store) getPrepared(ctx context.Context, dest any, query string, args ...any) error {
	return s.scanPrepared(ctx, dest, true, query, args)
}

// selectPrepared is SelectContext through a prepared statement: every row
// appended to dest, a pointer to a slice of structs.
func (s *Store) selectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	return s.scanPrepared(ctx, dest, false, query, args)
}

// scanPrepared runs query through its prepared statement and scans its
// rows into dest: the first row only (one), or every row appended to the
// slice dest points to. Neither takes a closure or an interface, which
// would cost the hot queries an allocation each.
func (s *Store) scanPrepared(ctx context.Context, dest any, one bool, query string, args []any) error {
	v := reflect.ValueOf(dest)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("storage: scan into %T: want a non-nil pointer", dest)
	}
	target, elem := v.Elem(), v.Elem().Type()
	if !one {
		if target.Kind() != reflect.Slice {
			return fmt.Errorf("storage: scan into %T: want a pointer to a slice", dest)
		}
		elem = elem.Elem()
	}
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	rows, err := st.Stmt.Stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var into *rowScanner
	for rows.Next() {
		if into == nil {
			if into, err = st.scanner(rows, elem, s.db.Mapper); err != nil {
				return fmt.Errorf("storage: scan into %T: %w", dest, err)
			}
		}
		if one {
			if err := rows.Scan(into.targets(target)...); err != nil {
				return err
			}
			return rows.Close()
		}
		n := target.Len()
		if n == target.Cap() {
			target.Grow(1)
		}
		target.SetLen(n + 1)
		row := target.Index(n)
		row.SetZero()
		if err := rows.Scan(into.targets(row)...); err != nil {
			target.SetLen(n)
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if one {
		return sql.ErrNoRows
	}
	return rows.Close()
}

// Rows are scanned straight into the fields of the destination (of the
// slice's own array, for a list), found once per statement and type from
// the db tags as sqlx finds them. sqlx instead makes a new struct per row,
// a new value behind each pointer field (which database/sql then replaces),
// and appends by reflection: a fifth of what a /tasks of 20 rows
// allocated.

// scanPlan is where each column of a statement's rows goes in a type: the
// field index path per column, or nil when the type is read whole (a single
// value, or a type that scans itself).
type scanPlan struct {
	fields [][]int
}

// rowScanner scans rows of one statement into values of one type.
type rowScanner struct {
	plan *scanPlan
	dest []any // reused for every row
}

func (st *preparedStmt) scanner(rows *sql.Rows, t reflect.Type, m *reflectx.Mapper) (*rowScanner, error) {
	p, ok := st.plan.Load(t)
	if !ok {
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		plan, err := newScanPlan(t, cols, m)
		if err != nil {
			return nil, err
		}
		p, _ = st.plan.LoadOrStore(t, plan)
	}
	plan := p.(*scanPlan)
	n := len(plan.fields)
	if plan.fields == nil {
		n = 1
	}
	return &rowScanner{plan: plan, dest: make([]any, n)}, nil
}

var scannerType = reflect.TypeFor[sql.Scanner]()

func newScanPlan(t reflect.Type, cols []string, m *reflectx.Mapper) (*scanPlan, error) {
	// What sqlx reads whole rather than by field.
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(scannerType) || len(m.TypeMap(t).Index) == 0 {
		if len(cols) != 1 {
			return nil, fmt.Errorf("%d columns into a single value", len(cols))
		}
		return &scanPlan{}, nil
	}
	fields := m.TraversalsByName(t, cols)
	for i, f := range fields {
		if len(f) == 0 {
			return nil, fmt.Errorf("missing destination name %s", cols[i])
		}
		// FieldByIndex cannot pass a nil embedded pointer; sqlx's
		// types here embed structs by value.
		for _, t := range typesAlong(t, f[:len(f)-1]) {
			if t.Kind() == reflect.Pointer {
				return nil, fmt.Errorf("column %s is behind an embedded pointer", cols[i])
			}
		}
	}
	return &scanPlan{fields: fields}, nil
}

// typesAlong are the types of the fields on index path f from t.
func typesAlong(t reflect.Type, f []int) []reflect.Type {
	var ts []reflect.Type
	for _, i := range f {
		t = t.Field(i).Type
		ts = append(ts, t)
	}
	return ts
}

// targets are the addresses the columns of a row are scanned into, in v.
func (r *rowScanner) targets(v reflect.Value) []any {
	if r.plan.fields == nil {
		r.dest[0] = v.Addr().Interface()
		return r.dest
	}
	for i, f := range r.plan.fields {
		r.dest[i] = v.FieldByIndex(f).Addr().Interface()
	}
	return r.dest
}

func (s *Store) closeStatements() {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	for _, st := range s.cache.stmts {
		st.Close()
	}
	s.cache.stmts = nil
}
