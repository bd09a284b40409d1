// Package logthrottle keeps a failing dependency from flooding the log: a
// slog.Handler that passes at most one ERROR per cause every interval, with
// the count of those it held back, and says in one INFO line when a
// component that failed works again.
package logthrottle

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Every is the default interval between two ERROR lines of one cause.
const Every = 10 * time.Second

// maxCauses bounds the causes remembered; beyond it, ERRORs of new causes
// pass unthrottled rather than grow the map without end.
const maxCauses = 1000

// forget is how long a cause without a component (nothing can report its
// recovery) is remembered after its last ERROR.
const forget = time.Hour

// digits are left out of an error's text when it names a cause: a port, an
// attempt or an ID that changes from one failure to the next is still the
// same failure.
var digits = regexp.MustCompile(`[0-9]+`)

// Handler wraps another handler. Its copies made by WithAttrs and
// WithGroup share one memory of causes.
type Handler struct {
	next      slog.Handler
	s         *state
	component string // the "component" attribute given to WithAttrs
}

type state struct {
	mu     sync.Mutex
	now    func() time.Time
	every  time.Duration
	causes map[string]*cause
	out    slog.Handler // for the recovery lines: the handler without WithAttrs
}

// cause is one kind of failure: a component, a message and an error text
// without its numbers.
type cause struct {
	component  string
	first      time.Time // first ERROR since the component last worked
	last       time.Time // last ERROR written
	seen       time.Time // last ERROR, written or not
	errors     int       // ERRORs since first
	suppressed int       // held back since the last one written
}

// New wraps next. now is the clock (time.Now when nil); every is the
// interval between two ERROR lines of one cause (Every when 0).
func New(next slog.Handler, now func() time.Time, every time.Duration) *Handler {
	if now == nil {
		now = time.Now
	}
	if every <= 0 {
		every = Every
	}
	return &Handler{next: next, s: &state{now: now, every: every, causes: map[string]*cause{}, out: next}}
}

// Enabled reports whether next handles the level.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle writes r, unless it is an ERROR whose cause was written less than
// the interval ago: then it is counted, and the next line of the cause
// carries the count ("suppressed").
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelError {
		return h.next.Handle(ctx, r)
	}
	component, errText := h.component, ""
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "component":
			component = a.Value.String()
		case "error", "err": // River says err
			errText = digits.ReplaceAllString(a.Value.String(), "N")
		}
		return true
	})
	key := component + "\x00" + r.Message + "\x00" + errText
	s := h.s
	s.mu.Lock()
	now := s.now()
	c, ok := s.causes[key]
	if !ok {
		s.prune(now)
		if len(s.causes) >= maxCauses {
			s.mu.Unlock()
			return h.next.Handle(ctx, r)
		}
		c = &cause{component: component, first: now}
		s.causes[key] = c
	}
	c.errors++
	c.seen = now
	if ok && now.Sub(c.last) < s.every {
		c.suppressed++
		s.mu.Unlock()
		return nil
	}
	held := c.suppressed
	c.last, c.suppressed = now, 0
	s.mu.Unlock()
	if held > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("suppressed", held))
	}
	return h.next.Handle(ctx, r)
}

// prune forgets causes nobody can report the recovery of once they have
// been quiet for a while. Called with mu held.
func (s *state) prune(now time.Time) {
	for k, c := range s.causes {
		if c.component == "" && now.Sub(c.seen) > forget {
			delete(s.causes, k)
		}
	}
}

// WithAttrs remembers a "component" attribute for the causes of the lines
// logged through the copy.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(attrs)
	for _, a := range attrs {
		if a.Key == "component" {
			c.component = a.Value.String()
		}
	}
	return &c
}

// WithGroup qualifies later attributes; the causes stay shared.
func (h *Handler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}

// Recovered is the success signal of the named components (the caller has
// just seen them work: a database that answers a ping). When any of their
// causes logged ERRORs, it writes one INFO line, "recovered", with how many
// ERRORs there were, how many of them were not written, and since when, and
// forgets those causes. Otherwise it writes nothing.
func (h *Handler) Recovered(ctx context.Context, components ...string) {
	s := h.s
	s.mu.Lock()
	var errs, held int
	var first time.Time
	var msgs []string
	for k, c := range s.causes {
		if !slices.Contains(components, c.component) {
			continue
		}
		errs += c.errors
		held += c.suppressed
		if first.IsZero() || c.first.Before(first) {
			first = c.first
		}
		msgs = append(msgs, k[strings.IndexByte(k, 0)+1:strings.LastIndexByte(k, 0)])
		delete(s.causes, k)
	}
	now := s.now()
	s.mu.Unlock()
	if errs == 0 {
		return
	}
	slices.Sort(msgs)
	msgs = slices.Compact(msgs)
	r := slog.NewRecord(now, slog.LevelInfo, "recovered", 0)
	r.AddAttrs(slog.String("component", strings.Join(components, ",")), slog.Int("errors", errs),
		slog.Int("suppressed", held), slog.String("after", now.Sub(first).Round(time.Second).String()),
		slog.String("causes", strings.Join(msgs, "; ")))
	if s.out.Enabled(ctx, slog.LevelInfo) {
		_ = s.out.Handle(ctx, r)
	}
}

// Recovered finds the throttle under log's handler and reports the
// components' recovery through it; a logger without one is left alone.
func Recovered(ctx context.Context, log *slog.Logger, components ...string) {
	if h, ok := log.Handler().(interface {
		Recovered(context.Context, ...string)
	}); ok {
		h.Recovered(ctx, components...)
	}
}

var _ slog.Handler = (*Handler)(nil)
