package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/storage"
)

func (h *Handlers) role(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 2 {
		return nil, req.Lang.UsageErr(msgRoleMissing, nil)
	}
	role := bot.Role(strings.ToLower(req.Params[1].Text))
	if !role.Valid() {
		return nil, req.Lang.UsageErr(msgBadRole, bot.Vars{"Arg": strconv.Quote(req.Params[1].Text)})
	}
	p, err := h.person(ctx, req, req.Params[0])
	if err != nil {
		return nil, err
	}
	if p.ID == req.Caller.PersonID && role != bot.RoleAdmin {
		return nil, req.Lang.Err(msgRoleOwn, nil)
	}
	if p.Status != storage.StatusActive {
		// Only an active person's role counts (DESIGN section 1): a role
		// written now would not count, and acceptance would replace it.
		return nil, req.Lang.Err(msgRoleInvited, bot.Vars{"Name": p.Name})
	}
	if err := h.store.SetRole(ctx, req.Caller.WorkspaceID, p.ID, role, req.Caller.PersonID); err != nil {
		return nil, err
	}
	return req.Lang.Reply(msgRoleSet, bot.Vars{"Name": p.Name, "Role": role}), nil
}
