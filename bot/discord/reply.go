package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// Discord's limits on a message.
const (
	maxContent     = 2000 // characters of content
	maxCustomID    = 100  // characters of a button's custom_id
	maxLabel       = 80   // characters of a button label
	buttonsPerRow  = 5
	maxActionRows  = 5
	dmActionPrefix = "dm:"
)

// render turns a reply into message content and components: the reply as
// lines of text (escaped so that Discord shows user text as written), and
// action rows of up to five buttons, each item's in item order, then the
// reply's own on rows of their own. When the items do not fit in 2000
// characters or five rows, items are left out from the end, their buttons
// with them, and a line says how many. The components are never nil, so that
// an update of a prompt removes its buttons. workspace, when set, is folded
// into each custom_id (see dmCustomID) for messages outside a guild.
func (a *Adapter) render(reply *bot.Reply, workspace string) (string, []discordgo.MessageComponent) {
	replyRows := a.rows(reply.Buttons, workspace)
	n := len(reply.Items)
	var lines []string
	if reply.Text != "" {
		lines = append(lines, escapeMarkdown(reply.Text))
	}
	var itemButtons []bot.Button
	var footer []string
	if reply.Footer != "" {
		footer = append(footer, escapeMarkdown(reply.Footer))
	}
	length := func(ls ...[]string) int {
		total := -1
		for _, l := range ls {
			for _, s := range l {
				total += utf8.RuneCountInString(s) + 1
			}
		}
		return total
	}
	for i, it := range reply.Items {
		line := escapeMarkdown(it.Line())
		buttons := append(itemButtons[:len(itemButtons):len(itemButtons)], it.Buttons...)
		var more []string
		if i < n-1 {
			more = []string{reply.Lang.MoreNotShown(n - i - 1)} // room to say the rest is left out
		}
		fits := length(lines, []string{line}, more, footer) <= maxContent &&
			len(a.rows(buttons, workspace))+len(replyRows) <= maxActionRows
		if !fits {
			lines = append(lines, reply.Lang.MoreNotShown(n-i))
			break
		}
		lines, itemButtons = append(lines, line), buttons
	}
	lines = append(lines, footer...)
	comps := append(a.rows(itemButtons, workspace), replyRows...)
	if len(comps) > maxActionRows {
		a.log.Error("buttons dropped: a message holds at most 5 rows of buttons",
			"platform", model.PlatformDiscord, "rows", len(comps))
		comps = comps[:maxActionRows]
	}
	content := strings.Join(lines, "\n")
	if strings.TrimSpace(content) == "" && len(comps) == 0 {
		content = "Done."
	}
	return truncate(content, maxContent), comps
}

// rows lays buttons out in action rows of five. A button whose custom_id
// would be empty or over 100 characters is dropped and logged.
func (a *Adapter) rows(buttons []bot.Button, workspace string) []discordgo.MessageComponent {
	comps := []discordgo.MessageComponent{}
	var row []discordgo.MessageComponent
	for _, b := range buttons {
		id := b.ID
		if workspace != "" {
			id = dmCustomID(workspace, b.ID)
		}
		if id == "" || utf8.RuneCountInString(id) > maxCustomID {
			a.log.Error("button dropped: custom_id empty or over 100 characters",
				"platform", model.PlatformDiscord, "label", b.Label, "id", id)
			continue
		}
		row = append(row, discordgo.Button{
			Label:    truncate(b.Label, maxLabel),
			Style:    buttonStyle(b.Style),
			CustomID: id,
		})
		if len(row) == buttonsPerRow {
			comps = append(comps, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		comps = append(comps, discordgo.ActionsRow{Components: row})
	}
	return comps
}

// markdown is what Discord would read as formatting in plain text: emphasis,
// code, spoilers, masked links, and quotes, headings and lists at a line's
// start.
var markdown = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`, `[`, `\[`, `]`, `\]`)

// escapeMarkdown makes plain text show as written on Discord. Links stay
// as they are (a backslash would become part of the link), and so do
// mentions (<@id>): replies name people with them on purpose.
func escapeMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		words := strings.Split(l, " ")
		for j, w := range words {
			if !strings.HasPrefix(w, "http://") && !strings.HasPrefix(w, "https://") {
				words[j] = markdown.Replace(w)
			}
		}
		l = strings.Join(words, " ")
		t := strings.TrimLeft(l, " ")
		if t != "" && strings.ContainsRune(">#-+", rune(t[0])) {
			l = l[:len(l)-len(t)] + `\` + t
		} else if d := len(t) - len(strings.TrimLeft(t, "0123456789")); d > 0 && strings.HasPrefix(t[d:], ". ") {
			l = l[:len(l)-len(t)] + t[:d] + `\` + t[d:] // "1. " starts a numbered list
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func buttonStyle(s bot.ButtonStyle) discordgo.ButtonStyle {
	switch s {
	case bot.StyleDanger:
		return discordgo.DangerButton
	case bot.StylePrimary:
		return discordgo.PrimaryButton
	}
	return discordgo.SecondaryButton
}

// truncate shortens s to at most n characters, cutting at a line end when
// one is near and marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	const mark = "\n…"
	r := []rune(s)[:n-utf8.RuneCountInString(mark)]
	cut := string(r)
	if nl := strings.LastIndexByte(cut, '\n'); nl > len(cut)*3/4 {
		cut = cut[:nl]
	}
	return cut + mark
}

// dmCustomID carries the workspace inside a button of a direct message: a
// press in a DM arrives without a guild_id, and the core needs the workspace
// to know who pressed. Without room for it the core's ID is kept as it is.
func dmCustomID(workspace, id string) string {
	wrapped := dmActionPrefix + workspace + ":" + id
	if utf8.RuneCountInString(wrapped) > maxCustomID {
		return id
	}
	return wrapped
}

// parseDMCustomID undoes dmCustomID.
func parseDMCustomID(customID string) (workspace, id string, ok bool) {
	rest, ok := strings.CutPrefix(customID, dmActionPrefix)
	if !ok {
		return "", customID, false
	}
	workspace, id, ok = strings.Cut(rest, ":")
	if !ok || workspace == "" || !isSnowflake(workspace) {
		return "", customID, false
	}
	return workspace, id, true
}

func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
