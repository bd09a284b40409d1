package matrix

import (
	"slices"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"

	"github.com/learnbot/learnbot/bot"
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

// TestPickActionAndNumber reads "done 2" as the second choice when it marks
// done, and as nothing when the second choice does something else.
func TestPickActionAndNumber(t *testing.T) {
	choices := []choice{{N: 1, Key: "1️⃣", Label: "Mark done: git", Action: "done:7"},
		{N: 2, Key: "2️⃣", Label: "Mark done: sql", Action: "done:9"}, {N: 3, Label: "Undo", Action: "undo:4"}}
	for what, want := range map[string]string{"done 2": "done:9", "Done  1": "done:7", "undo 3": "undo:4", "done 3": "",
		"undo 1": "", "done": "", "done 4": ""} {
		c, ok := pick(choices, what)
		if got := map[bool]string{true: c.Action}[ok]; got != want {
			t.Errorf("pick(%q) = %q; want %q", what, got, want)
		}
	}
}

// TestRenderSymbols offers ✅ for a lone Mark done or Accept and ↩️ for
// Undo, and numbers where several buttons do the same.
func TestRenderSymbols(t *testing.T) {
	keys := func(r *bot.Reply) []string {
		_, cs := render(r)
		var out []string
		for _, c := range cs {
			out = append(out, c.Key)
		}
		return out
	}
	cases := []struct {
		name  string
		reply *bot.Reply
		want  []string
	}{
		{"MarkDone", &bot.Reply{Text: "DM", Buttons: []bot.Button{{Label: "Mark done", ID: "done:1"}}}, []string{"✅"}},
		{"Accept", &bot.Reply{Text: "DM", Buttons: []bot.Button{{Label: "Accept", ID: "accept:1"}}}, []string{"✅"}},
		{"Undo", &bot.Reply{Text: "done", Buttons: []bot.Button{{Label: "Undo", ID: "undo:1"}}}, []string{"↩️"}},
		{"OneOpenTask", &bot.Reply{Items: []bot.Item{{Text: "git", Buttons: []bot.Button{{Label: "Mark done: git", ID: "done:1"}}},
			{Text: "sql"}}}, []string{"✅"}},
		{"TwoOpenTasks", &bot.Reply{Items: []bot.Item{{Text: "git", Buttons: []bot.Button{{Label: "Mark done: git", ID: "done:1"}}},
			{Text: "sql", Buttons: []bot.Button{{Label: "Mark done: sql", ID: "done:2"}}}}}, []string{"1️⃣", "2️⃣"}},
		{"Decision", &bot.Reply{Buttons: []bot.Button{{Label: "Do not assign", ID: "decision:cancel:x"}, {Label: "Only new", ID: "decision:only_new:x"}}},
			[]string{"1️⃣", "2️⃣"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := keys(c.reply); !slices.Equal(got, c.want) {
				t.Errorf("reactions %q; want %q", got, c.want)
			}
		})
	}
	text, _ := render(&bot.Reply{Text: "DM", Buttons: []bot.Button{{Label: "Mark done", ID: "done:1"}}})
	if !strings.Contains(text, "1 Mark done") || !strings.Contains(text, "(✅)") {
		t.Errorf("a DM renders as %q; want its numbered choice and ✅ in the hint", text)
	}
}
