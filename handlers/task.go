package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

// tasksLimit bounds the assignments /tasks lists (newest first).
const tasksLimit = 30

func (h *Handlers) taskAdd(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) < 2 {
		return nil, bot.UsageErrorf("Give the task a key and a title.")
	}
	key := strings.ToLower(req.Params[0].Text)
	if err := checkName("task key", key); err != nil {
		return nil, err
	}
	words := strings.Fields(rest(req.Params[1:]))
	var link string
	if last := words[len(words)-1]; strings.HasPrefix(last, "http://") || strings.HasPrefix(last, "https://") {
		u, err := url.Parse(last)
		if err != nil || u.Host == "" {
			return nil, bot.UsageErrorf("%q is not a valid link.", last)
		}
		link, words = last, words[:len(words)-1]
	}
	if len(words) == 0 {
		return nil, bot.UsageErrorf("The task needs a title, not only a link.")
	}
	t := &storage.Task{WorkspaceID: req.Caller.WorkspaceID, Key: key, Title: strings.Join(words, " "), URL: link}
	err := h.store.CreateTask(ctx, t)
	if errors.Is(err, storage.ErrConflict) {
		return nil, bot.Errorf("A task with the key %s exists already.", key)
	}
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("Added the task %s: %s.", t.Key, t.Title)
	if link != "" {
		text += " Link: " + link
	}
	return bot.Text("%s", text), nil
}

func (h *Handlers) taskList(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	tasks, err := h.store.ListTasks(ctx, req.Caller.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return bot.Text("The catalogue is empty. Add a task with %s <key> <title> [<url>].", req.Slash("task add")), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s:", plural(len(tasks), "task", "tasks"))
	for _, t := range tasks {
		fmt.Fprintf(&b, "\n%s: %s, held by %s", t.Key, t.Title, plural(t.Holders, "learner", "learners"))
		if t.URL != "" {
			fmt.Fprintf(&b, " %s", t.URL)
		}
	}
	return bot.Text("%s", b.String()), nil
}

// tasks is the learner's own list: "my tasks".
func (h *Handlers) tasks(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	list, total, err := h.store.AssignmentsOf(ctx, req.Caller.WorkspaceID, req.Caller.PersonID, tasksLimit)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		return bot.Text("You have no tasks yet."), nil
	}
	var b strings.Builder
	open := 0
	for _, a := range list {
		if a.State == storage.AssignmentOpen {
			open++
		}
	}
	fmt.Fprintf(&b, "Your tasks (%d open of the %d shown, newest first):", open, len(list))
	var buttons []bot.Button
	for _, a := range list {
		mark := "[ ]"
		if a.State == storage.AssignmentDone {
			mark = "[x]"
		}
		fmt.Fprintf(&b, "\n%s %s (%s), from %s, %s, %s", mark, a.TaskTitle, a.TaskKey, a.AssignedByName, when(a.CreatedAt), a.State)
		if a.TaskURL != "" {
			fmt.Fprintf(&b, " %s", a.TaskURL)
		}
		if a.State == storage.AssignmentOpen {
			buttons = append(buttons, bot.Button{Label: "Mark done: " + a.TaskKey, ID: actionDone + ":" + strconv.FormatInt(a.ID, 10),
				Style: bot.StylePrimary})
		}
	}
	if more := total - len(list); more > 0 {
		fmt.Fprintf(&b, "\n... and %d older.", more)
	}
	return &bot.Reply{Text: b.String(), Buttons: buttons}, nil
}

// markDone handles "done:<assignment id>" from a DM or /tasks.
func (h *Handlers) markDone(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	id, err := strconv.ParseInt(req.Action.Value(), 10, 64)
	if err != nil {
		return nil, bot.Errorf("That button is not one of learnbot's.")
	}
	a, err := h.store.MarkDone(ctx, req.Caller.WorkspaceID, id, req.Caller.PersonID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, bot.Errorf("That task is no longer assigned.")
	case errors.Is(err, storage.ErrNotYours):
		return nil, bot.Errorf("That task is assigned to someone else; you can only mark your own tasks done.")
	case errors.Is(err, storage.ErrDone):
		return bot.Text("%s (%s) is already marked done.", a.TaskTitle, a.TaskKey), nil
	case err != nil:
		return nil, err
	}
	return &bot.Reply{Text: fmt.Sprintf("Marked done: %s (%s). Well done!", a.TaskTitle, a.TaskKey), Replace: true}, nil
}

func (h *Handlers) progress(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 1 {
		return nil, bot.UsageErrorf("Name one task.")
	}
	task, err := h.task(ctx, req, req.Params[0].Text)
	if err != nil {
		return nil, err
	}
	rows, err := h.store.Progress(ctx, req.Caller.WorkspaceID, task.ID)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return bot.Text("Nobody holds %s (%s) yet.", task.Title, task.Key), nil
	}
	var done, open []string
	for _, r := range rows {
		name := r.Name
		if r.Count > 1 {
			name += fmt.Sprintf(" (assigned %d times)", r.Count)
		}
		if r.DMError != nil {
			name += " (DM not delivered: " + *r.DMError + ")"
		}
		if r.State == storage.AssignmentDone {
			done = append(done, name)
		} else {
			open = append(open, name)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s hold it, %d done, %d not yet.", task.Title, task.Key,
		plural(len(rows), "person", "people"), len(done), len(open))
	if len(done) > 0 {
		fmt.Fprintf(&b, "\nDone: %s", strings.Join(done, ", "))
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, "\nNot yet: %s", strings.Join(open, ", "))
	}
	return bot.Text("%s", b.String()), nil
}
