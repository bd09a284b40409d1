package web_test

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/web"
)

var reportLinkRE = regexp.MustCompile(`http://learnbot\.test/reports/([A-Za-z0-9_-]+)\.csv`)

// TestReportEndToEnd: report sums up each task (holders, done, open,
// overdue, share done), a group narrows it to its members, and its CSV link
// downloads every assignment through the real HTTP server: text/csv in
// UTF-8, a header row, RFC 4180 quoting, formulas neutralised; an unknown
// token is 404 and an expired one 410.
func TestReportEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		b := testbot.New(t, db, nil, testbot.Admins("console:gina"), testbot.NoWorkers())
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		b.Store.SetClock(func() time.Time { return now })
		gina := model.User{ID: "gina", Name: "gina"}
		run := func(actor model.User, line string) *bot.Reply {
			t.Helper()
			var args []bot.Arg
			for _, w := range strings.Fields(line) {
				a := bot.Arg{Text: w}
				if strings.HasPrefix(w, "@") {
					a.User = &model.User{ID: w[1:], Name: w[1:]}
				}
				args = append(args, a)
			}
			return b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
				Actor: actor, Args: args})
		}
		// A hostile name: a formula, a comma and quotes.
		evil := model.User{ID: "evil", Name: `=HYPERLINK("http://x.test","click"), "Eve"`}
		for _, c := range []string{"task add git Git basics", "task add sql -1+1 SQL", "group create devs",
			"group add devs @anna @ben", "assign git @anna @ben @cleo due 2026-12-01", "assign sql @anna"} {
			run(gina, c)
		}
		if got := run(gina, "report").String(); !strings.Contains(got, "Report: 2 tasks") {
			t.Fatalf("report = %q", got)
		}
		r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console", Actor: gina,
			Args: []bot.Arg{{Text: "assign"}, {Text: "sql"}, {Text: "@evil", User: &evil}}})
		if !strings.Contains(r.String(), "Assigned") {
			t.Fatal(r.String())
		}
		for _, a := range []string{"anna"} {
			list := run(model.User{ID: a, Name: a}, "tasks")
			for _, btn := range list.AllButtons() {
				if strings.HasSuffix(btn.Label, "git") {
					b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "console",
						Actor: model.User{ID: a, Name: a}, Action: &bot.Action{ID: btn.ID}})
				}
			}
		}
		now = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) // git is overdue for ben and cleo

		rep := run(gina, "report")
		text := rep.String()
		for _, want := range []string{"Report: 2 tasks", "Git basics (git)", "holders 3, done 1, open 2, overdue 2, 33% done",
			"-1+1 SQL (sql), holders 2, done 0, open 2, overdue 0, 0% done"} {
			if !strings.Contains(text, want) {
				t.Fatalf("report %q lacks %q", text, want)
			}
		}
		if strings.Index(text, "(git)") > strings.Index(text, "(sql)") {
			t.Fatalf("report %q: the task most behind (git, 2 overdue) comes first", text)
		}
		grp := run(gina, "report devs").String()
		if !strings.Contains(grp, "group devs") || !strings.Contains(grp, "holders 2") || strings.Contains(grp, "holders 3") {
			t.Fatalf("group report %q; want only anna and ben", grp)
		}
		if got := run(gina, "report nosuch").String(); !strings.Contains(got, "no group") {
			t.Fatalf("report nosuch = %q", got)
		}
		if got := run(model.User{ID: "anna", Name: "anna"}, "report").String(); strings.Contains(got, "/reports/") {
			t.Fatalf("a learner got a report: %q", got)
		}

		mux := http.NewServeMux()
		web.NewReports(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		m := reportLinkRE.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no CSV link in %q", text)
		}
		get := func(path string) (*http.Response, string) {
			t.Helper()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, string(body)
		}
		resp, body := get("/reports/" + m[1] + ".csv")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("GET = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, "\r\n") {
			t.Fatal("CSV lines must end in CRLF (RFC 4180)")
		}
		body, bom := strings.CutPrefix(body, "\ufeff")
		if !bom {
			t.Fatal("the CSV does not start with a UTF-8 byte order mark: spreadsheets would read it as a legacy code page")
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("CSV does not parse: %v\n%s", err, body)
		}
		if strings.Join(recs[0], ",") != "task_key,task_title,person,email,state,assigned,due,done" {
			t.Fatalf("header = %v", recs[0])
		}
		if len(recs) != 6 {
			t.Fatalf("%d rows; want a header and 5 assignments:\n%s", len(recs), body)
		}
		byKey := map[string]int{}
		var evilRow []string
		for _, rec := range recs[1:] {
			byKey[rec[0]]++
			if strings.Contains(rec[2], "HYPERLINK") {
				evilRow = rec
			}
			if rec[0] == "git" && rec[6] != "2026-12-01" {
				t.Fatalf("git row due %q", rec[6])
			}
			if rec[0] == "git" && rec[2] == "anna" && (rec[4] != "done" || rec[7] == "") {
				t.Fatalf("anna's git row = %v; want done with its time", rec)
			}
		}
		if byKey["git"] != 3 || byKey["sql"] != 2 {
			t.Fatalf("rows by task = %v; want the report's numbers (git 3, sql 2)", byKey)
		}
		if evilRow == nil || evilRow[2] != `'=HYPERLINK("http://x.test","click"), "Eve"` || evilRow[1] != "'-1+1 SQL" {
			t.Fatalf("hostile row = %q; want the formula and the title neutralised and the name intact", evilRow)
		}

		for _, lang := range []string{"de-DE,de;q=0.9", "fr-FR"} {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/reports/"+m[1]+".csv", nil)
			req.Header.Set("Accept-Language", lang)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
			r.Comma = ';'
			got, err := r.ReadAll()
			if err != nil || len(got) != 6 || strings.Join(got[0], ",") != strings.Join(recs[0], ",") {
				t.Fatalf("%s: %d rows, %v; want the same report separated by ;\n%s", lang, len(got), err, b)
			}
		}
		if resp, _ := get("/reports/nosuchtoken.csv"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown token: %d; want 404", resp.StatusCode)
		}
		if resp, _ := get("/reports/" + m[1]); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("without .csv: %d; want 404", resp.StatusCode)
		}
		now = now.Add(61 * time.Minute)
		if resp, _ := get("/reports/" + m[1] + ".csv"); resp.StatusCode != http.StatusGone {
			t.Fatalf("expired link: %d; want 410", resp.StatusCode)
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/reports/"+m[1]+".csv", nil)
		req.Header.Set("Accept-Language", "de-DE,de;q=0.9")
		if resp, err := http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		} else {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusGone || !strings.HasPrefix(string(body), "Dieser Berichtslink ist abgelaufen") {
				t.Fatalf("expired link in German: %d %q", resp.StatusCode, body)
			}
		}
		q := `SELECT count(*) FROM reports WHERE token_hash = ?`
		if db == "postgres" {
			q = `SELECT count(*) FROM reports WHERE token_hash = $1`
		}
		var stored int
		if err := b.Store.DB().QueryRow(q, []byte(m[1])).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("raw token rows = %d, %v; want the token stored only hashed", stored, err)
		}
	})
}
