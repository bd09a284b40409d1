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
	res, err := h.store.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: req.Caller.WorkspaceID, DecisionID: id,
		PersonID: req.Caller.PersonID, Resolution: choice})
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
