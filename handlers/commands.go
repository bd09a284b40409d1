package handlers

import (
	"context"

	"github.com/learnbot/learnbot/bot"
)

// Button action names (the part of a button ID before the first colon).
const (
	actionDecision = "decision"
	actionDone     = "done"
	actionReinvite = "reinvite"
	actionAccept   = "accept" // the Accept button of an invitation DM
)

var roleChoices = []string{string(bot.RoleLearner), string(bot.RoleGuide), string(bot.RoleAdmin)}

// commands declares every command as data; help and the Discord
// registration are generated from these definitions.
func (h *Handlers) commands() []*bot.Command {
	taskOpt := bot.Option{Name: "task", Description: "Task key", Kind: bot.OptionString, Required: true, Autocomplete: true}
	nameOpt := bot.Option{Name: "name", Description: "Group name", Kind: bot.OptionString, Required: true}
	addressOpt := bot.Option{Name: "address", Description: "Email address", Kind: bot.OptionString, Required: true}
	membersOpt := bot.Option{Name: "members", Description: "People: mentions or emails", Kind: bot.OptionString, Required: true, Rest: true}
	return []*bot.Command{
		{Name: "assign", Usage: "<task> <target>...", Role: bot.RoleGuide, Handler: h.assign,
			Description: "Assign a task to people and groups; asks first when some already hold it.",
			Examples:    []string{"assign git-basics @anna cohort-7", "assign git-basics anna@example.com"},
			Options: []bot.Option{taskOpt, {Name: "targets", Description: "People, groups, roles: @anna cohort-7",
				Kind: bot.OptionString, Required: true, Rest: true}}},
		{Name: "tasks", Role: bot.RoleLearner, Handler: h.tasks,
			Description: "Your assigned tasks, with a Mark done button for open ones."},
		{Name: "invite", Usage: "<email> [learner|guide|admin]", Role: bot.RoleGuide, Handler: h.invite, Discord: "email",
			Description: "Invite a person by email (default role learner).",
			Examples:    []string{"invite anna@example.com", "invite ben@example.com guide"},
			Options: []bot.Option{addressOpt, {Name: "role", Description: "Role (default learner)", Kind: bot.OptionString,
				Choices: roleChoices}}},
		{Name: "invite list", Role: bot.RoleGuide, Handler: h.inviteList,
			Description: "Pending invitations, each with an Invite again button."},
		{Name: "invite again", Usage: "<email>", Role: bot.RoleGuide, Handler: h.inviteAgain, Options: []bot.Option{addressOpt},
			Description: "Send the invitation again with a new link; the old link stops working."},
		{Name: "invite revoke", Usage: "<email>", Role: bot.RoleGuide, Handler: h.inviteRevoke, Options: []bot.Option{addressOpt},
			Description: "Withdraw a pending invitation."},
		{Name: "task add", Usage: "<key> <title...> [<url>]", Role: bot.RoleGuide, Handler: h.taskAdd,
			Description: "Add a learning task (a last word starting with http:// or https:// is its URL).",
			Examples:    []string{"task add git-basics Git basics https://learn.example.com/git"},
			Options: []bot.Option{
				{Name: "key", Description: "Short key: git-basics", Kind: bot.OptionString, Required: true},
				{Name: "title", Description: "Title", Kind: bot.OptionString, Required: true, Rest: true},
				{Name: "url", Description: "Link to the material", Kind: bot.OptionString}}},
		{Name: "task list", Role: bot.RoleGuide, Handler: h.taskList,
			Description: "The catalogue, with how many learners hold each task."},
		{Name: "group create", Usage: "<name>", Role: bot.RoleGuide, Handler: h.groupCreate, Options: []bot.Option{nameOpt},
			Description: "Create a group.", Examples: []string{"group create cohort-7"}},
		{Name: "group delete", Usage: "<name>", Role: bot.RoleGuide, Handler: h.groupDelete, Options: []bot.Option{nameOpt},
			Description: "Delete a group (its members stay)."},
		{Name: "group add", Usage: "<name> <member>...", Role: bot.RoleGuide, Handler: h.groupAdd,
			Options: []bot.Option{nameOpt, membersOpt}, Description: "Add people to a group.",
			Examples: []string{"group add cohort-7 @anna @ben"}},
		{Name: "group remove", Usage: "<name> <member>...", Role: bot.RoleGuide, Handler: h.groupRemove,
			Options: []bot.Option{nameOpt, membersOpt}, Description: "Remove people from a group."},
		{Name: "group show", Usage: "<name>", Role: bot.RoleGuide, Handler: h.groupShow, Options: []bot.Option{nameOpt},
			Description: "Members of a group."},
		{Name: "group list", Role: bot.RoleGuide, Handler: h.groupList, Description: "All groups with their sizes."},
		{Name: "role", Usage: "<member> <admin|guide|learner>", Role: bot.RoleAdmin, Handler: h.role,
			Description: "Set a person's role.", Examples: []string{"role @anna guide"},
			Options: []bot.Option{{Name: "member", Description: "Person", Kind: bot.OptionUser, Required: true},
				{Name: "role", Description: "New role", Kind: bot.OptionString, Required: true,
					Choices: []string{string(bot.RoleAdmin), string(bot.RoleGuide), string(bot.RoleLearner)}}}},
		{Name: "progress", Usage: "<task>", Role: bot.RoleGuide, Handler: h.progress, Options: []bot.Option{taskOpt},
			Description: "Who holds a task, who has marked it done, who has not."},
		{Name: "help", Usage: "[command]", Role: bot.RoleLearner, Handler: h.help, Discord: "-",
			Description: "The commands you may use, or details of one."},
	}
}

func (h *Handlers) help(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return &bot.Reply{Text: h.Help(req, rest(req.Params))}, nil
}
