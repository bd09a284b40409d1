package web

import (
	"html/template"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/storage"
)

// page is everything one of the small pages shows; the template escapes it.
type page struct {
	Lang    catalog.Lang
	Title   string
	Heading string
	Tone    string // "info", "ok" or "warn": the accent colour
	Lead    string
	Details []detail
	Notes   []string
	Accept  string // the Accept button's label; empty: no button
}

type detail struct{ Term, Value string }

// names fills the placeholders every invitation page may use.
func names(l catalog.Lang, inv *storage.InvitationPage) catalog.Vars {
	v := catalog.Vars{"Inviter": inv.InviterName, "Workspace": inv.WorkspaceName, "Email": inv.Email,
		"AsRole": inv.Role.As(l)}
	if inv.InviterName == "" {
		v["Inviter"] = l.Say(msgSomeGuide, nil)
	}
	if inv.WorkspaceName == "" {
		v["Workspace"] = l.Say(msgThisWorkspace, nil)
	}
	return v
}

func invitationPage(l catalog.Lang, inv *storage.InvitationPage) page {
	v := names(l, inv)
	return page{
		Lang:    l,
		Title:   l.Say(msgInvitationTitle, v),
		Heading: l.Say(msgInvitationHeading, v),
		Tone:    "info",
		Lead:    l.Say(msgInvitationLead, v),
		Details: []detail{
			{l.Say(msgTermWorkspace, nil), v["Workspace"].(string)},
			{l.Say(msgTermInviter, nil), v["Inviter"].(string)},
			{l.Say(msgTermRole, nil), inv.Role.Name(l)},
			{l.Say(msgTermFor, nil), inv.Email},
			{l.Say(msgTermValid, nil), l.DateTime(inv.ExpiresAt)},
		},
		Notes:  []string{l.Say(msgAfterAccept, nil)},
		Accept: l.Say(msgAccept, nil),
	}
}

func welcomePage(l catalog.Lang, inv *storage.InvitationPage) page {
	v := names(l, inv)
	return page{
		Lang:    l,
		Title:   l.Say(msgWelcomeTitle, v),
		Heading: l.Say(msgWelcomeHeading, nil),
		Tone:    "ok",
		Lead:    l.Say(msgWelcomeLead, v),
		Notes:   welcomeNotes(l, inv),
	}
}

// joinCommands are how a join code is typed on the platforms that need one.
var joinCommands = map[string]string{"discord": "/join", "matrix": "!learn join"}

// welcomeNotes say what to do next: go back to the chat, and on a platform
// that gives no email, type the one-time join code there.
func welcomeNotes(l catalog.Lang, inv *storage.InvitationPage) []string {
	notes := []string{l.Say(msgGoBack, nil)}
	if inv.JoinCode != "" {
		cmd := joinCommands[inv.Platform]
		if cmd == "" {
			cmd = "join"
		}
		notes = append(notes, l.Say(msgWelcomeJoinCode, catalog.Vars{"Command": cmd, "Code": inv.JoinCode}))
	}
	return append(notes, l.Say(msgWelcomeClose, nil))
}

// gonePage explains an invitation that can no longer be accepted, and what
// to do about it.
func gonePage(l catalog.Lang, inv *storage.InvitationPage) page {
	v := names(l, inv)
	p := page{Lang: l, Tone: "warn"}
	switch inv.Status {
	case storage.InvitationAccepted:
		p.Tone = "ok"
		p.Title = l.Say(msgAcceptedTitle, nil)
		p.Heading = l.Say(msgAcceptedHeading, nil)
		p.Lead = l.Say(msgAcceptedLead, v)
		if inv.AcceptedAt != nil {
			v["When"] = l.DateTime(*inv.AcceptedAt)
			p.Lead = l.Say(msgAcceptedOnLead, v)
		}
		p.Notes = []string{l.Say(msgGoBack, nil)}
	case storage.InvitationRevoked:
		p.Title = l.Say(msgRevokedTitle, nil)
		p.Heading = l.Say(msgRevokedHeading, nil)
		p.Lead = l.Say(msgRevokedLead, v)
		p.Notes = []string{l.Say(msgRevokedNote, v)}
	case storage.InvitationExpired:
		v["When"] = l.DateTime(inv.ExpiresAt)
		p.Title = l.Say(msgExpiredTitle, nil)
		p.Heading = l.Say(msgExpiredHeading, nil)
		p.Lead = l.Say(msgExpiredLead, v)
		p.Notes = []string{l.Say(msgExpiredNote, v)}
	case storage.InvitationSuperseded:
		p.Title = l.Say(msgSupersededTitle, nil)
		p.Heading = l.Say(msgSupersededHeading, nil)
		p.Lead = l.Say(msgSupersededLead, v)
		p.Notes = []string{l.Say(msgSupersededNewest, nil), l.Say(msgSupersededAsk, v)}
	default:
		p.Title = l.Say(msgInvalidTitle, nil)
		p.Heading = l.Say(msgInvalidHeading, nil)
		p.Lead = l.Say(msgInvalidLead, v)
		p.Notes = []string{l.Say(msgAskNew, nil)}
	}
	return p
}

func notFoundPage(l catalog.Lang) page {
	return page{
		Lang:    l,
		Title:   l.Say(msgNotFoundTitle, nil),
		Heading: l.Say(msgNotFoundTitle, nil),
		Tone:    "warn",
		Lead:    l.Say(msgNotFoundLead, nil),
		Notes:   []string{l.Say(msgNotFoundCheck, nil), l.Say(msgNotFoundAsk, nil)},
	}
}

func errorPage(l catalog.Lang) page {
	return page{
		Lang:    l,
		Title:   l.Say(msgErrorTitle, nil),
		Heading: l.Say(msgErrorTitle, nil),
		Tone:    "warn",
		Lead:    l.Say(msgErrorLead, nil),
		Notes:   []string{l.Say(msgErrorRetry, nil)},
	}
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}} · learnbot</title>
<style>
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --fg: #1f2328; --muted: #57606a; --accent: #0969da; --ok: #1a7f37; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --fg: #e6edf3; --muted: #9198a1; --accent: #4493f8; --ok: #3fb950; --warn: #d29922; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 2rem 1rem; background: var(--bg); color: var(--fg); font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 36rem; margin: 0 auto; background: var(--card); border-radius: .5rem; padding: 2rem; border-top: .35rem solid var(--accent); }
main.ok { border-top-color: var(--ok); }
main.warn { border-top-color: var(--warn); }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
.lead { font-size: 1.125rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 1.5rem 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
button { font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: .375rem; padding: .75rem 1.5rem; cursor: pointer; }
button:hover { filter: brightness(1.1); }
button:focus-visible { outline: 3px solid var(--fg); outline-offset: 2px; }
.note { color: var(--muted); }
footer { max-width: 36rem; margin: 1rem auto 0; color: var(--muted); font-size: .875rem; text-align: center; }
</style>
</head>
<body>
<main class="{{.Tone}}">
<h1>{{.Heading}}</h1>
<p class="lead">{{.Lead}}</p>
{{- if .Details}}
<dl>
{{- range .Details}}
<dt>{{.Term}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- end}}
{{- if .Accept}}
<form method="post">
<button type="submit">{{.Accept}}</button>
</form>
{{- end}}
{{- range .Notes}}
<p class="note">{{.}}</p>
{{- end}}
</main>
<footer>learnbot</footer>
</body>
</html>
`))
