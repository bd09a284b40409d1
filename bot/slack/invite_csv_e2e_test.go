package slack_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/web"
)

var linksCSVRE = regexp.MustCompile(`http://learnbot\.test(/reports/[A-Za-z0-9_-]+\.csv)`)

// TestInviteManyLinksAsCSV: inviting more addresses than the reply can
// list, without email, links a CSV of every new link (the tokens are
// stored hashed, so it is the only place the rest are); each link in it
// opens its invitation.
func TestInviteManyLinksAsCSV(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, b := newCoreEnv(t, db)
		site := httptest.NewServer(func() http.Handler {
			mux := http.NewServeMux()
			web.New(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)
			web.NewReports(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)
			return mux
		}())
		t.Cleanup(site.Close)
		get := func(path string) (int, string) {
			t.Helper()
			resp, err := http.Get(site.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		var addrs []string
		for n := range 30 {
			addrs = append(addrs, fmt.Sprintf("new%02d@example.org", n))
		}
		var reply string
		if r := env.command(t, "UG", "/learn", "invite "+strings.Join(addrs, " ")); r != nil {
			reply = fakeslack.TextOf(r.Blocks)
		} else {
			eventually(t, "the late reply", func() bool { return len(env.fake.Posts()) > 0 })
			reply = fakeslack.TextOf(env.fake.Posts()[0].Blocks)
		}
		shown := inviteLinkRE.FindAllStringSubmatch(reply, -1)
		if len(shown) == 0 || len(shown) >= len(addrs) {
			t.Fatalf("the reply lists %d links; want some, not all 30:\n%s", len(shown), reply)
		}
		m := linksCSVRE.FindStringSubmatch(reply)
		if m == nil {
			t.Fatalf("no CSV link in the reply:\n%s", reply)
		}
		status, body := get(m[1])
		if status != http.StatusOK {
			t.Fatalf("GET the CSV: %d %s", status, body)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\ufeff")), "\r\n") // the byte order mark for spreadsheets
		if len(lines) != 31 || lines[0] != "email,role,link,expires" {
			t.Fatalf("CSV has %d lines (want a header and 30), first %q", len(lines), lines[0])
		}
		inReply := map[string]bool{}
		for _, s := range shown {
			inReply[s[1]] = true
		}
		opened := 0
		for _, line := range lines[1:] {
			link := inviteLinkRE.FindStringSubmatch(line)
			if link == nil || !strings.HasPrefix(line, "new") {
				t.Fatalf("CSV line %q", line)
			}
			if inReply[link[1]] {
				continue
			}
			if status, body := get(link[1]); status != http.StatusOK {
				t.Errorf("link %s from the CSV: %d %.100s", link[1], status, body)
			}
			opened++
		}
		if opened != 30-len(shown) {
			t.Errorf("opened %d links not in the reply; want %d", opened, 30-len(shown))
		}
	})
}
