package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// fixture is a store with a workspace, a guide and a task.
type fixture struct {
	s     *storage.Store
	ws    int64
	guide *storage.Person
	task  *storage.Task
}

func open(t *testing.T, url string) *fixture {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	guide, err := s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: model.User{ID: "gina", Name: "gina"}, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	task := &storage.Task{WorkspaceID: guide.WorkspaceID, Key: "git", Title: "Git basics"}
	if err := s.CreateTask(ctx, task, guide.ID); err != nil {
		t.Fatal(err)
	}
	return &fixture{s: s, ws: guide.WorkspaceID, guide: guide, task: task}
}

// onEachDatabase runs test on a fresh fixture on every database.
func onEachDatabase(t *testing.T, test func(t *testing.T, ctx context.Context, f *fixture)) {
	testdb.ForEach(t, func(t *testing.T, url string) { test(t, context.Background(), open(t, url)) })
}

func (f *fixture) people(t *testing.T, names ...string) []int64 {
	t.Helper()
	var users []model.User
	for _, n := range names {
		users = append(users, model.User{ID: n, Name: n})
	}
	ps, err := f.s.EnsurePeople(context.Background(), f.ws, users)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(names) {
		t.Fatalf("EnsurePeople returned %d people for %d users", len(ps), len(names))
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

func (f *fixture) assign(t *testing.T, people, groups []int64) *storage.AssignResult {
	t.Helper()
	res, err := f.s.Assign(context.Background(), storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID, GuideID: f.guide.ID,
		PersonIDs: people, GroupIDs: groups, DecisionTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (f *fixture) holdings(t *testing.T) int {
	t.Helper()
	rows, err := f.s.Progress(context.Background(), f.ws, f.task.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		n += r.Count
	}
	return n
}

func TestAssign(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		anna := f.people(t, "anna")
		group, err := f.s.CreateGroup(ctx, f.ws, "cohort-7", f.guide.ID)
		if err != nil {
			t.Fatal(err)
		}
		members := f.people(t, "anna", "ben", "cleo")
		if n, err := f.s.AddMembers(ctx, group, members, f.guide.ID); err != nil || n != 3 {
			t.Fatalf("AddMembers = %d, %v; want 3", n, err)
		}

		t.Run("NobodyHoldsIt", func(t *testing.T) {
			res := f.assign(t, append(anna, anna...), nil)
			if res.Decision != nil || res.Assigned != 1 || res.Targets != 1 {
				t.Fatalf("got %+v; want one assignment, no decision", res)
			}
		})
		var decision string
		t.Run("DuplicateStoresDecision", func(t *testing.T) {
			res := f.assign(t, anna, []int64{group.ID})
			if res.Decision == nil || res.Assigned != 0 || res.Targets != 3 || res.Holders != 1 || res.New != 2 {
				t.Fatalf("got %+v; want a decision over 3 targets, 1 holder", res)
			}
			if len(res.Names) != 1 || res.Names[0] != "anna" {
				t.Fatalf("holder names = %v", res.Names)
			}
			decision = res.Decision.ID
			if got := f.holdings(t); got != 1 {
				t.Fatalf("assignments = %d; the prompt must assign nothing", got)
			}
		})
		t.Run("ShowSelectedGroups", func(t *testing.T) {
			gs, err := f.s.DecisionGroups(ctx, f.ws, decision, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(gs) != 1 || gs[0].Name != "cohort-7" || gs[0].Size != 3 || gs[0].Holders != 1 || len(gs[0].Members) != 2 ||
				!gs[0].Members[0].Holds || gs[0].Members[1].Holds {
				t.Fatalf("groups = %+v", gs)
			}
		})
		t.Run("OnlyNewEvaluatedWhenPressed", func(t *testing.T) {
			// ben gets the task between the prompt and the press.
			f.assign(t, members[1:2], nil)
			res, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: decision,
				PersonID: f.guide.ID, Resolution: storage.ResolutionOnlyNew})
			if err != nil {
				t.Fatal(err)
			}
			if res.Assigned != 1 || len(res.Names) != 1 || res.Names[0] != "cleo" {
				t.Fatalf("got %+v; want cleo only", res)
			}
		})
		t.Run("ErrDecided", func(t *testing.T) {
			_, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: decision,
				PersonID: f.guide.ID, Resolution: storage.ResolutionForce})
			if !errors.Is(err, storage.ErrDecided) {
				t.Fatalf("err = %v; want ErrDecided", err)
			}
			info, err := f.s.DecisionByID(ctx, f.ws, decision)
			if err != nil || *info.Resolution != storage.ResolutionOnlyNew || *info.ResolverName != "gina" {
				t.Fatalf("info = %+v, %v", info, err)
			}
		})
		t.Run("ErrNotYours", func(t *testing.T) {
			res := f.assign(t, anna, nil)
			_, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.Decision.ID,
				PersonID: anna[0], Resolution: storage.ResolutionForce})
			if !errors.Is(err, storage.ErrNotYours) {
				t.Fatalf("err = %v; want ErrNotYours", err)
			}
		})
		t.Run("ErrNotFoundInOtherWorkspace", func(t *testing.T) {
			res := f.assign(t, anna, nil)
			other, err := f.s.Identify(ctx, storage.Identity{Platform: "slack", Workspace: "T2", User: model.User{ID: "U1"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: other.WorkspaceID, DecisionID: res.Decision.ID,
				PersonID: f.guide.ID, Resolution: storage.ResolutionForce})
			if !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("err = %v; want ErrNotFound", err)
			}
		})
		t.Run("ErrExpired", func(t *testing.T) {
			res := f.assign(t, anna, nil)
			f.s.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
			defer f.s.SetClock(time.Now)
			_, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.Decision.ID,
				PersonID: f.guide.ID, Resolution: storage.ResolutionForce})
			if !errors.Is(err, storage.ErrExpired) {
				t.Fatalf("err = %v; want ErrExpired", err)
			}
		})
		t.Run("ForceReassignsEveryone", func(t *testing.T) {
			before := f.holdings(t)
			res := f.assign(t, nil, []int64{group.ID})
			r, err := f.s.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: f.ws, DecisionID: res.Decision.ID,
				PersonID: f.guide.ID, Resolution: storage.ResolutionForce})
			if err != nil || r.Assigned != 3 {
				t.Fatalf("force = %+v, %v; want 3", r, err)
			}
			if got := f.holdings(t); got != before+3 {
				t.Fatalf("assignments = %d; want %d", got, before+3)
			}
		})
	})
}

func TestConcurrentAssignMakesOneAssignment(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		f := open(t, url)
		anna := f.people(t, "anna")
		var wg sync.WaitGroup
		var mu sync.Mutex
		assigned, prompts := 0, 0
		errs := make(chan error, 20)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := f.s.Assign(context.Background(), storage.AssignParams{WorkspaceID: f.ws, TaskID: f.task.ID,
					GuideID: f.guide.ID, PersonIDs: anna, DecisionTTL: time.Hour})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				defer mu.Unlock()
				assigned += res.Assigned
				if res.Decision != nil {
					prompts++
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if assigned != 1 || prompts != 19 || f.holdings(t) != 1 {
			t.Fatalf("assigned %d, prompts %d, stored %d; want 1, 19, 1", assigned, prompts, f.holdings(t))
		}
	})
}

func TestConcurrentPressesResolveOnce(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		f := open(t, url)
		people := f.people(t, "anna", "ben")
		f.assign(t, people[:1], nil)
		res := f.assign(t, people, nil)
		var wg sync.WaitGroup
		results := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resolution := storage.ResolutionOnlyNew
				if i%2 == 1 {
					resolution = storage.ResolutionForce
				}
				_, err := f.s.ResolveDecision(context.Background(), storage.ResolveParams{WorkspaceID: f.ws,
					DecisionID: res.Decision.ID, PersonID: f.guide.ID, Resolution: resolution})
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		ok, decided := 0, 0
		for err := range results {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, storage.ErrDecided):
				decided++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || decided != 19 {
			t.Fatalf("resolved %d times, refused %d; want 1 and 19", ok, decided)
		}
		if n := f.holdings(t); n != 2 && n != 3 {
			t.Fatalf("assignments = %d; want 2 (only new) or 3 (force)", n)
		}
	})
}

func TestInvitations(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		p := storage.InviteParams{WorkspaceID: f.ws, Email: "Anna@Example.com", Role: model.RoleLearner, InvitedBy: f.guide.ID,
			TTL: 14 * 24 * time.Hour, PublicURL: "http://lb.test/"}
		first, err := f.s.CreateInvitation(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		token := first.Link[len("http://lb.test/invite/"):]
		if len(token) < 22 {
			t.Fatalf("token %q is too short for 128 bits", token)
		}
		t.Run("ErrPending", func(t *testing.T) {
			if _, err := f.s.CreateInvitation(ctx, p); !errors.Is(err, storage.ErrPending) {
				t.Fatalf("err = %v; want ErrPending", err)
			}
		})
		t.Run("ReinviteSupersedes", func(t *testing.T) {
			again, err := f.s.Reinvite(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			page, err := f.s.InvitationByToken(ctx, token)
			if err != nil || page.Status != storage.InvitationSuperseded {
				t.Fatalf("old link = %+v, %v; want superseded", page, err)
			}
			if _, err := f.s.AcceptInvitation(ctx, token); !errors.Is(err, storage.ErrGone) {
				t.Fatalf("accept old = %v; want ErrGone", err)
			}
			token = again.Link[len("http://lb.test/invite/"):]
		})
		t.Run("AcceptOnce", func(t *testing.T) {
			page, err := f.s.AcceptInvitation(ctx, token)
			if err != nil || page.Status != storage.InvitationAccepted || page.WorkspaceName != "" && page.InviterName != "gina" {
				t.Fatalf("accept = %+v, %v", page, err)
			}
			if _, err := f.s.AcceptInvitation(ctx, token); !errors.Is(err, storage.ErrGone) {
				t.Fatalf("second accept = %v; want ErrGone", err)
			}
			person, err := f.s.PersonByEmail(ctx, f.ws, "anna@example.com")
			if err != nil || person.Status != storage.StatusActive {
				t.Fatalf("person = %+v, %v; want active", person, err)
			}
		})
		t.Run("ErrActive", func(t *testing.T) {
			if _, err := f.s.CreateInvitation(ctx, p); !errors.Is(err, storage.ErrActive) {
				t.Fatalf("err = %v; want ErrActive", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := f.s.InvitationByToken(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("LinkOnFirstContact", func(t *testing.T) {
			q := p
			q.Email = "ben@example.com"
			if _, err := f.s.CreateInvitation(ctx, q); err != nil {
				t.Fatal(err)
			}
			ben, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console",
				User: model.User{ID: "U-ben", Name: "Ben", Email: "BEN@example.com"}})
			if err != nil || ben.Email == nil || *ben.Email != "ben@example.com" || ben.Status != storage.StatusInvited ||
				ben.Granted() != model.RoleLearner {
				t.Fatalf("ben = %+v, %v; want the invited person, linked, a learner until he accepts", ben, err)
			}
		})
	})
}

// TestInviteeWithoutInvitationBecomesActive (issue 25): a chat user linked
// by email when invited stays invited while the invitation is pending, and
// becomes an active learner on their next contact once it was revoked or
// has expired, whatever role it offered.
func TestInviteeWithoutInvitationBecomesActive(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		invite := func(t *testing.T, id string) model.User {
			t.Helper()
			u := model.User{ID: id, Name: id, Email: id + "@example.com"}
			_, err := f.s.CreateInvitation(ctx, storage.InviteParams{WorkspaceID: f.ws, Email: u.Email, Role: model.RoleGuide,
				InvitedBy: f.guide.ID, ByRole: model.RoleAdmin, TTL: 24 * time.Hour, PublicURL: "http://lb.test", ChatUser: &u})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		contact := func(t *testing.T, u model.User) *storage.Person {
			t.Helper()
			p, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console", User: u})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		t.Run("Pending", func(t *testing.T) {
			p := contact(t, invite(t, "anna"))
			if p.Status != storage.StatusInvited || p.Granted() != model.RoleLearner {
				t.Fatalf("anna = %s %s; want invited, a learner", p.Status, p.Granted())
			}
		})
		t.Run("Revoked", func(t *testing.T) {
			u := invite(t, "ben")
			if p := contact(t, u); p.Status != storage.StatusInvited {
				t.Fatalf("ben before revoke: %s", p.Status)
			}
			if err := f.s.RevokeInvitation(ctx, f.ws, u.Email, f.guide.ID, model.RoleAdmin); err != nil {
				t.Fatal(err)
			}
			if p := contact(t, u); p.Status != storage.StatusActive || p.Role != model.RoleLearner {
				t.Fatalf("ben after revoke = %s %s; want an active learner", p.Status, p.Role)
			}
		})
		t.Run("Expired", func(t *testing.T) {
			u := invite(t, "cleo")
			start := time.Now()
			f.s.SetClock(func() time.Time { return start.Add(25 * time.Hour) })
			defer f.s.SetClock(time.Now)
			if p := contact(t, u); p.Status != storage.StatusActive || p.Role != model.RoleLearner {
				t.Fatalf("cleo after expiry = %s %s; want an active learner", p.Status, p.Role)
			}
		})
	})
}

func TestFirstSeen(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		f := open(t, url)
		if seen, err := f.s.Seen(context.Background(), "slack:event:Ev1"); err != nil || seen {
			t.Fatalf("Seen before FirstSeen = %v, %v; want false", seen, err)
		}
		for i, want := range []bool{true, false} {
			if i > 0 {
				if seen, err := f.s.Seen(context.Background(), "slack:event:Ev1"); err != nil || !seen {
					t.Fatalf("Seen after FirstSeen = %v, %v; want true", seen, err)
				}
			}
			got, err := f.s.FirstSeen(context.Background(), "slack:event:Ev1")
			if err != nil || got != want {
				t.Fatalf("call %d: FirstSeen = %v, %v; want %v", i, got, err, want)
			}
		}
	})
}

var _ = fmt.Sprint

// Assignments refer only to tasks and people of their own workspace, keep
// them, and go with them: PostgreSQL checks this per statement (migration
// 00002), SQLite with foreign keys.
func TestAssignmentsStayInTheirWorkspace(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		anna := f.people(t, "anna")[0]
		other, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "elsewhere", User: model.User{ID: "olga", Name: "olga"}})
		if err != nil {
			t.Fatal(err)
		}
		otherTask := &storage.Task{WorkspaceID: other.WorkspaceID, Key: "sql", Title: "SQL"}
		if err := f.s.CreateTask(ctx, otherTask, other.ID); err != nil {
			t.Fatal(err)
		}
		db := f.s.DB()
		q := func(query string) string { // ? placeholders in PostgreSQL's spelling
			if f.s.Dialect() != storage.Postgres {
				return query
			}
			for i := 1; strings.Contains(query, "?"); i++ {
				query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
			}
			return query
		}
		insert := q(`INSERT INTO assignments (workspace_id, task_id, person_id, assigned_by, created_at) VALUES (?, ?, ?, ?, ?)`)
		now := time.Now().UTC()
		if _, err := db.ExecContext(ctx, insert, f.ws, f.task.ID, other.ID, f.guide.ID, now); err == nil {
			t.Error("an assignment of a person of another workspace was stored")
		}
		if _, err := db.ExecContext(ctx, insert, f.ws, otherTask.ID, anna, f.guide.ID, now); err == nil {
			t.Error("an assignment of a task of another workspace was stored")
		}
		if res := f.assign(t, []int64{other.ID}, nil); res.Assigned != 0 {
			t.Errorf("Assign of a person of another workspace assigned %d", res.Assigned)
		}
		if _, err := db.ExecContext(ctx, insert, f.ws, f.task.ID, anna, f.guide.ID, now); err != nil {
			t.Fatalf("a valid assignment: %v", err)
		}
		if _, err := db.ExecContext(ctx, q(`UPDATE assignments SET person_id = ? WHERE person_id = ?`), other.ID, anna); err == nil {
			t.Error("an assignment moved to a person of another workspace")
		}
		if _, err := db.ExecContext(ctx, q(`DELETE FROM people WHERE id = ?`), anna); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.QueryRowContext(ctx, q(`SELECT count(*) FROM assignments WHERE person_id = ?`), anna).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d assignments (%v) left after their person was deleted", left, err)
		}
	})
}

// PostgreSQL URLs get lib/pq's binary_parameters (one round trip per
// statement) unless they say otherwise; the rest of the URL is kept.
func TestParseURLBinaryParameters(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p%3Fw@db:5432/lb":                        "postgres://u:p%3Fw@db:5432/lb?binary_parameters=yes",
		"postgres://db/lb?sslmode=disable":                     "postgres://db/lb?binary_parameters=yes&sslmode=disable",
		"postgres://db/lb?binary_parameters=no&sslmode=verify": "postgres://db/lb?binary_parameters=no&sslmode=verify",
	} {
		dialect, driver, dsn, err := storage.ParseURL(in)
		if err != nil || dialect != storage.Postgres || driver != "postgres" || dsn != want {
			t.Errorf("ParseURL(%q) = %q, %q, %q, %v; want the postgres driver with %q", in, dialect, driver, dsn, err, want)
		}
	}
}

// TestAcceptedRoleKeptOnFirstContact: a guide invited by email accepts on
// the invitation page, then talks to learnbot on Slack, which finds them by
// that email: they are linked and stay a guide.
func TestAcceptedRoleKeptOnFirstContact(t *testing.T) {
	testdb.ForEach(t, func(t *testing.T, url string) {
		ctx := context.Background()
		f := open(t, url)
		inv, err := f.s.CreateInvitation(ctx, storage.InviteParams{WorkspaceID: f.ws, Email: "gus@example.com", Role: model.RoleGuide,
			InvitedBy: f.guide.ID, ByRole: model.RoleAdmin, TTL: time.Hour, PublicURL: "http://lb.test/"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AcceptInvitation(ctx, inv.Link[len("http://lb.test/invite/"):]); err != nil {
			t.Fatal(err)
		}
		p, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "console",
			User: model.User{ID: "gus", Name: "Gus", Email: "gus@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != inv.Invitation.PersonID || p.Role != model.RoleGuide || p.Status != storage.StatusActive {
			t.Fatalf("person = %+v; want the invited person, an active guide", p)
		}
	})
}

// TestAssignManyNamed: people named by ID are matched as one array however
// many (= ANY up to a hundred on PostgreSQL, a set beyond): 3 and 150
// known learners are all assigned, a person of another workspace among
// them is not, and mentioning the 150 again by chat ID finds them all.
func TestAssignManyNamed(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, ctx context.Context, f *fixture) {
		var names []string
		for i := range 150 {
			names = append(names, fmt.Sprintf("m%03d", i))
		}
		people := f.people(t, names...)
		stranger, err := f.s.Identify(ctx, storage.Identity{Platform: "console", Workspace: "elsewhere", User: model.User{ID: "zed", Name: "zed"}})
		if err != nil {
			t.Fatal(err)
		}
		if res := f.assign(t, append(slices.Clone(people[:3]), stranger.ID), nil); res.Assigned != 3 {
			t.Fatalf("3 named and a stranger: assigned %d", res.Assigned)
		}
		task := &storage.Task{WorkspaceID: f.ws, Key: "many", Title: "Many"}
		if err := f.s.CreateTask(ctx, task, f.guide.ID); err != nil {
			t.Fatal(err)
		}
		res, err := f.s.Assign(ctx, storage.AssignParams{WorkspaceID: f.ws, TaskID: task.ID, GuideID: f.guide.ID,
			PersonIDs: append(slices.Clone(people), stranger.ID), DecisionTTL: time.Hour})
		if err != nil || res.Assigned != 150 {
			t.Fatalf("150 named and a stranger: %+v, %v", res, err)
		}
		var users []model.User
		for _, n := range names {
			users = append(users, model.User{ID: n, Name: n})
		}
		again, err := f.s.EnsurePeople(ctx, f.ws, users)
		if err != nil || len(again) != 150 || again[0].ID != people[0] {
			t.Fatalf("EnsurePeople of 150 known = %d people, %v", len(again), err)
		}
	})
}
