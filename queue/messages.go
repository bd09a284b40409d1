package queue

import "github.com/learnbot/learnbot/catalog"

// Why a DM was not sent, recorded in English and shown to guides in their
// language (catalog.Lang.Translate).
var msgNotOnChat = catalog.Msg("queue.not_on_chat")
var msgNoConnection = catalog.Msg("queue.no_connection")
