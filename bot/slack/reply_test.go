package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
)

// tasksReply is a tasks reply like the core's: a heading, one item per
// task (newest first), a Mark done button on each.
func tasksReply(n int) *bot.Reply {
	r := &bot.Reply{Text: fmt.Sprintf("Your tasks (%d):", n)}
	for i := n; i > 0; i-- {
		r.Items = append(r.Items, bot.Item{Text: fmt.Sprintf("%d. Task number %d,", i, i),
			Link:    fmt.Sprintf("https://example.com/tasks/%d", i),
			Fields:  []bot.Field{{Label: "from", Value: "@anna"}, {Value: "2026-01-02"}, {Value: "open"}},
			Buttons: []bot.Button{{Label: fmt.Sprintf("Mark done: task %d", i), ID: fmt.Sprintf("done:%d", i)}}})
	}
	return r
}

func TestHomeView(t *testing.T) {
	t.Run("SmallListShownWhole", func(t *testing.T) {
		v := homeView(tasksReply(3), "", "/tasks")
		text := viewText(t, v)
		for i := 1; i <= 3; i++ {
			if !strings.Contains(text, fmt.Sprintf("Task number %d,", i)) {
				t.Errorf("task %d missing from %s", i, text)
			}
		}
		if strings.Contains(text, "more not shown") {
			t.Errorf("nothing should be cut: %s", text)
		}
	})
	for _, n := range []int{100, 1000, 2000, 5000} {
		t.Run(fmt.Sprintf("%dTasksFitIn100Blocks", n), func(t *testing.T) {
			v := homeView(tasksReply(n), "Marked done: task 7.", "/acme-tasks")
			if got := len(v.Blocks.BlockSet); got > maxViewBlocks {
				t.Fatalf("%d blocks, more than %d", got, maxViewBlocks)
			}
			text := viewText(t, v)
			if !strings.Contains(text, fmt.Sprintf("Task number %d,", n)) {
				t.Errorf("the newest task %d is not shown", n)
			}
			checkLimits(t, v.Blocks.BlockSet)
			shown := strings.Count(text, "Task number ")
			if shown < n {
				want := fmt.Sprintf("…and %d more not shown here; type /acme-tasks to see them all.", n-shown)
				if !strings.Contains(text, want) {
					t.Errorf("%d of %d shown, and no %q", shown, n, want)
				}
			}
			if !strings.Contains(text, "Marked done: task 7.") {
				t.Error("notice missing")
			}
		})
	}
}

func TestMessageBlocks(t *testing.T) {
	t.Run("ButtonsStyled", func(t *testing.T) {
		m := message(&bot.Reply{Text: "a < b & c", Buttons: []bot.Button{
			{Label: "Only new", ID: "decision:only_new:1", Style: bot.StylePrimary},
			{Label: "Force reassignment", ID: "decision:force:1", Style: bot.StyleDanger},
			{Label: "Do not assign", ID: "decision:cancel:1"},
		}})
		if m.ResponseType != "ephemeral" {
			t.Errorf("response_type %q", m.ResponseType)
		}
		if m.Text != "a &lt; b &amp; c" {
			t.Errorf("text not escaped: %q", m.Text)
		}
		b, _ := json.Marshal(m)
		for _, want := range []string{`"style":"primary"`, `"style":"danger"`, `"value":"decision:cancel:1"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s missing from %s", want, b)
			}
		}
		if strings.Count(string(b), `"style"`) != 2 {
			t.Errorf("a default button got a style: %s", b)
		}
	})
	t.Run("LongReplyFitsIn50Blocks", func(t *testing.T) {
		m := message(tasksReply(3000))
		if got := len(m.Blocks.BlockSet); got > maxMessageBlocks {
			t.Fatalf("%d blocks", got)
		}
		checkLimits(t, m.Blocks.BlockSet)
	})
	t.Run("DuplicateIDsGetUniqueActionIDs", func(t *testing.T) {
		blocks := actions("reply", []bot.Button{{Label: "a", ID: "x"}, {Label: "b", ID: "x"}})
		ab := blocks[0].(*slackgo.ActionBlock)
		b0 := ab.Elements.ElementSet[0].(*slackgo.ButtonBlockElement)
		b1 := ab.Elements.ElementSet[1].(*slackgo.ButtonBlockElement)
		if b0.ActionID == b1.ActionID || b0.Value != "x" || b1.Value != "x" {
			t.Errorf("action_ids %q %q, values %q %q", b0.ActionID, b1.ActionID, b0.Value, b1.Value)
		}
	})
}

func viewText(t *testing.T, v slackgo.HomeTabViewRequest) string {
	t.Helper()
	var parts []string
	for _, b := range v.Blocks.BlockSet {
		switch b := b.(type) {
		case *slackgo.SectionBlock:
			parts = append(parts, b.Text.Text)
		case *slackgo.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				parts = append(parts, e.(*slackgo.TextBlockObject).Text)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// checkLimits checks Block Kit's per-block limits.
func checkLimits(t *testing.T, blocks []slackgo.Block) {
	t.Helper()
	for i, b := range blocks {
		switch b := b.(type) {
		case *slackgo.SectionBlock:
			if n := len([]rune(b.Text.Text)); n > maxSectionText {
				t.Errorf("block %d: section of %d characters", i, n)
			}
		case *slackgo.ActionBlock:
			if n := len(b.Elements.ElementSet); n > maxActionsElements {
				t.Errorf("block %d: %d elements", i, n)
			}
		}
	}
}
