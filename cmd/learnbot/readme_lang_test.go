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

// TestREADMESessions runs the README's German and French console sessions
// (the blocks after "$ go run ./cmd/learnbot console -lang de" and "fr") and
// checks that every line they show is printed; a line ending in " ..." is a
// prefix. DMs arrive when the queue sends them, so they are looked for
// anywhere.
func TestREADMESessions(t *testing.T) {
	for _, lang := range []string{"de", "fr"} {
		t.Run(lang, func(t *testing.T) { testREADMESession(t, lang) })
	}
}

func testREADMESession(t *testing.T, lang string) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	start := "    $ go run ./cmd/learnbot console -lang " + lang + "\n"
	_, block, ok := strings.Cut(string(readme), start)
	if !ok {
		t.Fatalf("README has no console session in %s", lang)
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
		t.Fatalf("README's %s session is too short: %q", lang, want)
	}
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"console", "-lang", lang},
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
