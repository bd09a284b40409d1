package model

import (
	"strings"
	"unicode"
)

// BidiControl reports whether r is a bidirectional embedding, override or
// isolate (U+202A to U+202E, U+2066 to U+2069). The text after one is laid
// out in another direction up to its end or the end of the paragraph, so a
// title or name holding one can turn around the words that follow it in a
// reply, a list or an email subject ("Trojan Source"). The single marks
// right-to-left text needs (U+200E, U+200F, U+061C) are not among them, nor
// are the joiners of emoji and of Indic and Persian script.
func BidiControl(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// HiddenChar finds the first invisible format character of s that no
// title, name or email should hold: zero-width spaces and word joiners
// (U+200B, U+2060, U+FEFF), Unicode tag characters (U+E0000 to U+E007F),
// and the joiners U+200C and U+200D outside the sequences that need them
// (an emoji sequence such as 👩‍💻, or two letters of a script other than
// Latin, as Persian and Indic writing use them). They make two different
// texts look the same, or hide text from the reader.
func HiddenChar(s string) (rune, bool) {
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '\u200B' || r == '\u2060' || r == '\uFEFF' || r >= 0xE0000 && r <= 0xE007F:
			return r, true
		case r == '\u200C' || r == '\u200D':
			if i == 0 || i == len(rs)-1 || !joined(rs[i-1], rs[i+1]) {
				return r, true
			}
		}
	}
	return 0, false
}

// joined reports whether a joiner between before and after belongs there:
// inside an emoji sequence, or between two letters of a non-Latin script.
func joined(before, after rune) bool {
	emoji := func(r rune) bool { return unicode.Is(unicode.So, r) }
	if (emoji(before) || before == '\uFE0F' || before >= 0x1F3FB && before <= 0x1F3FF) && emoji(after) {
		return true
	}
	script := func(r rune) bool {
		return r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsMark(r)) && !unicode.Is(unicode.Latin, r)
	}
	return script(before) && script(after)
}

// MixedScripts reports whether one label of an email address (its local
// part, or a part of its domain between dots) mixes letters of several
// scripts, such as a Cyrillic "а" among Latin letters: such an address
// looks like another one that belongs to someone else. The combinations
// Japanese, Chinese and Korean writing use (Han with kana, Bopomofo or
// Hangul, and Latin with them) are not mixed.
func MixedScripts(email string) bool {
	for _, label := range strings.FieldsFunc(email, func(r rune) bool { return r == '@' || r == '.' }) {
		if len(mixable(label)) > 1 {
			return true
		}
	}
	return false
}

// mixable is the scripts of a label's letters, with the scripts that mix
// in CJK writing counted as one.
func mixable(label string) map[string]bool {
	scripts := map[string]bool{}
	for _, r := range label {
		if r <= unicode.MaxASCII {
			if unicode.IsLetter(r) {
				scripts["Latin"] = true
			}
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsMark(r) {
			continue
		}
		for name, table := range unicode.Scripts {
			if name == "Common" || name == "Inherited" || !unicode.Is(table, r) {
				continue
			}
			switch name {
			case "Han", "Hiragana", "Katakana", "Bopomofo", "Hangul":
				name = "CJK"
			}
			scripts[name] = true
			break
		}
	}
	if scripts["CJK"] && scripts["Latin"] && len(scripts) == 2 {
		delete(scripts, "Latin")
	}
	return scripts
}
