package storage

import (
	"context"
	"reflect"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestTargetPagesMigration: the members a decision kept when they were one
// row each are the same members once pages hold them (PostgreSQL), and
// again after the migration is rolled back; target_member_ids names them
// on both databases.
func TestTargetPagesMigration(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		p, err := s.migrator(false)
		if err != nil {
			t.Fatal(err)
		}
		before := int64(12) // the last migration with one row per member
		if s.dialect == SQLite {
			before = 11
		}
		if _, err := p.DownTo(ctx, before); err != nil {
			t.Fatal(err)
		}
		_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO target_members (set_id, chat_id, display_name, platform_language, time_zone)
			VALUES ('s1', 'U2', 'Ben', NULL, ''), ('s1', 'U1', 'Anna', 'de', 'Europe/Berlin'), ('s2', 'U3', 'Cleo', 'en', 'UTC')`))
		if err != nil {
			t.Fatal(err)
		}
		type member struct {
			Set  string  `db:"set_id"`
			ID   string  `db:"chat_id"`
			Name string  `db:"display_name"`
			Lang *string `db:"platform_language"`
			Zone string  `db:"time_zone"`
		}
		de, en := "de", "en"
		want := []member{{"s1", "U1", "Anna", &de, "Europe/Berlin"}, {"s1", "U2", "Ben", nil, ""}, {"s2", "U3", "Cleo", &en, "UTC"}}
		read := func(when string) {
			t.Helper()
			var got []member
			if err := s.db.SelectContext(ctx, &got, `SELECT * FROM target_members ORDER BY set_id, chat_id`); err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: members %+v, want %+v", when, got, want)
			}
		}
		if _, err := p.Up(ctx); err != nil {
			t.Fatal(err)
		}
		read("pages")
		if s.dialect == Postgres {
			var pages int
			if err := s.db.GetContext(ctx, &pages, `SELECT count(*) FROM target_pages`); err != nil || pages != 2 {
				t.Errorf("%d pages (%v), want one per set", pages, err)
			}
		}
		var ids []string
		if err := s.db.SelectContext(ctx, &ids, `SELECT chat_id FROM target_member_ids WHERE set_id = 's1' ORDER BY chat_id`); err != nil || !reflect.DeepEqual(ids, []string{"U1", "U2"}) {
			t.Errorf("target_member_ids %v (%v)", ids, err)
		}
		if _, err := p.DownTo(ctx, before); err != nil {
			t.Fatal(err)
		}
		read("rows again")
	})
}
