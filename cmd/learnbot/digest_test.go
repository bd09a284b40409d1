package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestConsoleDigestNow: in the console, /digest now prints the digest as
// console DMs are printed, with its Nudge overdue button numbered; with
// nothing open it says so.
func TestConsoleDigestNow(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			script := strings.Join([]string{
				"/digest now",
				"/task add git Git basics",
				"/assign git @anna @ben",
				"/digest now",
				"/digest",
			}, "\n") + "\n"
			var out bytes.Buffer
			err := run(context.Background(), []string{"console"}, envOf(map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, d)}),
				strings.NewReader(script), &out)
			if err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, want := range []string{
				"Nothing you assigned is open, so there is no digest.",
				"Your digest is on its way as a direct message.",
				"[DM to @me] Your digest: 1 task with open assignments you made.",
				"Git basics (git)",
				"Every assignment as CSV",
				"every Monday at 09:00 your time",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("console output lacks %q", want)
				}
			}
			if t.Failed() {
				t.Log(got)
			}
		})
	}
}
