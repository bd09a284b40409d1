package handlers

import (
	"context"
	"strings"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// Button action names (the part of a button ID before the first colon).
const (
	actionDecision = "decision"
	actionDone     = "done"
	actionReinvite = "reinvite"
	actionAccept   = "accept" // the Accept button of an invitation DM
	actionUndo     = "undo"   // Undo after Mark done
)

var roleChoices = []string{string(model.RoleLearner), string(model.RoleGuide), string(model.RoleAdmin)}

// commands declares every command as data; help and the Discord
// registration are generated from these definitions.
func (h *Handlers) commands() []*bot.Command {
	taskOpt := bot.Option{Name: "task", Description: msgOptTask, Kind: bot.OptionString, Required: true, Autocomplete: true}
	nameOpt := bot.Option{Name: "name", Description: msgOptName, Kind: bot.OptionString, Required: true}
	addressOpt := bot.Option{Name: "address", Description: msgOptAddress, Kind: bot.OptionString, Required: true}
	keyOpt := bot.Option{Name: "key", Description: msgOptTask, Kind: bot.OptionString, Required: true}
	pathOpt := bot.Option{Name: "name", Description: msgOptPath, Kind: bot.OptionString, Required: true}
	membersOpt := bot.Option{Name: "members", Description: msgOptMembers, Kind: bot.OptionString, Required: true, Rest: true}
	return []*bot.Command{
		{Name: "assign", Usage: "<task> <target>... [due <when>]", Role: model.RoleGuide, Handler: h.assign,
			Description: msgCmdAssign,
			Examples:    []string{"assign git-basics @anna cohort-7", "assign git-basics anna@example.com due 2w"},
			Options: []bot.Option{taskOpt, {Name: "targets", Description: msgOptTargets,
				Kind: bot.OptionString, Required: true, Rest: true},
				{Name: "due", Description: msgOptDue, Kind: bot.OptionString, Keyword: dueKeyword}}},
		{Name: "unassign", Usage: "<task> <target>...", Role: model.RoleGuide, Handler: h.unassign,
			Description: msgCmdUnassign, Examples: []string{"unassign git-basics @anna cohort-7"},
			Options: []bot.Option{taskOpt, {Name: "targets", Description: msgOptTargets,
				Kind: bot.OptionString, Required: true, Rest: true}}},
		{Name: "due", Usage: "<task> <when|none> [<target>...]", Role: model.RoleGuide, Handler: h.due,
			Description: msgCmdDue,
			Examples:    []string{"due git-basics 2026-12-04", "due git-basics tomorrow @anna", "due git-basics none cohort-7"},
			Options: []bot.Option{taskOpt, {Name: "when", Description: msgOptWhen, Kind: bot.OptionString, Required: true},
				{Name: "targets", Description: msgOptDueTargets, Kind: bot.OptionString, Rest: true}}},
		{Name: "report", Usage: "[group]", Role: model.RoleGuide, Handler: h.report,
			Description: msgCmdReport, Examples: []string{"report", "report cohort-7"},
			Options: []bot.Option{{Name: "group", Description: msgOptReportGroup, Kind: bot.OptionString}}},
		{Name: "tasks", Role: model.RoleLearner, Handler: h.tasks,
			Description: msgCmdTasks},
		{Name: "invite", Usage: "<email>... [learner|guide|admin]", Role: model.RoleGuide, Handler: h.invite, Subcommand: "email",
			Description: msgCmdInvite,
			Examples:    []string{"invite anna@example.com", "invite ben@example.com, cleo@example.com guide"},
			Options: []bot.Option{{Name: "address", Description: msgOptAddresses, Kind: bot.OptionString, Required: true},
				{Name: "role", Description: msgOptRole, Kind: bot.OptionString,
					Choices: roleChoices}}},
		{Name: "invite list", Role: model.RoleGuide, Handler: h.inviteList,
			Description: msgCmdInviteList},
		{Name: "invite again", Usage: "<email>", Role: model.RoleGuide, Handler: h.inviteAgain, Options: []bot.Option{addressOpt},
			Description: msgCmdInviteAgain},
		{Name: "invite revoke", Usage: "<email>", Role: model.RoleGuide, Handler: h.inviteRevoke, Options: []bot.Option{addressOpt},
			Description: msgCmdInviteRevoke},
		{Name: "task add", Usage: "<key> <title...> [<url>]", Role: model.RoleGuide, Handler: h.taskAdd,
			Description: msgCmdTaskAdd,
			Examples:    []string{"task add git-basics Git basics https://learn.example.com/git"},
			Options: []bot.Option{
				{Name: "key", Description: msgOptKey, Kind: bot.OptionString, Required: true},
				{Name: "title", Description: msgOptTitle, Kind: bot.OptionString, Required: true, Rest: true},
				{Name: "url", Description: msgOptUrl, Kind: bot.OptionString}}},
		{Name: "task edit", Usage: "<key> <title...> [<url>]", Role: model.RoleGuide, Handler: h.taskEdit,
			Description: msgCmdTaskEdit,
			Examples:    []string{"task edit git-basics Git basics, part 1 https://learn.example.com/git-1"},
			Options: []bot.Option{
				keyOpt,
				{Name: "title", Description: msgOptTitle, Kind: bot.OptionString, Required: true, Rest: true},
				{Name: "url", Description: msgOptUrl, Kind: bot.OptionString}}},
		{Name: "task archive", Usage: "<key>", Role: model.RoleGuide, Handler: h.taskArchive, Options: []bot.Option{keyOpt},
			Description: msgCmdTaskArchive},
		{Name: "task restore", Usage: "<key>", Role: model.RoleGuide, Handler: h.taskRestore, Options: []bot.Option{keyOpt},
			Description: msgCmdTaskRestore},
		{Name: "task list", Role: model.RoleGuide, Handler: h.taskList,
			Description: msgCmdTaskList},
		{Name: "path create", Usage: "<name> <title...>", Role: model.RoleGuide, Handler: h.pathCreate,
			Description: msgCmdPathCreate, Examples: []string{"path create onboarding Onboarding, first two weeks"},
			Options: []bot.Option{pathOpt, {Name: "title", Description: msgOptTitle, Kind: bot.OptionString, Required: true, Rest: true}}},
		{Name: "path add", Usage: "<name> <task> [day <n>] [due <n>d|<n>w]", Role: model.RoleGuide, Handler: h.pathAdd,
			Description: msgCmdPathAdd, Examples: []string{"path add onboarding git-basics day 0 due 3d", "path add onboarding sql-basics day 7"},
			Options: []bot.Option{pathOpt, {Name: "task", Description: msgOptTask, Kind: bot.OptionString, Required: true, Autocomplete: true},
				{Name: "day", Description: msgOptDay, Kind: bot.OptionInteger, Keyword: "day"},
				{Name: "due", Description: msgOptStepDue, Kind: bot.OptionString, Keyword: dueKeyword}}},
		{Name: "path remove", Usage: "<name> <task>", Role: model.RoleGuide, Handler: h.pathRemove, Description: msgCmdPathRemove,
			Options: []bot.Option{pathOpt, {Name: "task", Description: msgOptTask, Kind: bot.OptionString, Required: true, Autocomplete: true}}},
		{Name: "path show", Usage: "<name>", Role: model.RoleGuide, Handler: h.pathShow, Options: []bot.Option{pathOpt},
			Description: msgCmdPathShow},
		{Name: "path archive", Usage: "<name>", Role: model.RoleGuide, Handler: h.pathArchive, Options: []bot.Option{pathOpt},
			Description: msgCmdPathArchive},
		{Name: "path restore", Usage: "<name>", Role: model.RoleGuide, Handler: h.pathRestore, Options: []bot.Option{pathOpt},
			Description: msgCmdPathRestore},
		{Name: "path list", Role: model.RoleGuide, Handler: h.pathList, Description: msgCmdPathList},
		{Name: "auto", Usage: "<task|path> <source> [every <n>d|w|m|y] [due <n>d|<n>w] [existing]", Role: model.RoleGuide,
			Handler: h.auto, Subcommand: "add", Description: msgCmdAuto,
			Examples: []string{"auto git-basics cohort-7 existing", "auto onboarding everyone", "auto security-refresher everyone every 1y due 2w"},
			Options: []bot.Option{{Name: "what", Description: msgOptWhat, Kind: bot.OptionString, Required: true, Autocomplete: true},
				{Name: "source", Description: msgOptSource, Kind: bot.OptionString, Required: true},
				{Name: "every", Description: msgOptEvery, Kind: bot.OptionString, Keyword: "every"},
				{Name: "due", Description: msgOptStepDue, Kind: bot.OptionString, Keyword: dueKeyword},
				{Name: "existing", Description: msgOptExisting, Kind: bot.OptionBoolean}}},
		{Name: "auto list", Role: model.RoleGuide, Handler: h.autoList, Description: msgCmdAutoList},
		{Name: "auto remove", Usage: "<id>", Role: model.RoleGuide, Handler: h.autoRemove, Description: msgCmdAutoRemove,
			Options: []bot.Option{{Name: "id", Description: msgOptRuleId, Kind: bot.OptionInteger, Required: true}}},
		{Name: "group create", Usage: "<name>", Role: model.RoleGuide, Handler: h.groupCreate, Options: []bot.Option{nameOpt},
			Description: msgCmdGroupCreate, Examples: []string{"group create cohort-7"}},
		{Name: "group delete", Usage: "<name>", Role: model.RoleGuide, Handler: h.groupDelete, Options: []bot.Option{nameOpt},
			Description: msgCmdGroupDelete},
		{Name: "group rename", Usage: "<name> <new-name>", Role: model.RoleGuide, Handler: h.groupRename,
			Options:     []bot.Option{nameOpt, {Name: "new_name", Description: msgOptNewName, Kind: bot.OptionString, Required: true}},
			Description: msgCmdGroupRename, Examples: []string{"group rename cohort-7 spring-cohort"}},
		{Name: "group add", Usage: "<name> <member>...", Role: model.RoleGuide, Handler: h.groupAdd,
			Options: []bot.Option{nameOpt, membersOpt}, Description: msgCmdGroupAdd,
			Examples: []string{"group add cohort-7 @anna @ben"}},
		{Name: "group remove", Usage: "<name> <member>...", Role: model.RoleGuide, Handler: h.groupRemove,
			Options: []bot.Option{nameOpt, membersOpt}, Description: msgCmdGroupRemove},
		{Name: "group show", Usage: "<name>", Role: model.RoleGuide, Handler: h.groupShow, Options: []bot.Option{nameOpt},
			Description: msgCmdGroupShow},
		{Name: "group list", Role: model.RoleGuide, Handler: h.groupList, Description: msgCmdGroupList},
		{Name: "role", Usage: "<member> <admin|guide|learner>", Role: model.RoleAdmin, Handler: h.role,
			Description: msgCmdRole, Examples: []string{"role @anna guide"},
			Options: []bot.Option{{Name: "member", Description: msgOptMember, Kind: bot.OptionUser, Required: true},
				{Name: "role", Description: msgOptNewRole, Kind: bot.OptionString, Required: true,
					Choices: []string{string(model.RoleAdmin), string(model.RoleGuide), string(model.RoleLearner)}}}},
		{Name: "progress", Usage: "<task>", Role: model.RoleGuide, Handler: h.progress, Options: []bot.Option{taskOpt},
			Description: msgCmdProgress},
		{Name: "language", Usage: "[" + strings.Join(languageChoices(), "|") + "]", Role: model.RoleLearner, Handler: h.language,
			Description: msgCmdLanguage, Examples: []string{"language de", "language auto"},
			Options: []bot.Option{{Name: "language", Description: msgOptLanguage, Kind: bot.OptionString,
				Choices: languageChoices()}}},
		{Name: "history", Usage: "<task|member|email>", Role: model.RoleGuide, Handler: h.history,
			Description: msgCmdHistory, Examples: []string{"history git-basics", "history @anna", "history anna@example.com"},
			Options: []bot.Option{{Name: "of", Description: msgOptOf, Kind: bot.OptionString, Required: true}}},
		{Name: "nudge", Usage: "<task|path>", Role: model.RoleGuide, Handler: h.nudge, Description: msgCmdNudge,
			Examples: []string{"nudge git-basics"},
			Options:  []bot.Option{{Name: "what", Description: msgOptNudgeWhat, Kind: bot.OptionString, Required: true, Autocomplete: true}}},
		{Name: "digest", Usage: "[" + strings.Join(digestChoices, "|") + "]", Role: model.RoleGuide, Handler: h.digest,
			Description: msgCmdDigest, Examples: []string{"digest", "digest daily", "digest now"},
			Options: []bot.Option{{Name: "how", Description: msgOptHow, Kind: bot.OptionString, Choices: digestChoices}}},
		{Name: "join", Usage: "<code>", Role: model.RoleLearner, Handler: h.join, Description: msgCmdJoin,
			Options: []bot.Option{{Name: "code", Description: msgOptCode, Kind: bot.OptionString, Required: true}}},
		{Name: "help", Usage: "[command]", Role: model.RoleLearner, Handler: h.help, Description: msgCmdHelp,
			Options: []bot.Option{{Name: "command", Description: msgOptHelpCommand, Kind: bot.OptionString}}},
	}
}

// msgOptHelpCommand describes help's option on Discord.
var msgOptHelpCommand = catalog.Msg("handlers.option.help_command")

func (h *Handlers) help(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
	return &bot.Reply{Text: h.Help(req, rest(req.Params))}, nil
}
