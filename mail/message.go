package mail

import (
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
)

// subject is the Subject line: who invited you to what.
func subject(inv Invitation) string {
	ws := oneLine(inv.WorkspaceName)
	if ws == "" {
		ws = "a workspace"
	}
	if name := oneLine(inv.InviterName); name != "" {
		return name + " invited you to " + ws + " on learnbot"
	}
	return "You are invited to " + ws + " on learnbot"
}

// oneLine keeps names from breaking headers or layout.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// view is what both templates show.
type view struct {
	Inviter   string // "Maria Rossi" or "A guide"
	Workspace string
	RoleA     string // "a learner", "an admin"
	Link      string
	Expires   string
}

func newView(inv Invitation) view {
	v := view{
		Inviter:   oneLine(inv.InviterName),
		Workspace: oneLine(inv.WorkspaceName),
		RoleA:     withArticle(oneLine(inv.Role)),
		Link:      inv.Link,
		Expires:   formatExpiry(inv.ExpiresAt),
	}
	if v.Inviter == "" {
		v.Inviter = "A guide"
	}
	if v.Workspace == "" {
		v.Workspace = "their workspace"
	}
	return v
}

func withArticle(role string) string {
	if role == "" {
		role = "learner"
	}
	if strings.ContainsRune("aeiouAEIOU", rune(role[0])) {
		return "an " + role
	}
	return "a " + role
}

// formatExpiry writes an unambiguous time: the recipient's zone is unknown.
func formatExpiry(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Monday, 2 January 2006 at 15:04 UTC")
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`Hello,

{{.Inviter}} invited you to join {{.Workspace}} on learnbot as {{.RoleA}}.

To accept the invitation, open this link and press "Accept invitation":

{{.Link}}
{{if .Expires}}
The link works until {{.Expires}}. After that, ask {{.Inviter}} for a new invitation.
{{end}}
learnbot shows you the learning tasks your guides assign to you, right in
your chat app. If you did not expect this email, you can ignore it.

-- 
learnbot
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Invitation to {{.Workspace}} on learnbot</title>
</head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;">
<h1 style="font-size:22px;margin:0 0 16px;">You are invited to {{.Workspace}}</h1>
<p style="font-size:16px;line-height:1.5;margin:0 0 16px;"><strong>{{.Inviter}}</strong> invited you to join <strong>{{.Workspace}}</strong> on learnbot as {{.RoleA}}.</p>
<p style="margin:24px 0;"><a href="{{.Link}}" style="display:inline-block;background:#1f6feb;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:6px;">View the invitation</a></p>
<p style="font-size:14px;line-height:1.5;margin:0 0 16px;">If the button does not work, copy this link into your browser:<br><a href="{{.Link}}" style="color:#1f6feb;word-break:break-all;">{{.Link}}</a></p>
{{if .Expires}}<p style="font-size:14px;line-height:1.5;margin:0 0 16px;">The link works until {{.Expires}}. After that, ask {{.Inviter}} for a new invitation.</p>{{end}}
<p style="font-size:13px;line-height:1.5;color:#57606a;margin:24px 0 0;">learnbot shows you the learning tasks your guides assign to you, right in your chat app. If you did not expect this email, you can ignore it.</p>
</div>
</body>
</html>
`))

// render returns the plain-text and HTML bodies.
func render(inv Invitation) (text, html string, err error) {
	v := newView(inv)
	var t, h strings.Builder
	if err := textTmpl.Execute(&t, v); err != nil {
		return "", "", err
	}
	if err := htmlTmpl.Execute(&h, v); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}
