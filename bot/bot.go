// Package bot is learnbot's platform-neutral core: the request a chat platform
// hands in, the reply it renders, the buttons on it, and the router that turns
// a request into a reply through commands declared as data. It imports nothing
// of the project, so adapters, handlers and storage all build on it.
package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// PlatformGroup is a set of users the platform can list: a Slack user group or
// channel, a Discord role.
type PlatformGroup struct {
	Kind string // "usergroup", "channel", "role"
	ID   string
	Name string
}

// Arg is one word of a command line. Adapters parse their platform's mention
// syntax so that handlers never see it.
type Arg struct {
	Text  string         // the word as typed (for a mention, the adapter's rendering of it)
	User  *model.User    // set when the word mentions a chat user
	Group *PlatformGroup // set when the word mentions a platform group
}

// Words turns plain words into args (for tests and the console).
func Words(s string) []Arg {
	var args []Arg
	for _, w := range strings.Fields(s) {
		args = append(args, Arg{Text: w})
	}
	return args
}

// MembersPage is the most users a Directory hands over at once.
const MembersPage = 1000

// Directory answers questions only the platform can: members of a platform
// group, a user found by email. Adapters implement it; a nil Directory means
// the platform has none of these.
type Directory interface {
	// GroupMembers hands the users in a platform group to page, a page of
	// at most MembersPage users at a time, and holds no more than one page
	// of users itself: a group of 100,000 costs one page of memory. page
	// must not keep the slice (the adapter may reuse it); an error from page
	// stops the listing and is returned. A user error (see Errorf) explains
	// a platform limit, such as a free plan without user groups.
	GroupMembers(ctx context.Context, g PlatformGroup, page func([]model.User) error) error
	// UserByEmail finds a workspace member by email; model.ErrNoUser if none.
	UserByEmail(ctx context.Context, email string) (*model.User, error)
}

// Caller is who runs a request, as learnbot's store knows them. The identify
// middleware fills it before authorization.
type Caller struct {
	WorkspaceID int64
	PersonID    int64
	Role        model.Role
	Name        string
	// TimeZone is the caller's IANA time zone as the platform gives it; ""
	// when unknown.
	TimeZone string
}

// Request is one command or one button press from any platform.
type Request struct {
	Platform      string
	Workspace     string // Slack team ID, Discord guild ID, "console"
	WorkspaceName string
	Actor         model.User
	// Args is the command line, command words first: ["assign", "git", "@anna"].
	Args []Arg
	// Action is set instead of Args when a button was pressed.
	Action *Action
	// Directory looks up platform groups and emails; may be nil.
	Directory Directory
	// CommandText renders a command as users type it on this platform
	// (Slack: "/learn invite again"); nil means "/" + name.
	CommandText func(name string) string
	// Lang is the language of the person who runs the request: adapters set
	// the platform's locale, the identify middleware the person's own
	// choice. Unset means English.
	Lang catalog.Lang

	// FollowUp is where a reply to this request can still be delivered
	// after the request ended, through the platform's Responder: Slack's
	// response_url, Discord's interaction token, "" where the platform
	// needs none (the console) or has none. A credential for minutes:
	// never logged.
	FollowUp string

	// Set by the router and middleware.
	Command *Command
	Params  []Arg // Args after the command words
	Caller  Caller
}

// Slash is how the user types the command name here: "/invite again" on
// Discord and the console, "/learn invite again" on Slack.
func (r *Request) Slash(name string) string {
	if r.CommandText != nil {
		return r.CommandText(name)
	}
	return "/" + name
}

// Action is a button press: the button's ID as the reply carried it.
type Action struct {
	ID string // "<name>:<value>", e.g. "decision:only_new:3f2a"
}

// Name is the part of the action ID before the first colon.
func (a *Action) Name() string {
	name, _, _ := strings.Cut(a.ID, ":")
	return name
}

// Value is the part of the action ID after the first colon.
func (a *Action) Value() string {
	_, v, _ := strings.Cut(a.ID, ":")
	return v
}

// ButtonStyle hints how a platform should draw a button.
type ButtonStyle string

const (
	StyleDefault ButtonStyle = ""
	StylePrimary ButtonStyle = "primary"
	StyleDanger  ButtonStyle = "danger"
)

// Button is a choice on a reply. ID comes back as Action.ID when pressed; it
// stays under 100 characters (Discord's custom_id limit).
type Button struct {
	Label string
	ID    string
	Style ButtonStyle
}

// Reply is what the user sees: data that handlers fill and each adapter
// renders in its platform's terms (Slack Block Kit, Discord content and
// buttons, console lines). Every string in it is plain text as a person reads
// it, never markup: adapters escape what their platform would interpret.
type Reply struct {
	// Text is the heading: what the reply says first, and for most
	// replies all it says.
	Text string
	// Items are the entries of a list, in order, each with its own fields
	// and buttons. A platform short of room leaves out items from the end
	// (lists come most important first) and says how many.
	Items []Item
	// Buttons are choices about the reply as a whole (the decision
	// prompt's), shown after the items.
	Buttons []Button
	// Footer closes the reply: how many older entries there are, a hint.
	Footer string
	// Public replies are shown to the whole channel; by default only the
	// actor sees a reply (Slack ephemeral, Discord flag 64).
	Public bool
	// Replace asks the platform to replace the message whose button was
	// pressed (Slack replace_original, Discord UPDATE_MESSAGE) instead of
	// answering with a new one.
	Replace bool
	// Homes are people whose own page (their tasks) the command changed:
	// a platform that has one (Slack's App Home) refreshes theirs. Never
	// shown.
	Homes []model.User
	// Lang is the language the reply is written in, for the words an
	// adapter adds around it (a heading, "and 3 more not shown"). The
	// router sets it to the request's when the handler did not.
	Lang catalog.Lang
}

// Item is one entry of a reply's list: an assignment, an invitation, a task.
type Item struct {
	Text    string
	Fields  []Field  // facts about the entry: who assigned it, its state
	Link    string   // the entry's URL, if it has one
	Buttons []Button // act on this entry only
}

// Field is one fact of an item. In a line of text it reads "label value"
// (the label may be empty: "open"); platforms with room show it on its own.
type Field struct {
	Label string
	Value string
}

// Text is a reply with text only.
func Text(format string, a ...any) *Reply {
	return &Reply{Text: sprintf(format, a...)}
}

// Line is the item as one line of plain text: its text, its fields after
// commas, its link. A text that is a sentence loses its full stop before
// the fields ("anna marked git done, Saturday, ...", not "done., Saturday").
func (it Item) Line() string {
	var b strings.Builder
	text := it.Text
	if len(it.Fields) > 0 && strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "..") {
		text = strings.TrimSuffix(text, ".")
	}
	b.WriteString(text)
	for _, f := range it.Fields {
		b.WriteString(", ")
		if f.Label != "" {
			b.WriteString(f.Label + " ")
		}
		b.WriteString(f.Value)
	}
	if it.Link != "" {
		b.WriteString(" " + it.Link)
	}
	return b.String()
}

// String is the reply as plain text, one line per item, without buttons:
// how a text-only platform shows it, and the fallback text of a rich one.
func (r *Reply) String() string {
	lines := make([]string, 0, len(r.Items)+2)
	if r.Text != "" {
		lines = append(lines, r.Text)
	}
	for _, it := range r.Items {
		lines = append(lines, it.Line())
	}
	if r.Footer != "" {
		lines = append(lines, r.Footer)
	}
	return strings.Join(lines, "\n")
}

// AllButtons lists every button of the reply in the order shown: each item's,
// then the reply's own.
func (r *Reply) AllButtons() []Button {
	var out []Button
	for _, it := range r.Items {
		out = append(out, it.Buttons...)
	}
	return append(out, r.Buttons...)
}

// Message is what learnbot sends to a person outside a command: a DM. The
// reply in it was composed by handlers; senders only render it.
type Message struct {
	Platform  string
	Workspace string // platform workspace ID
	To        model.User
	// Key names this DM across the attempts to deliver it; a sender marks
	// the message with it so that a later attempt can tell it went out.
	// The zero Key marks nothing.
	Key DMKey
	// MaybeSentSince, when set, says that an attempt started after it may
	// have delivered this DM without its outcome being recorded (the
	// process died after sending): the sender checks for a message marked
	// with Key before it sends again.
	MaybeSentSince time.Time
	// Channel is the recipient's DM channel as learnbot kept it (Slack's
	// conversations.open answer), "" when none is kept: a sender may post
	// there without opening the DM again.
	Channel string
	Reply
}

// DMKey identifies one DM: what it is about and which of that thing's DMs
// it is, so that a reminder is never taken for the assignment DM.
type DMKey struct {
	Kind    string // "assignment", "reminder", "invitation"
	ID      int64  // the assignment's or invitation's ID
	Variant string // tells DMs of one kind and ID apart (a reminder's kind and date); may be ""
}

// String is the key's stable text, e.g. "assignment:42" or
// "reminder:42:before:2026-12-01".
func (k DMKey) String() string {
	if k.Kind == "" {
		return ""
	}
	s := k.Kind + ":" + strconv.FormatInt(k.ID, 10)
	if k.Variant != "" {
		s += ":" + k.Variant
	}
	return s
}

// Sender delivers direct messages on one platform. A *RetryAfterError asks
// the queue to try again later; a *PermanentError stops retries.
type Sender interface {
	SendDM(ctx context.Context, msg Message) error
}

// Responder delivers a reply to a request after the request has ended
// (its Request.FollowUp), replacing the message whose button was pressed
// when the reply says Replace: the outcome of work done later, by a job.
type Responder interface {
	Respond(ctx context.Context, workspace, followUp string, reply *Reply) error
}

// Say is a reply with one message in language l.
func Say(l catalog.Lang, m *catalog.Message, vars catalog.Vars) *Reply {
	return &Reply{Text: l.Say(m, vars), Lang: l}
}

// Failed is the short reply to an error on our side (logged elsewhere).
func Failed(l catalog.Lang) *Reply { return Say(l, msgFailed, nil) }

// Done is the reply of a handler that had nothing more to say.
func Done(l catalog.Lang) *Reply { return Say(l, msgDone, nil) }

func sprintf(format string, a ...any) string {
	if len(a) == 0 {
		return format
	}
	return fmt.Sprintf(format, a...)
}

// Source kinds a rule can follow besides a learnbot group (DESIGN 3b):
// PlatformGroup.Kind "channel" (Slack), "usergroup" (Slack), "role"
// (Discord), and SourceEveryone, joining the workspace or server.
const SourceEveryone = "everyone"

// Joiner is told when people join a platform source: a channel, a user
// group, a role, or the workspace itself (Kind SourceEveryone, ID ""). The
// rules that follow the source apply to them. Adapters call it from the
// platform's events; a platform may deliver an event more than once, and
// Joined must be safe to repeat.
type Joiner interface {
	Joined(ctx context.Context, platform, workspace string, source PlatformGroup, users []model.User) error
}
