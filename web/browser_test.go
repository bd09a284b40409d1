package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/learnbot/learnbot/bot"
	"github.com/learnbot/learnbot/handlers"
	"github.com/learnbot/learnbot/internal/testbot"
	"github.com/learnbot/learnbot/mail"
	"github.com/learnbot/learnbot/mail/mailtest"
	"github.com/learnbot/learnbot/model"
	"github.com/learnbot/learnbot/storage"
	"github.com/learnbot/learnbot/web"
)

// chromium finds a headless-capable Chromium. .ci/run installs Debian's
// chromium, so in CI its absence fails the test instead of skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH; .ci/run installs Debian's chromium package")
	}
	t.Skip("no chromium on PATH (apt-get install chromium): the invitation page is not tested in a browser")
	return ""
}

// Phone is the viewport of a small phone (CSS pixels).
const phoneWidth, phoneHeight = 360, 740

// TestInvitationPageInBrowser opens the link of a delivered email in
// headless Chromium at a phone's width: the invitation shows, Accept
// confirms, the link opened again says it was used, nothing scrolls
// sideways, and the browser reports no console error.
func TestInvitationPageInBrowser(t *testing.T) {
	exe := chromium(t)

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	smtpSrv := mailtest.NewServer(t, mailtest.Options{})
	m, err := mail.New(mail.Config{SMTPURL: smtpSrv.URL(), From: "learnbot@localhost", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	b := testbot.New(t, "sqlite", nil, testbot.Admins("console:maria"), testbot.Mailer(smtpMailer{m}),
		testbot.Configure(func(c *handlers.Config) { c.PublicURL = srv.URL }))
	web.New(b.Store, slog.New(slog.DiscardHandler)).Routes(mux)

	maria := model.User{ID: "maria", Name: "Maria <b>Rossi</b>"}
	reply := b.Router.Handle(context.Background(), &bot.Request{Platform: model.PlatformConsole, Workspace: "acme",
		WorkspaceName: "Acme Academy", Actor: maria, Args: bot.Words("invite anna@example.com")})
	if !strings.Contains(reply.String(), "on its way") {
		t.Fatalf("invite reply: %q", reply.String())
	}
	b.WaitJobs(t)
	email, err := mailtest.Parse(smtpSrv.Wait(t, 1, 10*time.Second)[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(srv.URL) + `/invite/[A-Za-z0-9_-]+`).FindString(email.Text)
	if link == "" {
		t.Fatalf("no link to %s in the email:\n%s", srv.URL, email.Text)
	}

	inv, err := b.Store.InvitationByToken(context.Background(), link[strings.LastIndex(link, "/")+1:])
	if err != nil {
		t.Fatal(err)
	}
	status := func() string {
		t.Helper()
		p, err := b.Store.PersonByEmail(context.Background(), inv.WorkspaceID, "anna@example.com")
		if err != nil {
			t.Fatal(err)
		}
		return p.Status
	}

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.WindowSize(phoneWidth, phoneHeight),
		chromedp.Flag("disable-dev-shm-usage", true))...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// Start the browser, then listen to its console for the whole visit.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var mu sync.Mutex
	var problems []string
	consoleCtx, stopConsole := context.WithCancel(ctx)
	messages := chromedp.Console(consoleCtx)
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				mu.Lock()
				problems = append(problems, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	}()

	artifacts, err := os.MkdirTemp("", "learnbot-browser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", artifacts)
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(artifacts, name), png, 0o644)
		}
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func() string {
		t.Helper()
		body, err := chromedp.Run(ctx, chromedp.Text(`body`))
		if err != nil {
			t.Fatalf("read the page: %v", err)
		}
		return body
	}
	fitsPhone := func(page string) {
		t.Helper()
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if overflow {
			t.Errorf("the %s scrolls sideways at %d px", page, phoneWidth)
		}
	}

	// The invitation, as the email's link opens it.
	run("open the invitation", chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(link), chromedp.WaitVisible(`form button`))
	if body := text(); !strings.Contains(body, "You are invited to Acme Academy") || !strings.Contains(body, "Maria <b>Rossi</b> invited you") {
		t.Errorf("invitation page reads %q", body)
	}
	fitsPhone("invitation page")
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const b = document.querySelectorAll("form button");
		if (b.length !== 1 || !b[0].textContent.trim().startsWith("Accept")) return [];
		const r = b[0].getBoundingClientRect(); return [r.left, r.right, r.height]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	if err != nil || width != phoneWidth {
		t.Fatalf("viewport %d px wide (%v), want %d", width, err, phoneWidth)
	}
	if len(box) != 3 || box[0] < 0 || box[1] > phoneWidth || box[2] < 40 {
		t.Errorf("Accept button left/right/height %v: want one, inside %d px, at least 40 px tall (a finger's size)", box, phoneWidth)
	}
	shot("1-invitation.png")
	if got := status(); got != storage.StatusInvited {
		t.Fatalf("after opening the page anna is %q, want invited", got)
	}

	// Accept.
	run("press Accept", chromedp.Click(`form button`), chromedp.WaitNotPresent(`form button`))
	if body := text(); !strings.Contains(body, "Welcome: you're in!") {
		t.Errorf("after Accept the page reads %q", body)
	}
	fitsPhone("confirmation")
	shot("2-accepted.png")
	if got := status(); got != storage.StatusActive {
		t.Errorf("after Accept anna is %q, want active", got)
	}

	// The same link again.
	// Navigate returns once the page has loaded.
	run("open the link again", chromedp.Navigate(link))
	if body := text(); !strings.Contains(body, "You already accepted this invitation") {
		t.Errorf("the used link reads %q", body)
	}
	fitsPhone("used-link page")
	shot("3-used.png")

	stopConsole()
	<-listening
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		// The used link answers 410, which the browser logs as a failed
		// load; that is the page's point, not a fault.
		if strings.Contains(p, "status of 410") {
			continue
		}
		t.Errorf("browser reported: %s", p)
	}
}
