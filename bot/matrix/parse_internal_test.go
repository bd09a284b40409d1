package matrix

import (
	"testing"

	"maunium.net/go/mautrix/event"
)

// TestCommandLine reads commands as typed in a room and leaves other
// messages alone.
func TestCommandLine(t *testing.T) {
	cases := []struct {
		text, line string
		ok         bool
	}{
		{"!learn task add git Git basics", "task add git Git basics", true},
		{"  !LEARN help", "help", true},
		{"!learn", "", true},
		{"!assign git @anna:example.org", "assign git @anna:example.org", true},
		{"!Tasks", "tasks", true},
		{"!learnbot help", "", false},
		{"!invite a@example.org", "", false},
		{"hello !learn help", "", false},
	}
	for _, c := range cases {
		line, ok := commandLine(c.text)
		if line != c.line || ok != c.ok {
			t.Errorf("commandLine(%q) = %q, %v; want %q, %v", c.text, line, ok, c.line, c.ok)
		}
	}
}

// TestPick maps a reaction, a number or a label to its choice, and nothing
// else.
func TestPick(t *testing.T) {
	choices := []choice{{N: 1, Key: "1️⃣", Label: "Do not assign", Action: "a1"}, {N: 2, Key: "2️⃣", Label: "Only new", Action: "a2"}}
	for what, want := range map[string]string{"2️⃣": "a2", "2\u20e3": "a2", "1": "a1", " only NEW ": "a2", "👍": "", "3": "", "": ""} {
		c, ok := pick(choices, what)
		if got := map[bool]string{true: c.Action}[ok]; got != want {
			t.Errorf("pick(%q) = %q; want %q", what, got, want)
		}
	}
}

// TestPills reads a mention pill as the user ID it links to.
func TestPills(t *testing.T) {
	msg := &event.MessageEventContent{Body: "!assign git Anna", Format: event.FormatHTML,
		FormattedBody: `!assign git <a href="https://matrix.to/#/%40anna%3Aexample.org">Anna &amp; co</a>`}
	if got, want := plainText(msg), "!assign git @anna:example.org"; got != want {
		t.Errorf("plainText = %q; want %q", got, want)
	}
}
