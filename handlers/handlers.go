// Package handlers holds learnbot's commands and the duplicate-assignment
// decision flow. It sees only bot and storage types: no SQL, no platform SDK.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
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
	// Language is LEARNBOT_LANGUAGE: for people whose language neither they
	// nor their platform set.
	Language catalog.Lang
	// DeferAbove: a decision over more targets is resolved by a job when a
	// Deferrer is set (default DefaultDeferAbove).
	DeferAbove int
}

// Handlers is learnbot's router with every command and button, and the
// entry points that are no command: a person's App Home (Home) and the DM of
// a new assignment (AssignmentDM).
type Handlers struct {
	*bot.Router
	store Store
	cfg   Config
	log   *slog.Logger
	// directory gives the directory of a platform's workspace outside any
	// request (nil when it has none), so that the rules' reconciliation
	// can list platform groups; set once adapters exist (SetDirectory).
	directory atomic.Pointer[func(platform, workspace string) bot.Directory]
	// deferrer resolves large decisions in a job (SetDeferrer); nil: every
	// decision is resolved in its request.
	deferrer Deferrer
}

// Deferrer queues the resolution of a decision as a durable job (the
// queue): false when one is queued for that decision already.
type Deferrer interface {
	DeferDecision(ctx context.Context, d storage.DeferredDecision) (bool, error)
}

// SetDeferrer has decisions over more than Config.DeferAbove targets resolved by
// d's jobs; call it before requests are handled (the queue is made after
// the handlers).
func (h *Handlers) SetDeferrer(d Deferrer) { h.deferrer = d }

// SetDirectory tells the handlers how to list a platform's groups outside
// a request: the adapters are made after the handlers.
func (h *Handlers) SetDirectory(f func(platform, workspace string) bot.Directory) {
	h.directory.Store(&f)
}

// directoryOf is the directory of a platform's workspace, or nil.
func (h *Handlers) directoryOf(platform, workspace string) bot.Directory {
	if f := h.directory.Load(); f != nil {
		return (*f)(platform, workspace)
	}
	return nil
}

// New returns the handlers with every command and button of learnbot.
func New(store Store, cfg Config, log *slog.Logger) *Handlers {
	if log == nil {
		log = slog.Default()
	}
	if cfg.DecisionTTL == 0 {
		cfg.DecisionTTL = 24 * time.Hour
	}
	if cfg.DeferAbove == 0 {
		cfg.DeferAbove = DefaultDeferAbove
	}
	if cfg.InvitationTTL == 0 {
		cfg.InvitationTTL = 14 * 24 * time.Hour
	}
	h := &Handlers{store: store, cfg: cfg, log: log, Router: bot.NewRouter(log)}
	h.Router.Lang = cfg.Language
	h.Use(h.identify)
	h.Add(h.commands()...)
	h.OnAction(actionDecision, model.RoleGuide, h.decide)
	h.OnAction(actionPathDecision, model.RoleGuide, h.decidePath)
	h.OnAction(actionDone, model.RoleLearner, h.markDone)
	h.OnAction(actionUndo, model.RoleLearner, h.undo)
	h.OnAction(actionReinvite, model.RoleGuide, h.reinviteButton)
	h.OnAction(actionAccept, model.RoleLearner, h.acceptButton)
	h.OnAction(actionNudge, model.RoleGuide, h.nudgeButton)
	return h
}

// Completer suggests task keys for a platform's autocomplete.
type Completer struct {
	Store  *storage.Store
	Admins map[string]bool // LEARNBOT_ADMINS, as in Config
}

// WorkspacesOf lists the workspaces in which a chat user is known: a
// command sent in a Discord direct message is about the one of them.
func (c Completer) WorkspacesOf(ctx context.Context, platform, userID string) ([]string, error) {
	return c.Store.WorkspacesOf(ctx, platform, userID)
}

// CompleteTasks returns up to 25 task keys of the workspace starting with
// prefix, if the user's role (the granted one: an invited person is a
// learner) may run a command that needs the role need; otherwise none, so
// that autocomplete shows nobody what they may not use.
func (c Completer) CompleteTasks(ctx context.Context, platform, workspace string, user model.User, need model.Role, prefix string) ([]string, error) {
	if need.Rank() > model.RoleLearner.Rank() && !c.Admins[platform+":"+user.ID] {
		p, err := c.Store.PersonByChat(ctx, platform, workspace, user.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil // not met yet: a learner
		}
		if err != nil {
			return nil, err
		}
		if p.Granted().Rank() < need.Rank() {
			return nil, nil
		}
	}
	return c.Store.TaskKeys(ctx, platform, workspace, prefix, 25)
}

// msgFirstAdmin ends a refusal in a workspace that has no admin yet.
var msgFirstAdmin = catalog.Msg("handlers.first_admin")

// identify turns the platform user into a person of the workspace.
func (h *Handlers) identify(next bot.HandlerFunc) bot.HandlerFunc {
	return func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
		if req.Actor.ID == "" || req.Workspace == "" {
			return nil, model.Err(req.Lang, msgNoSender, nil)
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
		req.Caller = bot.Caller{WorkspaceID: p.WorkspaceID, PersonID: p.ID, Role: p.Granted(), Name: p.Name, TimeZone: p.TimeZone}
		req.Lang = p.Lang(h.cfg.Language)
		reply, err := next(ctx, req)
		var refused *model.UserError
		if errors.As(err, &refused) && refused.Forbidden {
			// The first admin of a workspace can only come from the
			// operator: say how, with the ID to name.
			if has, herr := h.store.HasAdmin(ctx, p.WorkspaceID); herr == nil && !has {
				refused.Msg += "\n" + req.Lang.Say(msgFirstAdmin, catalog.Vars{"ID": req.Platform + ":" + req.Actor.ID})
			}
		}
		return reply, err
	}
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// checkName validates a task key or group name; bad is the message that
// refuses it.
func checkName(l catalog.Lang, bad *catalog.Message, s string) error {
	if !namePattern.MatchString(s) {
		return model.UsageErr(l, bad, catalog.Vars{"Name": strconv.Quote(s)})
	}
	return nil
}

// checkEmail validates a bare email address.
func checkEmail(l catalog.Lang, s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") && !strings.HasSuffix(s, "@localhost") {
		return "", model.UsageErr(l, msgBadEmail, catalog.Vars{"Email": strconv.Quote(s)})
	}
	if model.MixedScripts(s) {
		return "", model.UsageErr(l, msgEmailMixedScripts, catalog.Vars{"Email": strconv.Quote(s)})
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
		ps, err := h.store.EnsurePeople(ctx, req.Caller.WorkspaceID, []model.User{*a.User})
		if err != nil {
			return nil, err
		}
		return &ps[0], nil
	case looksLikeEmail(a.Text):
		p, err := h.store.PersonByEmail(ctx, req.Caller.WorkspaceID, a.Text)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, model.Err(req.Lang, msgUnknownEmail, catalog.Vars{"Email": a.Text})
		}
		return p, err
	}
	return nil, model.UsageErr(req.Lang, msgNotAPerson, catalog.Vars{"Arg": strconv.Quote(a.Text)})
}

// task resolves a task key.
func (h *Handlers) task(ctx context.Context, req *bot.Request, key string) (*storage.Task, error) {
	t, err := h.store.TaskByKey(ctx, req.Caller.WorkspaceID, strings.ToLower(key))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.UsageErr(req.Lang, msgUnknownTask, catalog.Vars{"Task": strconv.Quote(key), "List": req.Slash("task list")})
	}
	return t, err
}

// group resolves a group name.
func (h *Handlers) group(ctx context.Context, req *bot.Request, name string) (*storage.Group, error) {
	g, err := h.store.GroupByName(ctx, req.Caller.WorkspaceID, strings.ToLower(name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.UsageErr(req.Lang, msgUnknownGroup, catalog.Vars{"Group": strconv.Quote(name), "List": req.Slash("group list")})
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

// count is a number of things in words: "1 person", "3 people".
func count(l catalog.Lang, m *catalog.Message, n int) string {
	return l.Say(m, catalog.Vars{"Count": n})
}

// nameList shows up to the given names and how many more there are.
func nameList(l catalog.Lang, names []string, total int) string {
	s := strings.Join(names, ", ")
	if more := total - len(names); more > 0 {
		s = l.Say(msgAndMore, catalog.Vars{"Names": s, "Count": more})
	}
	return s
}

// taskName names a task in replies: "Git basics (git)".
func taskName(title, key string) string { return title + " (" + key + ")" }
