package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/mail"
	"github.com/learnbot/learnbot/mail/mailtest"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
	"github.com/learnbot/learnbot/web"
)

// smtpMailer is the queue's mailer as cmd/learnbot wires it.
type smtpMailer struct{ m *mail.Mailer }

func (s smtpMailer) SendInvitation(ctx context.Context, inv *storage.InvitationPage, link string) error {
	return s.m.Send(ctx, mail.Invitation{To: inv.Email, InviterName: inv.InviterName, Role: string(inv.Role),
		WorkspaceName: inv.WorkspaceName, Link: link, ExpiresAt: inv.ExpiresAt})
}

var linkRE = regexp.MustCompile(`http://learnbot\.test/invite/([A-Za-z0-9_-]+)`)

// TestInvitationEndToEnd drives the real core: "invite" queues an email, the
// SMTP server on loopback receives it, its link opens the page, the page's
// POST activates the person, and "invite again" retires the old link.
func TestInvitationEndToEnd(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		smtpSrv := mailtest.NewServer(t, mailtest.Options{Rcpt: func(to string) error {
			if strings.HasPrefix(to, "bounce@") {
				return mailtest.Reject(550, "5.1.1 <"+to+">: no such user")
			}
			return nil
		}})
		m, err := mail.New(mail.Config{SMTPURL: smtpSrv.URL(), From: "learnbot@localhost", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		b := testbot.New(t, db, nil, testbot.Admins("console:maria"), testbot.Mailer(smtpMailer{m}))
		maria := model.User{ID: "maria", Name: "Maria Rossi"}
		run := func(line string) *bot.Reply {
			t.Helper()
			return b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "acme",
				WorkspaceName: "Acme Academy", Actor: maria, Args: bot.Words(line)})
		}

		mux := http.NewServeMux()
		web.New(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)
		httpSrv := httptest.NewServer(mux)
		t.Cleanup(httpSrv.Close)
		s := &site{url: httpSrv.URL}

		// received waits for the n-th email and returns it with its token.
		received := func(n int) (*mailtest.Parsed, mailtest.Message, string) {
			t.Helper()
			b.WaitJobs(t)
			msg := smtpSrv.Wait(t, n, 10*time.Second)[n-1]
			p, err := mailtest.Parse(msg.Data)
			if err != nil {
				t.Fatalf("parse email: %v", err)
			}
			match := linkRE.FindStringSubmatch(p.Text)
			if match == nil || !strings.Contains(p.HTML, match[0]) {
				t.Fatalf("email without the link in both parts:\n%s\n%s", p.Text, p.HTML)
			}
			return p, msg, match[1]
		}

		if r := run("invite anna@example.com"); !strings.Contains(r.String(), "on its way") {
			t.Fatalf("invite reply: %q", r.String())
		}
		p, msg, token1 := received(1)
		if msg.From != "learnbot@localhost" || len(msg.To) != 1 || msg.To[0] != "anna@example.com" {
			t.Errorf("envelope from %q to %q", msg.From, msg.To)
		}
		if want := "Maria Rossi invited you to Acme Academy on learnbot"; p.Subject != want {
			t.Errorf("subject = %q, want %q", p.Subject, want)
		}
		if !strings.Contains(p.Text, "as a learner") {
			t.Errorf("email does not name the role:\n%s", p.Text)
		}

		page, err := b.Store.InvitationByToken(context.Background(), token1)
		if err != nil {
			t.Fatalf("InvitationByToken: %v", err)
		}
		personStatus := func() string {
			t.Helper()
			p, err := b.Store.PersonByEmail(context.Background(), page.WorkspaceID, "anna@example.com")
			if err != nil {
				t.Fatalf("PersonByEmail: %v", err)
			}
			return p.Status
		}

		for range 2 {
			wantPage(t, s.do(t, http.MethodGet, "/invite/"+token1), http.StatusOK,
				"You are invited to Acme Academy", "Maria Rossi invited you", acceptForm)
		}
		if got := personStatus(); got != storage.StatusInvited {
			t.Fatalf("after GET the person is %q, want invited", got)
		}

		if r := run("invite again anna@example.com"); !strings.Contains(r.String(), "old one no longer works") {
			t.Fatalf("invite again reply: %q", r.String())
		}
		_, _, token2 := received(2)
		if token2 == token1 {
			t.Fatal("invite again sent the same link")
		}
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			wantPage(t, s.do(t, method, "/invite/"+token1), http.StatusGone, "This link was replaced by a newer email")
		}
		if got := personStatus(); got != storage.StatusInvited {
			t.Fatalf("after POSTing the old link the person is %q, want invited", got)
		}

		wantPage(t, s.do(t, http.MethodGet, "/invite/"+token2), http.StatusOK, acceptForm)
		wantPage(t, s.do(t, http.MethodPost, "/invite/"+token2), http.StatusOK, "Welcome: you&#39;re in!", "type /tasks")
		if got := personStatus(); got != storage.StatusActive {
			t.Errorf("after accepting the person is %q, want active", got)
		}
		wantPage(t, s.do(t, http.MethodPost, "/invite/"+token2), http.StatusGone, "You already accepted this invitation")
		wantPage(t, s.do(t, http.MethodGet, "/invite/not-a-token"), http.StatusNotFound, "Invitation not found")
		if r := run("invite list"); r.String() != "No pending invitations." {
			t.Errorf("invite list after acceptance: %q", r.String())
		}

		// A rejected address fails for good, and the guide sees why.
		run("invite bounce@example.com")
		b.WaitJobs(t)
		if r := run("invite list"); !strings.Contains(r.String(), "bounce@example.com") ||
			!strings.Contains(r.String(), "550 5.1.1 <bounce@example.com>: no such user") {
			t.Errorf("invite list does not show the bounce: %q", r.String())
		}
		if n := smtpSrv.RcptAttempts(); n != 3 {
			t.Errorf("%d RCPT TO commands, want 3 (two to anna, one refused, not retried)", n)
		}
	})
}
