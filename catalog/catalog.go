// Package catalog holds the words a person reads: one catalogue per
// language (go-i18n), by message ID, and the registry of the languages
// learnbot speaks. It imports nothing of the project.
//
// A language is data: one line in locales/languages.toml (tag, name, Discord
// locale) and one file, locales/<tag>.toml, English included; nothing else in
// the code names a language. Code refers to a message by its ID with Msg,
// in the messages.go of the package that speaks it; Msg panics at start for
// an ID the English catalogue lacks. TestCatalogues fails when a message is
// missing from a catalogue or its placeholders or plural forms differ.
//
// The catalogues are read once while packages initialise, like compiled
// templates; they are not configuration, so they are not passed around.
// Load adds languages from another file system (a test adds a fourth).
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Message is one message of the catalogue, as its English defines it.
type Message = i18n.Message

// Lang is a language learnbot speaks: a registered tag ("en", "de", "fr").
type Lang string

// English is the language every catalogue follows and the last fallback.
const English Lang = "en"

// Language is one entry of the registry.
type Language struct {
	Tag  Lang   `toml:"tag"`
	Name string `toml:"name"` // in the language itself: "Deutsch"
	// Discord is the locale Discord gives this language's clients ("de",
	// "fr", "en-US"), for command localizations; "" when Discord has none.
	Discord string `toml:"discord"`
}

// Languages are the registered languages, English first.
func Languages() []Language { return state.Load().languages }

// Tags are the registered languages' tags, English first.
func Tags() []Lang {
	var tags []Lang
	for _, l := range Languages() {
		tags = append(tags, l.Tag)
	}
	return tags
}

// Name is the language's name in itself ("Deutsch"), or its tag when it is
// not registered.
func (l Lang) Name() string {
	for _, lang := range Languages() {
		if lang.Tag == l {
			return lang.Name
		}
	}
	return string(l)
}

// ParseLang reads a language or a platform locale: "de", "de-DE" and "de_AT"
// are German when German is registered. Anything else is not a language
// learnbot speaks.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	if _, ok := state.Load().localizers[Lang(base)]; ok && base != "" {
		return Lang(base), true
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

// Or returns l, or fallback when l is not a registered language.
func (l Lang) Or(fallback Lang) Lang {
	if _, ok := state.Load().localizers[l]; ok {
		return l
	}
	return fallback
}

// Vars fill a message's named placeholders ({{.Name}}). A "Count" also picks
// the plural form (One or Other), so "1 person holds it" and "3 people hold
// it" come from one message.
type Vars map[string]any

//go:embed locales
var locales embed.FS

// catalogues is every registered language's catalogue. It is replaced, never
// changed, so that Say reads it without a lock.
type catalogues struct {
	bundle     *i18n.Bundle
	languages  []Language
	messages   map[Lang]map[string]*i18n.Message // as each file has them
	files      map[Lang][]byte
	localizers map[Lang]*i18n.Localizer
	// oneFor0 is set for languages whose singular covers 0 (French).
	oneFor0 map[Lang]bool
}

// state is initialised before any message of a package is looked up: Msg
// reads it, so Go initialises it first.
var state = func() *atomic.Pointer[catalogues] {
	sub, _ := fs.Sub(locales, "locales")
	c, err := build(sub, nil)
	if err != nil {
		panic(fmt.Sprintf("catalog: embedded catalogues: %v", err))
	}
	p := new(atomic.Pointer[catalogues])
	p.Store(c)
	return p
}()

var loadMu sync.Mutex // one Load at a time

// Load registers the languages of fsys: a languages.toml with a
// [[language]] table per language (tag, name, discord) and a <tag>.toml
// catalogue for each. A language already registered is replaced.
func Load(fsys fs.FS) error {
	loadMu.Lock()
	defer loadMu.Unlock()
	c, err := build(fsys, state.Load())
	if err != nil {
		return err
	}
	state.Store(c)
	plain.Clear()
	fills.Clear()
	calendarsCache.Store(nil)
	return nil
}

// build reads the languages of fsys on top of those of old (nil at start).
func build(fsys fs.FS, old *catalogues) (*catalogues, error) {
	var reg struct {
		Language []Language `toml:"language"`
	}
	buf, err := fs.ReadFile(fsys, "languages.toml")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if err := toml.Unmarshal(buf, &reg); err != nil {
		return nil, fmt.Errorf("catalog: languages.toml: %w", err)
	}
	c := &catalogues{bundle: i18n.NewBundle(language.English), messages: map[Lang]map[string]*i18n.Message{},
		files: map[Lang][]byte{}, localizers: map[Lang]*i18n.Localizer{}, oneFor0: map[Lang]bool{}}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	if old != nil {
		for _, l := range old.languages {
			if !registers(reg.Language, l.Tag) {
				c.languages = append(c.languages, l)
				c.files[l.Tag] = old.files[l.Tag]
			}
		}
	}
	for _, l := range reg.Language {
		if _, err := language.Parse(string(l.Tag)); err != nil || l.Tag == "" || strings.ToLower(string(l.Tag)) != string(l.Tag) {
			return nil, fmt.Errorf("catalog: languages.toml: bad tag %q", l.Tag)
		}
		if l.Name == "" {
			return nil, fmt.Errorf("catalog: languages.toml: %s has no name", l.Tag)
		}
		file := string(l.Tag) + ".toml"
		buf, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		c.languages = append(c.languages, l)
		c.files[l.Tag] = buf
	}
	if _, ok := c.files[English]; !ok {
		return nil, fmt.Errorf("catalog: no English catalogue")
	}
	sort.SliceStable(c.languages, func(i, j int) bool { return c.languages[i].Tag == English && c.languages[j].Tag != English })
	for _, l := range c.languages {
		file, err := c.bundle.ParseMessageFileBytes(c.files[l.Tag], path.Join(string(l.Tag), string(l.Tag)+".toml"))
		if err != nil {
			return nil, fmt.Errorf("catalog: %s.toml: %w", l.Tag, err)
		}
		ms := map[string]*i18n.Message{}
		for _, m := range file.Messages {
			ms[m.ID] = m
		}
		c.messages[l.Tag] = ms
		c.localizers[l.Tag] = i18n.NewLocalizer(c.bundle, string(l.Tag))
		// go-i18n applies a language's plural rule to the messages it has
		// in that language, not to a default message.
		tag := language.Make(string(l.Tag))
		if err := c.bundle.AddMessages(tag, &i18n.Message{ID: "catalog.probe", One: "one", Other: "other"}); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", l.Tag, err)
		}
		s, _ := c.localizers[l.Tag].Localize(&i18n.LocalizeConfig{MessageID: "catalog.probe", PluralCount: 0})
		c.oneFor0[l.Tag] = s == "one"
	}
	if old != nil { // messages already handed out stay the same values
		for id, m := range old.messages[English] {
			if n := c.messages[English][id]; n != nil {
				*m = *n
				c.messages[English][id] = m
			}
		}
	}
	return c, nil
}

func registers(ls []Language, tag Lang) bool {
	for _, l := range ls {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// Msg is the message with this ID, for a package's messages.go:
//
//	var msgUnknownTask = catalog.Msg("handlers.unknown_task")
//
// Its words live in every locales/<tag>.toml under the same ID. An ID the
// English catalogue lacks is a programming error and panics at start.
func Msg(id string) *Message {
	m := state.Load().messages[English][id]
	if m == nil {
		panic("catalog: no message " + id + " in locales/en.toml")
	}
	return m
}

// Messages are the English messages, by ID.
func Messages() []*Message {
	ms := make([]*Message, 0, len(state.Load().messages[English]))
	for _, m := range state.Load().messages[English] {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	return ms
}

// Translation is message id as language l's catalogue has it; nil when it
// lacks it.
func Translation(l Lang, id string) *Message { return state.Load().messages[l][id] }

// File is language l's catalogue file as registered, for the catalogue tests.
func File(l Lang) []byte { return state.Load().files[l] }

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
		// English and German take the singular for exactly 1, French for
		// 0 and 1; counts of a million take French's "many", which no
		// catalogue writes, so go-i18n falls back as fill does.
		if (c == 1 || c == 0 && state.Load().oneFor0[l]) && forms.one != nil {
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
	src := m // a message a language lacks is English (go-i18n falls back to it)
	if t := state.Load().messages[l][m.ID]; t != nil {
		src = t
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
	loc := state.Load().localizers[l]
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
var calendarsCache atomic.Pointer[map[Lang]*calendarWords]

func calendars() map[Lang]*calendarWords {
	if m := calendarsCache.Load(); m != nil {
		return *m
	}
	m := map[Lang]*calendarWords{}
	for _, l := range Tags() {
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
	calendarsCache.Store(&m)
	return m
}

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

// MoreNotShown says that a platform left out the last n entries of a list
// for want of room.
func (l Lang) MoreNotShown(n int) string { return l.Say(msgMoreNotShown, Vars{"Count": n}) }
