package mail

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// The invitation email's words, plain text and HTML alike.
var (
	msgSubject = bot.Define(&i18n.Message{ID: "mail.subject",
		Other: "{{.Inviter}} invited you to {{.Workspace}} on learnbot"})
	msgSubjectNoInviter = bot.Define(&i18n.Message{ID: "mail.subject_no_inviter",
		Other: "You are invited to {{.Workspace}} on learnbot"})
	msgSomeWorkspace = bot.Define(&i18n.Message{ID: "mail.some_workspace",
		Description: "stands in for a workspace without a name, in the subject",
		Other:       "a workspace"})
	msgTheirWorkspace = bot.Define(&i18n.Message{ID: "mail.their_workspace",
		Description: "stands in for a workspace without a name, in the body",
		Other:       "their workspace"})
	msgSomeGuide = bot.Define(&i18n.Message{ID: "mail.some_guide",
		Description: "stands in for an inviter without a name",
		Other:       "A guide"})

	msgTitle = bot.Define(&i18n.Message{ID: "mail.title",
		Other: "Invitation to {{.Workspace}} on learnbot"})
	msgHeading = bot.Define(&i18n.Message{ID: "mail.heading",
		Other: "You are invited to {{.Workspace}}"})
	msgHello = bot.Define(&i18n.Message{ID: "mail.hello",
		Other: "Hello,"})
	msgLead = bot.Define(&i18n.Message{ID: "mail.lead",
		Description: "AsRole is a role in prose: as a learner",
		Other:       "{{.Inviter}} invited you to join {{.Workspace}} on learnbot {{.AsRole}}."})
	msgHowTo = bot.Define(&i18n.Message{ID: "mail.how_to",
		Description: "plain text only; Accept is the button on the invitation page (web.accept)",
		Other:       "To accept the invitation, open this link and press \"{{.Accept}}\":"})
	msgButton = bot.Define(&i18n.Message{ID: "mail.button",
		Other: "View the invitation"})
	msgLinkFallback = bot.Define(&i18n.Message{ID: "mail.link_fallback",
		Other: "If the button does not work, copy this link into your browser:"})
	msgExpires = bot.Define(&i18n.Message{ID: "mail.expires",
		Other: "The link works until {{.Expires}}. After that, ask {{.Inviter}} for a new invitation."})
	msgAbout = bot.Define(&i18n.Message{ID: "mail.about",
		Other: "learnbot shows you the learning tasks your guides assign to you, right in your chat app. If you did not expect this email, you can ignore it."})
	msgAcceptButton = bot.Define(&i18n.Message{ID: "mail.accept_button",
		Description: "the label of the invitation page's button, quoted in the plain-text email",
		Other:       "Accept invitation"})
)
