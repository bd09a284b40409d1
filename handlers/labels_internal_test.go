package handlers

import (
	"testing"

	"github.com/learnbot/learnbot/catalog"
)

// TestButtonLabelsAreContractWords holds every button label to DESIGN
// section 4a's table, in both languages: a translator's "improvement" of a
// label breaks guides' habits and the docs that name the buttons.
func TestButtonLabelsAreContractWords(t *testing.T) {
	for _, c := range []struct {
		msg    *catalog.Message
		en, de string
	}{
		{msgChoiceDoNotAssign, "Do not assign", "Nicht zuweisen"},
		{msgChoiceOnlyNew, "Only new", "Nur neue"},
		{msgChoiceForce, "Force reassignment", "Neuzuweisung erzwingen"},
		{msgChoiceShowGroups, "Show selected groups", "Ausgewählte Gruppen anzeigen"},
		{msgMarkDone, "Mark done", "Erledigt"},
		{msgUndo, "Undo", "Rückgängig"},
		{msgInviteAgain, "Invite again", "Erneut einladen"},
		{msgAccept, "Accept", "Annehmen"},
	} {
		for lang, want := range map[catalog.Lang]string{"en": c.en, "de": c.de} {
			if got := lang.Say(c.msg, nil); got != want {
				t.Errorf("%s in %s = %q, want %q", c.msg.ID, lang, got, want)
			}
		}
	}
}
