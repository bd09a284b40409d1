package model_test

import (
	"testing"

	"github.com/learnbot/learnbot/model"
)

func TestMixedScripts(t *testing.T) {
	for _, c := range []struct {
		email string
		mixed bool
	}{
		{"anna@example.com", false},
		{"\u0430nna@example.com", true},                      // Cyrillic а in a Latin local part
		{"anna@ex\u0430mple.com", true},                      // and in a domain label
		{"\u0438\u0432\u0430\u043d@example.com", false},      // Cyrillic local part, Latin domain
		{"\u03b1\u03bb\u03c6\u03b1@example.com", false},      // Greek local part alone
		{"p\u03b1ypal@example.com", true},                    // Greek α among Latin
		{"\u3084\u307e\u3060\u592a\u90ce@example.jp", false}, // kana with Han
		{"taro\u592a\u90ce@example.jp", false},               // Latin with Han
		{"j\u00fcrgen-2@m\u00fcller.de", false},              // Latin with accents, digits, a hyphen
	} {
		if got := model.MixedScripts(c.email); got != c.mixed {
			t.Errorf("MixedScripts(%q) = %v; want %v", c.email, got, c.mixed)
		}
	}
}
