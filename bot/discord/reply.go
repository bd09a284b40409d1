package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/learnbot/learnbot/bot"
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

// render turns a reply into message content and components: action rows of
// up to five buttons. The components are never nil, so that an update of a
// prompt removes its buttons. workspace, when set, is folded into each
// custom_id (see dmCustomID) for messages outside a guild.
func (a *Adapter) render(reply *bot.Reply, workspace string) (string, []discordgo.MessageComponent) {
	comps := []discordgo.MessageComponent{}
	var row []discordgo.MessageComponent
	for _, b := range reply.Buttons {
		id := b.ID
		if workspace != "" {
			id = dmCustomID(workspace, b.ID)
		}
		if id == "" || utf8.RuneCountInString(id) > maxCustomID {
			a.log.Error("button dropped: custom_id empty or over 100 characters",
				"platform", bot.PlatformDiscord, "label", b.Label, "id", id)
			continue
		}
		if len(comps) == maxActionRows && len(row) == 0 {
			a.log.Error("button dropped: a message holds at most 25 buttons",
				"platform", bot.PlatformDiscord, "label", b.Label)
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
	content := reply.Text
	if strings.TrimSpace(content) == "" && len(comps) == 0 {
		content = "Done."
	}
	return truncate(content, maxContent), comps
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
