package model

import "github.com/learnbot/learnbot/catalog"

// Roles in prose, for pages and emails; commands and chat replies show the
// role words people type (admin, guide, learner).
var msgAsRole = map[Role]*catalog.Message{
	RoleAdmin:   catalog.Msg("bot.as_role.admin"),
	RoleGuide:   catalog.Msg("bot.as_role.guide"),
	RoleLearner: catalog.Msg("bot.as_role.learner"),
}

// Role names in prose, for pages and emails.
var msgRoleName = map[Role]*catalog.Message{
	RoleAdmin:   catalog.Msg("bot.role.admin"),
	RoleGuide:   catalog.Msg("bot.role.guide"),
	RoleLearner: catalog.Msg("bot.role.learner"),
}
