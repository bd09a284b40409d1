package matrix

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/model"
)

// prefixLearn starts a command typed in a room: "!learn <command>".
const prefixLearn = "!learn"

// shortcuts are the commands also typed on their own: "!assign", "!tasks".
var shortcuts = map[string]bool{"assign": true, "tasks": true}

// commandText renders a command as typed here: "!assign", "!learn invite".
func commandText(name string) string {
	if shortcuts[name] {
		return "!" + name
	}
	return prefixLearn + " " + name
}

// commandLine is the command in a message's text, without "!learn": ok is
// false when the message is no command.
func commandLine(text string) (line string, ok bool) {
	text = strings.TrimSpace(text)
	first := text
	if i := strings.IndexAny(text, " \t\n"); i >= 0 {
		first = text[:i]
	}
	rest := strings.TrimSpace(text[len(first):])
	switch {
	case strings.EqualFold(first, prefixLearn):
		return rest, true
	case strings.HasPrefix(first, "!") && shortcuts[strings.ToLower(first[1:])]:
		return strings.TrimSpace(strings.ToLower(first[1:]) + " " + rest), true
	}
	return "", false
}

// onMessage runs a command, or takes a reply to a message with choices as
// a choice.
func (a *Adapter) onMessage(ctx context.Context, evt *event.Event) {
	msg := evt.Content.AsMessage()
	if msg.MsgType != event.MsgText || msg.RelatesTo != nil && msg.RelatesTo.Type == event.RelReplace {
		return // notices (other bots), media, and edits are not commands
	}
	replyTo := msg.RelatesTo.GetReplyTo()
	msg.RemoveReplyFallback()
	text := plainText(msg)
	if line, ok := commandLine(text); ok {
		a.command(ctx, evt, line)
		return
	}
	if replyTo != "" {
		a.choose(ctx, evt, replyTo, strings.TrimSpace(text))
	}
}

// command runs one command line and answers it.
func (a *Adapter) command(ctx context.Context, evt *event.Event, line string) {
	if !a.firstSight(ctx, evt) {
		return
	}
	req := a.request(ctx, evt.Sender)
	req.Args = a.args(ctx, line)
	reply := a.handler.Handle(ctx, req)
	err := patiently(ctx, func() error {
		_, err := a.answer(ctx, evt.RoomID, evt.ID, reply, txnFor("reply", evt.ID))
		return err
	})
	if err != nil {
		a.log.Error("matrix: could not answer a command", "platform", "matrix", "room", evt.RoomID, "error", err)
	}
}

// request is a request from user, without its command or action yet.
func (a *Adapter) request(ctx context.Context, user id.UserID) *bot.Request {
	ws := a.Workspace()
	return &bot.Request{Platform: model.PlatformMatrix, Workspace: ws, WorkspaceName: ws,
		Actor: model.User{ID: user.String(), Name: a.name(ctx, user)}, CommandText: commandText, Directory: a.Directory()}
}

// userWord matches a Matrix user ID as typed: @localpart:server.
var userWord = regexp.MustCompile(`^@[a-zA-Z0-9._=\-/+]+:[a-zA-Z0-9.\-]+(:[0-9]{1,5})?$`)

// args splits a command line into words; user IDs become users, rooms
// (#alias:server, !id:server) platform groups.
func (a *Adapter) args(ctx context.Context, line string) []bot.Arg {
	var args []bot.Arg
	for _, w := range strings.Fields(line) {
		arg := bot.Arg{Text: w}
		if userWord.MatchString(w) {
			u := id.UserID(w)
			arg.User = &model.User{ID: u.String(), Name: a.name(ctx, u)}
		} else if g, ok := a.roomArg(ctx, w); ok {
			arg.Group = g
		}
		args = append(args, arg)
	}
	return args
}

// pill is a mention as Element writes it in a message's HTML: a link to
// the user on matrix.to around their display name.
var pill = regexp.MustCompile(`<a [^>]*href="https://matrix\.to/#/([^"?]+)[^"]*"[^>]*>.*?</a>`)

var tag = regexp.MustCompile(`<[^>]*>`)

// plainText is what a message says, with mention pills as the user IDs
// they stand for (the plain body has only the display name).
func plainText(msg *event.MessageEventContent) string {
	if msg.Format != event.FormatHTML || !strings.Contains(msg.FormattedBody, "matrix.to/#/") {
		return msg.Body
	}
	s := pill.ReplaceAllStringFunc(msg.FormattedBody, func(m string) string {
		target := pill.FindStringSubmatch(m)[1]
		if u, err := url.PathUnescape(target); err == nil {
			target = u
		}
		return target
	})
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n").Replace(s)
	return html.UnescapeString(tag.ReplaceAllString(s, ""))
}
