package handlers

import (
	"context"
	"errors"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

// join links the caller's chat account to the invitation they accepted on
// the web page: "join <code>", the one-time code the page showed (Discord
// and Matrix give learnbot no email to match).
func (h *Handlers) join(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	l := req.Lang
	if len(req.Params) != 1 {
		return nil, model.UsageErr(l, msgJoinMissing, nil)
	}
	p, err := h.store.Join(ctx, req.Caller.WorkspaceID, req.Caller.PersonID, req.Params[0].Text)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil, model.Err(l, msgJoinUnknown, nil)
	case errors.Is(err, storage.ErrLinked):
		return nil, model.Err(l, msgJoinLinked, nil)
	case errors.Is(err, storage.ErrHasHistory):
		return nil, model.Err(l, msgJoinHistory, nil)
	case err != nil:
		return nil, err
	}
	email := ""
	if p.Email != nil {
		email = *p.Email
	}
	return bot.Say(l, msgJoined, catalog.Vars{"Email": email, "Role": string(p.Role), "Tasks": req.Slash("tasks")}), nil
}
