package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMETestCommand keeps the README's test command and the one .ci/run
// runs in step (CI adds only -v), both with -tags goolm, as every build
// learnbot ships.
func TestREADMETestCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	command := regexp.MustCompile(`(?m)go test [^|\n]*\./\.\.\.`)
	documented := command.FindString(string(readme))
	run := command.FindString(string(ci))
	if documented == "" || run == "" {
		t.Fatalf("no go test ./... command: README %q, .ci/run %q", documented, run)
	}
	if got := strings.Join(strings.Fields(strings.Replace(run, " -v ", " ", 1)), " "); got != documented {
		t.Errorf(".ci/run runs %q; the README says %q", run, documented)
	}
	if !strings.Contains(documented, "-tags goolm") {
		t.Errorf("the README's test command %q lacks -tags goolm", documented)
	}
}
