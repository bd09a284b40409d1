package mail_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/mail"
	"github.com/learnbot/learnbot/mail/mailtest"
	"github.com/learnbot/learnbot/model"
)

var invitation = mail.Invitation{
	To:            "anna@example.com",
	InviterName:   "Maria Rossi",
	Role:          "guide",
	WorkspaceName: "Acme <Learning> & Co",
	Link:          "http://localhost:8080/invite/tok-123?x=<y>",
	ExpiresAt:     time.Date(2030, 3, 14, 9, 30, 0, 0, time.UTC),
}

func newMailer(t *testing.T, cfg mail.Config) *mail.Mailer {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	m, err := mail.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

func send(t *testing.T, m *mail.Mailer, inv mail.Invitation) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return m.Send(ctx, inv)
}

func parse(t *testing.T, msg mailtest.Message) *mailtest.Parsed {
	t.Helper()
	p, err := mailtest.Parse(msg.Data)
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, msg.Data)
	}
	return p
}

func TestSend(t *testing.T) {
	t.Run("DeliveredThroughLocalRelay", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL(), From: "Learnbot <bot@learn.example.org>"})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := srv.Wait(t, 1, 5*time.Second)[0]
		if got.From != "bot@learn.example.org" {
			t.Errorf("MAIL FROM = %q", got.From)
		}
		if len(got.To) != 1 || got.To[0] != "anna@example.com" {
			t.Errorf("RCPT TO = %q", got.To)
		}
		if got.TLS || got.User != "" {
			t.Errorf("TLS=%v user=%q, want a plain unauthenticated session", got.TLS, got.User)
		}
		p := parse(t, got)
		if want := "Maria Rossi invited you to Acme <Learning> & Co on learnbot"; p.Subject != want {
			t.Errorf("Subject = %q, want %q", p.Subject, want)
		}
		if from := p.Header.Get("From"); !strings.Contains(from, "bot@learn.example.org") || !strings.Contains(from, "Learnbot") {
			t.Errorf("From header = %q", from)
		}
		if to := p.Header.Get("To"); !strings.Contains(to, "anna@example.com") {
			t.Errorf("To header = %q", to)
		}
		if id := p.Header.Get("Message-Id"); !strings.HasSuffix(id, "@learn.example.org>") {
			t.Errorf("Message-ID = %q, want one in the sender's domain", id)
		}
		if p.Header.Get("Date") == "" {
			t.Error("no Date header")
		}
		for _, want := range []string{
			"Maria Rossi invited you to join Acme <Learning> & Co on learnbot as a guide.",
			invitation.Link,
			"Thursday, March 14, 2030 at 09:30 UTC",
		} {
			if !strings.Contains(p.Text, want) {
				t.Errorf("text part lacks %q:\n%s", want, p.Text)
			}
		}
		for _, want := range []string{
			"<strong>Maria Rossi</strong> invited you to join <strong>Acme &lt;Learning&gt; &amp; Co</strong> on learnbot as a guide.",
			`href="http://localhost:8080/invite/tok-123?x=%3cy%3e"`,
			"Thursday, March 14, 2030 at 09:30 UTC",
		} {
			if !strings.Contains(p.HTML, want) {
				t.Errorf("HTML part lacks %q:\n%s", want, p.HTML)
			}
		}
		if strings.Contains(p.HTML, "<Learning>") {
			t.Errorf("HTML part has the workspace name unescaped:\n%s", p.HTML)
		}
	})

	t.Run("GermanInLEARNBOT_LANGUAGE", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL(), Lang: catalog.Lang("de")})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send: %v", err)
		}
		p := parse(t, srv.Wait(t, 1, 5*time.Second)[0])
		if want := "Maria Rossi hat dich zu Acme <Learning> & Co auf learnbot eingeladen"; p.Subject != want {
			t.Errorf("Subject = %q, want %q", p.Subject, want)
		}
		for _, want := range []string{
			"Hallo,",
			"Maria Rossi hat dich eingeladen, Acme <Learning> & Co auf learnbot als Lernbegleiter:in beizutreten.",
			"drücke „Einladung annehmen“",
			"Der Link gilt bis Donnerstag, 14. März 2030 um 09:30 UTC.",
		} {
			if !strings.Contains(p.Text, want) {
				t.Errorf("text part lacks %q:\n%s", want, p.Text)
			}
		}
		for _, want := range []string{
			`<html lang="de">`,
			"<strong>Maria Rossi</strong> hat dich eingeladen, <strong>Acme &lt;Learning&gt; &amp; Co</strong> auf learnbot als Lernbegleiter:in beizutreten.",
			"Einladung ansehen",
		} {
			if !strings.Contains(p.HTML, want) {
				t.Errorf("HTML part lacks %q:\n%s", want, p.HTML)
			}
		}
		if strings.Contains(p.Text, "invited") || strings.Contains(p.HTML, "invited") {
			t.Errorf("German email has English words:\n%s\n%s", p.Text, p.HTML)
		}
	})

	t.Run("DefaultSender", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL()})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if got := srv.Wait(t, 1, 5*time.Second)[0].From; got != mail.DefaultFrom {
			t.Errorf("MAIL FROM = %q, want %q", got, mail.DefaultFrom)
		}
	})

	t.Run("NamesCannotInjectHeaders", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL()})
		inv := invitation
		inv.InviterName = "Eve\r\nBcc: victim@example.com\u202E"
		if err := send(t, m, inv); err != nil {
			t.Fatalf("Send: %v", err)
		}
		msg := srv.Wait(t, 1, 5*time.Second)[0]
		p := parse(t, msg)
		if p.Header.Get("Bcc") != "" || len(msg.To) != 1 {
			t.Errorf("injected header: Bcc=%q RCPT TO=%q", p.Header.Get("Bcc"), msg.To)
		}
		if want := "Eve Bcc: victim@example.com invited you to Acme <Learning> & Co on learnbot"; p.Subject != want {
			t.Errorf("Subject = %q, want %q", p.Subject, want)
		}
	})

	t.Run("OpportunisticSTARTTLSWithoutCredentials", func(t *testing.T) {
		cert := mailtest.NewCert(t)
		srv := mailtest.NewServer(t, mailtest.Options{TLS: cert.Server})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL(), TLSConfig: cert.Client})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if got := srv.Wait(t, 1, 5*time.Second)[0]; !got.TLS {
			t.Error("session not encrypted although the server offered STARTTLS")
		}
	})

	t.Run("STARTTLSAndAuthWithCredentials", func(t *testing.T) {
		cert := mailtest.NewCert(t)
		srv := mailtest.NewServer(t, mailtest.Options{TLS: cert.Server, User: "bot", Password: "s3cret:/@"})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL(), TLSConfig: cert.Client})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := srv.Wait(t, 1, 5*time.Second)[0]
		if !got.TLS || got.User != "bot" {
			t.Errorf("TLS=%v user=%q, want TLS as bot", got.TLS, got.User)
		}
	})

	t.Run("ImplicitTLS", func(t *testing.T) {
		cert := mailtest.NewCert(t)
		srv := mailtest.NewServer(t, mailtest.Options{TLS: cert.Server, Implicit: true, User: "bot", Password: "pw"})
		if !strings.HasPrefix(srv.URL(), "smtps://") {
			t.Fatalf("URL = %q", srv.URL())
		}
		m := newMailer(t, mail.Config{SMTPURL: srv.URL(), TLSConfig: cert.Client})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := srv.Wait(t, 1, 5*time.Second)[0]
		if !got.TLS || got.User != "bot" {
			t.Errorf("TLS=%v user=%q, want TLS as bot", got.TLS, got.User)
		}
	})

	// The failures below must reach the queue as retryable errors: they
	// concern the server or the configuration, not the address.
	retryable := []struct {
		name  string
		want  string // the whole message, when it matters
		setup func(t *testing.T) (url string, cfg mail.Config, srv *mailtest.Server)
	}{
		{"CredentialsWithoutSTARTTLSAreNotSent", "", func(t *testing.T) (string, mail.Config, *mailtest.Server) {
			srv := mailtest.NewServer(t, mailtest.Options{})
			return "smtp://bot:pw@" + srv.Addr(), mail.Config{}, srv
		}},
		{"UntrustedCertificate", "", func(t *testing.T) (string, mail.Config, *mailtest.Server) {
			srv := mailtest.NewServer(t, mailtest.Options{TLS: mailtest.NewCert(t).Server})
			return srv.URL(), mail.Config{TLSConfig: mailtest.NewCert(t).Client}, srv
		}},
		{"WrongPassword", "", func(t *testing.T) (string, mail.Config, *mailtest.Server) {
			cert := mailtest.NewCert(t)
			srv := mailtest.NewServer(t, mailtest.Options{TLS: cert.Server, User: "bot", Password: "right"})
			return "smtp://bot:wrong@" + srv.Addr(), mail.Config{TLSConfig: cert.Client}, srv
		}},
		{"TemporaryRecipientFailure451", "mail: sending SMTP RCPT TO command: 451 4.3.0 mailbox busy, try later", func(t *testing.T) (string, mail.Config, *mailtest.Server) {
			srv := mailtest.NewServer(t, mailtest.Options{Rcpt: func(string) error {
				return mailtest.Reject(451, "4.3.0 mailbox busy, try later")
			}})
			return srv.URL(), mail.Config{}, srv
		}},
	}
	for _, tc := range retryable {
		t.Run(tc.name, func(t *testing.T) {
			url, cfg, srv := tc.setup(t)
			cfg.SMTPURL = url
			err := send(t, newMailer(t, cfg), invitation)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if perm := (*model.PermanentError)(nil); errors.As(err, &perm) {
				t.Fatalf("Send = permanent %v, want a retryable error", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("%d messages delivered", n)
			}
			if tc.want != "" && err.Error() != tc.want {
				t.Errorf("error = %q, want %q", err, tc.want)
			}
			t.Logf("retryable: %v", err)
		})
	}

	t.Run("RejectedAddress550IsPermanent", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{Rcpt: func(to string) error {
			return mailtest.Reject(550, "5.1.1 <"+to+">: no such user")
		}})
		err := send(t, newMailer(t, mail.Config{SMTPURL: srv.URL()}), invitation)
		var perm *model.PermanentError
		if !errors.As(err, &perm) {
			t.Fatalf("Send = %v, want *model.PermanentError", err)
		}
		if want := "550 5.1.1 <anna@example.com>: no such user"; perm.Reason.Detail != want {
			t.Errorf("Reason = %q, want %q", perm.Reason.Detail, want)
		}
		if srv.RcptAttempts() != 1 || len(srv.Messages()) != 0 {
			t.Errorf("RCPT attempts %d, messages %d", srv.RcptAttempts(), len(srv.Messages()))
		}
	})

	t.Run("MalformedAddressIsPermanent", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{})
		inv := invitation
		inv.To = "anna at example.com"
		err := send(t, newMailer(t, mail.Config{SMTPURL: srv.URL()}), inv)
		var perm *model.PermanentError
		if !errors.As(err, &perm) {
			t.Fatalf("Send = %v, want *model.PermanentError", err)
		}
		if srv.RcptAttempts() != 0 {
			t.Error("the server was asked about a malformed address")
		}
	})

	t.Run("ServerDownThenUp", func(t *testing.T) {
		// Take a free port, then leave it closed.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()

		m := newMailer(t, mail.Config{SMTPURL: "smtp://" + addr})
		err = send(t, m, invitation)
		if err == nil {
			t.Fatal("Send succeeded with no server")
		}
		if perm := (*model.PermanentError)(nil); errors.As(err, &perm) {
			t.Fatalf("Send = permanent %v, want a retryable error", err)
		}

		srv := mailtest.NewServer(t, mailtest.Options{Addr: addr})
		if err := send(t, m, invitation); err != nil {
			t.Fatalf("Send after the server came up: %v", err)
		}
		if got := srv.Wait(t, 1, 5*time.Second)[0].To; len(got) != 1 || got[0] != invitation.To {
			t.Errorf("RCPT TO = %q", got)
		}
	})

	t.Run("ConcurrentSends", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.Options{})
		m := newMailer(t, mail.Config{SMTPURL: srv.URL()})
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				inv := invitation
				inv.To = "user" + string(rune('a'+i)) + "@example.com"
				errs <- m.Send(context.Background(), inv)
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		srv.Wait(t, 8, 5*time.Second)
	})
}

// TestNew checks what New adds to parseSMTPURL (table-tested on its own in
// server_test.go): the sender address, and a client built at start-up.
func TestNew(t *testing.T) {
	bad := []struct{ name, url, from, want string }{
		{"Empty", "", "", "LEARNBOT_SMTP_URL is empty"},
		{"BadURL", "http://mail.example.org", "", `scheme "http" is not supported`},
		{"BadFrom", "smtp://mail.example.org", "not an address", "LEARNBOT_MAIL_FROM"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mail.New(mail.Config{SMTPURL: tc.url, From: tc.from})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%q) = %v, want an error containing %q", tc.url, err, tc.want)
			}
		})
	}

	t.Run("PasswordNotInErrors", func(t *testing.T) {
		_, err := mail.New(mail.Config{SMTPURL: "smtp://bot:hunter2@mail.example.org:25/x"})
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("New = %v, want an error without the password", err)
		}
	})

	good := []string{
		"smtp://127.0.0.1:2525",
		"smtp://mail.example.org",
		"smtp://user%40example.org:p%40ss@mail.example.org:587",
		"smtps://user:pass@mail.example.org",
		"smtp://[::1]:25",
	}
	for _, u := range good {
		t.Run("Valid "+u, func(t *testing.T) {
			if _, err := mail.New(mail.Config{SMTPURL: u}); err != nil {
				t.Fatalf("New(%q): %v", u, err)
			}
		})
	}
}
