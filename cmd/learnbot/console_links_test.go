package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestConsoleServesLinks: while `learnbot console` runs, the report CSV and
// the invitation page its replies link to can be opened.
func TestConsoleServesLinks(t *testing.T) {
	in, feed := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"console"}, envOf(map[string]string{
			"LEARNBOT_DATABASE_URL": testdb.New(t, "sqlite"), "LEARNBOT_ADDR": "127.0.0.1:0"}), in, writerFunc(out.WriteString))
	}()
	feed.Write([]byte("/task add git Git basics\n/assign git @anna\n/report\n/invite zoe@example.com\n"))
	links := regexp.MustCompile(`http://127\.0\.0\.1:\d+/(reports|invite)/[A-Za-z0-9_-]+(\.csv)?`)
	waitFor(t, 20*time.Second, "the report and invitation links", func() bool { return len(links.FindAllString(out.String(), -1)) == 2 })
	for _, link := range links.FindAllString(out.String(), -1) {
		resp, err := http.Get(link)
		if err != nil {
			t.Fatalf("GET %s: %v", link, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d %.200s", link, resp.StatusCode, body)
		}
		if strings.Contains(link, "/reports/") && !strings.Contains(string(body), "git,Git basics,anna") {
			t.Errorf("the report CSV = %q", body)
		}
		if strings.Contains(link, "/invite/") && !strings.Contains(string(body), "zoe@example.com") {
			t.Errorf("the invitation page does not name zoe:\n%.500s", body)
		}
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// writerFunc writes through a function.
type writerFunc func(string)

func (f writerFunc) Write(p []byte) (int, error) { f(string(p)); return len(p), nil }
