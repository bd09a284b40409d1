package handlers

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// Decision choices as they appear in button IDs, and their labels.
var choiceLabels = map[string]*catalog.Message{
	storage.ResolutionDoNotAssign: msgChoiceDoNotAssign,
	storage.ResolutionOnlyNew:     msgChoiceOnlyNew,
	storage.ResolutionForce:       msgChoiceForce,
	choiceShowGroups:              msgChoiceShowGroups,
}

const choiceShowGroups = "show_groups"

// DefaultDeferAbove is Config.DeferAbove's default: the number of targets
// above which Only new and Force reassignment are resolved by a durable
// job (Handlers.ResolveDeferred) and the prompt says "Assigning …" at once.
// Alone, a resolution takes about 0.07 ms per target (Only new for 5,000:
// 364 ms), but under the write load of BENCHMARKS.md the same press took
// over 10 s, about 2 ms per target: at 1,000 targets a press stays near 2 s
// under such load, inside the router's 10 s deadline with room to spare;
// above, nothing bounds it.
const DefaultDeferAbove = 1000

// groupListLimit bounds the members "Show selected groups" lists per group.
const groupListLimit = 50

// prompt is the duplicate-assignment question with its buttons.
func (h *Handlers) prompt(l catalog.Lang, task *storage.Task, res *storage.AssignResult, groups bool) *bot.Reply {
	var b strings.Builder
	b.WriteString(l.Say(msgPromptHeld, catalog.Vars{"Task": taskName(task.Title, task.Key), "Count": res.Holders,
		"Targets": count(l, msgTargets, res.Targets), "Names": nameList(l, res.Names, res.Holders)}))
	b.WriteString("\n" + l.Say(msgPromptWait, nil))
	if res.New > 0 {
		b.WriteString(" " + l.Say(msgPromptOnlyNew, catalog.Vars{"Count": res.New}))
	}
	b.WriteString(" " + l.Say(msgPromptForce, nil))
	return &bot.Reply{Text: b.String(), Buttons: promptButtons(l, actionDecision, res.Decision.ID, res.New > 0, groups)}
}

// promptButtons are a duplicate prompt's buttons, of a task's decision
// (action "decision") or a path's ("pathdecision"): Only new when some
// targets are new, Show selected groups when groups were named.
func promptButtons(l catalog.Lang, action, id string, someNew, groups bool) []bot.Button {
	button := func(choice string, style bot.ButtonStyle) bot.Button {
		return bot.Button{Label: l.Say(choiceLabels[choice], nil), ID: action + ":" + choice + ":" + id, Style: style}
	}
	buttons := []bot.Button{button(storage.ResolutionDoNotAssign, bot.StyleDefault)}
	if someNew {
		buttons = append(buttons, button(storage.ResolutionOnlyNew, bot.StylePrimary))
	}
	buttons = append(buttons, button(storage.ResolutionForce, bot.StyleDanger))
	if groups {
		buttons = append(buttons, button(choiceShowGroups, bot.StyleDefault))
	}
	return buttons
}

// refusal is what a press on a prompt that changes nothing says (someone
// else's, a second one, a late one, a lost target set), for a task's
// decision and a path's alike; nil for any other error.
func refusal(req *bot.Request, err error, guide string, resolution, resolver *string, expires time.Time) error {
	switch {
	case errors.Is(err, storage.ErrNotYours):
		return model.Err(req.Lang, msgDecisionNotYours, catalog.Vars{"Guide": guide})
	case errors.Is(err, storage.ErrDecided):
		return model.Err(req.Lang, msgDecisionAlready, catalog.Vars{"Choice": req.Lang.Say(choiceLabels[deref(resolution)], nil),
			"Resolver": deref(resolver)})
	case errors.Is(err, storage.ErrExpired):
		return model.Err(req.Lang, msgDecisionExpired, catalog.Vars{"When": req.Lang.DateTime(expires), "Assign": req.Slash("assign")})
	case errors.Is(err, storage.ErrSetLost):
		return model.Err(req.Lang, msgDecisionSetLost, catalog.Vars{"Assign": req.Slash("assign")})
	}
	return nil
}

// decide handles a press of a decision button: "decision:<choice>:<id>".
func (h *Handlers) decide(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	choice, id, _ := strings.Cut(req.Action.Value(), ":")
	if _, ok := choiceLabels[choice]; !ok || id == "" {
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	if choice == choiceShowGroups {
		return h.showGroups(ctx, req, id)
	}
	p := storage.ResolveParams{WorkspaceID: req.Caller.WorkspaceID, DecisionID: id, PersonID: req.Caller.PersonID, Resolution: choice}
	if choice != storage.ResolutionDoNotAssign && h.deferrer != nil {
		if r, err := h.deferLarge(ctx, req, p); r != nil || err != nil {
			return r, err
		}
	}
	res, err := h.store.ResolveDecision(ctx, p)
	return h.decisionOutcome(req, choice, res, err)
}

// deferLarge queues the resolution of a decision over more than DeferAbove
// targets and answers "Assigning …" in place of the prompt; nil for a
// smaller decision, which the request resolves. A press that could not
// resolve it is refused now, as it would be by ResolveDecision.
func (h *Handlers) deferLarge(ctx context.Context, req *bot.Request, p storage.ResolveParams) (*bot.Reply, error) {
	size, err := h.store.DecisionSize(ctx, p.WorkspaceID, p.DecisionID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgDecisionMissing, nil)
	}
	if err != nil || size <= h.cfg.DeferAbove {
		return nil, err
	}
	info, err := h.store.DecisionByID(ctx, p.WorkspaceID, p.DecisionID)
	if err != nil {
		return nil, err
	}
	switch {
	case info.GuideID != p.PersonID:
		err = storage.ErrNotYours
	case info.Resolution != nil:
		err = storage.ErrDecided
	case !h.store.Now().Before(info.ExpiresAt):
		err = storage.ErrExpired
	}
	if err != nil {
		return nil, refusal(req, err, info.GuideName, info.Resolution, info.ResolverName, info.ExpiresAt)
	}
	queued, err := h.deferrer.DeferDecision(ctx, storage.DeferredDecision{ResolveParams: p, Platform: req.Platform,
		Workspace: req.Workspace, FollowUp: req.FollowUp, Lang: string(req.Lang), TimeZone: req.Caller.TimeZone})
	if err != nil {
		return nil, err
	}
	if !queued {
		return nil, model.Err(req.Lang, msgDecisionPending, nil)
	}
	r := bot.Say(req.Lang, msgDeciding, catalog.Vars{"Choice": req.Lang.Say(choiceLabels[p.Resolution], nil),
		"Task": taskName(info.TaskTitle, info.TaskKey), "Count": size})
	r.Replace = true
	return r, nil
}

// ResolveDeferred resolves a decision queued by a press (see Config.DeferAbove),
// in one transaction, and composes the outcome that replaces the prompt,
// in the presser's language: the queue's entry point. A press that can no
// longer resolve it (decided meanwhile, expired) gets the refusal it would
// have got at once.
func (h *Handlers) ResolveDeferred(ctx context.Context, d storage.DeferredDecision) (*bot.Reply, error) {
	req := &bot.Request{Platform: d.Platform, Workspace: d.Workspace, Lang: catalog.Lang(d.Lang).Or(h.cfg.Language),
		Caller: bot.Caller{WorkspaceID: d.WorkspaceID, PersonID: d.PersonID, TimeZone: d.TimeZone}}
	res, err := h.store.ResolveDecision(ctx, d.ResolveParams)
	r, err := h.decisionOutcome(req, d.Resolution, res, err)
	var ue *model.UserError
	if errors.As(err, &ue) {
		r, err = &bot.Reply{Text: ue.In(req.Lang), Lang: req.Lang, Replace: true}, nil
	}
	return r, err
}

// decisionOutcome is the reply to a resolution: its outcome, or why the
// press changed nothing.
func (h *Handlers) decisionOutcome(req *bot.Request, choice string, res *storage.ResolveResult, err error) (*bot.Reply, error) {
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgDecisionMissing, nil)
	}
	var refused *storage.DecisionError
	if errors.As(err, &refused) {
		info := refused.Decision
		if errors.Is(err, storage.ErrArchived) {
			return nil, archivedErr(req, info.TaskKey)
		}
		if uerr := refusal(req, err, info.GuideName, info.Resolution, info.ResolverName, info.ExpiresAt); uerr != nil {
			return nil, uerr
		}
	}
	if err != nil {
		return nil, err
	}
	info := &res.Decision
	vars := catalog.Vars{"Task": taskName(info.TaskTitle, info.TaskKey), "Count": res.Assigned,
		"Names": nameList(req.Lang, res.Names, res.Assigned)}
	outcome := map[string]*catalog.Message{
		storage.ResolutionDoNotAssign: msgDecidedNone,
		storage.ResolutionOnlyNew:     msgDecidedOnlyNew,
		storage.ResolutionForce:       msgDecidedForce,
	}[choice]
	if choice == storage.ResolutionOnlyNew && res.Assigned == 0 {
		outcome = msgDecidedNoneNew
	}
	r := bot.Say(req.Lang, outcome, vars)
	if res.NotOnChat > 0 {
		r.Text += " " + notOnChat(req, res.NotOnChat)
	}
	if res.Assigned > 0 && !info.DueDate.IsZero() {
		// What the prompt promised ("Whoever you assign it to gets the due date").
		r.Text += "\n" + req.Lang.Say(msgAssignDue, catalog.Vars{"Day": calendar.DayOf(req.Lang, info.DueDate, h.callerToday(req))})
	}
	r.Replace = true
	return r, nil
}

func (h *Handlers) showGroups(ctx context.Context, req *bot.Request, id string) (*bot.Reply, error) {
	info, err := h.store.DecisionByID(ctx, req.Caller.WorkspaceID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgDecisionMissing, nil)
	}
	if err != nil {
		return nil, err
	}
	if info.GuideID != req.Caller.PersonID {
		return nil, model.Err(req.Lang, msgGroupsNotYours, catalog.Vars{"Guide": info.GuideName})
	}
	groups, err := h.store.DecisionGroups(ctx, req.Caller.WorkspaceID, info.ID, groupListLimit)
	if err != nil {
		return nil, err
	}
	return groupsReply(req.Lang, taskName(info.TaskTitle, info.TaskKey), groups, info.Resolution == nil), nil
}

// groupsReply lists the groups a prompt named, * marking who holds what it
// was about (a task, or a path), and says whether the prompt is still open.
func groupsReply(l catalog.Lang, what string, groups []storage.GroupHolding, open bool) *bot.Reply {
	if len(groups) == 0 {
		return bot.Say(l, msgGroupsEmpty, nil)
	}
	r := bot.Say(l, msgGroupsHeading, catalog.Vars{"Task": what})
	for _, g := range groups {
		names := make([]string, len(g.Members))
		for i, m := range g.Members {
			names[i] = m.Name
			if m.Holds {
				names[i] += " *"
			}
		}
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgGroupsItem, catalog.Vars{"Group": g.Name,
			"Members": count(l, msgMembers, g.Size), "Count": g.Holders, "Names": nameList(l, names, g.Size)})})
	}
	if open {
		r.Footer = l.Say(msgGroupsOpen, nil)
	}
	return r
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
