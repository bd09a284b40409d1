package slack_test

import (
	"strings"
	"testing"

	"github.com/learnbot/learnbot/internal/fakeslack"
	"github.com/learnbot/learnbot/internal/testbot"
)

// TestInviteMixedScriptEmailRefused: an address whose local part or domain
// label mixes alphabets (a Cyrillic "а" among Latin letters) looks like
// someone else's and is refused, alone or among others; an address in one
// alphabet per part is invited.
func TestInviteMixedScriptEmailRefused(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		env, _ := newCoreEnv(t, db)
		say := func(text string) string {
			t.Helper()
			r := env.command(t, "UG", "/learn", text)
			if r == nil {
				t.Fatalf("%s: no inline reply", text)
			}
			return fakeslack.TextOf(r.Blocks)
		}
		for _, addr := range []string{"\u0430nna@example.com", "anna@ex\u0430mple.com"} {
			if got := say("invite " + addr); !strings.Contains(got, "mixes alphabets") {
				t.Errorf("invite %q: %q; want it refused as mixing alphabets", addr, got)
			}
		}
		if got := say("invite ben@example.com \u0430nna@example.com"); !strings.Contains(got, "1 invalid") && !strings.Contains(got, `"\u0430nna@example.com"`) {
			t.Errorf("invite of two: %q; want the mixed one invalid", got)
		}
		if got := say("invite \u0438\u0432\u0430\u043d@example.com"); strings.Contains(got, "mixes alphabets") || strings.Contains(got, "not a valid") {
			t.Errorf("an address in Cyrillic was refused: %q", got)
		}
		list := say("invite list")
		if strings.Contains(list, "\u0430nna") || strings.Contains(list, "ex\u0430mple") {
			t.Errorf("a mixed-script address was invited: %q", list)
		}
	})
}
