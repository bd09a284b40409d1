package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

var _ bot.Joiner = (*Handlers)(nil)

// periodUnits are the units of "every <n><unit>", in days.
var periodUnits = map[byte]int{'d': 1, 'w': 7, 'm': 30, 'y': 365}

// maxPeriod bounds "every": ten years.
const maxPeriod = 3650

// auto makes a rule: "auto <task|path> <source> [every <n>d|w|m|y]
// [due <n>d|<n>w] [existing]".
func (h *Handlers) auto(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) < 2 {
		return nil, model.UsageErr(l, msgRuleMissing, nil)
	}
	r := &storage.Rule{WorkspaceID: req.Caller.WorkspaceID, CreatedBy: req.Caller.PersonID}
	what := req.Params[0].Text
	p, err := h.pathByKey(ctx, req, what)
	if err != nil {
		return nil, err
	}
	if p != nil {
		if p.Archived() {
			return nil, model.Err(l, msgPathAssignArchived, catalog.Vars{"Path": p.Key, "Restore": req.Slash("path restore")})
		}
		r.PathID, r.What = &p.ID, p.Key
	} else {
		task, err := h.store.TaskByKey(ctx, req.Caller.WorkspaceID, strings.ToLower(what))
		if errors.Is(err, storage.ErrNotFound) {
			return nil, model.UsageErr(l, msgRuleUnknownWhat, catalog.Vars{"What": strconv.Quote(what), "Tasks": req.Slash("task list"),
				"Paths": req.Slash("path list")})
		}
		if err != nil {
			return nil, err
		}
		if task.Archived() {
			return nil, archivedErr(req, task.Key)
		}
		r.TaskID, r.What = &task.ID, task.Key
	}
	var group *storage.Group
	src := req.Params[1]
	switch {
	case src.Group != nil:
		r.Source = storage.Source{Kind: src.Group.Kind, ID: src.Group.ID, Name: src.Text}
	case src.User != nil || strings.HasPrefix(src.Text, "@"):
		return nil, model.UsageErr(l, msgRuleBadSource, catalog.Vars{"Source": strconv.Quote(src.Text)})
	case strings.EqualFold(src.Text, storage.SourceEveryone):
		if req.Platform == model.PlatformConsole {
			return nil, model.Err(l, msgRuleNoEveryone, nil)
		}
		r.Source = storage.Source{Kind: storage.SourceEveryone, Name: storage.SourceEveryone}
	default:
		g, err := h.store.GroupByName(ctx, req.Caller.WorkspaceID, strings.ToLower(src.Text))
		if errors.Is(err, storage.ErrNotFound) {
			return nil, model.UsageErr(l, msgRuleBadSource, catalog.Vars{"Source": strconv.Quote(src.Text)})
		}
		if err != nil {
			return nil, err
		}
		group = g
		r.Source = storage.Source{Kind: storage.SourceGroup, ID: strconv.FormatInt(g.ID, 10), Name: g.Name}
	}
	existing, err := ruleWords(req, req.Params[2:], r)
	if err != nil {
		return nil, err
	}
	if r.PathID != nil && r.DueDays != nil {
		return nil, model.UsageErr(l, msgRulePathDue, catalog.Vars{"Path": r.What, "Show": req.Slash("path show")})
	}
	// The source's members now: served with existing, else left alone.
	// A source the platform cannot list is refused before the rule exists.
	var people []int64
	switch {
	case group != nil:
		people, err = h.store.MemberIDs(ctx, req.Caller.WorkspaceID, group.ID)
	case r.Kind == storage.SourceEveryone:
		people, err = h.store.ActivePeopleIDs(ctx, req.Caller.WorkspaceID)
	default:
		people, err = h.platformMembers(ctx, req, *src.Group)
	}
	if err != nil {
		return nil, err
	}
	if err := h.store.CreateRule(ctx, r); err != nil {
		return nil, err
	}
	reply := bot.Say(l, msgRuleCreated, catalog.Vars{"ID": r.ID, "Rule": ruleText(l, r)})
	if !existing {
		// Those in the source now are left alone, by the reconciliation too.
		return reply, h.store.ExcludeFromRule(ctx, r, people)
	}
	n, err := h.store.ApplyRule(ctx, r, people)
	if err != nil {
		return nil, err
	}
	reply.Text += "\n" + l.Say(msgRuleAppliedNow, catalog.Vars{"Count": n})
	return reply, nil
}

// platformMembers lists a platform group's members as people, learners
// for those learnbot has not met.
func (h *Handlers) platformMembers(ctx context.Context, req *bot.Request, g bot.PlatformGroup) ([]int64, error) {
	if req.Directory == nil {
		return nil, model.Err(req.Lang, msgAssignUnlistable, catalog.Vars{"Group": g.Name})
	}
	var people []int64
	err := req.Directory.GroupMembers(ctx, g, func(page []model.User) error {
		ps, err := h.store.EnsurePeople(ctx, req.Caller.WorkspaceID, page)
		for _, p := range ps {
			people = append(people, p.ID)
		}
		return err
	})
	return people, err
}

// ruleWords reads "[every <n>d|w|m|y] [due <n>d|<n>w] [existing]" into r.
func ruleWords(req *bot.Request, args []bot.Arg, r *storage.Rule) (existing bool, err error) {
	l := req.Lang
	for i := 0; i < len(args); i++ {
		word := strings.ToLower(args[i].Text)
		switch {
		case word == "existing":
			existing = true
		case word == "every" && i+1 < len(args):
			i++
			v := strings.ToLower(args[i].Text)
			days, ok := period(v)
			if !ok {
				return false, model.UsageErr(l, msgRuleBadEvery, catalog.Vars{"Every": strconv.Quote(args[i].Text)})
			}
			r.EveryDays, r.EveryText = &days, v
		case word == dueKeyword && i+1 < len(args):
			i++
			n, err := calendar.ParseLead(args[i].Text)
			if err != nil || n == 0 {
				return false, model.UsageErr(l, msgPathBadDue, catalog.Vars{"Due": strconv.Quote(args[i].Text)})
			}
			r.DueDays = &n
		default:
			return false, model.UsageErr(l, msgRuleBadWord, catalog.Vars{"Word": strconv.Quote(args[i].Text)})
		}
	}
	return existing, nil
}

// period reads "<n>d", "<n>w", "<n>m" or "<n>y" as days.
func period(s string) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	unit, ok := periodUnits[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if !ok || err != nil || n <= 0 || n*unit > maxPeriod || s[0] == '+' {
		return 0, false
	}
	return n * unit, true
}

// ruleText says a rule in a line: "whoever joins cohort-7 gets git, every 1y, due 2 weeks later".
func ruleText(l catalog.Lang, r *storage.Rule) string {
	m := msgRuleTask
	if r.PathID != nil {
		m = msgRulePath
	}
	s := l.Say(m, catalog.Vars{"What": r.What, "Source": r.Name})
	if r.EveryDays != nil {
		s += l.Say(msgRuleEvery, catalog.Vars{"Every": r.EveryText})
	}
	if r.DueDays != nil {
		s += l.Say(msgRuleDue, catalog.Vars{"Count": *r.DueDays})
	}
	return s
}

func (h *Handlers) autoList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	rules, err := h.store.ListRules(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	l := req.Lang
	if len(rules) == 0 {
		return bot.Say(l, msgRuleNone, catalog.Vars{"Auto": req.Slash("auto")}), nil
	}
	r := bot.Say(l, msgRuleListHeading, nil)
	for i := range rules {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgRuleListItem, catalog.Vars{"ID": rules[i].ID, "Rule": ruleText(l, &rules[i]),
			"Count": rules[i].Applied, "Creator": rules[i].CreatorName})})
	}
	return r, nil
}

func (h *Handlers) autoRemove(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) != 1 {
		return nil, model.UsageErr(l, msgRuleRemoveMissing, nil)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(req.Params[0].Text, "#"), 10, 64)
	if err != nil || id <= 0 {
		return nil, model.UsageErr(l, msgRuleUnknown, catalog.Vars{"ID": strconv.Quote(req.Params[0].Text), "List": req.Slash("auto list")})
	}
	r, err := h.store.RemoveRule(ctx, req.Caller.WorkspaceID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(l, msgRuleUnknown, catalog.Vars{"ID": strconv.Quote(req.Params[0].Text), "List": req.Slash("auto list")})
	}
	if err != nil {
		return nil, err
	}
	return bot.Say(l, msgRuleRemoved, catalog.Vars{"ID": r.ID, "Rule": ruleText(l, r)}), nil
}

// applyGroupRules applies the rules that follow a learnbot group to people
// just added to it.
func (h *Handlers) applyGroupRules(ctx context.Context, wsID, groupID int64, people []int64) error {
	rules, err := h.store.RulesFor(ctx, wsID, storage.SourceGroup, strconv.FormatInt(groupID, 10))
	if err != nil {
		return err
	}
	for i := range rules {
		if _, err := h.store.ApplyRule(ctx, &rules[i], people); err != nil {
			return err
		}
	}
	return nil
}

// Joined applies the rules that follow a platform source to users who just
// joined it (bot.Joiner): the adapters call it from the platform's events.
// Users become learners as on first contact. Repeating it changes nothing.
func (h *Handlers) Joined(ctx context.Context, platform, workspace string, source bot.PlatformGroup, users []model.User) error {
	rules, err := h.store.RulesForPlatform(ctx, platform, workspace, source.Kind, source.ID)
	if err != nil || len(rules) == 0 || len(users) == 0 {
		return err
	}
	people, err := h.store.EnsurePeople(ctx, rules[0].WorkspaceID, users)
	if err != nil {
		return fmt.Errorf("handlers: joined: %w", err)
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	for i := range rules {
		if _, err := h.store.ApplyRule(ctx, &rules[i], ids); err != nil {
			return fmt.Errorf("handlers: joined: %w", err)
		}
	}
	return nil
}

// Reconcile applies every rule to its source's members as they are now,
// making good the events that were lost (learnbot down, Discord over HTTP
// only) and serving the periodic rules again when their period is over.
// Learnbot groups are read from the store; a platform source is listed
// through the directory the platform gives for its workspace
// (SetDirectory), at the platform's pace. It returns how many people
// were served.
func (h *Handlers) Reconcile(ctx context.Context) (int, error) {
	rules, err := h.store.ActiveRules(ctx)
	if err != nil {
		return 0, err
	}
	served := 0
	var errs []error
	for i := range rules {
		r := &rules[i]
		people, err := h.sourceMembers(ctx, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("rule %d: %w", r.ID, err))
			continue
		}
		n, err := h.store.ApplyRule(ctx, r, people)
		served += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return served, errors.Join(errs...)
}

// sourceMembers lists a rule's source as people; nil when the platform
// cannot be asked from here.
func (h *Handlers) sourceMembers(ctx context.Context, r *storage.Rule) ([]int64, error) {
	switch r.Kind {
	case storage.SourceGroup:
		id, err := strconv.ParseInt(r.Source.ID, 10, 64)
		if err != nil {
			return nil, err
		}
		return h.store.MemberIDs(ctx, r.WorkspaceID, id)
	case storage.SourceEveryone:
		// Nobody to make good: whoever talks to learnbot or is named in a
		// command joins the workspace through the platform's event, and
		// no platform lists a whole workspace here.
		return nil, nil
	}
	ws, err := h.store.WorkspaceByID(ctx, r.WorkspaceID)
	if err != nil {
		return nil, err
	}
	dir := h.directoryOf(ws.Platform, ws.ExternalID)
	if dir == nil {
		return nil, nil
	}
	var people []int64
	err = dir.GroupMembers(ctx, bot.PlatformGroup{Kind: r.Kind, ID: r.Source.ID, Name: r.Name}, func(page []model.User) error {
		ps, err := h.store.EnsurePeople(ctx, r.WorkspaceID, page)
		for _, p := range ps {
			people = append(people, p.ID)
		}
		return err
	})
	return people, err
}
