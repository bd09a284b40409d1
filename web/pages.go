package web

import (
	"html/template"
	"strings"

	"github.com/learnbot/learnbot/storage"
)

// page is everything one of the small pages shows; the template escapes it.
type page struct {
	Title   string
	Heading string
	Tone    string // "info", "ok" or "warn": the accent colour
	Lead    string
	Details []detail
	Notes   []string
	Accept  bool // show the Accept button (a form POSTing to this URL)
}

type detail struct{ Term, Value string }

func roleWithArticle(role string) string {
	if role == "" {
		role = "learner"
	}
	if strings.ContainsRune("aeiou", rune(role[0])) {
		return "an " + role
	}
	return "a " + role
}

func inviter(inv *storage.InvitationPage) string {
	if inv.InviterName != "" {
		return inv.InviterName
	}
	return "A guide"
}

func workspace(inv *storage.InvitationPage) string {
	if inv.WorkspaceName != "" {
		return inv.WorkspaceName
	}
	return "this workspace"
}

func invitationPage(inv *storage.InvitationPage) page {
	ws := workspace(inv)
	return page{
		Title:   "Invitation to " + ws,
		Heading: "You are invited to " + ws,
		Tone:    "info",
		Lead:    inviter(inv) + " invited you to join " + ws + " on learnbot as " + roleWithArticle(string(inv.Role)) + ".",
		Details: []detail{
			{"Workspace", ws},
			{"Invited by", inviter(inv)},
			{"Role", string(inv.Role)},
			{"For", inv.Email},
			{"Valid until", formatTime(inv.ExpiresAt)},
		},
		Notes: []string{
			"After accepting, go back to Slack or Discord and type /tasks to see the learning tasks assigned to you.",
		},
		Accept: true,
	}
}

func welcomePage(inv *storage.InvitationPage) page {
	ws := workspace(inv)
	return page{
		Title:   "Welcome to " + ws,
		Heading: "Welcome: you're in!",
		Tone:    "ok",
		Lead:    "You joined " + ws + " on learnbot as " + roleWithArticle(string(inv.Role)) + ".",
		Notes: []string{
			"Go back to Slack or Discord and type /tasks to see the learning tasks assigned to you.",
			"You can close this page.",
		},
	}
}

// gonePage explains an invitation that can no longer be accepted, and what
// to do about it.
func gonePage(inv *storage.InvitationPage) page {
	ws := workspace(inv)
	p := page{Tone: "warn"}
	switch inv.Status {
	case storage.InvitationAccepted:
		p.Tone = "ok"
		p.Title = "Invitation already accepted"
		p.Heading = "You already accepted this invitation"
		p.Lead = "You are already a member of " + ws + "; there is nothing more to do here."
		if inv.AcceptedAt != nil {
			p.Lead = "You accepted the invitation to " + ws + " on " + formatTime(*inv.AcceptedAt) + "; there is nothing more to do here."
		}
		p.Notes = []string{"Go back to Slack or Discord and type /tasks to see the learning tasks assigned to you."}
	case storage.InvitationRevoked:
		p.Title = "Invitation withdrawn"
		p.Heading = "This invitation was withdrawn"
		p.Lead = "The invitation to " + ws + " was withdrawn and can no longer be accepted."
		p.Notes = []string{"If you think this is a mistake, ask your guide (" + inviter(inv) + ") for a new invitation."}
	case storage.InvitationExpired:
		p.Title = "Invitation expired"
		p.Heading = "This invitation has expired"
		p.Lead = "The invitation to " + ws + " expired on " + formatTime(inv.ExpiresAt) + "."
		p.Notes = []string{"Ask your guide (" + inviter(inv) + ") for a new invitation: they can send one with “invite again”."}
	case storage.InvitationSuperseded:
		p.Title = "Link replaced by a newer invitation"
		p.Heading = "This link was replaced by a newer email"
		p.Lead = "A newer invitation to " + ws + " was sent to " + inv.Email + ", and only the link in that email works."
		p.Notes = []string{
			"Open the most recent invitation email from learnbot (check your spam folder too).",
			"If you cannot find it, ask your guide (" + inviter(inv) + ") to invite you again.",
		}
	default:
		p.Title = "Invitation no longer valid"
		p.Heading = "This invitation is no longer valid"
		p.Lead = "The invitation to " + ws + " can no longer be accepted."
		p.Notes = []string{"Ask your guide for a new invitation."}
	}
	return p
}

func notFoundPage() page {
	return page{
		Title:   "Invitation not found",
		Heading: "Invitation not found",
		Tone:    "warn",
		Lead:    "This link does not match any invitation.",
		Notes: []string{
			"Check that you opened the whole link from the email: some mail programs break long links in two.",
			"If it still does not work, ask your guide for a new invitation.",
		},
	}
}

func errorPage() page {
	return page{
		Title:   "Something went wrong",
		Heading: "Something went wrong",
		Tone:    "warn",
		Lead:    "The invitation could not be loaded. Nothing was changed.",
		Notes:   []string{"Please try again in a moment."},
	}
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
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
<button type="submit">Accept invitation</button>
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
