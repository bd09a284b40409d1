package mail

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
)

// subject is the Subject line: who invited you to what.
func subject(l catalog.Lang, inv Invitation) string {
	ws := oneLine(inv.WorkspaceName)
	if ws == "" {
		ws = l.Say(msgSomeWorkspace, nil)
	}
	if name := oneLine(inv.InviterName); name != "" {
		return l.Say(msgSubject, catalog.Vars{"Inviter": name, "Workspace": ws})
	}
	return l.Say(msgSubjectNoInviter, catalog.Vars{"Workspace": ws})
}

// oneLine keeps names from breaking headers or layout (a bidirectional
// control would turn the rest of the subject around).
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' '
		case model.BidiControl(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// view is what both templates show: the words in the email's language.
type view struct {
	Lang     catalog.Lang
	Title    string
	Heading  string
	Hello    string
	Lead     string
	LeadHTML htmltemplate.HTML // the lead with the names in bold
	HowTo    string
	Button   string
	Fallback string
	Link     string
	Expires  string // empty when the invitation does not expire
	About    string
}

func newView(l catalog.Lang, inv Invitation) view {
	inviter := oneLine(inv.InviterName)
	if inviter == "" {
		inviter = l.Say(msgSomeGuide, nil)
	}
	ws := oneLine(inv.WorkspaceName)
	if ws == "" {
		ws = l.Say(msgTheirWorkspace, nil)
	}
	names := catalog.Vars{"Inviter": inviter, "Workspace": ws}
	asRole := catalog.Vars{"AsRole": model.Role(oneLine(inv.Role)).As(l)}
	v := view{
		Lang:     l,
		Title:    l.Say(msgTitle, catalog.Vars{"Workspace": ws}),
		Heading:  l.Say(msgHeading, catalog.Vars{"Workspace": ws}),
		Hello:    l.Say(msgHello, nil),
		Lead:     l.Say(msgLead, catalog.Vars{"Inviter": inviter, "Workspace": ws, "AsRole": asRole["AsRole"]}),
		LeadHTML: sayHTML(l, msgLead, names, asRole),
		HowTo:    l.Say(msgHowTo, catalog.Vars{"Accept": l.Say(msgAcceptButton, nil)}),
		Button:   l.Say(msgButton, nil),
		Fallback: l.Say(msgLinkFallback, nil),
		Link:     inv.Link,
		About:    l.Say(msgAbout, nil),
	}
	if !inv.ExpiresAt.IsZero() {
		v.Expires = l.Say(msgExpires, catalog.Vars{"Expires": l.DateTime(inv.ExpiresAt), "Inviter": inviter})
	}
	return v
}

// sayHTML renders m as HTML: the message's own words escaped, the values of
// bold escaped and set in bold, those of plain escaped.
func sayHTML(l catalog.Lang, m *catalog.Message, bold, plain catalog.Vars) htmltemplate.HTML {
	// Mark where the values go, escape the words, then put the values in.
	// Names have no control characters (oneLine), so the marks are unique.
	marks := catalog.Vars{}
	for k := range bold {
		marks[k] = "\x01" + k + "\x01"
	}
	for k, v := range plain {
		marks[k] = v
	}
	s := htmltemplate.HTMLEscapeString(l.Say(m, marks))
	for k, v := range bold {
		s = strings.ReplaceAll(s, "\x01"+k+"\x01", "<strong>"+htmltemplate.HTMLEscapeString(fmt.Sprint(v))+"</strong>")
	}
	return htmltemplate.HTML(s)
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`{{.Hello}}

{{.Lead}}

{{.HowTo}}

{{.Link}}
{{if .Expires}}
{{.Expires}}
{{end}}
{{.About}}

-- 
learnbot
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;">
<h1 style="font-size:22px;margin:0 0 16px;">{{.Heading}}</h1>
<p style="font-size:16px;line-height:1.5;margin:0 0 16px;">{{.LeadHTML}}</p>
<p style="margin:24px 0;"><a href="{{.Link}}" style="display:inline-block;background:#1f6feb;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:6px;">{{.Button}}</a></p>
<p style="font-size:14px;line-height:1.5;margin:0 0 16px;">{{.Fallback}}<br><a href="{{.Link}}" style="color:#1f6feb;word-break:break-all;">{{.Link}}</a></p>
{{if .Expires}}<p style="font-size:14px;line-height:1.5;margin:0 0 16px;">{{.Expires}}</p>{{end}}
<p style="font-size:13px;line-height:1.5;color:#57606a;margin:24px 0 0;">{{.About}}</p>
</div>
</body>
</html>
`))

// render returns the plain-text and HTML bodies in language l.
func render(l catalog.Lang, inv Invitation) (text, html string, err error) {
	v := newView(l, inv)
	var t, h strings.Builder
	if err := textTmpl.Execute(&t, v); err != nil {
		return "", "", err
	}
	if err := htmlTmpl.Execute(&h, v); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}
