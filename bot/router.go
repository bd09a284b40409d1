package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// MaxTextLength bounds a command line; longer input is refused unread.
const MaxTextLength = 4000

// HandlerFunc runs a command or an action.
type HandlerFunc func(ctx context.Context, req *Request) (*Reply, error)

// Middleware wraps a handler: identification, authorization, metrics.
type Middleware func(next HandlerFunc) HandlerFunc

// Option describes one parameter of a command, in order. Platforms with typed
// options (Discord) are generated from it; text platforms read it as words.
type Option struct {
	Name         string
	Description  *catalog.Message
	Kind         OptionKind
	Required     bool
	Choices      []string // fixed values, e.g. roles
	Autocomplete bool     // values come from the workspace (task keys)
	Rest         bool     // takes the rest of the line (several words)
	// Keyword, when set, is the word that introduces the value on a typed
	// command line ("due" in "assign git @anna due friday"): platforms that
	// pass options apart put it before the value.
	Keyword string
}

// OptionKind is the type of an option's value.
type OptionKind string

const (
	OptionString  OptionKind = "string"
	OptionUser    OptionKind = "user"
	OptionInteger OptionKind = "integer"
	// OptionBoolean is a flag: when true, its name is a word of the line.
	OptionBoolean OptionKind = "boolean"
)

// Command is a command declared as data. Name may hold a subcommand
// ("invite again"); the longest name matching the first words wins.
type Command struct {
	Name        string
	Usage       string // arguments after the name: "<task> <target>..."
	Description *catalog.Message
	Examples    []string   // command lines without the slash: "assign git @anna"
	Role        model.Role // the least role that may run it
	Options     []Option
	// Subcommand names the command on platforms that group commands under
	// their first word (Discord subcommands), when it differs from the last
	// word of Name: the bare "invite" is "/invite email" there.
	Subcommand string
	// TextOnly keeps the command off platforms that register typed
	// commands (Discord): it is only typed as text.
	TextOnly bool
	Handler  HandlerFunc
}

// Words splits the name into command words.
func (c *Command) Words() []string { return strings.Fields(c.Name) }

// UsageLine is the command and its arguments as typed on req's platform.
func (c *Command) UsageLine(req *Request) string {
	if c.Usage == "" {
		return req.Slash(c.Name)
	}
	return req.Slash(c.Name) + " " + c.Usage
}

// Router dispatches requests to commands and actions. It recovers panics,
// bounds each request with a deadline, and turns errors into replies.
type Router struct {
	commands   []*Command
	actions    map[string]action
	middleware []Middleware
	Timeout    time.Duration
	Log        *slog.Logger
	// Lang is the language of requests whose person has none yet
	// (LEARNBOT_LANGUAGE): before identification, the platform's language
	// of the actor, else this.
	Lang catalog.Lang
	// Observer, when set, is told when each request starts and finishes.
	Observer Observer

	// slots admits requests (see Admit); nil admits all.
	slots     chan struct{}
	admitWait time.Duration
}

// Defaults of Admit, as NewRouter sets them. A command holds one of the
// store's connections (8 on PostgreSQL) for a few milliseconds of its run;
// 40 in flight keep the pool busy through bursts, and more would only queue
// on it while each one's wait eats into the platform's 3 s. A request that
// finds no place within a second is answered "busy" inline, well inside
// that deadline, instead of being started late and stopped by the deadline
// half way.
const (
	DefaultMaxInFlight = 40
	DefaultAdmitWait   = time.Second
)

// Admit bounds the requests handled at once: a request that finds max in
// flight waits up to wait for one to end, and is otherwise answered "busy,
// try again in a moment" without running (nothing is changed). max <= 0
// admits every request. Call it before the router handles requests.
func (r *Router) Admit(max int, wait time.Duration) {
	r.slots, r.admitWait = nil, wait
	if max > 0 {
		r.slots = make(chan struct{}, max)
	}
}

// admit takes a place for one request; false when none came free in time.
// The caller gives the place back with release.
func (r *Router) admit(ctx context.Context) bool {
	select {
	case r.slots <- struct{}{}:
		return true
	default:
	}
	if r.admitWait <= 0 {
		return false
	}
	t := time.NewTimer(r.admitWait)
	defer t.Stop()
	select {
	case r.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

type action struct {
	role    model.Role
	handler HandlerFunc
}

// NewRouter returns a router with a 10-second deadline per request that
// admits DefaultMaxInFlight requests at once (Admit).
func NewRouter(log *slog.Logger) *Router {
	if log == nil {
		log = slog.Default()
	}
	r := &Router{actions: map[string]action{}, Timeout: 10 * time.Second, Log: log}
	r.Admit(DefaultMaxInFlight, DefaultAdmitWait)
	return r
}

// Use adds middleware; the first added runs outermost.
func (r *Router) Use(m ...Middleware) { r.middleware = append(r.middleware, m...) }

// Add registers commands.
func (r *Router) Add(cmds ...*Command) { r.commands = append(r.commands, cmds...) }

// Commands lists the registered commands in the order they were added.
func (r *Router) Commands() []*Command { return r.commands }

// OnAction registers the handler for buttons whose ID starts with "name:".
func (r *Router) OnAction(name string, role model.Role, h HandlerFunc) {
	r.actions[name] = action{role: role, handler: h}
}

// Find returns the command that the leading words of args name, with the
// number of words it used.
func (r *Router) Find(args []Arg) (*Command, int) {
	var best *Command
	n := 0
	for _, c := range r.commands {
		words := c.Words()
		if len(words) > len(args) || len(words) <= n {
			continue
		}
		match := true
		for i, w := range words {
			if args[i].User != nil || args[i].Group != nil || !strings.EqualFold(args[i].Text, w) {
				match = false
				break
			}
		}
		if match {
			best, n = c, len(words)
		}
	}
	return best, n
}

// Handle runs one request and always returns a reply.
func (r *Router) Handle(ctx context.Context, req *Request) (reply *Reply) {
	start := time.Now()
	name := "unknown"
	outcome := "ok"
	if r.Observer != nil {
		r.Observer.Started(ctx)
	}
	octx := ctx
	defer func() {
		if p := recover(); p != nil {
			r.Log.ErrorContext(octx, "panic in handler", "command", name, "panic", p, "stack", string(debug.Stack()))
			reply, outcome = Say(req.Lang, msgFailed, nil), "panic"
		}
		if r.Observer != nil {
			r.Observer.Finished(octx, Observation{Platform: req.Platform, Workspace: req.Workspace, User: req.Actor.ID,
				Command: name, Action: req.Action != nil, Outcome: outcome, Duration: time.Since(start)})
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	if req.Lang == "" {
		req.Lang = req.Actor.Lang.Or(r.Lang)
	}

	var h HandlerFunc
	var minRole model.Role
	switch {
	case req.Action != nil:
		a, ok := r.actions[req.Action.Name()]
		if !ok {
			outcome = "bad_input"
			return Say(req.Lang, msgUnknownButton, nil)
		}
		name, h, minRole = "button:"+req.Action.Name(), a.handler, a.role
	default:
		if n := textLength(req.Args); n > MaxTextLength {
			outcome = "bad_input"
			return Say(req.Lang, msgTooLong, catalog.Vars{"Length": n, "Max": MaxTextLength})
		}
		cmd, n := r.Find(req.Args)
		if cmd == nil {
			// Through the middleware all the same: identification knows the
			// language the person chose for the answer.
			outcome, h = "bad_input", unknownCommand
			break
		}
		req.Command, req.Params = cmd, req.Args[n:]
		name, h, minRole = cmd.Name, cmd.Handler, cmd.Role
		if bad := badText(req); bad != nil {
			outcome = "bad_input"
			return bad
		}
	}
	if r.slots != nil {
		// Before identification, the first that costs: an overloaded machine answers at once.
		if !r.admit(ctx) {
			outcome = "busy"
			return Say(req.Lang, msgBusy, nil)
		}
		defer func() { <-r.slots }()
	}
	h = authorize(minRole, h)
	for i := len(r.middleware) - 1; i >= 0; i-- {
		h = r.middleware[i](h)
	}
	reply, err := h(ctx, req)
	if err != nil {
		reply, outcome = r.errorReply(ctx, req, name, err)
	}
	if reply == nil {
		reply = Say(req.Lang, msgDone, nil)
	}
	if reply.Lang == "" {
		reply.Lang = req.Lang
	}
	return reply
}

func (r *Router) errorReply(ctx context.Context, req *Request, name string, err error) (*Reply, string) {
	var ue *model.UserError
	if errors.As(err, &ue) {
		text := ue.In(req.Lang)
		if ue.ShowUsage && req.Command != nil {
			text += "\n" + req.Lang.Say(msgUsage, catalog.Vars{"Usage": req.Command.UsageLine(req)})
		}
		outcome := "bad_input"
		if ue.Forbidden {
			outcome = "forbidden"
		}
		return &Reply{Text: text, Lang: req.Lang}, outcome
	}
	if errors.Is(err, context.DeadlineExceeded) {
		r.Log.ErrorContext(ctx, "command timed out", "command", name, "platform", req.Platform, "workspace", req.Workspace, "error", err)
		return Say(req.Lang, msgTimeout, nil), "timeout"
	}
	r.Log.ErrorContext(ctx, "command failed", "command", name, "platform", req.Platform, "workspace", req.Workspace, "error", err)
	return Say(req.Lang, msgFailed, nil), "error"
}

func authorize(min model.Role, next HandlerFunc) HandlerFunc {
	return func(ctx context.Context, req *Request) (*Reply, error) {
		if min.Rank() > req.Caller.Role.Rank() {
			return nil, &model.UserError{Forbidden: true,
				Msg: req.Lang.Say(msgForbidden, catalog.Vars{"Need": min, "Have": req.Caller.Role})}
		}
		return next(ctx, req)
	}
}

// badText refuses text no store should keep, before any handler sees it:
// invalid UTF-8 (PostgreSQL refuses it, SQLite would store it), control
// characters, NUL included (PostgreSQL refuses NUL in text), but the
// newline, which separates words and lines, and the bidirectional controls
// that would turn around what follows them wherever the text is shown
// (model.BidiControl), and invisible characters that make two texts look
// alike (model.HiddenChar). Text platforms split words at
// other whitespace before this, so a tab never reaches it from them.
func badText(req *Request) *Reply {
	for _, a := range req.Args {
		if !utf8.ValidString(a.Text) {
			return usageReply(req, Say(req.Lang, msgBadUTF8, nil))
		}
		for _, c := range a.Text {
			if c != '\n' && (unicode.IsControl(c) || model.BidiControl(c)) {
				return usageReply(req, Say(req.Lang, msgControlChar, catalog.Vars{"Char": fmt.Sprintf("U+%04X", c)}))
			}
		}
		if c, ok := model.HiddenChar(a.Text); ok {
			return usageReply(req, Say(req.Lang, msgHiddenChar, catalog.Vars{"Char": fmt.Sprintf("U+%04X", c)}))
		}
	}
	return nil
}

// usageReply adds the command's usage to a reply.
func usageReply(req *Request, r *Reply) *Reply {
	r.Text += "\n" + req.Lang.Say(msgUsage, catalog.Vars{"Usage": req.Command.UsageLine(req)})
	return r
}

func textLength(args []Arg) int {
	n := 0
	for _, a := range args {
		n += len(a.Text) + 1
	}
	return n
}

// unknownCommand answers a line that names no command.
func unknownCommand(ctx context.Context, req *Request) (*Reply, error) {
	if len(req.Args) == 0 {
		return Say(req.Lang, msgNoCommand, catalog.Vars{"Hint": helpHint(req)}), nil
	}
	return Say(req.Lang, msgUnknownCommand, catalog.Vars{"Command": strconv.Quote(req.Args[0].Text), "Hint": helpHint(req)}), nil
}

func helpHint(req *Request) string {
	return req.Lang.Say(msgHelpHint, catalog.Vars{"Help": req.Slash("help")})
}

// Help lists the commands the caller's role may run, or explains one command,
// in the words of the request's platform.
func (r *Router) Help(req *Request, topic string) string {
	role := req.Caller.Role
	var b strings.Builder
	if topic != "" {
		var found []*Command
		for _, c := range r.commands {
			if c.Name == topic || strings.HasPrefix(c.Name, topic+" ") {
				found = append(found, c)
			}
		}
		if len(found) == 0 {
			return req.Lang.Say(msgHelpNoTopic, catalog.Vars{"Topic": strconv.Quote(topic), "Hint": helpHint(req)})
		}
		for _, c := range found {
			fmt.Fprintf(&b, "%s\n  %s\n", c.UsageLine(req), req.Lang.Say(c.Description, nil))
			for _, ex := range c.Examples {
				name, args := splitExample(r, ex)
				fmt.Fprintf(&b, "  %s\n", req.Lang.Say(msgHelpExample, catalog.Vars{"Example": req.Slash(name) + args}))
			}
			switch c.Role {
			case model.RoleGuide:
				fmt.Fprintf(&b, "  %s\n", req.Lang.Say(msgHelpForGuides, nil))
			case model.RoleAdmin:
				fmt.Fprintf(&b, "  %s\n", req.Lang.Say(msgHelpForAdmins, nil))
			}
		}
		return strings.TrimRight(b.String(), "\n")
	}
	cmds := append([]*Command(nil), r.commands...)
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	b.WriteString(req.Lang.Say(msgHelpHeading, nil) + "\n")
	for _, c := range cmds {
		if c.Role.Rank() > role.Rank() {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", c.UsageLine(req), req.Lang.Say(c.Description, nil))
	}
	b.WriteString(req.Lang.Say(msgHelpDetails, catalog.Vars{"Help": req.Slash("help")}))
	return b.String()
}

// splitExample separates an example's command words from its arguments.
func splitExample(r *Router, ex string) (string, string) {
	args := Words(ex)
	cmd, n := r.Find(args)
	if cmd == nil {
		return ex, ""
	}
	rest := strings.Join(strings.Fields(ex)[n:], " ")
	if rest != "" {
		rest = " " + rest
	}
	return cmd.Name, rest
}
