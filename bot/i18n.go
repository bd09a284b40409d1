package bot

// Words a person reads live in one catalogue per language (go-i18n), by
// message ID, never in logic.
//
// English is written in Go, next to the code that uses it: every package that
// speaks to people declares its messages in its messages.go with Define, so
// that a reader sees the words where they are used and the compiler checks
// every ID. German is one embedded file, locales/de.toml, that a translator
// can read top to bottom; TestCatalogues (in this package's tests) fails when
// a message is in one language and not the other, or when their placeholders
// or plural forms differ.
//
// The catalogue is built while packages initialise and only read after that,
// like a compiled template; it is not configuration, so it is not passed
// around. It lives here because bot imports nothing of the project and every
// package that speaks to people already imports bot.

import (
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is a language learnbot speaks.
type Lang string

const (
	English Lang = "en"
	German  Lang = "de"
)

// Langs are the languages learnbot speaks, English (the default) first.
var Langs = []Lang{English, German}

// ParseLang reads a language or a platform locale: "de", "de-DE" and "de_AT"
// are German, "en" and "en-GB" English. Anything else is not a language
// learnbot speaks.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	for _, l := range Langs {
		if base == string(l) {
			return l, true
		}
	}
	return "", false
}

// AcceptLanguage picks the first language of an HTTP Accept-Language header
// that learnbot speaks, by the browser's preference; ok is false when none is.
func AcceptLanguage(header string) (Lang, bool) {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return "", false
	}
	for _, t := range tags { // already sorted by weight
		if l, ok := ParseLang(t.String()); ok {
			return l, true
		}
	}
	return "", false
}

// Or returns l, or fallback when l is not set.
func (l Lang) Or(fallback Lang) Lang {
	if l == English || l == German { // every Say asks; most are already one
		return l
	}
	if _, ok := ParseLang(string(l)); ok {
		return l
	}
	return fallback
}

// Vars fill a message's named placeholders ({{.Name}}). A "Count" also picks
// the plural form (One or Other), so "1 person holds it" and "3 people hold
// it" come from one message.
type Vars map[string]any

//go:embed locales/de.toml
var locales embed.FS

// The catalogue is a variable initialised by a function (not an init func)
// so that Go builds it before any message of this package is defined.
var catalogue = newCatalogue()

type catalogueState struct {
	sync.Mutex // only while packages initialise
	bundle     *i18n.Bundle
	english    map[string]*i18n.Message
	german     map[string]*i18n.Message // as de.toml has them, for fill
	localizers map[Lang]*i18n.Localizer
}

func newCatalogue() *catalogueState {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	buf, err := locales.ReadFile("locales/de.toml")
	var file *i18n.MessageFile
	if err == nil {
		file, err = b.ParseMessageFileBytes(buf, "de.toml")
	}
	if err != nil {
		panic(fmt.Sprintf("bot: German catalogue: %v", err))
	}
	c := &catalogueState{bundle: b, english: map[string]*i18n.Message{}, german: map[string]*i18n.Message{},
		localizers: map[Lang]*i18n.Localizer{}}
	for _, m := range file.Messages {
		c.german[m.ID] = m
	}
	for _, l := range Langs {
		c.localizers[l] = i18n.NewLocalizer(b, string(l))
	}
	return c
}

// Define adds an English message to the catalogue and returns it, for a
// package's messages.go:
//
//	var msgUnknownTask = bot.Define(&i18n.Message{ID: "handlers.unknown_task", Other: "There is no task {{.Task}}."})
//
// Its German lives in locales/de.toml under the same ID. A second message
// with the same ID is a programming error and panics at start.
func Define(m *i18n.Message) *i18n.Message {
	catalogue.Lock()
	defer catalogue.Unlock()
	if _, dup := catalogue.english[m.ID]; dup {
		panic("bot: message " + m.ID + " defined twice")
	}
	catalogue.english[m.ID] = m
	// In the bundle its template is parsed once, not on every use.
	catalogue.bundle.MustAddMessages(language.English, m)
	return m
}

// Defined lists the English messages of every package linked in, by ID.
func Defined() []*i18n.Message {
	catalogue.Lock()
	defer catalogue.Unlock()
	ms := make([]*i18n.Message, 0, len(catalogue.english))
	for _, m := range catalogue.english {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	return ms
}

// GermanCatalogue is the embedded German file, for the catalogue tests.
func GermanCatalogue() []byte {
	buf, _ := locales.ReadFile("locales/de.toml")
	return buf
}

// Say renders message m in language l (English when l is not set). A message
// missing from l's catalogue falls back to English; one that cannot be
// rendered at all shows its ID, which the catalogue tests prevent. A nil
// message says nothing.
func (l Lang) Say(m *i18n.Message, vars Vars) string {
	if m == nil {
		return ""
	}
	l = l.Or(English)
	if vars == nil {
		// Labels and fixed sentences are rendered once per language: the
		// catalogue does not change after start, and go-i18n matches the
		// language and runs the template on every call.
		key := plainKey{l, m.ID}
		if s, ok := plain.Load(key); ok {
			return s.(string)
		}
		s := l.render(m, nil)
		plain.Store(key, s)
		return s
	}
	if s, ok := l.fill(m, vars); ok {
		return s
	}
	return l.render(m, vars)
}

type plainKey struct {
	lang Lang
	id   string
}

// plain holds the messages without placeholders as rendered, by language.
var plain sync.Map

// fill renders a message that only puts values in place ({{.Name}}, what
// every catalogue message does) without go-i18n: a list reply says a
// message per row, and go-i18n matches the language, builds the plural
// operands and runs a text/template each time, for about twenty
// allocations. The text is split at its placeholders once per language and
// message; ok is false, and go-i18n renders, for anything fill does not
// write exactly as go-i18n would: another kind of template action, a
// placeholder without a value or with a value other than a string or an
// integer, or a Count that is not a non-negative int.
// TestFillAsGoI18n holds every message of the catalogue to go-i18n's
// output in every language.
func (l Lang) fill(m *i18n.Message, vars Vars) (string, bool) {
	key := plainKey{l, m.ID}
	f, ok := fills.Load(key)
	if !ok {
		f, _ = fills.LoadOrStore(key, l.fillable(m))
	}
	forms := f.(*fillForms)
	if forms == nil {
		return "", false
	}
	parts := forms.other
	if n, ok := vars["Count"]; ok {
		c, isInt := n.(int)
		if !isInt || c < 0 {
			return "", false
		}
		// English and German have one plural rule: one for exactly 1.
		if c == 1 && forms.one != nil {
			parts = forms.one
		}
	}
	b := make([]byte, 0, 128)
	for _, p := range parts {
		b = append(b, p.text...)
		if p.name == "" {
			continue
		}
		switch v := vars[p.name].(type) {
		case string:
			b = append(b, v...)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			return "", false
		}
	}
	return string(b), true
}

// fillForms is a message's text in one language split at its placeholders;
// one is nil when the message has no singular form. A nil *fillForms is a
// message fill leaves to go-i18n.
type fillForms struct{ one, other []fillPart }

// fillPart is literal text followed by the placeholder name ("" at the end).
type fillPart struct{ text, name string }

// fills holds the fillForms by language and message ID.
var fills sync.Map

// fillable splits m's text in l, or returns nil.
func (l Lang) fillable(m *i18n.Message) *fillForms {
	if l != English && l != German {
		return nil
	}
	src := m // a message German lacks is English (go-i18n falls back to it)
	if g, ok := catalogue.german[m.ID]; ok && l == German {
		src = g
	}
	if src.Zero != "" || src.Two != "" || src.Few != "" || src.Many != "" || src.Other == "" ||
		src.LeftDelim != "" || src.RightDelim != "" {
		return nil
	}
	other, ok := splitPlaceholders(src.Other)
	if !ok {
		return nil
	}
	f := &fillForms{other: other}
	if src.One != "" {
		if f.one, ok = splitPlaceholders(src.One); !ok {
			return nil
		}
	}
	return f
}

// splitPlaceholders splits a template made only of text and {{.Name}}.
func splitPlaceholders(src string) ([]fillPart, bool) {
	var parts []fillPart
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			return append(parts, fillPart{text: src}), true
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, false
		}
		name, ok := strings.CutPrefix(src[i+2:i+j], ".")
		if !ok || !isIdentifier(name) {
			return nil, false
		}
		parts = append(parts, fillPart{text: src[:i], name: name})
		src = src[i+j+2:]
	}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func (l Lang) render(m *i18n.Message, vars Vars) string {
	loc := catalogue.localizers[l]
	cfg := &i18n.LocalizeConfig{DefaultMessage: m}
	if vars != nil {
		cfg.TemplateData = map[string]any(vars)
		if n, ok := vars["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := loc.Localize(cfg)
	if err != nil && s == "" {
		return m.ID
	}
	return s
}

// Date writes a calendar date the reader's way: "December 24, 2026",
// "24. Dezember 2026".
func (l Lang) Date(t time.Time) string {
	w := l.calendar()
	return string(w.appendPattern(make([]byte, 0, 32), w.date, t))
}

// Day writes a calendar day with its weekday, the year only when asked:
// "Friday, December 4", "Freitag, 4. Dezember"; with the year "Friday,
// December 4, 2026".
func (l Lang) Day(t time.Time, year bool) string {
	w := l.calendar()
	p := w.day
	if year {
		p = w.dayYear
	}
	return string(w.appendPattern(make([]byte, 0, 48), p, t))
}

// DateTime writes a moment in UTC, unambiguous when the reader's time zone
// is unknown: "Thursday, March 14, 2030 at 09:30 UTC".
func (l Lang) DateTime(t time.Time) string {
	w := l.calendar()
	return string(w.appendPattern(make([]byte, 0, 64), w.dateTime, t.UTC()))
}

// calendarWords are a language's date formats (bot.date, bot.day, ...) and
// the names of its months and weekdays, taken from the catalogue once. A
// list shows a date per row, and running a go-i18n template per date (one
// inside another for a day with its year) was a fifth of what /tasks
// allocated; filling the same pattern directly writes the same text.
type calendarWords struct {
	date, day, dayYear, dateTime []patternPart
	months                       [12]string
	weekdays                     [7]string
}

// patternPart is a format's literal text followed by one placeholder.
type patternPart struct {
	text  string
	field dateField
}

type dateField int

const (
	fieldNone dateField = iota // the literal text at the end of a format
	fieldDay
	fieldMonth
	fieldYear
	fieldWeekday
	fieldDate // the date as bot.date writes it
	fieldTime // hh:mm
)

var dateFields = map[string]dateField{"Day": fieldDay, "Month": fieldMonth, "Year": fieldYear,
	"Weekday": fieldWeekday, "Date": fieldDate, "Time": fieldTime}

// calendars holds every language's calendarWords, built on first use (the
// catalogue is complete once packages have initialised).
var calendars = sync.OnceValue(func() map[Lang]*calendarWords {
	m := map[Lang]*calendarWords{}
	for _, l := range Langs {
		w := &calendarWords{date: l.pattern(msgDate), day: l.pattern(msgDay), dayYear: l.pattern(msgDayYear),
			dateTime: l.pattern(msgDateTime)}
		for i, msg := range msgMonths {
			w.months[i] = l.Say(msg, nil)
		}
		for i, msg := range msgWeekdays {
			w.weekdays[i] = l.Say(msg, nil)
		}
		m[l] = w
	}
	return m
})

func (l Lang) calendar() *calendarWords { return calendars()[l.Or(English)] }

// pattern splits a date format into its literal text and placeholders by
// rendering it once with each placeholder set to its own name between NUL
// bytes, which no catalogue text contains: "\x00Month\x00 \x00Day\x00,
// \x00Year\x00" is ["", Month, " ", Day, ", ", Year, ""].
func (l Lang) pattern(m *i18n.Message) []patternPart {
	vars := Vars{}
	for name := range dateFields {
		vars[name] = "\x00" + name + "\x00"
	}
	pieces := strings.Split(l.render(m, vars), "\x00")
	var parts []patternPart
	for i := 0; i < len(pieces); i += 2 {
		part := patternPart{text: pieces[i]}
		if i+1 < len(pieces) {
			f, ok := dateFields[pieces[i+1]]
			if !ok {
				panic(fmt.Sprintf("bot: %s in %s has an unknown placeholder %q", m.ID, l, pieces[i+1]))
			}
			part.field = f
		}
		parts = append(parts, part)
	}
	return parts
}

// appendPattern writes t in format p.
func (w *calendarWords) appendPattern(b []byte, p []patternPart, t time.Time) []byte {
	for _, part := range p {
		b = append(b, part.text...)
		switch part.field {
		case fieldDay:
			b = strconv.AppendInt(b, int64(t.Day()), 10)
		case fieldMonth:
			b = append(b, w.months[t.Month()-1]...)
		case fieldYear:
			b = strconv.AppendInt(b, int64(t.Year()), 10)
		case fieldWeekday:
			b = append(b, w.weekdays[t.Weekday()]...)
		case fieldDate:
			b = w.appendPattern(b, w.date, t)
		case fieldTime:
			b = t.AppendFormat(b, "15:04")
		}
	}
	return b
}

// AsRole names a role in prose, "as a guide"; an unknown role reads as
// learner, the role it grants.
func (l Lang) AsRole(r Role) string {
	m, ok := msgAsRole[r]
	if !ok {
		m = msgAsRole[RoleLearner]
	}
	return l.Say(m, nil)
}

// RoleName names a role in prose: "guide", "Lernbegleiter:in".
func (l Lang) RoleName(r Role) string {
	m, ok := msgRoleName[r]
	if !ok {
		m = msgRoleName[RoleLearner]
	}
	return l.Say(m, nil)
}

// Reply is a reply with one message in language l.
func (l Lang) Reply(m *i18n.Message, vars Vars) *Reply {
	return &Reply{Text: l.Say(m, vars), Lang: l}
}

// Err is a user error in language l: the reply says it, nothing changes.
func (l Lang) Err(m *i18n.Message, vars Vars) error {
	return &UserError{Msg: l.Say(m, vars)}
}

// UsageErr is a user error in language l followed by the command's usage.
func (l Lang) UsageErr(m *i18n.Message, vars Vars) error {
	return &UserError{Msg: l.Say(m, vars), ShowUsage: true}
}

// Failed is the short reply to an error on our side (logged elsewhere).
func (l Lang) Failed() *Reply { return l.Reply(msgFailed, nil) }

// Done is the reply of a handler that had nothing more to say.
func (l Lang) Done() *Reply { return l.Reply(msgDone, nil) }

// MoreNotShown says that a platform left out the last n entries of a list
// for want of room.
func (l Lang) MoreNotShown(n int) string { return l.Say(msgMoreNotShown, Vars{"Count": n}) }

// Translate renders in l the message whose English is english, for words
// stored as English text (the reason a delivery failed, recorded when no
// reader was known). A detail in parentheses at the end ("(cannot_dm_bot)")
// is kept as it is; text that is no message without placeholders is
// returned unchanged.
func (l Lang) Translate(english string) string {
	byEnglish.once.Do(func() {
		byEnglish.m = map[string]*i18n.Message{}
		for _, m := range Defined() {
			if m.One == "" && !strings.Contains(m.Other, "{{") {
				byEnglish.m[m.Other] = m
			}
		}
	})
	if m, ok := byEnglish.m[english]; ok {
		return l.Say(m, nil)
	}
	if i := strings.LastIndex(english, " ("); i > 0 && strings.HasSuffix(english, ")") {
		if m, ok := byEnglish.m[english[:i]]; ok {
			return l.Say(m, nil) + english[i:]
		}
	}
	return english
}

var byEnglish struct {
	once sync.Once
	m    map[string]*i18n.Message
}
