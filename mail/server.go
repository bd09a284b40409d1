package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// server is the SMTP server LEARNBOT_SMTP_URL names and how to talk to it.
type server struct {
	host       string
	port       int
	implicit   bool // smtps://: TLS from the first byte
	mandatory  bool // smtp:// with credentials: STARTTLS or nothing
	user, pass string
}

// parseSMTPURL reads smtp://[user:pass@]host[:port] (STARTTLS when the
// server offers it, required with credentials; port 25, or 587 with
// credentials) or smtps://[user:pass@]host[:port] (implicit TLS, port 465).
// Errors never show the password.
func parseSMTPURL(raw string) (server, error) {
	if strings.TrimSpace(raw) == "" {
		return server{}, errors.New("mail: LEARNBOT_SMTP_URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return server{}, fmt.Errorf("mail: LEARNBOT_SMTP_URL: %w", err)
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return server{}, fmt.Errorf("mail: LEARNBOT_SMTP_URL scheme %q is not supported (want smtp://[user:pass@]host:port or smtps://...)", u.Scheme)
	}
	srv := server{host: u.Hostname(), implicit: u.Scheme == "smtps"}
	if srv.host == "" {
		return server{}, fmt.Errorf("mail: LEARNBOT_SMTP_URL %q has no host (want smtp://[user:pass@]host:port or smtps://...)", u.Redacted())
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		return server{}, fmt.Errorf("mail: LEARNBOT_SMTP_URL %q: unexpected path, query or fragment", u.Redacted())
	}
	if u.User != nil {
		srv.user = u.User.Username()
		srv.pass, _ = u.User.Password()
		if srv.user == "" {
			return server{}, fmt.Errorf("mail: LEARNBOT_SMTP_URL %q: credentials without a user name", u.Redacted())
		}
		// Credentials never cross the network in clear text.
		srv.mandatory = !srv.implicit
	}
	switch {
	case srv.implicit:
		srv.port = gomail.DefaultPortSSL
	case srv.mandatory:
		srv.port = gomail.DefaultPortTLS
	default:
		srv.port = gomail.DefaultPort
	}
	if p := u.Port(); p != "" {
		srv.port, err = strconv.Atoi(p)
		if err != nil || srv.port < 1 || srv.port > 65535 {
			return server{}, fmt.Errorf("mail: LEARNBOT_SMTP_URL %q: bad port %q", u.Redacted(), p)
		}
	}
	return srv, nil
}

// options are go-mail's client options for the server. tlsConfig may be nil
// (TLS 1.2 or newer, checked against the host); timeout 0 is DefaultTimeout.
func (srv server) options(tlsConfig *tls.Config, timeout time.Duration) []gomail.Option {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		tlsConfig = tlsConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = srv.host
	}
	opts := []gomail.Option{gomail.WithTimeout(timeout), gomail.WithTLSConfig(tlsConfig), gomail.WithPort(srv.port)}
	switch {
	case srv.implicit:
		opts = append(opts, gomail.WithSSL())
	case srv.mandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if srv.user != "" {
		// Auto-discovery picks the strongest mechanism the server offers
		// (SCRAM, CRAM-MD5, then PLAIN or LOGIN, the latter only over TLS).
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(srv.user),
			gomail.WithPassword(srv.pass))
	}
	return opts
}
