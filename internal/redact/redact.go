// Package redact hides the secrets that travel inside URLs (Slack
// response_url, Discord interaction tokens, invitation, join and report
// tokens) before they reach a log line.
package redact

import (
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// secretBefore are the path segments after which a URL carries a secret:
// Slack's response URLs (/actions/..., /commands/...), Discord's
// interaction webhooks and callbacks, and learnbot's own token links.
var secretBefore = map[string]bool{
	"actions": true, "commands": true, "webhooks": true, "interactions": true,
	"invite": true, "reports": true, "join": true,
}

// URL returns u with the secret part of its path replaced, keeping the
// host and the path up to the segment that names what it is, e.g.
// "https://hooks.slack.com/actions/…/redacted". A query is always hidden;
// a URL without a secret part is returned as it is.
func URL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return u
	}
	changed := false
	if p.User != nil {
		p.User = nil
		changed = true
	}
	if p.RawQuery != "" || p.ForceQuery {
		changed = true
	}
	segs := strings.Split(strings.TrimPrefix(p.Path, "/"), "/")
	path := p.EscapedPath()
	for i, s := range segs {
		if secretBefore[s] && i < len(segs)-1 {
			path = "/" + strings.Join(segs[:i+1], "/") + "/…/redacted"
			changed = true
			break
		}
	}
	if !changed {
		return u
	}
	out := p.Scheme + "://" + p.Host + path
	if p.RawQuery != "" || p.ForceQuery {
		out += "?redacted"
	}
	return out
}

// anyURL finds URLs in free text such as an error message. Quotes end a
// URL, as net/url.Error quotes it.
var anyURL = regexp.MustCompile(`(?i)\b(?:https?|wss?)://[^\s"'<>]+`)

// Text redacts every URL in s.
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return anyURL.ReplaceAllStringFunc(s, URL)
}

// Error returns err with its message redacted; errors.Is and errors.As
// still see the original.
func Error(err error) error {
	if err == nil {
		return nil
	}
	msg := Text(err.Error())
	if msg == err.Error() {
		return err
	}
	return redacted{msg: msg, err: err}
}

type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }

// Attr redacts a log attribute's string or error value; it fits
// slog.HandlerOptions.ReplaceAttr, so that no line of a logger built with
// it carries a secret URL, whatever logged it.
func Attr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); strings.Contains(s, "://") {
			a.Value = slog.StringValue(Text(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			a.Value = slog.AnyValue(Error(err))
		}
	}
	return a
}
