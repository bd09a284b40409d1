package storage

import (
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// sameNumbersFrom is the first migration that has the same number in both
// dialects; every change from it on is one number in both.
const sameNumbersFrom = 16

// TestMigrationsShareNumbers fails when a change from sameNumbersFrom on has
// a migration in one dialect and not, under the same name, in the other.
func TestMigrationsShareNumbers(t *testing.T) {
	names := func(dialect string) []string {
		entries, err := fs.ReadDir(migrations, "migrations/"+dialect)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
			if err != nil {
				t.Fatalf("%s/%s: no number", dialect, e.Name())
			}
			if n >= sameNumbersFrom {
				out = append(out, e.Name())
			}
		}
		return out
	}
	pg, lite := names("postgres"), names("sqlite")
	if len(pg) == 0 {
		t.Fatal("no migration from", sameNumbersFrom)
	}
	if !reflect.DeepEqual(pg, lite) {
		t.Errorf("postgres has %v, sqlite %v; one change, one number in both", pg, lite)
	}
}
