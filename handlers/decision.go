package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

// Decision choices as they appear in button IDs and on buttons.
var choiceLabels = map[string]string{
	storage.ResolutionDoNotAssign: "Do not assign",
	storage.ResolutionOnlyNew:     "Only new",
	storage.ResolutionForce:       "Force reassignment",
	choiceShowGroups:              "Show selected groups",
}

const choiceShowGroups = "show_groups"

// groupListLimit bounds the members "Show selected groups" lists per group.
const groupListLimit = 50

// prompt is the duplicate-assignment question with its buttons.
func (h *Handlers) prompt(task *storage.Task, res *storage.AssignResult, groups bool) *bot.Reply {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s) is already assigned to %s of the %s you chose: %s.\n",
		task.Title, task.Key, plural(res.Holders, "person", "people"), plural(res.Targets, "target", "targets"),
		nameList(res.Names, res.Holders))
	b.WriteString("Nothing is assigned until you choose.")
	if res.New > 0 {
		fmt.Fprintf(&b, " Only new assigns it to the %d who do not hold it yet.", res.New)
	}
	b.WriteString(" Force reassignment assigns it to every target again, creating duplicate assignments.")
	id := res.Decision.ID
	button := func(choice string, style bot.ButtonStyle) bot.Button {
		return bot.Button{Label: choiceLabels[choice], ID: actionDecision + ":" + choice + ":" + id, Style: style}
	}
	buttons := []bot.Button{button(storage.ResolutionDoNotAssign, bot.StyleDefault)}
	if res.New > 0 {
		buttons = append(buttons, button(storage.ResolutionOnlyNew, bot.StylePrimary))
	}
	buttons = append(buttons, button(storage.ResolutionForce, bot.StyleDanger))
	if groups {
		buttons = append(buttons, button(choiceShowGroups, bot.StyleDefault))
	}
	return &bot.Reply{Text: b.String(), Buttons: buttons}
}

// decide handles a press of a decision button: "decision:<choice>:<id>".
func (h *Handlers) decide(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	choice, id, _ := strings.Cut(req.Action.Value(), ":")
	if _, ok := choiceLabels[choice]; !ok || id == "" {
		return nil, bot.Errorf("That button is not one of learnbot's.")
	}
	info, err := h.store.DecisionByID(ctx, req.Caller.WorkspaceID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, bot.Errorf("That prompt does not exist here.")
	}
	if err != nil {
		return nil, err
	}
	if choice == choiceShowGroups {
		return h.showGroups(ctx, req, info)
	}
	res, err := h.store.ResolveDecision(ctx, storage.ResolveParams{WorkspaceID: req.Caller.WorkspaceID, DecisionID: id,
		PersonID: req.Caller.PersonID, Resolution: choice})
	switch {
	case errors.Is(err, storage.ErrNotYours):
		return nil, bot.Errorf("Only %s, who asked, can decide this.", info.GuideName)
	case errors.Is(err, storage.ErrDecided):
		// Read again: the decision may have been made a moment ago.
		if info, err = h.store.DecisionByID(ctx, req.Caller.WorkspaceID, id); err != nil {
			return nil, err
		}
		return nil, bot.Errorf("Already decided: %s, by @%s.", choiceLabels[*info.Resolution], deref(info.ResolverName))
	case errors.Is(err, storage.ErrExpired):
		return nil, bot.Errorf("This prompt expired at %s; nothing was assigned. Run %s again.", when(info.ExpiresAt), req.Slash("assign"))
	case err != nil:
		return nil, err
	}
	task := fmt.Sprintf("%s (%s)", info.TaskTitle, info.TaskKey)
	var text string
	switch choice {
	case storage.ResolutionDoNotAssign:
		text = fmt.Sprintf("Do not assign: %s was not assigned to anyone.", task)
	case storage.ResolutionOnlyNew:
		if res.Assigned == 0 {
			text = fmt.Sprintf("Only new: everyone already holds %s now, so nothing was assigned.", task)
		} else {
			text = fmt.Sprintf("Only new: assigned %s to %s: %s. Each gets a DM.", task,
				plural(res.Assigned, "person", "people"), nameList(res.Names, res.Assigned))
		}
	case storage.ResolutionForce:
		text = fmt.Sprintf("Force reassignment: assigned %s again to %s: %s. Each gets a DM.", task,
			plural(res.Assigned, "person", "people"), nameList(res.Names, res.Assigned))
	}
	return &bot.Reply{Text: text, Replace: true}, nil
}

func (h *Handlers) showGroups(ctx context.Context, req *bot.Request, info *storage.DecisionInfo) (*bot.Reply, error) {
	if info.GuideID != req.Caller.PersonID {
		return nil, bot.Errorf("Only %s, who asked, can use this prompt.", info.GuideName)
	}
	groups, err := h.store.DecisionGroups(ctx, req.Caller.WorkspaceID, info.ID, groupListLimit)
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		return bot.Text("The groups of this prompt are empty or were deleted."), nil
	}
	r := bot.Text("Selected groups for %s (%s); * marks who already holds it:", info.TaskTitle, info.TaskKey)
	for _, g := range groups {
		names := make([]string, len(g.Members))
		for i, m := range g.Members {
			names[i] = m.Name
			if m.Holds {
				names[i] += " *"
			}
		}
		r.Items = append(r.Items, bot.Item{Text: fmt.Sprintf("%s (%s, %d hold it): %s",
			g.Name, plural(g.Size, "member", "members"), g.Holders, nameList(names, g.Size))})
	}
	if info.Resolution == nil {
		r.Footer = "The prompt is still open."
	}
	return r, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
