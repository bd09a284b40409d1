package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// Command names as registered in Slack, before the prefix. "/invite" is a
// Slack built-in, so every other command lives under "/learn".
const (
	cmdAssign = "assign"
	cmdTasks  = "tasks"
	cmdLearn  = "learn"
)

// commandText renders a command as Slack users type it: "assign" and
// "tasks" have slash commands of their own, everything else lives under
// "/learn" ("/learn invite again"), all with the configured prefix.
func commandText(prefix, name string) string {
	switch name {
	case cmdAssign, cmdTasks, cmdLearn:
		return "/" + prefix + name
	}
	return "/" + prefix + cmdLearn + " " + name
}

// commandArgs turns a slash command and its escaped text into the command
// line: "/assign x y" is [assign x y]; "/learn invite a@b.c" is
// [invite a@b.c].
func commandArgs(prefix, command, text string) []bot.Arg {
	name := strings.TrimPrefix(strings.ToLower(command), "/")
	name = strings.TrimPrefix(name, strings.ToLower(prefix))
	args := parseText(text)
	if name == cmdLearn {
		return args
	}
	return append([]bot.Arg{{Text: name}}, args...)
}

// parseText splits command text into words. Slack escapes (should_escape)
// count as one word however many spaces their label holds: <@U123|anna>,
// <!subteam^S123|@team>, <#C123|general>, <mailto:a@b.c|a@b.c>, <https://...>.
func parseText(text string) []bot.Arg {
	var (
		args []bot.Arg
		word strings.Builder
		// spans of the current word: whether it is exactly one escape
		escapes, plain int
	)
	flush := func() {
		if word.Len() == 0 {
			return
		}
		w := word.String()
		if escapes == 1 && plain == 0 {
			args = append(args, parseEscape(w[1:len(w)-1]))
		} else {
			args = append(args, bot.Arg{Text: renderText(w)})
		}
		word.Reset()
		escapes, plain = 0, 0
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c == '<' {
			if end := strings.IndexByte(text[i:], '>'); end > 0 {
				word.WriteString(text[i : i+end+1])
				escapes++
				i += end + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			flush()
		} else {
			word.WriteString(text[i : i+size])
			plain++
		}
		i += size
	}
	flush()
	return args
}

// parseEscape reads the inside of one <...> escape.
func parseEscape(s string) bot.Arg {
	target, label, _ := strings.Cut(s, "|")
	label = unescape(label)
	switch {
	case strings.HasPrefix(target, "@"):
		u := &model.User{ID: target[1:], Name: label}
		return bot.Arg{Text: "@" + firstNonEmpty(label, u.ID), User: u}
	case strings.HasPrefix(target, "!subteam^"):
		name := strings.TrimPrefix(label, "@")
		g := &bot.PlatformGroup{Kind: "usergroup", ID: strings.TrimPrefix(target, "!subteam^"), Name: name}
		return bot.Arg{Text: "@" + firstNonEmpty(name, g.ID), Group: g}
	case strings.HasPrefix(target, "#"):
		g := &bot.PlatformGroup{Kind: "channel", ID: target[1:], Name: label}
		return bot.Arg{Text: "#" + firstNonEmpty(label, g.ID), Group: g}
	case strings.HasPrefix(target, "!"):
		// <!here>, <!channel>, <!everyone>, <!date^...|fallback>
		return bot.Arg{Text: firstNonEmpty(label, "@"+target[1:])}
	case strings.HasPrefix(target, "mailto:"):
		return bot.Arg{Text: firstNonEmpty(label, unescape(strings.TrimPrefix(target, "mailto:")))}
	default:
		// a link: the URL itself is the word (task add ... <url>)
		return bot.Arg{Text: unescape(target)}
	}
}

// renderText undoes Slack's escaping in a plain word, rendering any escape
// inside it as text.
func renderText(w string) string {
	if !strings.Contains(w, "<") {
		return unescape(w)
	}
	var b strings.Builder
	for {
		start := strings.IndexByte(w, '<')
		end := strings.IndexByte(w, '>')
		if start < 0 || end < start {
			b.WriteString(unescape(w))
			return b.String()
		}
		b.WriteString(unescape(w[:start]))
		b.WriteString(parseEscape(w[start+1 : end]).Text)
		w = w[end+1:]
	}
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescape(s string) string { return unescaper.Replace(s) }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
