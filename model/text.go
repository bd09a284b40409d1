package model

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
