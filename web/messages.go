package web

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// The words of the invitation page and its error pages. Names and addresses
// are placeholders; the template escapes them.
var (
	msgSomeGuide = bot.Define(&i18n.Message{ID: "web.some_guide",
		Description: "stands in for an inviter without a name",
		Other:       "A guide"})
	msgThisWorkspace = bot.Define(&i18n.Message{ID: "web.this_workspace",
		Description: "stands in for a workspace without a name",
		Other:       "this workspace"})
	msgAccept = bot.Define(&i18n.Message{ID: "web.accept",
		Description: "the button that accepts (the email quotes it as mail.accept_button)",
		Other:       "Accept invitation"})
	msgGoBack = bot.Define(&i18n.Message{ID: "web.go_back",
		Other: "Go back to Slack or Discord and type /tasks to see the learning tasks assigned to you."})

	msgInvitationTitle = bot.Define(&i18n.Message{ID: "web.invitation.title",
		Other: "Invitation to {{.Workspace}}"})
	msgInvitationHeading = bot.Define(&i18n.Message{ID: "web.invitation.heading",
		Other: "You are invited to {{.Workspace}}"})
	msgInvitationLead = bot.Define(&i18n.Message{ID: "web.invitation.lead",
		Description: "AsRole is a role in prose: as a learner",
		Other:       "{{.Inviter}} invited you to join {{.Workspace}} on learnbot {{.AsRole}}."})
	msgTermWorkspace = bot.Define(&i18n.Message{ID: "web.invitation.workspace", Other: "Workspace"})
	msgTermInviter   = bot.Define(&i18n.Message{ID: "web.invitation.invited_by", Other: "Invited by"})
	msgTermRole      = bot.Define(&i18n.Message{ID: "web.invitation.role", Other: "Role"})
	msgTermFor       = bot.Define(&i18n.Message{ID: "web.invitation.for", Other: "For"})
	msgTermValid     = bot.Define(&i18n.Message{ID: "web.invitation.valid_until", Other: "Valid until"})
	msgAfterAccept   = bot.Define(&i18n.Message{ID: "web.invitation.after_accepting",
		Other: "After accepting, go back to Slack or Discord and type /tasks to see the learning tasks assigned to you."})

	msgWelcomeTitle = bot.Define(&i18n.Message{ID: "web.welcome.title",
		Other: "Welcome to {{.Workspace}}"})
	msgWelcomeHeading = bot.Define(&i18n.Message{ID: "web.welcome.heading",
		Other: "Welcome: you're in!"})
	msgWelcomeLead = bot.Define(&i18n.Message{ID: "web.welcome.lead",
		Other: "You joined {{.Workspace}} on learnbot {{.AsRole}}."})
	msgWelcomeClose = bot.Define(&i18n.Message{ID: "web.welcome.close",
		Other: "You can close this page."})

	msgAcceptedTitle = bot.Define(&i18n.Message{ID: "web.accepted.title",
		Other: "Invitation already accepted"})
	msgAcceptedHeading = bot.Define(&i18n.Message{ID: "web.accepted.heading",
		Other: "You already accepted this invitation"})
	msgAcceptedLead = bot.Define(&i18n.Message{ID: "web.accepted.lead",
		Other: "You are already a member of {{.Workspace}}; there is nothing more to do here."})
	msgAcceptedOnLead = bot.Define(&i18n.Message{ID: "web.accepted.lead_on",
		Other: "You accepted the invitation to {{.Workspace}} on {{.When}}; there is nothing more to do here."})

	msgRevokedTitle = bot.Define(&i18n.Message{ID: "web.revoked.title",
		Other: "Invitation withdrawn"})
	msgRevokedHeading = bot.Define(&i18n.Message{ID: "web.revoked.heading",
		Other: "This invitation was withdrawn"})
	msgRevokedLead = bot.Define(&i18n.Message{ID: "web.revoked.lead",
		Other: "The invitation to {{.Workspace}} was withdrawn and can no longer be accepted."})
	msgRevokedNote = bot.Define(&i18n.Message{ID: "web.revoked.note",
		Other: "If you think this is a mistake, ask your guide ({{.Inviter}}) for a new invitation."})

	msgExpiredTitle = bot.Define(&i18n.Message{ID: "web.expired.title",
		Other: "Invitation expired"})
	msgExpiredHeading = bot.Define(&i18n.Message{ID: "web.expired.heading",
		Other: "This invitation has expired"})
	msgExpiredLead = bot.Define(&i18n.Message{ID: "web.expired.lead",
		Other: "The invitation to {{.Workspace}} expired on {{.When}}."})
	msgExpiredNote = bot.Define(&i18n.Message{ID: "web.expired.note",
		Other: "Ask your guide ({{.Inviter}}) for a new invitation: they can send one with “invite again”."})

	msgSupersededTitle = bot.Define(&i18n.Message{ID: "web.superseded.title",
		Other: "Link replaced by a newer invitation"})
	msgSupersededHeading = bot.Define(&i18n.Message{ID: "web.superseded.heading",
		Other: "This link was replaced by a newer email"})
	msgSupersededLead = bot.Define(&i18n.Message{ID: "web.superseded.lead",
		Other: "A newer invitation to {{.Workspace}} was sent to {{.Email}}, and only the link in that email works."})
	msgSupersededNewest = bot.Define(&i18n.Message{ID: "web.superseded.newest",
		Other: "Open the most recent invitation email from learnbot (check your spam folder too)."})
	msgSupersededAsk = bot.Define(&i18n.Message{ID: "web.superseded.ask",
		Other: "If you cannot find it, ask your guide ({{.Inviter}}) to invite you again."})

	msgInvalidTitle = bot.Define(&i18n.Message{ID: "web.invalid.title",
		Other: "Invitation no longer valid"})
	msgInvalidHeading = bot.Define(&i18n.Message{ID: "web.invalid.heading",
		Other: "This invitation is no longer valid"})
	msgInvalidLead = bot.Define(&i18n.Message{ID: "web.invalid.lead",
		Other: "The invitation to {{.Workspace}} can no longer be accepted."})
	msgAskNew = bot.Define(&i18n.Message{ID: "web.ask_new",
		Other: "Ask your guide for a new invitation."})

	msgNotFoundTitle = bot.Define(&i18n.Message{ID: "web.not_found.title",
		Other: "Invitation not found"})
	msgNotFoundLead = bot.Define(&i18n.Message{ID: "web.not_found.lead",
		Other: "This link does not match any invitation."})
	msgNotFoundCheck = bot.Define(&i18n.Message{ID: "web.not_found.check",
		Other: "Check that you opened the whole link from the email: some mail programs break long links in two."})
	msgNotFoundAsk = bot.Define(&i18n.Message{ID: "web.not_found.ask",
		Other: "If it still does not work, ask your guide for a new invitation."})

	msgErrorTitle = bot.Define(&i18n.Message{ID: "web.error.title",
		Other: "Something went wrong"})
	msgErrorLead = bot.Define(&i18n.Message{ID: "web.error.lead",
		Other: "The invitation could not be loaded. Nothing was changed."})
	msgErrorRetry = bot.Define(&i18n.Message{ID: "web.error.retry",
		Other: "Please try again in a moment."})

	msgReportNotFound = bot.Define(&i18n.Message{ID: "web.report.not_found",
		Other: "No such report."})
	msgReportExpired = bot.Define(&i18n.Message{ID: "web.report.expired",
		Other: "This report link has expired (links work for an hour). Run the report command again."})
	msgReportFailed = bot.Define(&i18n.Message{ID: "web.report.failed",
		Other: "Something went wrong; please try again."})
)
