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

func (h *Handlers) assign(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, model.UsageErr(req.Lang, msgAssignMissing, nil)
	}
	task, p, err := h.taskOrPath(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	if p != nil {
		return h.enrol(ctx, req, p)
	}
	if task.Archived() {
		return nil, archivedErr(req, task.Key)
	}
	named, due, err := h.splitDue(req, req.Params[1:])
	if err != nil {
		return nil, err
	}
	if len(named) == 0 {
		return nil, model.UsageErr(req.Lang, msgAssignMissing, nil)
	}
	t, err := h.targets(ctx, req, named)
	if err != nil {
		return nil, err
	}
	res, err := h.store.Assign(ctx, storage.AssignParams{WorkspaceID: req.Caller.WorkspaceID, TaskID: task.ID,
		GuideID: req.Caller.PersonID, PersonIDs: t.people, Users: t.users, GroupIDs: t.groupIDs(), TargetSet: t.set, DecisionTTL: h.cfg.DecisionTTL, Due: due})
	if errors.Is(err, storage.ErrArchived) { // archived a moment ago
		return nil, archivedErr(req, task.Key)
	}
	if err != nil {
		return nil, err
	}
	if res.Targets == 0 {
		return nil, model.Err(req.Lang, msgAssignEmptyGroups, catalog.Vars{"Task": task.Key})
	}
	var r *bot.Reply
	if res.Decision == nil {
		m := msgAssigned
		if res.NotOnChat == res.Assigned {
			m = msgAssignedNotOnChat
		}
		r = bot.Say(req.Lang, m, catalog.Vars{"Task": taskName(task.Title, task.Key), "Count": res.Assigned,
			"Names": nameList(req.Lang, res.Names, res.Assigned), "Tasks": req.Slash("tasks")})
		if res.NotOnChat > 0 && res.NotOnChat < res.Assigned {
			r.Text += " " + notOnChat(req, res.NotOnChat)
		}
	} else {
		r = h.prompt(req.Lang, task, res, len(t.groups) > 0)
	}
	if !due.IsZero() {
		m := msgAssignDue
		if res.Decision != nil {
			m = msgPromptDue
		}
		r.Text += "\n" + req.Lang.Say(m, catalog.Vars{"Day": calendar.DayOf(req.Lang, due, h.callerToday(req))})
	}
	return r, nil
}

// notOnChat says that n of the people assigned get no DM before they join.
func notOnChat(req *bot.Request, n int) string {
	return req.Lang.Say(msgSomeNotOnChat, catalog.Vars{"Count": n, "Tasks": req.Slash("tasks")})
}

// archivedErr refuses to assign an archived task and says how to restore it.
func archivedErr(req *bot.Request, key string) error {
	return model.Err(req.Lang, msgAssignArchived, catalog.Vars{"Key": key, "Restore": req.Slash("task restore")})
}

// targetList is what a command's targets resolve to.
type targetList struct {
	people []int64      // people named by email
	users  []model.User // mentioned chat users
	groups []*storage.Group
	// set names the members of platform groups, staged in storage page by
	// page; "" when no platform group was named.
	set string
}

func (t *targetList) groupIDs() []int64 {
	ids := make([]int64, len(t.groups))
	for i, g := range t.groups {
		ids[i] = g.ID
	}
	return ids
}

// targets resolves assignment targets: emails of known people, group names,
// and chat users (mentions, members of platform groups). Everything typed is
// checked before anything is written. Platform groups are listed last, and
// each page of members goes straight into a target set in storage, so that a
// group of 100,000 is never held here; the command's transaction then works
// on the set as a whole (who is new, who holds the task).
func (h *Handlers) targets(ctx context.Context, req *bot.Request, args []bot.Arg) (*targetList, error) {
	var t targetList
	var platform []bot.PlatformGroup
	expanded := map[bot.PlatformGroup]bool{}
	for _, a := range args {
		switch {
		case a.User != nil:
			t.users = append(t.users, *a.User)
		case a.Group != nil:
			// A role or user group named twice is one target: list its
			// members (a walk through the whole guild on Discord) once.
			key := bot.PlatformGroup{Kind: a.Group.Kind, ID: a.Group.ID}
			if expanded[key] {
				continue
			}
			expanded[key] = true
			if req.Directory == nil {
				return nil, model.Err(req.Lang, msgAssignUnlistable, catalog.Vars{"Group": a.Text})
			}
			platform = append(platform, *a.Group)
		case looksLikeEmail(a.Text):
			p, err := h.person(ctx, req, a)
			if err != nil {
				return nil, err
			}
			t.people = append(t.people, p.ID)
		case strings.HasPrefix(a.Text, "@"):
			return nil, model.UsageErr(req.Lang, msgAssignUnknownUser, catalog.Vars{"User": a.Text})
		default:
			g, err := h.store.GroupByName(ctx, req.Caller.WorkspaceID, strings.ToLower(a.Text))
			if errors.Is(err, storage.ErrNotFound) {
				return nil, model.UsageErr(req.Lang, msgAssignNotTarget, catalog.Vars{"Arg": strconv.Quote(a.Text), "List": req.Slash("group list")})
			}
			if err != nil {
				return nil, err
			}
			t.groups = append(t.groups, g)
		}
	}
	if len(platform) == 0 {
		return &t, nil
	}
	set, err := h.store.NewTargetSet(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	for _, g := range platform {
		err := req.Directory.GroupMembers(ctx, g, func(page []model.User) error {
			return h.store.StageMembers(ctx, set, page)
		})
		if err != nil {
			return nil, err
		}
	}
	t.set = set
	return &t, nil
}

// tasksLimit bounds the assignments /tasks lists (newest first).
const tasksLimit = 30

// tasks is the learner's own list: "my tasks".
func (h *Handlers) tasks(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return h.tasksOf(ctx, req.Lang, req.Caller.WorkspaceID, req.Caller.PersonID, req.Caller.TimeZone)
}

// Home is a person's own page (Slack's App Home tab): their tasks, as the
// tasks command lists them. It only reads: a chat user learnbot has not met
// has no tasks yet, and stays unknown.
func (h *Handlers) Home(ctx context.Context, platform, workspace string, user model.User) (*bot.Reply, error) {
	p, err := h.store.PersonByChat(ctx, platform, workspace, user.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return bot.Say(user.Lang.Or(h.cfg.Language), msgNoTasks, nil), nil
	}
	if err != nil {
		return nil, fmt.Errorf("handlers: home: %w", err)
	}
	return h.tasksOf(ctx, p.Lang(user.Lang.Or(h.cfg.Language)), p.WorkspaceID, p.ID, p.TimeZone)
}

// tasksOf lists a person's assignments, newest first, each with a Mark done
// button while open, then the next step of each path they are on.
func (h *Handlers) tasksOf(ctx context.Context, l catalog.Lang, wsID, personID int64, zone string) (*bot.Reply, error) {
	list, total, err := h.store.AssignmentsOf(ctx, wsID, personID, tasksLimit)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		r := bot.Say(l, msgNoTasks, nil)
		return r, h.nextSteps(ctx, l, r, wsID, personID, h.personToday(zone))
	}
	open := 0
	for _, a := range list {
		if a.State == storage.AssignmentOpen {
			open++
		}
	}
	r := bot.Say(l, msgTasksHeading, catalog.Vars{"Open": open, "Count": len(list)})
	r.Items = make([]bot.Item, 0, len(list))
	// The rows' fields and buttons share two arrays rather than two small
	// ones per row: a list is up to tasksLimit rows.
	fields := make([]bot.Field, 0, 4*len(list))
	buttons := make([]bot.Button, 0, open)
	from := l.Say(msgFrom, nil)
	for _, a := range list {
		mark := "[ ]"
		if a.State == storage.AssignmentDone {
			mark = "[x]"
		}
		fields = append(fields, bot.Field{Label: from, Value: a.AssignedByName}, bot.Field{Value: l.Date(a.CreatedAt)},
			bot.Field{Value: l.Say(stateWords[a.State], nil)})
		if a.State == storage.AssignmentOpen && !a.DueDate.IsZero() {
			fields = append(fields, bot.Field{Value: calendar.Describe(l, a.DueDate, h.personToday(a.PersonZone))})
		}
		it := bot.Item{Text: mark + " " + taskName(a.TaskTitle, a.TaskKey), Link: a.TaskURL, Fields: fields[:len(fields):len(fields)]}
		fields = fields[len(fields):]
		if a.State == storage.AssignmentOpen {
			buttons = append(buttons, markDoneButton(l.Say(msgMarkDoneKey, catalog.Vars{"Key": a.TaskKey}), a.ID))
			it.Buttons = buttons[:len(buttons):len(buttons)]
			buttons = buttons[len(buttons):]
		}
		r.Items = append(r.Items, it)
	}
	if more := total - len(list); more > 0 {
		r.Footer = l.Say(msgTasksOlder, catalog.Vars{"Count": more})
	}
	// The next steps of paths cost a query: asked when a step is listed
	// (or nothing is). Someone whose path has released nothing yet, beside
	// other tasks, sees its first step when it comes.
	for _, a := range list {
		if a.EnrolmentID != 0 {
			return r, h.nextSteps(ctx, l, r, wsID, personID, h.personToday(zone))
		}
	}
	return r, nil
}

// stateWords name an assignment's state.
var stateWords = map[string]*catalog.Message{
	storage.AssignmentOpen: msgStateOpen,
	storage.AssignmentDone: msgStateDone,
}

// markDoneButton marks one assignment done ("done:<assignment id>").
func markDoneButton(label string, assignmentID int64) bot.Button {
	return bot.Button{Label: label, ID: actionDone + ":" + strconv.FormatInt(assignmentID, 10), Style: bot.StylePrimary}
}

// AssignmentDM is the DM that tells a learner about an assignment (the queue
// delivers it): the task, its link, who assigned it, a Mark done button; in
// the learner's language, whoever assigned it.
func (h *Handlers) AssignmentDM(ctx context.Context, a *storage.AssignmentView) (bot.Message, error) {
	l := a.PersonLang.Or(h.cfg.Language)
	var b strings.Builder
	b.WriteString(l.Say(msgDMNewTask, catalog.Vars{"Guide": a.AssignedByName, "Task": taskName(a.TaskTitle, a.TaskKey)}))
	if a.TaskURL != "" {
		b.WriteString("\n" + a.TaskURL)
	}
	if a.GroupName != nil {
		b.WriteString("\n" + l.Say(msgDMGroup, catalog.Vars{"Group": *a.GroupName}))
	}
	if !a.DueDate.IsZero() {
		// The reminder before a date this close is not sent (storage's
		// armReminders): this DM says when it is due.
		today := calendar.Today(h.store.Now(), calendar.Location(a.PersonZone, h.store.ReminderPolicy().Zone))
		b.WriteString("\n" + l.Say(msgDMDue, catalog.Vars{"Due": calendar.Describe(l, a.DueDate, today)}))
	}
	to := model.User{Name: a.PersonName}
	if a.ChatID != nil {
		to.ID = *a.ChatID
	}
	return bot.Message{Platform: a.Platform, Workspace: a.Workspace, To: to,
		Reply: bot.Reply{Text: b.String(), Lang: l, Buttons: []bot.Button{markDoneButton(l.Say(msgMarkDone, nil), a.ID)}}}, nil
}

// markDone handles "done:<assignment id>" from a DM or /tasks.
func (h *Handlers) markDone(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	a, err := h.store.MarkDone(ctx, req.Caller.WorkspaceID, id, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, model.Err(req.Lang, msgMarkDoneGone, nil)
	case errors.Is(err, storage.ErrNotYours):
		return nil, model.Err(req.Lang, msgMarkDoneNotYours, nil)
	case errors.Is(err, storage.ErrDone):
		return bot.Say(req.Lang, msgMarkDoneAlready, catalog.Vars{"Task": taskName(a.TaskTitle, a.TaskKey)}), nil
	case err != nil:
		return nil, err
	}
	r := bot.Say(req.Lang, msgMarkedDone, catalog.Vars{"Task": taskName(a.TaskTitle, a.TaskKey)})
	r.Replace = true
	r.Buttons = []bot.Button{{Label: req.Lang.Say(msgUndo, nil), ID: actionUndo + ":" + strconv.FormatInt(a.ID, 10)}}
	return r, nil
}

// undo handles "undo:<assignment id>", the button on the outcome of Mark
// done: the learner's assignment is open again, with its Mark done button.
func (h *Handlers) undo(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	a, err := h.store.Reopen(ctx, req.Caller.WorkspaceID, id, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, model.Err(req.Lang, msgMarkDoneGone, nil)
	case errors.Is(err, storage.ErrNotYours):
		return nil, model.Err(req.Lang, msgUndoNotYours, nil)
	case errors.Is(err, storage.ErrNotDone):
		return nil, model.Err(req.Lang, msgUndoNotDone, catalog.Vars{"Task": taskName(a.TaskTitle, a.TaskKey)})
	case err != nil:
		return nil, err
	}
	r := bot.Say(req.Lang, msgReopened, catalog.Vars{"Task": taskName(a.TaskTitle, a.TaskKey)})
	r.Replace = true
	r.Buttons = []bot.Button{markDoneButton(req.Lang.Say(msgMarkDone, nil), a.ID)}
	return r, nil
}

func (h *Handlers) progress(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, model.UsageErr(req.Lang, msgProgressMissing, nil)
	}
	task, p, err := h.taskOrPath(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	if p != nil {
		return h.pathProgress(ctx, req, p)
	}
	rows, err := h.store.Progress(ctx, req.Caller.WorkspaceID, task.ID)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return bot.Say(req.Lang, msgProgressNobody, catalog.Vars{"Task": taskName(task.Title, task.Key)}), nil
	}
	var done, open, overdue []string
	for _, r := range rows {
		name := r.Name
		if r.Count > 1 {
			name += " " + req.Lang.Say(msgProgressTimes, catalog.Vars{"Count": r.Count})
		}
		if r.State == storage.AssignmentOpen && !r.Due.IsZero() {
			today := h.personToday(r.Zone)
			name += " (" + calendar.Describe(req.Lang, r.Due, today) + ")"
			if r.Due.Before(today) {
				overdue = append(overdue, r.Name)
			}
		}
		switch {
		case r.DMError != nil && r.DMRetrying:
			name += " " + req.Lang.Say(msgProgressDMRetrying, catalog.Vars{"Reason": model.ReasonText(req.Lang, *r.DMError)})
		case r.DMError != nil:
			name += " " + req.Lang.Say(msgProgressDMFailed, catalog.Vars{"Reason": model.ReasonText(req.Lang, *r.DMError)})
		}
		if r.State == storage.AssignmentDone {
			done = append(done, name)
		} else {
			open = append(open, name)
		}
	}
	r := bot.Say(req.Lang, msgProgressSummary, catalog.Vars{"Task": taskName(task.Title, task.Key), "Count": len(rows),
		"Done": len(done), "Open": len(open)})
	if len(done) > 0 {
		r.Items = append(r.Items, bot.Item{Text: req.Lang.Say(msgProgressDone, catalog.Vars{"Names": strings.Join(done, ", ")})})
	}
	if len(open) > 0 {
		r.Items = append(r.Items, bot.Item{Text: req.Lang.Say(msgProgressNotYet, catalog.Vars{"Names": strings.Join(open, ", ")})})
	}
	if len(overdue) > 0 {
		r.Items = append(r.Items, bot.Item{Text: req.Lang.Say(msgProgressOverdue, catalog.Vars{"Count": len(overdue),
			"Names": strings.Join(overdue, ", ")})})
	}
	return r, nil
}

// unassign takes a task back from its targets: their open assignments
// become removed (groups expand). The learners get no DM; their App Home is
// refreshed.
func (h *Handlers) unassign(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) < 2 {
		return nil, model.UsageErr(l, msgAssignMissing, nil)
	}
	task, p, err := h.taskOrPath(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	if p != nil {
		return h.endEnrolments(ctx, req, p)
	}
	t, err := h.targets(ctx, req, req.Params[1:])
	if err != nil {
		return nil, err
	}
	res, err := h.store.Unassign(ctx, storage.UnassignParams{WorkspaceID: req.Caller.WorkspaceID, TaskID: task.ID,
		GuideID: req.Caller.PersonID, PersonIDs: t.people, Users: t.users, GroupIDs: t.groupIDs(), TargetSet: t.set})
	if err != nil {
		return nil, err
	}
	if res.Removed == 0 && res.Missing == 0 {
		return nil, model.Err(l, msgUnassignEmpty, catalog.Vars{"Task": task.Key})
	}
	r := &bot.Reply{Homes: res.Learners}
	if res.Removed > 0 {
		r.Text = l.Say(msgUnassigned, catalog.Vars{"Task": taskName(task.Title, task.Key), "Count": res.Removed,
			"Names": nameList(l, res.Names, res.Removed)})
	} else {
		r.Text = l.Say(msgUnassignedNone, catalog.Vars{"Task": taskName(task.Title, task.Key)})
	}
	if res.Missing > 0 {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgUnassignHadNone, catalog.Vars{"Count": res.Missing,
			"Names": nameList(l, res.MissingNames, res.Missing)})})
	}
	return r, nil
}
