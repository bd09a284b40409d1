package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestREADMEGermanSession runs the README's German console session (the
// block after "$ go run ./cmd/learnbot console -lang de") and checks that
// every line it shows is printed; a line ending in " ..." is a prefix. DMs
// arrive when the queue sends them, so they are looked for anywhere.
func TestREADMEGermanSession(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start = "    $ go run ./cmd/learnbot console -lang de\n"
	_, block, ok := strings.Cut(string(readme), start)
	if !ok {
		t.Fatal("README has no German console session")
	}
	prompt := regexp.MustCompile(`^@[a-z]+> (.*)$`)
	var script, want []string
	for _, line := range strings.Split(block, "\n") {
		line, ok := strings.CutPrefix(line, "    ")
		if !ok {
			break
		}
		if m := prompt.FindStringSubmatch(line); m != nil {
			script = append(script, m[1])
		}
		want = append(want, strings.TrimSuffix(line, " ..."))
	}
	if len(script) < 5 || len(want) <= len(script) {
		t.Fatalf("README's German session is too short: %q", want)
	}
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"console", "-lang", "de"},
				envOf(map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, d)}),
				strings.NewReader(strings.Join(script, "\n")+"\n"), &out)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the session does not print the README's %q", w)
				}
			}
			if t.Failed() {
				t.Log(out.String())
			}
		})
	}
}
