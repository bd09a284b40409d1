package web

import "github.com/learnbot/learnbot/catalog"

// The words of the invitation page and its error pages. Names and addresses
// are placeholders; the template escapes them.
var (
	msgSomeGuide     = catalog.Msg("web.some_guide")
	msgThisWorkspace = catalog.Msg("web.this_workspace")
	msgAccept        = catalog.Msg("web.accept")
	msgGoBack        = catalog.Msg("web.go_back")

	msgInvitationTitle   = catalog.Msg("web.invitation.title")
	msgInvitationHeading = catalog.Msg("web.invitation.heading")
	msgInvitationLead    = catalog.Msg("web.invitation.lead")
	msgTermWorkspace     = catalog.Msg("web.invitation.workspace")
	msgTermInviter       = catalog.Msg("web.invitation.invited_by")
	msgTermRole          = catalog.Msg("web.invitation.role")
	msgTermFor           = catalog.Msg("web.invitation.for")
	msgTermValid         = catalog.Msg("web.invitation.valid_until")
	msgAfterAccept       = catalog.Msg("web.invitation.after_accepting")

	msgWelcomeTitle   = catalog.Msg("web.welcome.title")
	msgWelcomeHeading = catalog.Msg("web.welcome.heading")
	msgWelcomeLead    = catalog.Msg("web.welcome.lead")
	msgWelcomeClose   = catalog.Msg("web.welcome.close")

	msgAcceptedTitle   = catalog.Msg("web.accepted.title")
	msgAcceptedHeading = catalog.Msg("web.accepted.heading")
	msgAcceptedLead    = catalog.Msg("web.accepted.lead")
	msgAcceptedOnLead  = catalog.Msg("web.accepted.lead_on")

	msgRevokedTitle   = catalog.Msg("web.revoked.title")
	msgRevokedHeading = catalog.Msg("web.revoked.heading")
	msgRevokedLead    = catalog.Msg("web.revoked.lead")
	msgRevokedNote    = catalog.Msg("web.revoked.note")

	msgExpiredTitle   = catalog.Msg("web.expired.title")
	msgExpiredHeading = catalog.Msg("web.expired.heading")
	msgExpiredLead    = catalog.Msg("web.expired.lead")
	msgExpiredNote    = catalog.Msg("web.expired.note")

	msgSupersededTitle   = catalog.Msg("web.superseded.title")
	msgSupersededHeading = catalog.Msg("web.superseded.heading")
	msgSupersededLead    = catalog.Msg("web.superseded.lead")
	msgSupersededNewest  = catalog.Msg("web.superseded.newest")
	msgSupersededAsk     = catalog.Msg("web.superseded.ask")

	msgInvalidTitle   = catalog.Msg("web.invalid.title")
	msgInvalidHeading = catalog.Msg("web.invalid.heading")
	msgInvalidLead    = catalog.Msg("web.invalid.lead")
	msgAskNew         = catalog.Msg("web.ask_new")

	msgNotFoundTitle = catalog.Msg("web.not_found.title")
	msgNotFoundLead  = catalog.Msg("web.not_found.lead")
	msgNotFoundCheck = catalog.Msg("web.not_found.check")
	msgNotFoundAsk   = catalog.Msg("web.not_found.ask")

	msgErrorTitle = catalog.Msg("web.error.title")
	msgErrorLead  = catalog.Msg("web.error.lead")
	msgErrorRetry = catalog.Msg("web.error.retry")

	msgReportNotFound = catalog.Msg("web.report.not_found")
	msgReportExpired  = catalog.Msg("web.report.expired")
	msgReportFailed   = catalog.Msg("web.report.failed")
	// The separator a spreadsheet of the reader's language reads: where
	// the decimal separator is a comma (German, French), it is ";".
	msgReportSeparator = catalog.Msg("web.report.separator")
)

// The one-time code that links a Discord or Matrix account after acceptance.
var msgWelcomeJoinCode = catalog.Msg("web.welcome.join_code")
