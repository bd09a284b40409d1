package storage

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// stmtCache keeps prepared statements for the hot fixed queries (who is
// asking, my tasks, a DM's assignment). PostgreSQL then plans them once per
// connection instead of on every call, which for a six-table join is most
// of its cost.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

// prepared returns the prepared statement for query (already rebound).
func (s *Store) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
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
		s.cache.stmts = map[string]*sqlx.Stmt{}
	}
	s.cache.stmts[query] = st
	return st, nil
}

// getPrepared is GetContext through a prepared statement.
func (s *Store) getPrepared(ctx context.Context, dest any, query string, args ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// selectPrepared is SelectContext through a prepared statement.
func (s *Store) selectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}

func (s *Store) closeStatements() {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	for _, st := range s.cache.stmts {
		st.Close()
	}
	s.cache.stmts = nil
}
