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

// Digests, nudges and escalation (DESIGN section 3c): the commands, the
// Nudge overdue button, and the DMs the queue delivers.

// actionNudge is the Nudge overdue button of a digest:
// "nudge:<task id>:<recipient person id>".
const actionNudge = "nudge"

// escalationItems bounds the assignments an escalation DM lists.
const escalationItems = 50

var (
	msgCmdDigest          = catalog.Msg("handlers.command.digest")
	msgOptHow             = catalog.Msg("handlers.option.how")
	msgCmdNudge           = catalog.Msg("handlers.command.nudge")
	msgOptNudgeWhat       = catalog.Msg("handlers.option.nudge_what")
	msgDigestArgs         = catalog.Msg("handlers.digest.args")
	msgDigestIsDaily      = catalog.Msg("handlers.digest.is_daily")
	msgDigestIsWeekly     = catalog.Msg("handlers.digest.is_weekly")
	msgDigestIsOff        = catalog.Msg("handlers.digest.is_off")
	msgDigestQueued       = catalog.Msg("handlers.digest.queued")
	msgDigestNothing      = catalog.Msg("handlers.digest.nothing")
	msgDigestHeading      = catalog.Msg("handlers.digest.heading")
	msgDigestOverdueNames = catalog.Msg("handlers.digest.overdue_names")
	msgNudgeOverdue       = catalog.Msg("handlers.digest.nudge_overdue")
	msgNudgeArgs          = catalog.Msg("handlers.nudge.args")
	msgNudgeNone          = catalog.Msg("handlers.nudge.none")
	msgNudgeDone          = catalog.Msg("handlers.nudge.done")
	msgNudgeNotYours      = catalog.Msg("handlers.nudge.not_yours")
	msgNudgeGone          = catalog.Msg("handlers.nudge.gone")
	msgReminderNudge      = catalog.Msg("handlers.reminder.nudge")
	msgEscalationHeading  = catalog.Msg("handlers.escalation.heading")
	msgEscalationItem     = catalog.Msg("handlers.escalation.item")
	msgEscalationMore     = catalog.Msg("handlers.escalation.more")
)

// digestChoices are digest's arguments.
var digestChoices = []string{storage.DigestDaily, storage.DigestWeekly, storage.DigestOff, "now"}

// digest shows or sets how often the caller gets their digest, or sends it
// now.
func (h *Handlers) digest(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) > 1 {
		return nil, model.UsageErr(l, msgDigestArgs, nil)
	}
	if len(req.Params) == 0 {
		freq, err := h.store.DigestSetting(ctx, req.Caller.WorkspaceID, req.Caller.PersonID)
		if err != nil {
			return nil, err
		}
		return digestSetting(l, freq), nil
	}
	switch arg := strings.ToLower(req.Params[0].Text); arg {
	case "now":
		queued, err := h.store.QueueDigestNow(ctx, req.Caller.WorkspaceID, req.Caller.PersonID)
		if err != nil {
			return nil, err
		}
		if !queued {
			return bot.Say(l, msgDigestNothing, nil), nil
		}
		return bot.Say(l, msgDigestQueued, nil), nil
	case storage.DigestDaily, storage.DigestWeekly, storage.DigestOff:
		if err := h.store.SetDigest(ctx, req.Caller.WorkspaceID, req.Caller.PersonID, arg); err != nil {
			return nil, err
		}
		return digestSetting(l, arg), nil
	}
	return nil, model.UsageErr(l, msgDigestArgs, nil)
}

// digestSetting says how often the digest goes out.
func digestSetting(l catalog.Lang, freq string) *bot.Reply {
	switch freq {
	case storage.DigestDaily:
		return bot.Say(l, msgDigestIsDaily, nil)
	case storage.DigestOff:
		return bot.Say(l, msgDigestIsOff, nil)
	}
	return bot.Say(l, msgDigestIsWeekly, nil)
}

// nudge reminds the overdue learners of a task now; any guide may nudge
// any task.
func (h *Handlers) nudge(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, model.UsageErr(req.Lang, msgNudgeArgs, nil)
	}
	t, p, err := h.taskOrPath(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	if p != nil {
		res, err := h.store.NudgePath(ctx, req.Caller.WorkspaceID, p.ID)
		return h.nudged(req, res, err)
	}
	return h.nudgeTask(ctx, req, t.ID)
}

// nudgeButton is a digest's Nudge overdue: only the digest's recipient may
// press it.
func (h *Handlers) nudgeButton(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	task, recipient, ok := strings.Cut(req.Action.Value(), ":")
	taskID, err1 := strconv.ParseInt(task, 10, 64)
	personID, err2 := strconv.ParseInt(recipient, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, model.Err(req.Lang, msgNotOurs, nil)
	}
	if personID != req.Caller.PersonID {
		return nil, model.Err(req.Lang, msgNudgeNotYours, nil)
	}
	return h.nudgeTask(ctx, req, taskID)
}

// nudgeTask nudges a task's overdue learners and counts what it did.
func (h *Handlers) nudgeTask(ctx context.Context, req *bot.Request, taskID int64) (*bot.Reply, error) {
	res, err := h.store.Nudge(ctx, req.Caller.WorkspaceID, taskID)
	return h.nudged(req, res, err)
}

// nudged says what a nudge of a task or path did.
func (h *Handlers) nudged(req *bot.Request, res *storage.NudgeResult, err error) (*bot.Reply, error) {
	if errors.Is(err, storage.ErrNotFound) {
		return nil, model.Err(req.Lang, msgNudgeGone, nil)
	}
	if err != nil {
		return nil, err
	}
	name := taskName(res.TaskTitle, res.TaskKey)
	if res.Overdue == 0 {
		return bot.Say(req.Lang, msgNudgeNone, catalog.Vars{"Task": name}), nil
	}
	return bot.Say(req.Lang, msgNudgeDone, catalog.Vars{"Task": name, "Sent": res.Sent, "Skipped": res.Overdue - res.Sent}), nil
}

// DigestDM is a guide's digest (the queue delivers it), in their language:
// per task with open assignments they made, its figures, the overdue by
// name and a Nudge overdue button; per path they enrolled people in, how
// many are on it, finished and behind; the report link at the end.
func (h *Handlers) DigestDM(ctx context.Context, d *storage.Digest) (bot.Message, error) {
	l := d.Lang.Or(h.cfg.Language)
	r := bot.Reply{Text: l.Say(msgDigestHeading, catalog.Vars{"Count": len(d.Tasks)}), Lang: l}
	for _, t := range d.Tasks {
		item := bot.Item{Text: taskName(t.TaskTitle, t.TaskKey), Fields: []bot.Field{
			{Label: l.Say(msgReportHolders, nil), Value: strconv.Itoa(t.Holders)},
			{Label: l.Say(msgStateDone, nil), Value: strconv.Itoa(t.Done)},
			{Label: l.Say(msgStateOpen, nil), Value: strconv.Itoa(t.Open)},
			{Label: l.Say(msgReportOverdue, nil), Value: strconv.Itoa(t.Overdue)},
		}}
		if t.Overdue > 0 {
			item.Fields = append(item.Fields, bot.Field{Value: l.Say(msgDigestOverdueNames,
				catalog.Vars{"Names": nameList(l, t.OverdueNames, t.Overdue)})})
			item.Buttons = []bot.Button{{Label: l.Say(msgNudgeOverdue, nil),
				ID: actionNudge + ":" + strconv.FormatInt(t.TaskID, 10) + ":" + strconv.FormatInt(d.PersonID, 10)}}
		}
		r.Items = append(r.Items, item)
	}
	for _, p := range d.Paths {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgReportPath, catalog.Vars{"Path": p.PathKey + " (" + p.PathTitle + ")",
			"Enrolled": p.Enrolled, "Finished": p.Finished, "Behind": p.Behind})})
	}
	link, err := h.reportLink(ctx, l, d.WorkspaceID, 0, d.PersonID)
	if err != nil {
		return bot.Message{}, err
	}
	r.Footer = link
	return bot.Message{Platform: d.Platform, Workspace: d.Workspace, To: recipientUser(d.Recipient), Reply: r}, nil
}

// EscalationDM tells a guide, in their language, of the assignments they
// made that crossed LEARNBOT_ESCALATE_AFTER today.
func (h *Handlers) EscalationDM(ctx context.Context, e *storage.Escalation) (bot.Message, error) {
	l := e.Lang.Or(h.cfg.Language)
	days := h.store.ReminderPolicy().EscalateAfter
	today := calendar.Today(h.store.Now(), calendar.Location(e.TimeZone, h.store.ReminderPolicy().Zone))
	r := bot.Reply{Text: l.Say(msgEscalationHeading, catalog.Vars{"Count": len(e.Items), "Days": days}), Lang: l}
	for _, a := range e.Items[:min(len(e.Items), escalationItems)] {
		r.Items = append(r.Items, bot.Item{Text: l.Say(msgEscalationItem, catalog.Vars{"Person": a.PersonName,
			"Task": taskName(a.TaskTitle, a.TaskKey), "Day": calendar.DayOf(l, a.Due, today)})})
	}
	if more := len(e.Items) - escalationItems; more > 0 {
		r.Footer = l.Say(msgEscalationMore, catalog.Vars{"Count": more})
	}
	return bot.Message{Platform: e.Platform, Workspace: e.Workspace, To: recipientUser(e.Recipient), Reply: r}, nil
}

// recipientUser is the chat user a DM to r goes to.
func recipientUser(r storage.Recipient) model.User {
	u := model.User{Name: r.Name}
	if r.ChatID != nil {
		u.ID = *r.ChatID
	}
	return u
}
