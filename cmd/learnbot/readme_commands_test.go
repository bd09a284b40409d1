package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/learnbot/learnbot/handlers"
)

// TestREADMECommands holds the README's command table to the commands
// `help` lists (the handlers' definitions): every command defined is in the
// table, and the table names no command that is not defined. A cell names
// commands by their words before the first argument, with alternatives
// joined by "|": `group add|remove <name> <member>...` is "group add" and
// "group remove".
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := readmeCommands(t, string(readme))
	var defined []string
	for _, c := range handlers.New(nil, handlers.Config{}, nil).Commands() {
		defined = append(defined, c.Name)
	}
	for _, name := range defined {
		if !slices.Contains(documented, name) {
			t.Errorf("help lists %q; the README's command table does not", name)
		}
	}
	for _, name := range documented {
		if !slices.Contains(defined, name) {
			t.Errorf("the README's command table names %q; help does not list it", name)
		}
	}
}

// readmeCommands returns the command names of the first column of the
// table under the README's "## Commands".
func readmeCommands(t *testing.T, readme string) []string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n## Commands\n")
	if !ok {
		t.Fatal(`README has no "## Commands" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	code := regexp.MustCompile("`([^`]+)`")
	var names []string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first, _, _ := strings.Cut(line[2:], " | ")
		for _, m := range code.FindAllStringSubmatch(first, -1) {
			forms := []string{""}
			for _, word := range strings.Fields(strings.ReplaceAll(m[1], `\|`, "|")) {
				if strings.HasPrefix(word, "<") || strings.HasPrefix(word, "[") {
					break
				}
				var next []string
				for _, f := range forms {
					for _, alt := range strings.Split(word, "|") {
						next = append(next, strings.TrimSpace(f+" "+alt))
					}
				}
				forms = next
			}
			names = append(names, forms...)
		}
	}
	if len(names) < 10 {
		t.Fatalf("the README's command table names too few commands: %q", names)
	}
	return names
}
