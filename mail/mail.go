// Package mail sends learnbot's invitation emails over SMTP (go-mail). It
// turns LEARNBOT_SMTP_URL into a client configuration, renders the message
// (plain text and HTML) and sorts delivery failures into those the queue
// should retry and those it should give up on (*model.PermanentError).
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/model"
	gomail "github.com/wneessen/go-mail"
)

// DefaultFrom is the sender when Config.From is empty (LEARNBOT_MAIL_FROM unset).
const DefaultFrom = "learnbot@localhost"

// DefaultTimeout bounds one delivery: connecting, TLS, AUTH and the SMTP
// dialogue each get at most this long.
const DefaultTimeout = 30 * time.Second

// Config is what the mailer needs from the environment.
type Config struct {
	// SMTPURL is LEARNBOT_SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS
	// when offered, required with credentials) or smtps://[user:pass@]host[:port]
	// (implicit TLS).
	SMTPURL string
	// From is LEARNBOT_MAIL_FROM, an address or "Name <address>".
	From string
	// TLSConfig overrides the TLS settings (tests trust a test CA with it).
	// ServerName defaults to the URL's host.
	TLSConfig *tls.Config
	// Timeout overrides DefaultTimeout.
	Timeout time.Duration
	// Lang is the language of the emails (LEARNBOT_LANGUAGE): the invitee
	// has no language setting yet. Unset means English.
	Lang catalog.Lang
}

// Mailer delivers invitation emails. It is safe for concurrent use: every
// Send opens its own SMTP connection.
type Mailer struct {
	from    *netmail.Address
	msgHost string // right-hand side of Message-IDs
	opts    []gomail.Option
	host    string
	lang    catalog.Lang
}

// New validates cfg and returns a mailer. Nothing is dialled yet.
func New(cfg Config) (*Mailer, error) {
	srv, err := parseSMTPURL(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	from := cfg.From
	if from == "" {
		from = DefaultFrom
	}
	fromAddr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: LEARNBOT_MAIL_FROM %q: %w", from, err)
	}
	opts, host := srv.options(cfg.TLSConfig, cfg.Timeout), srv.host

	m := &Mailer{from: fromAddr, opts: opts, host: host, msgHost: "localhost", lang: cfg.Lang.Or(catalog.English)}
	if at := strings.LastIndexByte(fromAddr.Address, '@'); at >= 0 && at < len(fromAddr.Address)-1 {
		m.msgHost = fromAddr.Address[at+1:]
	}
	// Build one client now so that option errors surface at start-up.
	if _, err := gomail.NewClient(host, opts...); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return m, nil
}

// Invitation is one invitation email.
type Invitation struct {
	To            string // the invited address
	InviterName   string // who invited, as their workspace knows them
	Role          string // learner, guide or admin
	WorkspaceName string
	Link          string // LEARNBOT_PUBLIC_URL/invite/<token>
	ExpiresAt     time.Time
}

// Send delivers one invitation. A refused connection, a timeout or an SMTP
// 4xx reply is returned as a plain error (worth retrying later); an SMTP 5xx
// reply to the message (say 550 for an unknown mailbox) or an address that
// cannot be parsed is a *model.PermanentError whose Reason is the server's reply.
func (m *Mailer) Send(ctx context.Context, inv Invitation) error {
	msg, err := m.message(inv)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(m.host, m.opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(err)
	}
	return nil
}

// message builds the MIME message for inv.
func (m *Mailer) message(inv Invitation) (*gomail.Msg, error) {
	if inv.Link == "" {
		return nil, errors.New("mail: invitation without a link")
	}
	to, err := netmail.ParseAddress(inv.To)
	if err != nil {
		return nil, &model.PermanentError{Reason: model.Reason{Message: msgInvalidAddress, Detail: strconv.Quote(inv.To)}, Err: err}
	}
	text, html, err := render(m.lang, inv)
	if err != nil {
		return nil, err
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(m.from.String()); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(to.Address); err != nil {
		return nil, &model.PermanentError{Reason: model.Reason{Message: msgInvalidAddress, Detail: strconv.Quote(inv.To)}, Err: err}
	}
	msg.Subject(subject(m.lang, inv))
	msg.SetDate()
	msg.SetMessageIDWithValue(randomID() + "@" + m.msgHost)
	// Tells auto-responders (vacation replies) not to answer.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, nil
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// classify sorts a go-mail error into retry (plain) or give up (*model.PermanentError).
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		if code >= 500 && code <= 599 && !se.IsTemp() {
			return &model.PermanentError{Reason: model.Reason{Detail: serverReply(se)}, Err: err}
		}
		if code != 0 {
			// Guides see this in "invite list": keep it to the stage and
			// the reply, without go-mail's message ID and recipient list.
			return &replyError{msg: "mail: " + se.Reason.String() + ": " + serverReply(se), err: err}
		}
	}
	// Connecting, TLS, EHLO and AUTH failures land here too, whatever their
	// code: they say something about the server or our configuration, not the
	// message, and a retry after a fix delivers it.
	return fmt.Errorf("mail: send: %w", err)
}

// serverReply digs the SMTP reply ("550 5.1.1 no such user") out of a
// SendError, which keeps its causes unexported and only formats them as
// "<stage>: <reply>[, affected recipient(s): ...]"; the reply itself is a
// textproto.Error, which prints as `550 "5.1.1 no such user"`.
func serverReply(se *gomail.SendError) string {
	s := se.Error()
	s = strings.TrimPrefix(s, se.Reason.String()+": ")
	if i := strings.Index(s, ", affected recipient(s): "); i >= 0 {
		s = s[:i]
	}
	if len(s) > 4 && s[3] == ' ' && s[4] == '"' {
		if q, err := strconv.QuotedPrefix(s[4:]); err == nil {
			if text, err := strconv.Unquote(q); err == nil {
				s = s[:4] + text
			}
		}
	}
	return strings.Join(strings.Fields(s), " ")
}

// replyError is a temporary SMTP reply (4xx), worded briefly.
type replyError struct {
	msg string
	err error
}

func (e *replyError) Error() string { return e.msg }
func (e *replyError) Unwrap() error { return e.err }
