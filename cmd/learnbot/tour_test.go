package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/testdb"
)

// TestREADMETour runs the README's console tour through `learnbot console`
// and compares what a person sees with what the README shows, line by line
// (a README line ending in " ..." is cut short there), so the tour cannot
// drift from the program.
func TestREADMETour(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start = "    $ go run ./cmd/learnbot console\n"
	i := bytes.Index(readme, []byte(start))
	if i < 0 {
		t.Fatal("README has no console tour")
	}
	block := string(readme[i+len(start):])
	block = block[:strings.Index(block, "\n\n")]
	var want, inputs []string
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimPrefix(line, "    ")
		want = append(want, line)
		if strings.HasPrefix(line, "@") {
			if _, cmd, ok := strings.Cut(line, "> "); ok {
				inputs = append(inputs, cmd)
			}
		}
	}
	var out bytes.Buffer
	err = run(context.Background(), []string{"console"}, envOf(map[string]string{"LEARNBOT_DATABASE_URL": testdb.New(t, "sqlite")}),
		strings.NewReader(strings.Join(inputs, "\n")+"\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	got = got[1:] // the welcome line
	for len(got) > 0 && strings.HasPrefix(got[len(got)-1], "@") && strings.HasSuffix(got[len(got)-1], "> ") {
		got = got[:len(got)-1] // the last prompt
	}
	for n := 0; n < max(len(got), len(want)); n++ {
		var g, w string
		if n < len(got) {
			g = got[n]
		}
		if n < len(want) {
			w = want[n]
		}
		if prefix, cut := strings.CutSuffix(w, " ..."); cut && strings.HasPrefix(g, prefix) {
			continue
		}
		if g != w {
			t.Fatalf("line %d of the tour:\n README: %q\n program: %q\nthe program's session:\n%s", n+1, w, g, out.String())
		}
	}
}
