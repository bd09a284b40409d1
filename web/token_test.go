package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/mail"
	"github.com/learnbot/learnbot/mail/mailtest"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/web"
)

// TestInvitationTokenNeverStored: the link's token is minted when the email
// goes out; neither the job's arguments nor any other row holds it, and the
// emailed link works.
func TestInvitationTokenNeverStored(t *testing.T) {
	testbot.ForEachDatabase(t, func(t *testing.T, db string) {
		smtpSrv := mailtest.NewServer(t, mailtest.Options{})
		m, err := mail.New(mail.Config{SMTPURL: smtpSrv.URL(), From: "learnbot@localhost", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		b := testbot.New(t, db, nil, testbot.Admins("console:maria"), testbot.Mailer(smtpMailer{m}))
		r := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "acme",
			Actor: model.User{ID: "maria", Name: "Maria"}, Args: bot.Words("invite anna@example.com guide")})
		if linkRE.MatchString(r.String()) {
			t.Errorf("with email the reply shows the link: %q", r.String())
		}
		b.WaitJobs(t)
		msg := smtpSrv.Wait(t, 1, 10*time.Second)[0]
		p, err := mailtest.Parse(msg.Data)
		if err != nil {
			t.Fatal(err)
		}
		match := linkRE.FindStringSubmatch(p.Text)
		if match == nil {
			t.Fatalf("email without a link:\n%s", p.Text)
		}
		token := match[1]
		var n int
		if err := b.Store.DB().QueryRow(jobArgsQuery(b), "%"+token+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d jobs hold the raw token in their arguments", n)
		}
		mux := http.NewServeMux()
		web.New(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		s := &site{url: srv.URL}
		wantPage(t, s.do(t, http.MethodGet, "/invite/"+token), http.StatusOK, acceptForm)
		wantPage(t, s.do(t, http.MethodPost, "/invite/"+token), http.StatusOK)
	})
}

// jobArgsQuery counts River jobs whose arguments contain a string, in the
// store's dialect.
func jobArgsQuery(b *testbot.Bot) string {
	if b.Store.Dialect() == "postgres" {
		return `SELECT count(*) FROM river_job WHERE args::text LIKE $1`
	}
	return `SELECT count(*) FROM river_job WHERE CAST(args AS TEXT) LIKE ?`
}
