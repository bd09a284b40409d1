// Package console is learnbot's terminal adapter: commands typed as on
// Slack, buttons as numbered choices, DMs to other users printed as they are
// delivered, and /as to act as someone else. It reads any io.Reader, so a
// session can be scripted through standard input.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// Workspace is the console's workspace ID.
const Workspace = "console"

// Handler answers requests (bot.Router).
type Handler interface {
	Handle(ctx context.Context, req *bot.Request) *bot.Reply
}

// Console is one terminal session.
type Console struct {
	// Lang is the language of the console as a platform (-lang): its own
	// words, and the platform language of every console user, which a
	// user's own choice (/language) overrides. Set it before Run.
	Lang  catalog.Lang
	h     Handler
	out   io.Writer
	mu    sync.Mutex // guards out, buttons and actor: DMs arrive from workers
	actor string
	echo  bool
	// Buttons of the last reply are numbered from 1, so a script can press
	// "2" whatever DMs arrived meanwhile; DM buttons are "d1", "d2", ...
	button map[string]string // label shown → button ID
	replyN int
	dmN    int
	// Settle, when set, waits until the DMs a command queued are delivered
	// (bounded). The DMs delivered meanwhile are printed after the reply,
	// by recipient, so that a session reads the same every time and DM
	// buttons are numbered in the order they are printed; a DM that comes
	// while no command runs is printed at once.
	Settle  func(ctx context.Context)
	running bool
	pending []bot.Message
}

// New starts a session acting as first. With echo, each command read is
// printed after the prompt (for scripted input, which a terminal does not
// show).
func New(h Handler, out io.Writer, first string, echo bool) *Console {
	return &Console{h: h, out: out, actor: first, echo: echo, button: map[string]string{}}
}

// SendDM prints a DM to a console user (bot.Sender). Its buttons are
// numbered d1, d2, ... across the session, so that they stay pressable.
func (c *Console) SendDM(ctx context.Context, msg bot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running && c.Settle != nil {
		c.pending = append(c.pending, msg)
		return nil
	}
	fmt.Fprintln(c.out) // off the prompt line
	c.printDM(msg)
	return nil
}

// Respond prints the outcome of work a job finished after its command was
// answered (bot.Responder): "(replaces the message above)" and the reply.
func (c *Console) Respond(ctx context.Context, workspace, followUp string, reply *bot.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		fmt.Fprintln(c.out) // off the prompt line
	}
	if reply.Replace {
		fmt.Fprint(c.out, c.Lang.Say(msgReplaces, nil)+" ")
	} else {
		fmt.Fprint(c.out, "learnbot: ")
	}
	n := 0
	c.render(reply, func() string {
		n++
		return strconv.Itoa(n)
	})
	return nil
}

// printDM prints one DM. c.mu is held.
func (c *Console) printDM(msg bot.Message) {
	fmt.Fprintf(c.out, "%s ", c.Lang.Say(msgDMTo, catalog.Vars{"Name": msg.To.ID}))
	c.render(&msg.Reply, func() string {
		c.dmN++
		return "d" + strconv.Itoa(c.dmN)
	})
}

// settle waits for the DMs of the command just handled and prints them,
// by recipient.
func (c *Console) settle(ctx context.Context) {
	if c.Settle == nil {
		return
	}
	c.Settle(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	sort.SliceStable(c.pending, func(i, j int) bool { return c.pending[i].To.ID < c.pending[j].To.ID })
	for _, msg := range c.pending {
		c.printDM(msg)
	}
	c.pending, c.running = nil, false
}

// Run reads commands until in ends or ctx is done.
func (c *Console) Run(ctx context.Context, in io.Reader) error {
	c.mu.Lock()
	fmt.Fprintln(c.out, c.Lang.Say(msgWelcome, catalog.Vars{"Name": c.actor}))
	c.mu.Unlock()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		c.prompt()
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if c.echo {
			c.print("%s\n", line)
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "/quit" || line == "/exit" {
			return nil
		}
		c.mu.Lock()
		c.running = true
		c.mu.Unlock()
		c.handle(ctx, line)
		c.settle(ctx)
		c.mu.Lock()
		c.running = false
		c.mu.Unlock()
		if ctx.Err() != nil {
			return nil
		}
	}
	return sc.Err()
}

func (c *Console) handle(ctx context.Context, line string) {
	if name, ok := strings.CutPrefix(line, "/as "); ok {
		name = strings.TrimPrefix(strings.TrimSpace(name), "@")
		if name == "" || strings.ContainsAny(name, " \t") {
			c.print("%s\n", c.Lang.Say(msgAsUsage, nil))
			return
		}
		c.mu.Lock()
		c.actor = name
		c.mu.Unlock()
		c.print("%s\n", c.Lang.Say(msgNowAs, catalog.Vars{"Name": name}))
		return
	}
	req := &bot.Request{Platform: model.PlatformConsole, Workspace: Workspace, WorkspaceName: "console"}
	if isButton(line) {
		c.mu.Lock()
		id, ok := c.button[line]
		c.mu.Unlock()
		if !ok {
			c.print("%s\n", c.Lang.Say(msgNoButton, catalog.Vars{"Key": line}))
			return
		}
		req.Action = &bot.Action{ID: id}
	} else {
		req.Args = Parse(strings.TrimPrefix(line, "/"))
		for _, a := range req.Args {
			if a.User != nil {
				a.User.Lang = c.Lang
			}
		}
	}
	c.mu.Lock()
	req.Actor = model.User{ID: c.actor, Name: c.actor, Lang: c.Lang}
	c.mu.Unlock()
	reply := c.h.Handle(ctx, req)
	c.mu.Lock()
	defer c.mu.Unlock()
	if reply.Replace {
		fmt.Fprint(c.out, c.Lang.Say(msgReplaces, nil)+" ")
	} else {
		fmt.Fprint(c.out, "learnbot: ")
	}
	// A new set of choices replaces the last one; until then its buttons
	// stay pressable (a second press gets "already decided"). DM buttons stay.
	if len(reply.AllButtons()) > 0 {
		for key := range c.button {
			if !strings.HasPrefix(key, "d") {
				delete(c.button, key)
			}
		}
	}
	n := 0
	c.render(reply, func() string {
		n++
		return strconv.Itoa(n)
	})
}

// render prints a reply as numbered lines: its text, each item with its
// buttons under it, the reply's buttons, the footer. Each button gets the
// key next returns, by which it is pressed. c.mu is held.
func (c *Console) render(r *bot.Reply, next func() string) {
	buttons := func(bs []bot.Button, pad string) {
		for _, b := range bs {
			key := next()
			c.button[key] = b.ID
			fmt.Fprintf(c.out, "%s[%s] %s\n", pad, key, b.Label)
		}
	}
	fmt.Fprintf(c.out, "%s\n", indent(r.Text))
	for _, it := range r.Items {
		fmt.Fprintf(c.out, "  %s\n", indent(it.Line()))
		buttons(it.Buttons, "    ")
	}
	buttons(r.Buttons, "  ")
	if r.Footer != "" {
		fmt.Fprintf(c.out, "  %s\n", indent(r.Footer))
	}
}

// isButton reports whether a line presses a button: "2" or "d3".
func isButton(line string) bool {
	_, err := strconv.Atoi(strings.TrimPrefix(line, "d"))
	return err == nil
}

// Parse splits a command line into args; @name mentions a console user.
func Parse(line string) []bot.Arg {
	var args []bot.Arg
	for _, w := range strings.Fields(line) {
		a := bot.Arg{Text: w}
		if name, ok := strings.CutPrefix(w, "@"); ok && name != "" {
			a.User = &model.User{ID: name, Name: name}
		}
		args = append(args, a)
	}
	return args
}

func (c *Console) prompt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, "@%s> ", c.actor)
}

func (c *Console) print(format string, a ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, a...)
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }
