package matrix

import "github.com/learnbot/learnbot/catalog"

// The adapter's own words, around the replies it renders.
var (
	msgHowToChoose = catalog.Msg("matrix.how_to_choose")
	msgNoUserID    = catalog.Msg("matrix.no_user_id")
	msgRefused     = catalog.Msg("matrix.refused")
	msgNotInRoom   = catalog.Msg("matrix.not_in_room")
)
