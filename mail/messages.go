package mail

import "github.com/learnbot/learnbot/catalog"

// The invitation email's words, plain text and HTML alike.
var (
	msgSubject          = catalog.Msg("mail.subject")
	msgSubjectNoInviter = catalog.Msg("mail.subject_no_inviter")
	msgSomeWorkspace    = catalog.Msg("mail.some_workspace")
	msgTheirWorkspace   = catalog.Msg("mail.their_workspace")
	msgSomeGuide        = catalog.Msg("mail.some_guide")

	msgTitle        = catalog.Msg("mail.title")
	msgHeading      = catalog.Msg("mail.heading")
	msgHello        = catalog.Msg("mail.hello")
	msgLead         = catalog.Msg("mail.lead")
	msgHowTo        = catalog.Msg("mail.how_to")
	msgButton       = catalog.Msg("mail.button")
	msgLinkFallback = catalog.Msg("mail.link_fallback")
	msgExpires      = catalog.Msg("mail.expires")
	msgAbout        = catalog.Msg("mail.about")
	msgAcceptButton = catalog.Msg("mail.accept_button")
)

// Why an invitation email cannot be sent, as guides read it in invite list.
var msgInvalidAddress = catalog.Msg("mail.reason.invalid_address")
