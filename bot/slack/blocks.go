package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
)

// Block Kit limits.
const (
	maxMessageBlocks   = 50
	maxViewBlocks      = 100
	maxSectionText     = 3000
	maxActionsElements = 25
	maxButtonText      = 75
	maxFallbackText    = 3000
)

// message renders a reply as a Slack message: ephemeral unless Public.
func message(r *bot.Reply) *slackgo.WebhookMessage {
	m := &slackgo.WebhookMessage{
		ResponseType: slackgo.ResponseTypeEphemeral,
		Text:         truncate(escape(r.Text), maxFallbackText),
		Blocks:       &slackgo.Blocks{BlockSet: layout(r.Text, r.Buttons, maxMessageBlocks, moreNotShown)},
	}
	if r.Public {
		m.ResponseType = slackgo.ResponseTypeInChannel
	}
	return m
}

// layout turns text and buttons into sections and actions blocks, at most
// budget of them. Text is split into entries (paragraphs, or lines when there
// are none), the first being a heading. When everything does not fit, the
// last entries and buttons are left out (replies list the newest first) and a
// last line, more(count), says how many entries are missing.
func layout(text string, buttons []bot.Button, budget int, more func(n int) string) []slackgo.Block {
	entries, sep := splitEntries(text)
	for i, e := range entries {
		entries[i] = escape(e)
	}
	n := len(entries)
	build := func(k int) []slackgo.Block {
		var blocks []slackgo.Block
		for _, chunk := range pack(entries[:k], sep) {
			blocks = append(blocks, section(chunk))
		}
		kept := buttons
		if k < n && len(kept) > k {
			// buttons follow the order of the entries; those of left-out
			// entries go too (a heading entry has none)
			kept = kept[:max(k-1, 0)]
		}
		blocks = append(blocks, actions(kept)...)
		if k < n {
			blocks = append(blocks, slackgo.NewContextBlock("more", slackgo.NewTextBlockObject(slackgo.MarkdownType, escape(more(n-k)), false, false)))
		}
		return blocks
	}
	if blocks := build(n); len(blocks) <= budget {
		return blocks
	}
	// the largest number of entries that fits: block counts grow with k
	lo, hi := 0, n-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(build(mid)) <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	blocks := build(lo)
	if len(blocks) > budget {
		blocks = blocks[:budget]
	}
	return blocks
}

// splitEntries cuts text into paragraphs, or lines if it has no blank line,
// and returns the separator to join them again.
func splitEntries(text string) ([]string, string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, ""
	}
	sep := "\n"
	if strings.Contains(text, "\n\n") {
		sep = "\n\n"
	}
	var entries []string
	for _, e := range strings.Split(text, sep) {
		if e = strings.Trim(e, "\n"); e != "" {
			entries = append(entries, e)
		}
	}
	return entries, sep
}

// pack joins entries into texts of at most maxSectionText characters.
// Entries come escaped.
func pack(entries []string, sep string) []string {
	var chunks []string
	var cur strings.Builder
	n := 0 // characters in cur
	flush := func() {
		if cur.Len() > 0 {
			chunks = append(chunks, cur.String())
			cur.Reset()
			n = 0
		}
	}
	for _, e := range entries {
		en := utf8.RuneCountInString(e)
		for en > maxSectionText {
			flush()
			head := truncateRunes(e, maxSectionText)
			chunks = append(chunks, head)
			e = e[len(head):]
			en -= maxSectionText
		}
		if n > 0 && n+len(sep)+en > maxSectionText {
			flush()
		}
		if n > 0 {
			cur.WriteString(sep)
			n += len(sep)
		}
		cur.WriteString(e)
		n += en
	}
	flush()
	return chunks
}

func section(text string) slackgo.Block {
	return slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, false), nil, nil)
}

// actions renders buttons, 25 to a block. The button's ID travels as its
// value (and, when unique in its block, as its action_id).
func actions(buttons []bot.Button) []slackgo.Block {
	var blocks []slackgo.Block
	for start := 0; start < len(buttons); start += maxActionsElements {
		end := min(start+maxActionsElements, len(buttons))
		seen := map[string]bool{}
		var elems []slackgo.BlockElement
		for i, b := range buttons[start:end] {
			actionID := b.ID
			if seen[actionID] || actionID == "" {
				actionID = fmt.Sprintf("%s#%d", b.ID, start+i)
			}
			seen[actionID] = true
			btn := slackgo.NewButtonBlockElement(actionID, b.ID,
				slackgo.NewTextBlockObject(slackgo.PlainTextType, truncate(b.Label, maxButtonText), false, false))
			switch b.Style {
			case bot.StyleDanger:
				btn = btn.WithStyle(slackgo.StyleDanger)
			case bot.StylePrimary:
				btn = btn.WithStyle(slackgo.StylePrimary)
			}
			elems = append(elems, btn)
		}
		blocks = append(blocks, slackgo.NewActionBlock(fmt.Sprintf("actions-%d", start/maxActionsElements), elems...))
	}
	return blocks
}

func moreNotShown(n int) string { return fmt.Sprintf("…and %d more not shown.", n) }

// homeView renders the tasks reply as the App Home tab, with an optional
// notice (the outcome of a button pressed there) on top. tasksCommand is how
// to see the whole list.
func homeView(r *bot.Reply, notice, tasksCommand string) slackgo.HomeTabViewRequest {
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, "Your learning tasks", false, false)),
	}
	if notice != "" {
		blocks = append(blocks, slackgo.NewContextBlock("notice",
			slackgo.NewTextBlockObject(slackgo.MarkdownType, truncate(escape(notice), maxSectionText), false, false)))
	}
	more := func(n int) string {
		return fmt.Sprintf("…and %d more not shown here; type %s to see them all.", n, tasksCommand)
	}
	blocks = append(blocks, layout(r.Text, r.Buttons, maxViewBlocks-len(blocks), more)...)
	return slackgo.HomeTabViewRequest{Type: slackgo.VTHomeTab, Blocks: slackgo.Blocks{BlockSet: blocks}}
}

// truncate cuts s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return truncateRunes(s, n-1) + "…"
}

func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
