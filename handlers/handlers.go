// Package handlers holds learnbot's commands and the duplicate-assignment
// decision flow. It sees only bot and storage types: no SQL, no platform SDK.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

// Config is what the commands need to know of the deployment.
type Config struct {
	// Admins are bootstrap admins: "slack:U123", "discord:42", "console:gina".
	Admins        map[string]bool
	DecisionTTL   time.Duration // default 24h
	InvitationTTL time.Duration // default 14 days
	PublicURL     string        // base of invitation links
	// EmailEnabled says invitations are emailed (LEARNBOT_SMTP_URL is set);
	// otherwise the reply shows the link.
	EmailEnabled bool
	MailFrom     string
}

// Handlers is learnbot's router with every command and button, and the
// entry points that are no command: a person's App Home (Home) and the DM of
// a new assignment (AssignmentDM).
type Handlers struct {
	*bot.Router
	store *storage.Store
	cfg   Config
	log   *slog.Logger
}

// New returns the handlers with every command and button of learnbot.
func New(store *storage.Store, cfg Config, log *slog.Logger) *Handlers {
	if log == nil {
		log = slog.Default()
	}
	if cfg.DecisionTTL == 0 {
		cfg.DecisionTTL = 24 * time.Hour
	}
	if cfg.InvitationTTL == 0 {
		cfg.InvitationTTL = 14 * 24 * time.Hour
	}
	h := &Handlers{store: store, cfg: cfg, log: log, Router: bot.NewRouter(log)}
	h.Use(h.identify)
	h.Add(h.commands()...)
	h.OnAction(actionDecision, bot.RoleGuide, h.decide)
	h.OnAction(actionDone, bot.RoleLearner, h.markDone)
	h.OnAction(actionReinvite, bot.RoleGuide, h.reinviteButton)
	h.OnAction(actionAccept, bot.RoleLearner, h.acceptButton)
	return h
}

// Completer suggests task keys for a platform's autocomplete.
type Completer struct{ Store *storage.Store }

// CompleteTasks returns up to 25 task keys of the workspace starting with prefix.
func (c Completer) CompleteTasks(ctx context.Context, platform, workspace, prefix string) ([]string, error) {
	return c.Store.TaskKeys(ctx, platform, workspace, prefix, 25)
}

// identify turns the platform user into a person of the workspace.
func (h *Handlers) identify(next bot.HandlerFunc) bot.HandlerFunc {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		if req.Actor.ID == "" || req.Workspace == "" {
			return nil, bot.Errorf("This request does not say who sent it.")
		}
		p, err := h.store.Identify(ctx, storage.Identity{
			Platform:      req.Platform,
			Workspace:     req.Workspace,
			WorkspaceName: req.WorkspaceName,
			User:          req.Actor,
			Admin:         h.cfg.Admins[req.Platform+":"+req.Actor.ID],
		})
		if err != nil {
			return nil, err
		}
		req.Caller = bot.Caller{WorkspaceID: p.WorkspaceID, PersonID: p.ID, Role: p.Granted(), Name: p.Name}
		return next(ctx, req)
	}
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// checkName validates a task key or group name.
func checkName(what, s string) error {
	if !namePattern.MatchString(s) {
		return bot.UsageErrorf("%q is not a valid %s: use 1-64 lowercase letters, digits, - or _, starting with a letter or digit.", s, what)
	}
	return nil
}

// checkEmail validates a bare email address.
func checkEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") && !strings.HasSuffix(s, "@localhost") {
		return "", bot.UsageErrorf("%q is not a valid email address.", s)
	}
	return strings.ToLower(s), nil
}

func looksLikeEmail(s string) bool {
	return strings.Contains(s, "@") && !strings.HasPrefix(s, "@")
}

// person resolves one argument naming a person: a mention or the email of
// someone known in the workspace.
func (h *Handlers) person(ctx context.Context, req *bot.Request, a bot.Arg) (*storage.Person, error) {
	switch {
	case a.User != nil:
		ps, err := h.store.EnsurePeople(ctx, req.Caller.WorkspaceID, []bot.User{*a.User})
		if err != nil {
			return nil, err
		}
		return &ps[0], nil
	case looksLikeEmail(a.Text):
		p, err := h.store.PersonByEmail(ctx, req.Caller.WorkspaceID, a.Text)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, bot.Errorf("Nobody with the email %s is known here; invite them first.", a.Text)
		}
		return p, err
	}
	return nil, bot.UsageErrorf("%q is not a person: mention them (@name) or give the email they were invited with.", a.Text)
}

// task resolves a task key.
func (h *Handlers) task(ctx context.Context, req *bot.Request, key string) (*storage.Task, error) {
	t, err := h.store.TaskByKey(ctx, req.Caller.WorkspaceID, strings.ToLower(key))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, bot.UsageErrorf("There is no task %q. See %s.", key, req.Slash("task list"))
	}
	return t, err
}

// group resolves a group name.
func (h *Handlers) group(ctx context.Context, req *bot.Request, name string) (*storage.Group, error) {
	g, err := h.store.GroupByName(ctx, req.Caller.WorkspaceID, strings.ToLower(name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, bot.UsageErrorf("There is no group %q. See %s.", name, req.Slash("group list"))
	}
	return g, err
}

// rest joins the text of args.
func rest(args []bot.Arg) string {
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = a.Text
	}
	return strings.Join(words, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// nameList shows up to the given names and how many more there are.
func nameList(names []string, total int) string {
	s := strings.Join(names, ", ")
	if more := total - len(names); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
