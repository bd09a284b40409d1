package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

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
	r := &bot.Reply{Text: plural(len(tasks), "task", "tasks") + ":"}
	for _, t := range tasks {
		r.Items = append(r.Items, bot.Item{Text: t.Key + ": " + t.Title, Link: t.URL,
			Fields: []bot.Field{{Label: "held by", Value: plural(t.Holders, "learner", "learners")}}})
	}
	return r, nil
}
