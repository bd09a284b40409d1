package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
)

// Block Kit limits.
const (
	maxMessageBlocks   = 50
	maxViewBlocks      = 100
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxFieldText       = 2000
	maxContextText     = 2000
	maxActionsElements = 25
	maxButtonText      = 75
	maxFallbackText    = 3000
)

// message renders a reply as a Slack message: ephemeral unless Public.
func message(r *bot.Reply) *slackgo.WebhookMessage {
	m := &slackgo.WebhookMessage{
		ResponseType: slackgo.ResponseTypeEphemeral,
		Text:         truncate(escape(r.String()), maxFallbackText),
		Blocks:       &slackgo.Blocks{BlockSet: layout(r, maxMessageBlocks, r.Lang.MoreNotShown)},
	}
	if r.Public {
		m.ResponseType = slackgo.ResponseTypeInChannel
	}
	return m
}

// layout renders a reply in at most budget blocks: its text in sections, one
// section per item (its text, link and fields) followed by an actions block
// of the item's own buttons, the reply's buttons, and the footer as context.
// Items that do not fit are left out from the end (lists come most important
// first), their buttons with them, and a line, more(count), says how many.
func layout(r *bot.Reply, budget int, more func(n int) string) []slackgo.Block {
	var tail []slackgo.Block
	tail = append(tail, actions("reply", r.Buttons)...)
	if r.Footer != "" {
		tail = append(tail, contextBlock("footer", r.Footer))
	}
	head := textSections(r.Text)
	// the text gives way to the buttons and one line saying what is missing
	head = head[:min(len(head), max(budget-len(tail)-1, 0))]
	room := budget - len(head) - len(tail)
	blocks := head
	n := len(r.Items)
	for i, it := range r.Items {
		b := itemBlocks(i, it)
		reserve := 0
		if i < n-1 {
			reserve = 1 // for the line that says what is left out
		}
		if len(b)+reserve > room {
			blocks = append(blocks, contextBlock("more", more(n-i)))
			room = 0
			break
		}
		blocks = append(blocks, b...)
		room -= len(b)
	}
	blocks = append(blocks, tail...)
	return blocks[:min(len(blocks), budget)]
}

// textSections cuts text into sections of at most maxSectionText characters,
// at line ends where it can.
func textSections(text string) []slackgo.Block {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var blocks []slackgo.Block
	for _, chunk := range pack(strings.Split(escape(text), "\n")) {
		blocks = append(blocks, section(chunk))
	}
	return blocks
}

// itemBlocks is one item: a section with its text, link and fields, and an
// actions block of its buttons right under it.
func itemBlocks(i int, it bot.Item) []slackgo.Block {
	text := escape(it.Text)
	if it.Link != "" {
		text += "\n" + escape(it.Link)
	}
	var fields []*slackgo.TextBlockObject
	for _, f := range it.Fields[:min(len(it.Fields), maxSectionFields)] {
		v := escape(f.Value)
		if f.Label != "" {
			v = "*" + escape(f.Label) + "* " + v
		}
		fields = append(fields, slackgo.NewTextBlockObject(slackgo.MarkdownType, truncate(v, maxFieldText), false, false))
	}
	var blocks []slackgo.Block
	if text != "" || len(fields) > 0 {
		var t *slackgo.TextBlockObject
		if text != "" {
			t = slackgo.NewTextBlockObject(slackgo.MarkdownType, truncate(text, maxSectionText), false, false)
		}
		blocks = append(blocks, slackgo.NewSectionBlock(t, fields, nil, slackgo.SectionBlockOptionBlockID(fmt.Sprintf("item-%d", i))))
	}
	return append(blocks, actions(fmt.Sprintf("item-%d", i), it.Buttons)...)
}

// pack joins escaped lines into texts of at most maxSectionText characters.
func pack(lines []string) []string {
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
	for _, e := range lines {
		en := utf8.RuneCountInString(e)
		for en > maxSectionText {
			flush()
			head := truncateRunes(e, maxSectionText)
			chunks = append(chunks, head)
			e = e[len(head):]
			en -= maxSectionText
		}
		if n > 0 && n+1+en > maxSectionText {
			flush()
		}
		if n > 0 {
			cur.WriteString("\n")
			n++
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

// contextBlock is a line of small print; text is plain and gets escaped.
func contextBlock(id, text string) slackgo.Block {
	return slackgo.NewContextBlock(id, slackgo.NewTextBlockObject(slackgo.MarkdownType, truncate(escape(text), maxContextText), false, false))
}

// actions renders buttons, 25 to a block whose ID starts with id. The
// button's ID travels as its value (and, when unique in its block, as its
// action_id).
func actions(id string, buttons []bot.Button) []slackgo.Block {
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
		blocks = append(blocks, slackgo.NewActionBlock(fmt.Sprintf("%s-actions-%d", id, start/maxActionsElements), elems...))
	}
	return blocks
}

// homeView renders a person's Home reply as the App Home tab, with an
// optional notice (the outcome of a button pressed there) on top.
// tasksCommand is how to see the whole list.
func homeView(r *bot.Reply, notice, tasksCommand string) slackgo.HomeTabViewRequest {
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, r.Lang.Say(msgHomeHeading, nil), false, false)),
	}
	if notice != "" {
		blocks = append(blocks, contextBlock("notice", notice))
	}
	more := func(n int) string {
		return r.Lang.Say(msgHomeMore, catalog.Vars{"Count": n, "Tasks": tasksCommand})
	}
	blocks = append(blocks, layout(r, maxViewBlocks-len(blocks), more)...)
	return slackgo.HomeTabViewRequest{Type: slackgo.VTHomeTab, Blocks: slackgo.Blocks{BlockSet: blocks}}
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes text safe for Slack's mrkdwn: only &, < and > are special.
func escape(s string) string { return escaper.Replace(s) }

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
