package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/calendar"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// actionPathDecision is the button of a path's duplicate prompt:
// "pathdecision:<choice>:<id>".
const actionPathDecision = "pathdecision"

// maxDay bounds a step's release day: ten years.
const maxDay = 3650

// pathByKey finds the path named, or nil when there is none (the name may
// be a task's: they share one namespace).
func (h *Handlers) pathByKey(ctx context.Context, req *bot.Request, key string) (*storage.Path, error) {
	p, err := h.store.PathByKey(ctx, req.Caller.WorkspaceID, strings.ToLower(key))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// taskOrPath resolves a key of the namespace tasks and paths share: the
// task, or else the path (asked second: most commands name tasks).
func (h *Handlers) taskOrPath(ctx context.Context, req *bot.Request, key string) (*storage.Task, *storage.Path, error) {
	t, err := h.store.TaskByKey(ctx, req.Caller.WorkspaceID, strings.ToLower(key))
	if err == nil || !errors.Is(err, storage.ErrNotFound) {
		return t, nil, err
	}
	p, err := h.pathByKey(ctx, req, key)
	if err != nil || p != nil {
		return nil, p, err
	}
	_, err = h.task(ctx, req, key) // the unknown task's reply
	return nil, nil, err
}

// path resolves a path name; an unknown one is a user error.
func (h *Handlers) path(ctx context.Context, req *bot.Request, key string) (*storage.Path, error) {
	p, err := h.pathByKey(ctx, req, key)
	if err == nil && p == nil {
		return nil, model.UsageErr(req.Lang, msgPathUnknown, catalog.Vars{"Path": strconv.Quote(key), "List": req.Slash("path list")})
	}
	return p, err
}

func (h *Handlers) pathCreate(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, model.UsageErr(req.Lang, msgPathCreateMissing, nil)
	}
	key := strings.ToLower(req.Params[0].Text)
	if err := checkName(req.Lang, msgPathBadName, key); err != nil {
		return nil, err
	}
	title, link, err := titleAndLink(req.Lang, req.Params[1:])
	if err != nil {
		return nil, err
	}
	if link != "" { // a path has no link of its own: the URL was part of the title
		title += " " + link
	}
	p := &storage.Path{WorkspaceID: req.Caller.WorkspaceID, Key: key, Title: title}
	err = h.store.CreatePath(ctx, p, req.Caller.PersonID)
	if errors.Is(err, storage.ErrTaken) {
		return nil, model.Err(req.Lang, msgPathTaken, catalog.Vars{"Key": key})
	}
	if err != nil {
		return nil, err
	}
	return bot.Say(req.Lang, msgPathCreated, catalog.Vars{"Key": key, "Title": title, "Add": req.Slash("path add") + " " + key}), nil
}

func (h *Handlers) pathAdd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, model.UsageErr(req.Lang, msgPathAddMissing, nil)
	}
	p, err := h.path(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	task, err := h.task(ctx, req, req.Params[1].Text)
	if err != nil {
		return nil, err
	}
	day, dueDays, err := stepWords(req, req.Params[2:])
	if err != nil {
		return nil, err
	}
	step, err := h.store.SetStep(ctx, req.Caller.WorkspaceID, p.ID, task.ID, day, dueDays, req.Caller.PersonID)
	if err != nil {
		return nil, err
	}
	r := bot.Say(req.Lang, msgPathStepSet, catalog.Vars{"Task": taskName(task.Title, task.Key), "Position": step.Position,
		"Path": p.Key, "Day": step.Day})
	if step.DueDays != nil {
		r.Text += " " + req.Lang.Say(msgPathStepDue, catalog.Vars{"Count": *step.DueDays})
	}
	return r, nil
}

// stepWords reads "[day <n>] [due <n>d|<n>w]" in any order; day -1 means
// "the previous step's day".
func stepWords(req *bot.Request, args []bot.Arg) (day int, dueDays *int, err error) {
	day = -1
	for i := 0; i < len(args); i += 2 {
		word := strings.ToLower(args[i].Text)
		if i+1 >= len(args) || (word != "day" && word != dueKeyword) {
			return 0, nil, model.UsageErr(req.Lang, msgPathBadWord, catalog.Vars{"Word": strconv.Quote(args[i].Text)})
		}
		value := args[i+1].Text
		if word == "day" {
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 || n > maxDay {
				return 0, nil, model.UsageErr(req.Lang, msgPathBadDay, catalog.Vars{"Day": strconv.Quote(value)})
			}
			day = n
			continue
		}
		n, err := calendar.ParseLead(value)
		if err != nil || value == "0" {
			return 0, nil, model.UsageErr(req.Lang, msgPathBadDue, catalog.Vars{"Due": strconv.Quote(value)})
		}
		dueDays = &n
	}
	return day, dueDays, nil
}

func (h *Handlers) pathRemove(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 2 {
		return nil, model.UsageErr(req.Lang, msgPathAddMissing, nil)
	}
	p, err := h.path(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	task, err := h.task(ctx, req, req.Params[1].Text)
	if err != nil {
		return nil, err
	}
	vars := catalog.Vars{"Task": taskName(task.Title, task.Key), "Path": p.Key}
	err = h.store.RemoveStep(ctx, req.Caller.WorkspaceID, p.ID, task.ID, req.Caller.PersonID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgPathNotStep, vars)
	}
	if err != nil {
		return nil, err
	}
	return bot.Say(req.Lang, msgPathStepRemoved, vars), nil
}

func (h *Handlers) pathShow(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, model.UsageErr(req.Lang, msgPathAddMissing, nil)
	}
	p, err := h.path(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	steps, err := h.store.PathSteps(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return bot.Say(req.Lang, msgPathNoSteps, catalog.Vars{"Path": p.Key, "Add": req.Slash("path add") + " " + p.Key}), nil
	}
	summary, err := h.pathSummary(ctx, req.Caller.WorkspaceID, p.ID)
	if err != nil {
		return nil, err
	}
	l := req.Lang
	r := bot.Say(l, msgPathShowHeading, catalog.Vars{"Path": p.Key + " (" + p.Title + ")", "Count": len(steps),
		"Enrolled": summary.Enrolled, "Finished": summary.Finished, "Behind": summary.Behind})
	for _, st := range steps {
		vars := catalog.Vars{"Day": st.Day, "Task": taskName(st.TaskTitle, st.TaskKey)}
		m := msgPathStepItem
		if st.DueDays != nil {
			m, vars["Count"] = msgPathStepItemDue, *st.DueDays
		}
		r.Items = append(r.Items, bot.Item{Text: l.Say(m, vars)})
	}
	return r, nil
}

// pathSummary is one path's line of ListPaths.
func (h *Handlers) pathSummary(ctx context.Context, wsID, pathID int64) (*storage.PathSummary, error) {
	all, err := h.store.ListPaths(ctx, wsID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == pathID {
			return &all[i], nil
		}
	}
	return &storage.PathSummary{}, nil
}

func (h *Handlers) pathList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	paths, err := h.store.ListPaths(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	l := req.Lang
	if len(paths) == 0 {
		return bot.Say(l, msgPathNone, catalog.Vars{"Create": req.Slash("path create")}), nil
	}
	r := bot.Say(l, msgPathListHeading, nil)
	for _, p := range paths {
		text := l.Say(msgPathListItem, catalog.Vars{"Path": p.Key + " (" + p.Title + ")", "Steps": p.Steps,
			"Enrolled": p.Enrolled, "Finished": p.Finished, "Behind": p.Behind})
		if p.Archived() {
			text += " " + l.Say(msgPathArchivedMark, nil)
		}
		r.Items = append(r.Items, bot.Item{Text: text})
	}
	return r, nil
}

func (h *Handlers) pathArchive(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.setPathArchived(ctx, req, true)
}

func (h *Handlers) pathRestore(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.setPathArchived(ctx, req, false)
}

func (h *Handlers) setPathArchived(ctx context.Context, req *bot.Request, archived bool) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, model.UsageErr(req.Lang, msgPathAddMissing, nil)
	}
	key := strings.ToLower(req.Params[0].Text)
	p, changed, err := h.store.SetPathArchived(ctx, req.Caller.WorkspaceID, key, archived, req.Caller.PersonID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.UsageErr(req.Lang, msgPathUnknown, catalog.Vars{"Path": strconv.Quote(key), "List": req.Slash("path list")})
	}
	if err != nil {
		return nil, err
	}
	m := map[[2]bool]*catalog.Message{
		{true, true}: msgPathArchived, {true, false}: msgPathAlreadyArchived,
		{false, true}: msgPathRestored, {false, false}: msgPathNotArchived,
	}[[2]bool{archived, changed}]
	return bot.Say(req.Lang, m, catalog.Vars{"Path": p.Key}), nil
}

// enrol is assign for a path: "assign <path> <target>... [start <when>]"
// (a "due <when>" is read as the start, which is what Discord's due option
// carries for a path).
func (h *Handlers) enrol(ctx context.Context, req *bot.Request, p *storage.Path) (*bot.Reply, error) {
	l := req.Lang
	if p.Archived() {
		return nil, model.Err(l, msgPathAssignArchived, catalog.Vars{"Path": p.Key, "Restore": req.Slash("path restore")})
	}
	named, start, err := h.splitStart(req, req.Params[1:])
	if err != nil {
		return nil, err
	}
	if len(named) == 0 {
		return nil, model.UsageErr(l, msgAssignMissing, nil)
	}
	t, err := h.targets(ctx, req, named)
	if err != nil {
		return nil, err
	}
	res, err := h.store.Enrol(ctx, storage.EnrolParams{WorkspaceID: req.Caller.WorkspaceID, PathID: p.ID, GuideID: req.Caller.PersonID,
		PersonIDs: t.people, Users: t.users, GroupIDs: t.groupIDs(), TargetSet: t.set, DecisionTTL: h.cfg.DecisionTTL, Start: start})
	if errors.Is(err, storage.ErrArchived) {
		return nil, model.Err(l, msgPathAssignArchived, catalog.Vars{"Path": p.Key, "Restore": req.Slash("path restore")})
	}
	if err != nil {
		return nil, err
	}
	if res.Targets == 0 {
		return nil, model.Err(l, msgPathEmptyTargets, catalog.Vars{"Path": p.Key})
	}
	if res.DecisionID != "" {
		return h.pathPrompt(l, p, res, len(t.groups) > 0), nil
	}
	r := bot.Say(l, msgPathEnrolled, catalog.Vars{"Path": p.Key, "Count": res.Enrolled, "Names": nameList(l, res.Names, res.Enrolled)})
	r.Text += "\n" + l.Say(msgPathStart, catalog.Vars{"Day": calendar.DayOf(l, start, h.callerToday(req))})
	if res.Released > 0 {
		r.Text += " " + l.Say(msgPathReleasedNow, catalog.Vars{"Count": res.Released})
	}
	return r, nil
}

// splitStart takes "start <when>" (or "due <when>") off the end of the
// targets; no word means today in the guide's time zone.
func (h *Handlers) splitStart(req *bot.Request, args []bot.Arg) ([]bot.Arg, calendar.Date, error) {
	today := h.callerToday(req)
	n := len(args)
	if n < 2 {
		return args, today, nil
	}
	kw := args[n-2]
	if kw.User != nil || kw.Group != nil || !strings.EqualFold(kw.Text, "start") && !strings.EqualFold(kw.Text, dueKeyword) {
		return args, today, nil
	}
	d, err := h.parseWhen(req, args[n-1])
	return args[:n-2], d, err
}

// pathPrompt asks what to do when some targets are enrolled already, with
// the buttons and labels of a task's prompt.
func (h *Handlers) pathPrompt(l catalog.Lang, p *storage.Path, res *storage.EnrolResult, groups bool) *bot.Reply {
	var b strings.Builder
	b.WriteString(l.Say(msgPathPromptHeld, catalog.Vars{"Path": p.Key, "Count": res.Holders,
		"Targets": count(l, msgTargets, res.Targets), "Names": nameList(l, res.Names, res.Holders)}))
	b.WriteString("\n" + l.Say(msgPathPromptWait, nil))
	if res.New > 0 {
		b.WriteString(" " + l.Say(msgPathPromptOnlyNew, catalog.Vars{"Count": res.New}))
	}
	b.WriteString(" " + l.Say(msgPathPromptForce, nil))
	return &bot.Reply{Text: b.String(), Buttons: promptButtons(l, actionPathDecision, res.DecisionID, res.New > 0, groups)}
}

// decidePath handles a press on a path's prompt.
func (h *Handlers) decidePath(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	choice, id, _ := strings.Cut(req.Action.Value(), ":")
	if _, ok := choiceLabels[choice]; !ok || id == "" {
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	if choice == choiceShowGroups {
		d, groups, err := h.store.PathDecisionGroups(ctx, req.Caller.WorkspaceID, id, groupListLimit)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, model.Err(req.Lang, msgDecisionMissing, nil)
		}
		if err != nil {
			return nil, err
		}
		if d.GuideID != req.Caller.PersonID {
			return nil, model.Err(req.Lang, msgGroupsNotYours, catalog.Vars{"Guide": d.GuideName})
		}
		return groupsReply(req.Lang, d.PathKey, groups, d.Resolution == nil), nil
	}
	res, err := h.store.ResolvePathDecision(ctx, storage.ResolveParams{WorkspaceID: req.Caller.WorkspaceID, DecisionID: id,
		PersonID: req.Caller.PersonID, Resolution: choice})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgDecisionMissing, nil)
	}
	var refused *storage.PathDecisionError
	if errors.As(err, &refused) {
		d := refused.Decision
		if errors.Is(err, storage.ErrArchived) {
			return nil, model.Err(req.Lang, msgPathAssignArchived, catalog.Vars{"Path": d.PathKey, "Restore": req.Slash("path restore")})
		}
		if uerr := refusal(req, err, d.GuideName, d.Resolution, d.ResolverName, d.ExpiresAt); uerr != nil {
			return nil, uerr
		}
	}
	if err != nil {
		return nil, err
	}
	l := req.Lang
	vars := catalog.Vars{"Path": res.Decision.PathKey, "Count": res.Enrolled, "Names": nameList(l, res.Names, res.Enrolled)}
	m := map[string]*catalog.Message{
		storage.ResolutionDoNotAssign: msgPathDecidedNone,
		storage.ResolutionOnlyNew:     msgPathDecidedOnlyNew,
		storage.ResolutionForce:       msgPathDecidedForce,
	}[choice]
	if choice == storage.ResolutionOnlyNew && res.Enrolled == 0 {
		m = msgPathDecidedNoneNew
	}
	r := bot.Say(l, m, vars)
	r.Replace = true
	return r, nil
}

// endEnrolments is unassign for a path.
func (h *Handlers) endEnrolments(ctx context.Context, req *bot.Request, p *storage.Path) (*bot.Reply, error) {
	l := req.Lang
	t, err := h.targets(ctx, req, req.Params[1:])
	if err != nil {
		return nil, err
	}
	res, err := h.store.EndEnrolments(ctx, storage.EndEnrolmentsParams{WorkspaceID: req.Caller.WorkspaceID, PathID: p.ID,
		GuideID: req.Caller.PersonID, PersonIDs: t.people, Users: t.users, GroupIDs: t.groupIDs(), TargetSet: t.set})
	if err != nil {
		return nil, err
	}
	if res.Ended == 0 {
		return nil, model.Err(l, msgPathNoneEnded, catalog.Vars{"Path": p.Key})
	}
	r := bot.Say(l, msgPathEnded, catalog.Vars{"Path": p.Key, "Count": res.Ended, "Names": nameList(l, res.Names, res.Ended)})
	if res.Missing > 0 {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgPathNotEnrolled, catalog.Vars{"Count": res.Missing,
			"Names": nameList(l, res.MissingNames, res.Missing)})})
	}
	return r, nil
}

// pathProgress is progress for a path: per person, steps released, done
// and overdue, and the next step with its day.
func (h *Handlers) pathProgress(ctx context.Context, req *bot.Request, p *storage.Path) (*bot.Reply, error) {
	rows, err := h.store.PathProgress(ctx, req.Caller.WorkspaceID, p.ID)
	if err != nil {
		return nil, err
	}
	l := req.Lang
	if len(rows) == 0 {
		return bot.Say(l, msgPathProgressNone, catalog.Vars{"Path": p.Key}), nil
	}
	today := h.callerToday(req)
	r := bot.Say(l, msgPathProgressHeading, catalog.Vars{"Path": p.Key + " (" + p.Title + ")", "Count": len(rows)})
	for _, e := range rows {
		text := l.Say(msgPathProgressItem, catalog.Vars{"Person": e.PersonName, "Done": e.Done, "Released": e.Released, "Overdue": e.Overdue})
		switch {
		case e.Finished():
			text += "; " + l.Say(msgPathProgressFinished, nil)
		case e.NextKey != nil && e.NextDate != nil:
			text += "; " + l.Say(msgPathProgressNext, catalog.Vars{"Task": taskName(deref(e.NextTitle), *e.NextKey),
				"Day": calendar.DayOf(l, *e.NextDate, today)})
		}
		r.Items = append(r.Items, bot.Item{Text: text})
	}
	return r, nil
}

// nextSteps adds to a learner's task list the next step of each path they
// are on: "Next in onboarding: SQL basics, Monday, December 8".
func (h *Handlers) nextSteps(ctx context.Context, l catalog.Lang, r *bot.Reply, wsID, personID int64, today calendar.Date) error {
	next, err := h.store.NextSteps(ctx, wsID, personID)
	if err != nil {
		return err
	}
	for _, n := range next {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgPathNext, catalog.Vars{"Path": n.PathKey,
			"Task": taskName(n.TaskTitle, n.TaskKey), "Day": calendar.DayOf(l, n.Date, today)})})
	}
	return nil
}
