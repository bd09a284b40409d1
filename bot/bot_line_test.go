package bot_test

import (
	"testing"

	"github.com/learnbot/learnbot/bot"
)

// TestItemLineSentence: a sentence's full stop does not stand before the
// fields that follow it on the line; text without fields keeps it.
func TestItemLineSentence(t *testing.T) {
	for _, c := range []struct {
		it   bot.Item
		want string
	}{
		{bot.Item{Text: "me unassigned git from anna.", Fields: []bot.Field{{Value: "Saturday, December 5"}}}, "me unassigned git from anna, Saturday, December 5"},
		{bot.Item{Text: "Git basics (git)", Fields: []bot.Field{{Label: "due", Value: "tomorrow"}}}, "Git basics (git), due tomorrow"},
		{bot.Item{Text: "and so on...", Fields: []bot.Field{{Value: "x"}}}, "and so on..., x"},
		{bot.Item{Text: "A sentence."}, "A sentence."},
	} {
		if got := c.it.Line(); got != c.want {
			t.Errorf("Line() = %q; want %q", got, c.want)
		}
	}
}
