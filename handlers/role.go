package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
)

func (h *Handlers) role(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 2 {
		return nil, model.UsageErr(req.Lang, msgRoleMissing, nil)
	}
	role := model.Role(strings.ToLower(req.Params[1].Text))
	if !role.Valid() {
		return nil, model.UsageErr(req.Lang, msgBadRole, catalog.Vars{"Arg": strconv.Quote(req.Params[1].Text)})
	}
	p, err := h.person(ctx, req, req.Params[0])
	if err != nil {
		return nil, err
	}
	if p.ID == req.Caller.PersonID && role != model.RoleAdmin {
		return nil, model.Err(req.Lang, msgRoleOwn, nil)
	}
	if p.Status != storage.StatusActive {
		// Only an active person's role counts (DESIGN section 1): a role
		// written now would not count, and acceptance would replace it.
		return nil, model.Err(req.Lang, msgRoleInvited, catalog.Vars{"Name": p.Name})
	}
	if p.Role == role {
		return bot.Say(req.Lang, msgRoleUnchanged, catalog.Vars{"Name": p.Name, "Role": role}), nil
	}
	if err := h.store.SetRole(ctx, req.Caller.WorkspaceID, p.ID, role, req.Caller.PersonID); err != nil {
		return nil, err
	}
	return bot.Say(req.Lang, msgRoleSet, catalog.Vars{"Name": p.Name, "Role": role}), nil
}
