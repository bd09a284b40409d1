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
		Other: "Invite people by email, up to 100 at once (default role learner)."})
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
	msgCmdTaskEdit = bot.Define(&i18n.Message{ID: "handlers.command.task_edit",
		Other: "Change a task's title and link (without a link, the current one stays)."})
	msgCmdTaskArchive = bot.Define(&i18n.Message{ID: "handlers.command.task_archive",
		Other: "Archive a task: left out of the catalogue and assign; its assignments stay."})
	msgCmdTaskRestore = bot.Define(&i18n.Message{ID: "handlers.command.task_restore",
		Other: "Bring an archived task back."})
	msgCmdTaskList = bot.Define(&i18n.Message{ID: "handlers.command.task_list",
		Other: "The catalogue, with how many learners hold each task."})
	msgCmdGroupCreate = bot.Define(&i18n.Message{ID: "handlers.command.group_create",
		Other: "Create a group."})
	msgCmdGroupDelete = bot.Define(&i18n.Message{ID: "handlers.command.group_delete",
		Other: "Delete a group (its members stay)."})
	msgCmdGroupRename = bot.Define(&i18n.Message{ID: "handlers.command.group_rename",
		Other: "Rename a group (its members stay)."})
	msgOptNewName = bot.Define(&i18n.Message{ID: "handlers.option.new_name",
		Other: "New group name"})
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
		Other:       "Reminder: {{.Task}} is {{.Due}}."})
	msgReminderOverdue = bot.Define(&i18n.Message{ID: "handlers.reminder.overdue",
		Description: "Due is calendar.overdue (1 day overdue); Day is bot.day",
		Other:       "{{.Task}} is {{.Due}} (it was due {{.Day}}). Mark it done once you have finished it."})
)

// The words of the commands' replies, errors and DMs.
var (
	// Shared words
	msgNoSender = bot.Define(&i18n.Message{ID: "handlers.no_sender",
		Other: "This request does not say who sent it."})
	msgNotOurs = bot.Define(&i18n.Message{ID: "handlers.not_ours",
		Other: "That button is not one of learnbot's."})
	msgBadTaskKey = bot.Define(&i18n.Message{ID: "handlers.bad_task_key",
		Other: "{{.Name}} is not a valid task key: use 1-64 lowercase letters, digits, - or _, starting with a letter or digit."})
	msgBadGroupName = bot.Define(&i18n.Message{ID: "handlers.bad_group_name",
		Other: "{{.Name}} is not a valid group name: use 1-64 lowercase letters, digits, - or _, starting with a letter or digit."})
	msgBadEmail = bot.Define(&i18n.Message{ID: "handlers.bad_email",
		Other: "{{.Email}} is not a valid email address."})
	msgUnknownEmail = bot.Define(&i18n.Message{ID: "handlers.unknown_email",
		Other: "Nobody with the email {{.Email}} is known here; invite them first."})
	msgNotAPerson = bot.Define(&i18n.Message{ID: "handlers.not_a_person",
		Other: "{{.Arg}} is not a person: mention them (@name) or give the email they were invited with."})
	msgUnknownTask = bot.Define(&i18n.Message{ID: "handlers.unknown_task",
		Other: "There is no task {{.Task}}. See {{.List}}."})
	msgUnknownGroup = bot.Define(&i18n.Message{ID: "handlers.unknown_group",
		Other: "There is no group {{.Group}}. See {{.List}}."})
	msgBadRole = bot.Define(&i18n.Message{ID: "handlers.bad_role",
		Other: "{{.Arg}} is not a role: use learner, guide or admin."})
	msgOneEmail = bot.Define(&i18n.Message{ID: "handlers.one_email",
		Other: "Give one email address."})
	msgAndMore = bot.Define(&i18n.Message{ID: "handlers.and_more",
		Description: "a list of names cut short",
		Other:       "{{.Names}} and {{.Count}} more"})
	msgThisWorkspace = bot.Define(&i18n.Message{ID: "handlers.this_workspace",
		Description: "stands in for a workspace without a name",
		Other:       "this workspace"})
	msgPeople = bot.Define(&i18n.Message{ID: "handlers.count.people",
		One:   "1 person",
		Other: "{{.Count}} people"})
	msgTargets = bot.Define(&i18n.Message{ID: "handlers.count.targets",
		Description: "in: already assigned to 2 people of the 3 targets you chose",
		One:         "1 target",
		Other:       "{{.Count}} targets"})
	msgLearners = bot.Define(&i18n.Message{ID: "handlers.count.learners",
		One:   "1 learner",
		Other: "{{.Count}} learners"})
	msgMembers = bot.Define(&i18n.Message{ID: "handlers.count.members",
		One:   "1 member",
		Other: "{{.Count}} members"})

	// Assignment states
	msgStateOpen = bot.Define(&i18n.Message{ID: "handlers.state.open",
		Other: "open"})
	msgStateDone = bot.Define(&i18n.Message{ID: "handlers.state.done",
		Other: "done"})

	// assign and the duplicate decision (DESIGN 3; the button labels are contract words)
	msgChoiceDoNotAssign = bot.Define(&i18n.Message{ID: "handlers.choice.do_not_assign",
		Other: "Do not assign"})
	msgChoiceOnlyNew = bot.Define(&i18n.Message{ID: "handlers.choice.only_new",
		Other: "Only new"})
	msgChoiceForce = bot.Define(&i18n.Message{ID: "handlers.choice.force",
		Other: "Force reassignment"})
	msgChoiceShowGroups = bot.Define(&i18n.Message{ID: "handlers.choice.show_groups",
		Other: "Show selected groups"})
	msgAssignMissing = bot.Define(&i18n.Message{ID: "handlers.assign.missing",
		Other: "Name a task and at least one target."})
	msgAssignEmptyGroups = bot.Define(&i18n.Message{ID: "handlers.assign.empty_groups",
		Other: "Nobody to assign {{.Task}} to: the groups named are empty."})
	msgAssigned = bot.Define(&i18n.Message{ID: "handlers.assign.done",
		One:   "Assigned {{.Task}} to 1 person: {{.Names}}. They get a DM.",
		Other: "Assigned {{.Task}} to {{.Count}} people: {{.Names}}. Each gets a DM."})
	msgAssignUnlistable = bot.Define(&i18n.Message{ID: "handlers.assign.unlistable_group",
		Other: "This platform cannot list the members of {{.Group}}."})
	msgAssignUnknownUser = bot.Define(&i18n.Message{ID: "handlers.assign.unknown_user",
		Other: "Unknown user {{.User}}."})
	msgAssignNotTarget = bot.Define(&i18n.Message{ID: "handlers.assign.not_target",
		Other: "{{.Arg}} is not a group, a mention or an email. See {{.List}}."})
	msgPromptHeld = bot.Define(&i18n.Message{ID: "handlers.prompt.held",
		Description: "Targets: handlers.count.targets",
		One:         "{{.Task}} is already assigned to 1 person of the {{.Targets}} you chose: {{.Names}}.",
		Other:       "{{.Task}} is already assigned to {{.Count}} people of the {{.Targets}} you chose: {{.Names}}."})
	msgPromptWait = bot.Define(&i18n.Message{ID: "handlers.prompt.wait",
		Other: "Nothing is assigned until you choose."})
	msgPromptOnlyNew = bot.Define(&i18n.Message{ID: "handlers.prompt.only_new",
		One:   "Only new assigns it to the 1 who does not hold it yet.",
		Other: "Only new assigns it to the {{.Count}} who do not hold it yet."})
	msgPromptForce = bot.Define(&i18n.Message{ID: "handlers.prompt.force",
		Other: "Force reassignment assigns it to every target again, creating duplicate assignments."})
	msgDecisionMissing = bot.Define(&i18n.Message{ID: "handlers.decision.missing",
		Other: "That prompt does not exist here."})
	msgDecisionNotYours = bot.Define(&i18n.Message{ID: "handlers.decision.not_yours",
		Other: "Only {{.Guide}}, who asked, can decide this."})
	msgDecisionAlready = bot.Define(&i18n.Message{ID: "handlers.decision.already",
		Other: "Already decided: {{.Choice}}, by @{{.Resolver}}."})
	msgDecisionExpired = bot.Define(&i18n.Message{ID: "handlers.decision.expired",
		Other: "This prompt expired on {{.When}}; nothing was assigned. Run {{.Assign}} again."})
	msgDecisionSetLost = bot.Define(&i18n.Message{ID: "handlers.decision.set_lost",
		Other: "learnbot no longer knows who was in the groups of this prompt (its database restarted); nothing was assigned. Run {{.Assign}} again."})
	msgDecidedNone = bot.Define(&i18n.Message{ID: "handlers.decision.do_not_assign",
		Other: "Do not assign: {{.Task}} was not assigned to anyone."})
	msgDecidedNoneNew = bot.Define(&i18n.Message{ID: "handlers.decision.only_new_none",
		Other: "Only new: everyone already holds {{.Task}} now, so nothing was assigned."})
	msgDecidedOnlyNew = bot.Define(&i18n.Message{ID: "handlers.decision.only_new",
		One:   "Only new: assigned {{.Task}} to 1 person: {{.Names}}. They get a DM.",
		Other: "Only new: assigned {{.Task}} to {{.Count}} people: {{.Names}}. Each gets a DM."})
	msgDecidedForce = bot.Define(&i18n.Message{ID: "handlers.decision.force",
		One:   "Force reassignment: assigned {{.Task}} again to 1 person: {{.Names}}. They get a DM.",
		Other: "Force reassignment: assigned {{.Task}} again to {{.Count}} people: {{.Names}}. Each gets a DM."})
	msgGroupsNotYours = bot.Define(&i18n.Message{ID: "handlers.groups.not_yours",
		Other: "Only {{.Guide}}, who asked, can use this prompt."})
	msgGroupsEmpty = bot.Define(&i18n.Message{ID: "handlers.groups.empty",
		Other: "The groups of this prompt are empty or were deleted."})
	msgGroupsHeading = bot.Define(&i18n.Message{ID: "handlers.groups.heading",
		Other: "Selected groups for {{.Task}}; * marks who already holds it:"})
	msgGroupsItem = bot.Define(&i18n.Message{ID: "handlers.groups.item",
		Description: "Members: handlers.count.members",
		One:         "{{.Group}} ({{.Members}}, 1 holds it): {{.Names}}",
		Other:       "{{.Group}} ({{.Members}}, {{.Count}} hold it): {{.Names}}"})
	msgGroupsOpen = bot.Define(&i18n.Message{ID: "handlers.groups.open",
		Other: "The prompt is still open."})

	// tasks, task, the DM of an assignment, progress
	msgTaskAddMissing = bot.Define(&i18n.Message{ID: "handlers.task_add.missing",
		Other: "Give the task a key and a title."})
	msgBadLink = bot.Define(&i18n.Message{ID: "handlers.task_add.bad_link",
		Other: "{{.Link}} is not a valid link."})
	msgTitleNeeded = bot.Define(&i18n.Message{ID: "handlers.task_add.title_needed",
		Other: "The task needs a title, not only a link."})
	msgTaskExists = bot.Define(&i18n.Message{ID: "handlers.task_add.exists",
		Other: "A task with the key {{.Key}} exists already."})
	msgTaskAdded = bot.Define(&i18n.Message{ID: "handlers.task_add.done",
		Other: "Added the task {{.Key}}: {{.Title}}."})
	msgTaskAddedLink = bot.Define(&i18n.Message{ID: "handlers.task_add.done_link",
		Other: "Added the task {{.Key}}: {{.Title}}. Link: {{.Link}}"})
	msgTaskEditMissing = bot.Define(&i18n.Message{ID: "handlers.task_edit.missing",
		Other: "Name the task by its key and give its new title."})
	msgTaskEdited = bot.Define(&i18n.Message{ID: "handlers.task_edit.done",
		Other: "Changed the task {{.Key}}: {{.Title}}."})
	msgTaskEditedLink = bot.Define(&i18n.Message{ID: "handlers.task_edit.done_link",
		Other: "Changed the task {{.Key}}: {{.Title}}. Link: {{.Link}}"})
	msgTaskKeyMissing = bot.Define(&i18n.Message{ID: "handlers.task.key_missing",
		Other: "Name the task by its key."})
	msgTaskKeyOneWord = bot.Define(&i18n.Message{ID: "handlers.task.key_one_word",
		Other: "A task key is one word."})
	msgTaskArchived = bot.Define(&i18n.Message{ID: "handlers.task_archive.done",
		Other: "Archived the task {{.Key}}: it is left out of {{.List}} and cannot be assigned; its assignments stay. Bring it back with {{.Restore}} {{.Key}}."})
	msgTaskArchivedAlready = bot.Define(&i18n.Message{ID: "handlers.task_archive.already",
		Other: "The task {{.Key}} is archived already. Bring it back with {{.Restore}} {{.Key}}."})
	msgTaskRestored = bot.Define(&i18n.Message{ID: "handlers.task_restore.done",
		Other: "Restored the task {{.Key}}: it is back in {{.List}} and can be assigned."})
	msgTaskNotArchived = bot.Define(&i18n.Message{ID: "handlers.task_restore.not_archived",
		Other: "The task {{.Key}} is not archived."})
	msgAssignArchived = bot.Define(&i18n.Message{ID: "handlers.assign.archived",
		Other: "The task {{.Key}} is archived, so it cannot be assigned. Restore it with {{.Restore}} {{.Key}} first."})
	msgCatalogueEmpty = bot.Define(&i18n.Message{ID: "handlers.task_list.empty",
		Other: "The catalogue is empty. Add a task with {{.Add}} <key> <title> [<url>]."})
	msgTaskListHeading = bot.Define(&i18n.Message{ID: "handlers.task_list.heading",
		One:   "1 task:",
		Other: "{{.Count}} tasks:"})
	msgHeldBy = bot.Define(&i18n.Message{ID: "handlers.task_list.held_by",
		Other: "held by"})
	msgNoTasks = bot.Define(&i18n.Message{ID: "handlers.tasks.none",
		Other: "You have no tasks yet."})
	msgTasksHeading = bot.Define(&i18n.Message{ID: "handlers.tasks.heading",
		Other: "Your tasks ({{.Open}} open of the {{.Count}} shown; open ones first, by due date):"})
	msgFrom = bot.Define(&i18n.Message{ID: "handlers.tasks.from",
		Description: "before the name of who assigned a task",
		Other:       "from"})
	msgTasksOlder = bot.Define(&i18n.Message{ID: "handlers.tasks.older",
		Other: "... and {{.Count}} older."})
	msgMarkDone = bot.Define(&i18n.Message{ID: "handlers.mark_done.label",
		Description: "the button (a contract word)",
		Other:       "Mark done"})
	msgMarkDoneKey = bot.Define(&i18n.Message{ID: "handlers.mark_done.label_key",
		Description: "the button in a list of tasks",
		Other:       "Mark done: {{.Key}}"})
	msgDMNewTask = bot.Define(&i18n.Message{ID: "handlers.dm.new_task",
		Other: "New learning task from {{.Guide}}: {{.Task}}"})
	msgDMGroup = bot.Define(&i18n.Message{ID: "handlers.dm.group",
		Other: "Assigned to the group {{.Group}}."})
	msgMarkDoneGone = bot.Define(&i18n.Message{ID: "handlers.mark_done.gone",
		Other: "That task is no longer assigned."})
	msgMarkDoneNotYours = bot.Define(&i18n.Message{ID: "handlers.mark_done.not_yours",
		Other: "That task is assigned to someone else; you can only mark your own tasks done."})
	msgMarkDoneAlready = bot.Define(&i18n.Message{ID: "handlers.mark_done.already",
		Other: "{{.Task}} is already marked done."})
	msgMarkedDone = bot.Define(&i18n.Message{ID: "handlers.mark_done.done",
		Other: "Marked done: {{.Task}}. Well done!"})
	msgProgressMissing = bot.Define(&i18n.Message{ID: "handlers.progress.missing",
		Other: "Name one task."})
	msgProgressNobody = bot.Define(&i18n.Message{ID: "handlers.progress.nobody",
		Other: "Nobody holds {{.Task}} yet."})
	msgProgressTimes = bot.Define(&i18n.Message{ID: "handlers.progress.times",
		Other: "(assigned {{.Count}} times)"})
	msgProgressDMFailed = bot.Define(&i18n.Message{ID: "handlers.progress.dm_failed",
		Description: "Reason is the platform's, in English",
		Other:       "(DM not delivered: {{.Reason}})"})
	msgProgressDMRetrying = bot.Define(&i18n.Message{ID: "handlers.progress.dm_retrying",
		Description: "Reason is the platform's, in English",
		Other:       "(DM failing, retrying: {{.Reason}})"})
	msgProgressSummary = bot.Define(&i18n.Message{ID: "handlers.progress.summary",
		One:   "{{.Task}}: 1 person holds it, {{.Done}} done, {{.Open}} not yet.",
		Other: "{{.Task}}: {{.Count}} people hold it, {{.Done}} done, {{.Open}} not yet."})
	msgProgressDone = bot.Define(&i18n.Message{ID: "handlers.progress.done",
		Other: "Done: {{.Names}}"})
	msgProgressNotYet = bot.Define(&i18n.Message{ID: "handlers.progress.not_yet",
		Other: "Not yet: {{.Names}}"})

	// invitations
	msgInviteMissing = bot.Define(&i18n.Message{ID: "handlers.invite.missing",
		Other: "Give one email address and, optionally, a role."})
	msgInvitePending = bot.Define(&i18n.Message{ID: "handlers.invite.pending",
		One:   "{{.Email}} already has a pending invitation ({{.Role}}, sent once). Nothing new was sent.",
		Other: "{{.Email}} already has a pending invitation ({{.Role}}, sent {{.Count}} times). Nothing new was sent."})
	msgInviteAgain = bot.Define(&i18n.Message{ID: "handlers.invite.again",
		Description: "the button (a contract word)",
		Other:       "Invite again"})
	msgInviteAgainEmail = bot.Define(&i18n.Message{ID: "handlers.invite.again_email",
		Description: "the button in a list of invitations",
		Other:       "Invite again: {{.Email}}"})
	msgInviteActive = bot.Define(&i18n.Message{ID: "handlers.invite.active",
		Other: "{{.Email}} is already an active member of this workspace."})
	msgInviteSent = bot.Define(&i18n.Message{ID: "handlers.invite.sent",
		Other: "Invitation to {{.Email}} ({{.Role}}) is on its way; the link works until {{.Until}}."})
	msgInviteHint = bot.Define(&i18n.Message{ID: "handlers.invite.hint",
		Other: "If it does not arrive: the sender {{.From}} must be authorised for its domain (SPF/DKIM), ask them to check the spam folder, and {{.Again}} {{.Email}} resends it."})
	msgInviteLink = bot.Define(&i18n.Message{ID: "handlers.invite.link",
		Other: "Invitation for {{.Email}} ({{.Role}}) created. Email is not configured, so send them this link yourself: {{.Link}} (valid until {{.Until}})."})
	msgInviteLinked = bot.Define(&i18n.Message{ID: "handlers.invite.linked",
		Other: "They are already here as {{.Name}}; I linked them."})
	msgInviteDMSent = bot.Define(&i18n.Message{ID: "handlers.invite.dm_sent",
		Other: "I sent them the invitation in a DM with an Accept button; until they accept, they are a learner."})
	msgInviteListNone = bot.Define(&i18n.Message{ID: "handlers.invite_list.none",
		Other: "No pending invitations."})
	msgInviteListHeading = bot.Define(&i18n.Message{ID: "handlers.invite_list.heading",
		One:   "1 pending invitation:",
		Other: "{{.Count}} pending invitations:"})
	msgInviteListItem = bot.Define(&i18n.Message{ID: "handlers.invite_list.item",
		One:   "{{.Email}} ({{.Role}}): sent once",
		Other: "{{.Email}} ({{.Role}}): sent {{.Count}} times"})
	msgInviteListLast = bot.Define(&i18n.Message{ID: "handlers.invite_list.last",
		Description: "before the date an invitation was last sent",
		Other:       "last"})
	msgInviteListExpired = bot.Define(&i18n.Message{ID: "handlers.invite_list.expired",
		Other: "link expired"})
	msgInviteListFailure = bot.Define(&i18n.Message{ID: "handlers.invite_list.failure",
		Other: "last failure:"})
	msgReinviteNone = bot.Define(&i18n.Message{ID: "handlers.reinvite.none",
		Other: "{{.Email}} has no pending invitation. Invite them with {{.Invite}} {{.Email}}."})
	msgReinviteNewLink = bot.Define(&i18n.Message{ID: "handlers.reinvite.new_link",
		Other: "New link: the old one no longer works."})
	msgInvitationMissing = bot.Define(&i18n.Message{ID: "handlers.reinvite.missing",
		Other: "That invitation does not exist here."})
	msgInvitationStatus = bot.Define(&i18n.Message{ID: "handlers.reinvite.status",
		Other: "The invitation of {{.Email}} is {{.Status}}; see {{.List}}."})
	msgRevokeNone = bot.Define(&i18n.Message{ID: "handlers.revoke.none",
		Other: "{{.Email}} has no pending invitation."})
	msgRevoked = bot.Define(&i18n.Message{ID: "handlers.revoke.done",
		Other: "Revoked the invitation of {{.Email}}; its link no longer works."})
	msgAdminInvitation = bot.Define(&i18n.Message{ID: "handlers.admin_invitation",
		Other: "Only admins can create, re-send or revoke an admin invitation."})
	msgAcceptNotYours = bot.Define(&i18n.Message{ID: "handlers.accept.not_yours",
		Other: "That invitation is not yours, or does not exist here."})
	msgAcceptGone = bot.Define(&i18n.Message{ID: "handlers.accept.gone",
		Other: "That invitation is {{.Status}} and can no longer be accepted; ask for a new one. You are a {{.Role}}."})
	msgAcceptWelcome = bot.Define(&i18n.Message{ID: "handlers.accept.welcome",
		Other: "Welcome: you joined {{.Workspace}} as {{.Role}}. Type {{.Tasks}} to see your learning tasks."})
	msgInvitationDM = bot.Define(&i18n.Message{ID: "handlers.invitation_dm.text",
		Other: "{{.Inviter}} invited you to join {{.Workspace}} on learnbot as {{.Role}}."})
	msgInvitationDMAccept = bot.Define(&i18n.Message{ID: "handlers.invitation_dm.how",
		Other: "Press Accept to join (valid until {{.Until}}). Until then you are a learner."})
	msgAccept = bot.Define(&i18n.Message{ID: "handlers.invitation_dm.accept",
		Description: "the button (a contract word)",
		Other:       "Accept"})
	msgStatusPending = bot.Define(&i18n.Message{ID: "handlers.invitation_status.pending",
		Other: "pending"})
	msgStatusAccepted = bot.Define(&i18n.Message{ID: "handlers.invitation_status.accepted",
		Other: "accepted"})
	msgStatusRevoked = bot.Define(&i18n.Message{ID: "handlers.invitation_status.revoked",
		Other: "revoked"})
	msgStatusExpired = bot.Define(&i18n.Message{ID: "handlers.invitation_status.expired",
		Other: "expired"})
	msgStatusSuperseded = bot.Define(&i18n.Message{ID: "handlers.invitation_status.superseded",
		Other: "replaced by a newer one"})

	// groups and roles
	msgGroupNameMissing = bot.Define(&i18n.Message{ID: "handlers.group.name_missing",
		Other: "Name the group."})
	msgGroupMemberMissing = bot.Define(&i18n.Message{ID: "handlers.group.member_missing",
		Other: "Name at least one member."})
	msgGroupOneWord = bot.Define(&i18n.Message{ID: "handlers.group.one_word",
		Other: "A group name is one word."})
	msgGroupExists = bot.Define(&i18n.Message{ID: "handlers.group.exists",
		Other: "The group {{.Group}} exists already."})
	msgGroupCreated = bot.Define(&i18n.Message{ID: "handlers.group.created",
		Other: "Created the group {{.Group}}. Add people with {{.Add}} {{.Group}} @name..."})
	msgGroupNone = bot.Define(&i18n.Message{ID: "handlers.group.none",
		Other: "There is no group {{.Group}}."})
	msgGroupDeleted = bot.Define(&i18n.Message{ID: "handlers.group.deleted",
		Other: "Deleted the group {{.Group}}; its members and their assignments stay."})
	msgGroupRenameMissing = bot.Define(&i18n.Message{ID: "handlers.group_rename.missing",
		Other: "Name the group and its new name."})
	msgGroupRenamed = bot.Define(&i18n.Message{ID: "handlers.group_rename.done",
		Other: "Renamed the group {{.Group}} to {{.NewName}}; its members stay."})
	msgGroupNotPerson = bot.Define(&i18n.Message{ID: "handlers.group.not_person",
		Other: "{{.Arg}} is not a person: mention them (@name) or give their email."})
	msgGroupAdded = bot.Define(&i18n.Message{ID: "handlers.group.added",
		One:   "Added 1 person to {{.Group}} (already members: {{.Already}}).",
		Other: "Added {{.Count}} people to {{.Group}} (already members: {{.Already}})."})
	msgGroupRemoved = bot.Define(&i18n.Message{ID: "handlers.group.removed",
		One:   "Removed 1 person from {{.Group}}.",
		Other: "Removed {{.Count}} people from {{.Group}}."})
	msgGroupNoMembers = bot.Define(&i18n.Message{ID: "handlers.group.no_members",
		Other: "{{.Group}} has no members yet."})
	msgGroupInvited = bot.Define(&i18n.Message{ID: "handlers.group.invited",
		Description: "after the name of a member still invited",
		Other:       "(invited)"})
	msgGroupShow = bot.Define(&i18n.Message{ID: "handlers.group.show",
		Description: "Members: handlers.count.members",
		Other:       "{{.Group}} ({{.Members}}): {{.Names}}"})
	msgGroupListNone = bot.Define(&i18n.Message{ID: "handlers.group_list.none",
		Other: "No groups yet. Create one with {{.Create}} <name>."})
	msgGroupListHeading = bot.Define(&i18n.Message{ID: "handlers.group_list.heading",
		One:   "1 group:",
		Other: "{{.Count}} groups:"})
	msgGroupListItem = bot.Define(&i18n.Message{ID: "handlers.group_list.item",
		Description: "Members: handlers.count.members",
		Other:       "{{.Group}}: {{.Members}}"})
	msgRoleMissing = bot.Define(&i18n.Message{ID: "handlers.role.missing",
		Other: "Name one person and a role."})
	msgRoleOwn = bot.Define(&i18n.Message{ID: "handlers.role.own",
		Other: "You cannot take away your own admin role; ask another admin."})
	msgRoleInvited = bot.Define(&i18n.Message{ID: "handlers.role.invited",
		Other: "{{.Name}} has not accepted their invitation yet: until then they are a learner, and accepting gives the invited role. To change it, revoke the invitation and invite them again with the role you want."})
	msgRoleSet = bot.Define(&i18n.Message{ID: "handlers.role.set",
		Other: "{{.Name}} is now a {{.Role}}."})

	// language
	msgLanguageBad = bot.Define(&i18n.Message{ID: "handlers.language.bad",
		Other: "{{.Arg}} is not a language: use en, de or auto."})
	msgLanguageSet = bot.Define(&i18n.Message{ID: "handlers.language.set",
		Description: "said in the language just chosen",
		Other:       "From now on I answer you in English."})
	msgLanguageAuto = bot.Define(&i18n.Message{ID: "handlers.language.auto",
		Other: "From now on I follow your platform's language; for you that is {{.Lang}}."})
	msgLanguageShow = bot.Define(&i18n.Message{ID: "handlers.language.show",
		Other: "You read learnbot in {{.Lang}} ({{.Why}}). Change it with {{.Cmd}} en, de or auto."})
	msgLanguageChosen = bot.Define(&i18n.Message{ID: "handlers.language.chosen",
		Other: "your choice"})
	msgLanguageFollows = bot.Define(&i18n.Message{ID: "handlers.language.follows",
		Other: "from your platform"})
	msgLanguageDefault = bot.Define(&i18n.Message{ID: "handlers.language.default",
		Other: "this workspace's default"})
	msgLangEnglish = bot.Define(&i18n.Message{ID: "handlers.language.en",
		Other: "English"})
	msgLangGerman = bot.Define(&i18n.Message{ID: "handlers.language.de",
		Other: "German"})
	msgCmdLanguage = bot.Define(&i18n.Message{ID: "handlers.command.language",
		Other: "Your language for replies, DMs and the App Home: en, de, or auto (your platform's)."})
	msgOptLanguage = bot.Define(&i18n.Message{ID: "handlers.option.language",
		Other: "en, de or auto (follow your platform)"})
)

// history: the audit trail of a task, a person or an invitation.
var (
	msgCmdHistory = bot.Define(&i18n.Message{ID: "handlers.command.history",
		Other: "Who did what and when: the latest changes of a task, a person or an invitation."})
	msgOptOf = bot.Define(&i18n.Message{ID: "handlers.option.of",
		Other: "A task key, a mention or an email"})
	msgHistoryOne = bot.Define(&i18n.Message{ID: "handlers.history.one",
		Other: "Name one task, person or email."})
	msgHistoryUnknown = bot.Define(&i18n.Message{ID: "handlers.history.unknown",
		Other: "{{.Arg}} is not a task, a mention or an email. See {{.List}}."})
	msgHistoryNone = bot.Define(&i18n.Message{ID: "handlers.history.none",
		Other: "Nothing recorded for {{.Subject}} yet."})
	msgHistoryHeading = bot.Define(&i18n.Message{ID: "handlers.history.heading",
		Other: "History of {{.Subject}}, newest first:"})
	msgHistoryLatest = bot.Define(&i18n.Message{ID: "handlers.history.latest",
		Other: "Only the latest {{.Count}} are shown."})

	msgEventSomeone = bot.Define(&i18n.Message{ID: "handlers.event.someone",
		Other: "Someone"})
	msgEventPeople = bot.Define(&i18n.Message{ID: "handlers.event.people",
		One: "{{.Count}} person", Other: "{{.Count}} people"})
	msgEventPeopleNamed = bot.Define(&i18n.Message{ID: "handlers.event.people_named",
		One: "{{.Count}} person ({{.Names}})", Other: "{{.Count}} people ({{.Names}})"})
	msgEventMissing = bot.Define(&i18n.Message{ID: "handlers.event.missing",
		One: " ({{.Count}} person named held nothing open)", Other: " ({{.Count}} people named held nothing open)"})
	msgEventAssign = bot.Define(&i18n.Message{ID: "handlers.event.assign",
		Other: "{{.Actor}} assigned {{.Task}} to {{.Who}}."})
	msgEventDecide = bot.Define(&i18n.Message{ID: "handlers.event.decide",
		Other: "{{.Actor}} chose {{.Choice}} for {{.Task}}: assigned to {{.Who}}."})
	msgEventDecideNone = bot.Define(&i18n.Message{ID: "handlers.event.decide_none",
		Other: "{{.Actor}} chose {{.Choice}} for {{.Task}}: nothing was assigned."})
	msgEventChoiceDoNotAssign = bot.Define(&i18n.Message{ID: "handlers.event.choice.do_not_assign",
		Other: "“Do not assign”"})
	msgEventChoiceOnlyNew = bot.Define(&i18n.Message{ID: "handlers.event.choice.only_new",
		Other: "“Only new”"})
	msgEventChoiceForce = bot.Define(&i18n.Message{ID: "handlers.event.choice.force",
		Other: "“Force reassignment”"})
	msgEventUnassign = bot.Define(&i18n.Message{ID: "handlers.event.unassign",
		Other: "{{.Actor}} unassigned {{.Task}} from {{.Who}}{{.Missing}}."})
	msgEventDone = bot.Define(&i18n.Message{ID: "handlers.event.done",
		Other: "{{.Actor}} marked {{.Task}} done."})
	msgEventUndo = bot.Define(&i18n.Message{ID: "handlers.event.undo",
		Other: "{{.Actor}} reopened {{.Task}} (Undo after Mark done)."})
	msgEventInvite = bot.Define(&i18n.Message{ID: "handlers.event.invite",
		Other: "{{.Actor}} invited {{.Email}} as {{.Role}}."})
	msgEventInviteAgain = bot.Define(&i18n.Message{ID: "handlers.event.invite_again",
		Other: "{{.Actor}} sent {{.Email}} a new invitation link ({{.Role}})."})
	msgEventRevoke = bot.Define(&i18n.Message{ID: "handlers.event.revoke",
		Other: "{{.Actor}} revoked the invitation of {{.Email}}."})
	msgEventAccept = bot.Define(&i18n.Message{ID: "handlers.event.accept",
		Other: "{{.Actor}} accepted the invitation of {{.Email}} and joined as {{.Role}}."})
	msgEventRole = bot.Define(&i18n.Message{ID: "handlers.event.role",
		Other: "{{.Actor}} set the role of {{.Person}} to {{.Role}}."})
	msgEventTaskAdd = bot.Define(&i18n.Message{ID: "handlers.event.task_add",
		Other: "{{.Actor}} added the task {{.Task}}."})
	msgEventTaskEdit = bot.Define(&i18n.Message{ID: "handlers.event.task_edit",
		Other: "{{.Actor}} changed the task {{.Task}}: {{.Title}}."})
	msgEventTaskArchive = bot.Define(&i18n.Message{ID: "handlers.event.task_archive",
		Other: "{{.Actor}} archived the task {{.Task}}."})
	msgEventTaskRestore = bot.Define(&i18n.Message{ID: "handlers.event.task_restore",
		Other: "{{.Actor}} restored the task {{.Task}}."})
	msgEventGroupRename = bot.Define(&i18n.Message{ID: "handlers.event.group_rename",
		Other: "{{.Actor}} renamed the group {{.From}} to {{.Group}}."})
	msgEventGroupCreate = bot.Define(&i18n.Message{ID: "handlers.event.group_create",
		Other: "{{.Actor}} created the group {{.Group}}."})
	msgEventGroupDelete = bot.Define(&i18n.Message{ID: "handlers.event.group_delete",
		Other: "{{.Actor}} deleted the group {{.Group}}."})
	msgEventGroupAdd = bot.Define(&i18n.Message{ID: "handlers.event.group_add",
		Other: "{{.Actor}} added {{.Who}} to the group {{.Group}}."})
	msgEventGroupRemove = bot.Define(&i18n.Message{ID: "handlers.event.group_remove",
		Other: "{{.Actor}} removed {{.Who}} from the group {{.Group}}."})
	msgEventOther = bot.Define(&i18n.Message{ID: "handlers.event.other",
		Other: "{{.Actor}}: {{.Kind}}."})
)

// unassign
var (
	msgCmdUnassign = bot.Define(&i18n.Message{ID: "handlers.command.unassign",
		Other: "Take a task back from people and groups: their open assignments are removed (no DM)."})
	msgUnassignEmpty = bot.Define(&i18n.Message{ID: "handlers.unassign.empty",
		Other: "Nobody to unassign {{.Task}} from: the groups named are empty."})
	msgUnassigned = bot.Define(&i18n.Message{ID: "handlers.unassign.done",
		One:   "Unassigned {{.Task}} from 1 person: {{.Names}}.",
		Other: "Unassigned {{.Task}} from {{.Count}} people: {{.Names}}."})
	msgUnassignedNone = bot.Define(&i18n.Message{ID: "handlers.unassign.none",
		Other: "Nothing was unassigned: nobody named holds {{.Task}} open."})
	msgUnassignHadNone = bot.Define(&i18n.Message{ID: "handlers.unassign.had_none",
		One:   "1 named holds no open assignment of it: {{.Names}}.",
		Other: "{{.Count}} named hold no open assignment of it: {{.Names}}."})
)

// Due dates: the due command, assign's "due <when>", and their options.
var (
	msgCmdDue = bot.Define(&i18n.Message{ID: "handlers.command.due",
		Other: "Set or clear the due date of a task's open assignments (all holders, or the targets named)."})
	msgOptDue = bot.Define(&i18n.Message{ID: "handlers.option.due",
		Other: "Due date: YYYY-MM-DD, today, tomorrow, 3d or 2w"})
	msgOptWhen = bot.Define(&i18n.Message{ID: "handlers.option.when",
		Other: "YYYY-MM-DD, today, tomorrow, 3d, 2w, or none to clear"})
	msgOptDueTargets = bot.Define(&i18n.Message{ID: "handlers.option.due_targets",
		Other: "Only these people or groups (default: everyone holding it)"})
	msgBadWhen = bot.Define(&i18n.Message{ID: "handlers.due.bad_when",
		Other: "{{.When}} is not a date: use YYYY-MM-DD, today, tomorrow, 3d (days from today) or 2w (weeks)."})
	msgPastWhen = bot.Define(&i18n.Message{ID: "handlers.due.past",
		Description: "Today is bot.day",
		Other:       "{{.When}} is in the past: today is {{.Today}} in your time zone."})
	msgDueArgs = bot.Define(&i18n.Message{ID: "handlers.due.args",
		Other: "Name a task and a date, or none to clear it."})
	msgAssignDue = bot.Define(&i18n.Message{ID: "handlers.due.assigned",
		Description: "after the assign summary; Day is bot.day",
		Other:       "Due {{.Day}}; reminders go out before it and the day after if still open."})
	msgPromptDue = bot.Define(&i18n.Message{ID: "handlers.due.prompt",
		Description: "in the duplicate prompt; Day is bot.day",
		Other:       "Whoever you assign it to gets the due date {{.Day}}."})
	msgDueSet = bot.Define(&i18n.Message{ID: "handlers.due.set",
		Description: "Day is bot.day",
		One:         "{{.Task}} is now due {{.Day}} for {{.Count}} open assignment; its reminders follow the date.",
		Other:       "{{.Task}} is now due {{.Day}} for {{.Count}} open assignments; their reminders follow the date."})
	msgDueCleared = bot.Define(&i18n.Message{ID: "handlers.due.cleared",
		One:   "{{.Task}} has no due date any more for {{.Count}} open assignment; no reminders.",
		Other: "{{.Task}} has no due date any more for {{.Count}} open assignments; no reminders."})
	msgDueNobody = bot.Define(&i18n.Message{ID: "handlers.due.nobody",
		Other: "Nobody named has an open assignment of {{.Task}}; nothing changed."})
	msgEventDue = bot.Define(&i18n.Message{ID: "handlers.event.due",
		Description: "Due is YYYY-MM-DD",
		Other:       "{{.Actor}} set the due date of {{.Task}} to {{.Due}} for {{.Who}}."})
	msgEventDueCleared = bot.Define(&i18n.Message{ID: "handlers.event.due_cleared",
		Other: "{{.Actor}} cleared the due date of {{.Task}} for {{.Who}}."})
	msgProgressOverdue = bot.Define(&i18n.Message{ID: "handlers.progress.overdue",
		One:   "Overdue (1): {{.Names}}",
		Other: "Overdue ({{.Count}}): {{.Names}}"})
	msgDueMissing = bot.Define(&i18n.Message{ID: "handlers.due.missing",
		Other: "No open assignment of {{.Key}}: {{.Names}}."})
)

// Undo after Mark done
var (
	msgUndo = bot.Define(&i18n.Message{ID: "handlers.undo.label",
		Description: "the button (a contract word)",
		Other:       "Undo"})
	msgReopened = bot.Define(&i18n.Message{ID: "handlers.undo.done",
		Other: "Reopened: {{.Task}} is open again."})
	msgUndoNotDone = bot.Define(&i18n.Message{ID: "handlers.undo.not_done",
		Other: "{{.Task}} is not marked done, so there is nothing to undo."})
	msgUndoNotYours = bot.Define(&i18n.Message{ID: "handlers.undo.not_yours",
		Other: "That task is assigned to someone else; you can only reopen your own tasks."})
)

// report
var (
	msgCmdReport = bot.Define(&i18n.Message{ID: "handlers.command.report",
		Other: "Per task: holders, done, open, overdue, share done; a group's members only if named. With a CSV link."})
	msgOptReportGroup = bot.Define(&i18n.Message{ID: "handlers.option.report_group",
		Other: "Only this group's members"})
	msgReportArgs = bot.Define(&i18n.Message{ID: "handlers.report.args",
		Other: "Name one group, or none for everyone."})
	msgReportNone = bot.Define(&i18n.Message{ID: "handlers.report.none",
		Other: "Nothing to report: no assignments yet."})
	msgReportAll = bot.Define(&i18n.Message{ID: "handlers.report.all",
		One:   "Report: 1 task with assignments, most behind first.",
		Other: "Report: {{.Count}} tasks with assignments, most behind first."})
	msgReportGroup = bot.Define(&i18n.Message{ID: "handlers.report.group",
		One:   "Report for the group {{.Group}}: 1 task its members hold, most behind first.",
		Other: "Report for the group {{.Group}}: {{.Count}} tasks its members hold, most behind first."})
	msgReportHolders = bot.Define(&i18n.Message{ID: "handlers.report.holders",
		Other: "holders"})
	msgReportOverdue = bot.Define(&i18n.Message{ID: "handlers.report.overdue",
		Other: "overdue"})
	msgReportShare = bot.Define(&i18n.Message{ID: "handlers.report.share",
		Other: "{{.Percent}}% done"})
	msgReportMore = bot.Define(&i18n.Message{ID: "handlers.report.more",
		One:   "… and 1 more task: {{.Done}} done, {{.Open}} open, {{.Overdue}} overdue.",
		Other: "… and {{.Count}} more tasks: {{.Done}} done, {{.Open}} open, {{.Overdue}} overdue."})
	msgReportCSV = bot.Define(&i18n.Message{ID: "handlers.report.csv",
		Description: "Until is bot.datetime",
		Other:       "Every assignment as CSV (the link works until {{.Until}}): {{.Link}}"})
)

// invite with several addresses
var (
	msgOptAddresses = bot.Define(&i18n.Message{ID: "handlers.option.addresses",
		Other: "Email addresses: up to 100, separated by spaces, commas or semicolons"})
	msgInviteTooMany = bot.Define(&i18n.Message{ID: "handlers.invite.too_many",
		Other: "At most {{.Max}} addresses at once; you gave {{.Count}}. Nothing was sent."})
	msgInviteNoneValid = bot.Define(&i18n.Message{ID: "handlers.invite.none_valid",
		Other: "None of these is a valid email address: {{.Invalid}}."})
	msgInviteSummary = bot.Define(&i18n.Message{ID: "handlers.invite.summary",
		Other: "{{.Count}} addresses: {{.Invited}} invited, {{.Pending}} already pending, {{.Active}} already active, {{.Invalid}} invalid."})
	msgInviteManyInvited = bot.Define(&i18n.Message{ID: "handlers.invite.many_invited",
		Other: "Invited ({{.Role}}), each gets an email: {{.Names}}"})
	msgInviteManyLink = bot.Define(&i18n.Message{ID: "handlers.invite.many_link",
		Other: "Invited {{.Email}} ({{.Role}}), link valid until {{.Until}}:"})
	msgInviteManyNoEmail = bot.Define(&i18n.Message{ID: "handlers.invite.many_no_email",
		Other: "Email is not configured, so send each their link yourself."})
	msgInviteManyActive = bot.Define(&i18n.Message{ID: "handlers.invite.many_active",
		Other: "Already active members: {{.Names}}"})
	msgInviteManyInvalid = bot.Define(&i18n.Message{ID: "handlers.invite.many_invalid",
		Other: "Not valid email addresses: {{.Names}}"})
	msgInviteManyPending = bot.Define(&i18n.Message{ID: "handlers.invite.many_pending",
		Other: "Already pending: {{.Email}} ({{.Role}}); nothing new was sent."})
	msgInviteManyDMs = bot.Define(&i18n.Message{ID: "handlers.invite.many_dms",
		One:   "{{.Count}} of them is here already and got the invitation in a DM with an Accept button; until accepting, a learner.",
		Other: "{{.Count}} of them are here already and got the invitation in a DM with an Accept button; until they accept, they are learners."})
)
