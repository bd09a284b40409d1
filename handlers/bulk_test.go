package handlers_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/internal/testdb"
	"github.com/learnbot/learnbot/model"
)

// pagedDirectory is a platform whose groups are ranges of numbered members
// ("m000042"), handed over a page at a time as the adapters do.
type pagedDirectory struct {
	groups map[string][2]int // group ID -> members [from, to)
	pages  int               // pages handed over
}

func (d *pagedDirectory) GroupMembers(_ context.Context, g bot.PlatformGroup, page func([]model.User) error) error {
	r, ok := d.groups[g.ID]
	if !ok {
		return fmt.Errorf("no group %s", g.ID)
	}
	buf := make([]model.User, 0, bot.MembersPage)
	for i := r[0]; i < r[1]; i++ {
		id := fmt.Sprintf("m%06d", i)
		buf = append(buf, model.User{ID: id, Name: "Member " + id})
		if len(buf) == bot.MembersPage || i == r[1]-1 {
			d.pages++
			if err := page(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

func (d *pagedDirectory) UserByEmail(context.Context, string) (*model.User, error) {
	return nil, model.ErrNoUser
}

// groupArg mentions the platform group with this ID.
func groupArg(id string) bot.Arg {
	return bot.Arg{Text: "@" + id, Group: &bot.PlatformGroup{Kind: "role", ID: id, Name: id}}
}

// platformRun runs a command whose last words are platform group mentions.
func platformRun(b *testbot.Bot, dir bot.Directory, s string, groups ...string) *bot.Reply {
	req := line(gina, s)
	req.Directory = dir
	for _, g := range groups {
		req.Args = append(req.Args, groupArg(g))
	}
	return b.Router.Handle(context.Background(), req)
}

func pressOn(b *testbot.Bot, label string, r *bot.Reply) *bot.Reply {
	for _, btn := range r.AllButtons() {
		if btn.Label == label {
			return b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: gina, Action: &bot.Action{ID: btn.ID}})
		}
	}
	return nil
}

// BenchmarkAssignGroup100k is issue 16's "bulk-100k" on the core: /assign
// to a platform group of 100,000 of whom 50,000 hold the task (the prompt),
// then Only new (50,000 assignments and their DM jobs). The people exist
// (a group assigned before); each iteration is a new task.
//
//	go test ./handlers -run '^$' -bench AssignGroup100k -benchtime 5x
func BenchmarkAssignGroup100k(b *testing.B) {
	for _, d := range testdb.Dialects {
		b.Run(d, func(b *testing.B) {
			bt := testbot.New(b, d, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
			bt.Router.Timeout = 5 * time.Minute
			dir := &pagedDirectory{groups: map[string][2]int{"half": {0, 50_000}, "all": {0, 100_000}}}
			var prompt, onlyNew []time.Duration
			for i := range b.N {
				b.StopTimer()
				task := fmt.Sprintf("t%d", i)
				bt.Router.Handle(context.Background(), line(gina, "task add "+task+" Task"))
				if r := platformRun(bt, dir, "assign "+task, "half"); !strings.HasPrefix(r.String(), "Assigned") {
					b.Fatal(r.String())
				}
				b.StartTimer()
				t0 := time.Now()
				r := platformRun(bt, dir, "assign "+task, "all")
				t1 := time.Now()
				out := pressOn(bt, "Only new", r)
				t2 := time.Now()
				if out == nil || !strings.Contains(out.String(), "Only new: assigned Task ("+task+") to 50") {
					b.Fatalf("prompt %q, outcome %v", r.String(), out)
				}
				prompt, onlyNew = append(prompt, t1.Sub(t0)), append(onlyNew, t2.Sub(t1))
			}
			b.ReportMetric(medianMS(prompt), "prompt-ms")
			b.ReportMetric(medianMS(onlyNew), "onlynew-ms")
		})
	}
}

func medianMS(ds []time.Duration) float64 {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[len(ds)/2]) / float64(time.Millisecond)
}

// TestPlatformGroupPaged: a platform group handed over in pages (2,500
// members, three pages) through assign, Force reassignment, due and
// unassign; members learnbot has not met are made learners by assign only,
// and unassign names them as having had nothing.
func TestPlatformGroupPaged(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		dir := &pagedDirectory{groups: map[string][2]int{"first": {0, 1000}, "all": {0, 2500}, "more": {2000, 3000}}}
		run(t, b, gina, "task add git Git basics")
		if r := platformRun(b, dir, "assign git", "first").String(); !strings.HasPrefix(r, "Assigned Git basics (git) to 1000 people: Member m000000,") {
			t.Fatalf("assign: %q", r)
		}
		if dir.pages != 1 {
			t.Errorf("%d pages for 1,000 members", dir.pages)
		}
		r := platformRun(b, dir, "assign git", "all", "all")
		if !strings.Contains(r.String(), "already assigned to 1000 of the 2500 people you chose") {
			t.Fatalf("prompt: %q", r.String())
		}
		if dir.pages != 4 {
			t.Errorf("%d pages in all; the group named twice is listed once", dir.pages)
		}
		members := func() int {
			var n int
			if err := b.Store.DB().QueryRow(`SELECT count(*) FROM people WHERE chat_id LIKE 'm%'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// PostgreSQL stages a page per row: 1,000 members in one page, then 2,500 in three.
		if db == "postgres" {
			var pages int
			if err := b.Store.DB().QueryRow(`SELECT count(*) FROM target_pages`).Scan(&pages); err != nil || pages != 4 {
				t.Errorf("%d pages staged (%v), want 4", pages, err)
			}
		}
		// A prompt changes nothing: the 1,500 not met yet are only counted.
		if n := members(); n != 1000 {
			t.Errorf("%d members are people after the prompt; want the 1,000 assigned before", n)
		}
		out := pressOn(b, "Force reassignment", r)
		if out == nil || !strings.Contains(out.String(), "again to 2500 people") {
			t.Fatalf("Force: %v", out)
		}
		var forced, total int
		if err := b.Store.DB().QueryRow(`SELECT COALESCE(SUM(CASE WHEN forced THEN 1 ELSE 0 END), 0), count(*) FROM assignments`).Scan(&forced, &total); err != nil {
			t.Fatal(err)
		}
		if forced != 1000 || total != 3500 {
			t.Errorf("%d forced of %d assignments; want 1000 of 3500 (forced where it duplicates)", forced, total)
		}
		// m002500..m002999 were never named: due and unassign create no one.
		if r := platformRun(b, dir, "due git 2w", "more").String(); !strings.Contains(r, "for 500 open assignments") || !strings.Contains(r, "No open assignment of git: Member m002500,") {
			t.Errorf("due: %q", r)
		}
		r = platformRun(b, dir, "unassign git", "more")
		if got := r.String(); !strings.Contains(got, "from 500 people: Member m002000,") || !strings.Contains(got, "500 named hold no open assignment of it: Member m002500,") {
			t.Errorf("unassign: %q", got)
		}
		if people := members(); people != 2500 {
			t.Errorf("%d members became people; want the 2,500 assigned", people)
		}
	})
}

// TestPromptAfterTargetSetLost: PostgreSQL keeps target sets unlogged (a
// crash or failover empties them); pressing a prompt whose platform group's
// members are gone says so and assigns nothing, instead of acting on an
// empty set. The loss is simulated as recovery leaves it: both tables empty.
func TestPromptAfterTargetSetLost(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		dir := &pagedDirectory{groups: map[string][2]int{"first": {0, 10}, "all": {0, 30}}}
		run(t, b, gina, "task add git Git basics")
		platformRun(b, dir, "assign git", "first")
		r := platformRun(b, dir, "assign git", "all")
		if !strings.Contains(r.String(), "already assigned to 10 of the 30 people you chose") {
			t.Fatalf("prompt: %q", r.String())
		}
		lose := `DELETE FROM target_members; DELETE FROM target_sets`
		if db == "postgres" {
			var unlogged int
			err := b.Store.DB().QueryRow(`SELECT count(*) FROM pg_class WHERE relname IN ('target_sets', 'target_pages')
				AND relnamespace = to_regnamespace(current_schema()) AND relpersistence = 'u'`).Scan(&unlogged)
			if err != nil || unlogged != 2 {
				t.Errorf("%d of target_sets and target_pages unlogged (%v), want both", unlogged, err)
			}
			lose = `TRUNCATE target_sets, target_pages`
		}
		if _, err := b.Store.DB().Exec(lose); err != nil {
			t.Fatal(err)
		}
		out := pressOn(b, "Only new", r)
		if out == nil || !strings.Contains(out.String(), "no longer knows who was in the groups of this prompt") {
			t.Fatalf("Only new after the set was lost: %v", out)
		}
		var n int
		if err := b.Store.DB().QueryRow(`SELECT count(*) FROM assignments`).Scan(&n); err != nil || n != 10 {
			t.Errorf("%d assignments (%v), want the 10 from before the prompt", n, err)
		}
	})
}
