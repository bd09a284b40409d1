package handlers

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// Descriptions of the commands and their options: help on every platform,
// and Discord's command list (at most 100 characters each).
var (
	msgOptTask = bot.Define(&i18n.Message{ID: "handlers.option.task",
		Other: "Task key"})
	msgOptName = bot.Define(&i18n.Message{ID: "handlers.option.name",
		Other: "Group name"})
	msgOptAddress = bot.Define(&i18n.Message{ID: "handlers.option.address",
		Other: "Email address"})
	msgOptMembers = bot.Define(&i18n.Message{ID: "handlers.option.members",
		Other: "People: mentions or emails"})
	msgCmdAssign = bot.Define(&i18n.Message{ID: "handlers.command.assign",
		Other: "Assign a task to people and groups; asks first when some already hold it."})
	msgOptTargets = bot.Define(&i18n.Message{ID: "handlers.option.targets",
		Other: "People, groups, roles: @anna cohort-7"})
	msgCmdTasks = bot.Define(&i18n.Message{ID: "handlers.command.tasks",
		Other: "Your assigned tasks, with a Mark done button for open ones."})
	msgCmdInvite = bot.Define(&i18n.Message{ID: "handlers.command.invite",
		Other: "Invite a person by email (default role learner)."})
	msgOptRole = bot.Define(&i18n.Message{ID: "handlers.option.role",
		Other: "Role (default learner)"})
	msgCmdInviteList = bot.Define(&i18n.Message{ID: "handlers.command.invite_list",
		Other: "Pending invitations, each with an Invite again button."})
	msgCmdInviteAgain = bot.Define(&i18n.Message{ID: "handlers.command.invite_again",
		Other: "Send the invitation again with a new link; the old link stops working."})
	msgCmdInviteRevoke = bot.Define(&i18n.Message{ID: "handlers.command.invite_revoke",
		Other: "Withdraw a pending invitation."})
	msgCmdTaskAdd = bot.Define(&i18n.Message{ID: "handlers.command.task_add",
		Other: "Add a learning task (a last word starting with http:// or https:// is its URL)."})
	msgOptKey = bot.Define(&i18n.Message{ID: "handlers.option.key",
		Other: "Short key: git-basics"})
	msgOptTitle = bot.Define(&i18n.Message{ID: "handlers.option.title",
		Other: "Title"})
	msgOptUrl = bot.Define(&i18n.Message{ID: "handlers.option.url",
		Other: "Link to the material"})
	msgCmdTaskList = bot.Define(&i18n.Message{ID: "handlers.command.task_list",
		Other: "The catalogue, with how many learners hold each task."})
	msgCmdGroupCreate = bot.Define(&i18n.Message{ID: "handlers.command.group_create",
		Other: "Create a group."})
	msgCmdGroupDelete = bot.Define(&i18n.Message{ID: "handlers.command.group_delete",
		Other: "Delete a group (its members stay)."})
	msgCmdGroupAdd = bot.Define(&i18n.Message{ID: "handlers.command.group_add",
		Other: "Add people to a group."})
	msgCmdGroupRemove = bot.Define(&i18n.Message{ID: "handlers.command.group_remove",
		Other: "Remove people from a group."})
	msgCmdGroupShow = bot.Define(&i18n.Message{ID: "handlers.command.group_show",
		Other: "Members of a group."})
	msgCmdGroupList = bot.Define(&i18n.Message{ID: "handlers.command.group_list",
		Other: "All groups with their sizes."})
	msgCmdRole = bot.Define(&i18n.Message{ID: "handlers.command.role",
		Other: "Set a person's role."})
	msgOptMember = bot.Define(&i18n.Message{ID: "handlers.option.member",
		Other: "Whose role to set"})
	msgOptNewRole = bot.Define(&i18n.Message{ID: "handlers.option.new_role",
		Other: "New role"})
	msgCmdProgress = bot.Define(&i18n.Message{ID: "handlers.command.progress",
		Other: "Who holds a task, who has marked it done, who has not."})
	msgCmdHelp = bot.Define(&i18n.Message{ID: "handlers.command.help",
		Other: "The commands you may use, or details of one."})
)

// Reminders of due dates (DMs).
var (
	msgReminderBefore = bot.Define(&i18n.Message{ID: "handlers.reminder.before",
		Description: "Due is calendar.due_*: due Friday, December 4",
		Other:       "Reminder: {{.Task}} ({{.Key}}) is {{.Due}}."})
	msgReminderOverdue = bot.Define(&i18n.Message{ID: "handlers.reminder.overdue",
		Description: "Due is calendar.overdue (1 day overdue); Day is bot.day",
		Other:       "{{.Task}} ({{.Key}}) is {{.Due}} (it was due {{.Day}}). Mark it done once you have finished it."})
)
