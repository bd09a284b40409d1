package storage

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
)

// TestPreparedReadsAsSqlx holds getPrepared and selectPrepared, which scan
// into fields themselves, to sqlx's GetContext and SelectContext on the same
// queries: NULL and set pointers, dates, times, embedded structs, a single
// value, no row, and a list appended to.
func TestPreparedReadsAsSqlx(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		gina, err := s.Identify(ctx, Identity{Platform: "console", Workspace: "console", User: model.User{ID: "gina", Name: "gina"}, Admin: true})
		if err != nil {
			t.Fatal(err)
		}
		task := &Task{WorkspaceID: gina.WorkspaceID, Key: "git", Title: "Git basics", URL: "https://example.com"}
		if err := s.CreateTask(ctx, task, gina.ID); err != nil {
			t.Fatal(err)
		}
		g, err := s.CreateGroup(ctx, gina.WorkspaceID, "crew", gina.ID)
		if err != nil {
			t.Fatal(err)
		}
		anna, err := s.EnsurePeople(ctx, gina.WorkspaceID, []model.User{{ID: "anna", Name: "Anna"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMembers(ctx, g, []int64{anna[0].ID}, gina.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assign(ctx, AssignParams{WorkspaceID: gina.WorkspaceID, TaskID: task.ID, GuideID: gina.ID,
			GroupIDs: []int64{g.ID}, Users: []model.User{{ID: "ben", Name: "Ben"}}, DecisionTTL: time.Hour,
			Due: calendar.Date{Year: 2030, Month: 3, Day: 14}}); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		if err := s.db.SelectContext(ctx, &ids, `SELECT id FROM assignments ORDER BY id`); err != nil || len(ids) != 2 {
			t.Fatalf("assignments %v, %v", ids, err)
		}
		if _, err := s.MarkDone(ctx, gina.WorkspaceID, ids[0], anna[0].ID); err != nil {
			t.Fatal(err)
		}

		list := s.q(assignmentView + ` WHERE a.workspace_id = ? ORDER BY a.id`)
		var want, got []AssignmentView
		if err := s.db.SelectContext(ctx, &want, list, gina.WorkspaceID); err != nil {
			t.Fatal(err)
		}
		got = []AssignmentView{{TaskKey: "kept"}}
		if err := s.selectPrepared(ctx, &got, list, gina.WorkspaceID); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].TaskKey != "kept" || !reflect.DeepEqual(got[1:], want) {
			t.Errorf("selectPrepared = %+v\nwant the kept row and %+v", got, want)
		}
		if want[0].DoneAt == nil || want[0].GroupName == nil || want[1].GroupName != nil || want[1].DueDate.IsZero() {
			t.Errorf("the rows do not cover NULL and set values: %+v", want)
		}

		var p, wantP Person
		q := s.q(personByChatSQL)
		if err := s.db.GetContext(ctx, &wantP, q, "console", "console", "ben"); err != nil {
			t.Fatal(err)
		}
		if err := s.getPrepared(ctx, &p, q, "console", "console", "ben"); err != nil || !reflect.DeepEqual(p, wantP) {
			t.Errorf("getPrepared = %+v, %v; want %+v", p, err, wantP)
		}
		if err := s.getPrepared(ctx, &p, q, "console", "console", "nobody"); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("getPrepared of no row = %v, want sql.ErrNoRows", err)
		}
		var n int
		if err := s.getPrepared(ctx, &n, s.q(`SELECT count(*) FROM assignments WHERE workspace_id = ?`), gina.WorkspaceID); err != nil || n != 2 {
			t.Errorf("getPrepared of a count = %d, %v", n, err)
		}
		var d calendar.Date
		if err := s.getPrepared(ctx, &d, s.q(`SELECT due_date FROM assignments WHERE id = ?`), ids[1]); err != nil || d != want[1].DueDate {
			t.Errorf("getPrepared of a date = %v, %v", d, err)
		}
		if err := s.getPrepared(ctx, &n, s.q(`SELECT id, task_id FROM assignments WHERE id = ?`), ids[1]); err == nil {
			t.Error("two columns into an int: no error")
		}
	})
}
