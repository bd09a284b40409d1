package handlers

import (
	"context"
	"strings"

	"github.com/learnbot/learnbot/bot"
)

// role sets a person's role (admins only; nobody takes away their own admin role).
func (h *Handlers) role(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	if len(req.Params) != 2 {
		return nil, bot.UsageErrorf("Name one person and a role.")
	}
	role := bot.Role(strings.ToLower(req.Params[1].Text))
	if !role.Valid() {
		return nil, bot.UsageErrorf("%q is not a role: use admin, guide or learner.", req.Params[1].Text)
	}
	p, err := h.person(ctx, req, req.Params[0])
	if err != nil {
		return nil, err
	}
	if p.ID == req.Caller.PersonID && role != bot.RoleAdmin {
		return nil, bot.Errorf("You cannot take away your own admin role; ask another admin.")
	}
	if err := h.store.SetRole(ctx, req.Caller.WorkspaceID, p.ID, role); err != nil {
		return nil, err
	}
	return bot.Text("%s is now a %s.", p.Name, role), nil
}
