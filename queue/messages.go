package queue

import (
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/learnbot/learnbot/bot"
)

// Why a DM was not sent, recorded in English and shown to guides in their
// language (bot.Lang.Translate).
var msgNotOnChat = bot.Define(&i18n.Message{ID: "queue.not_on_chat", Other: "not on chat yet"})
