// Package mailtest runs a real SMTP server on loopback (emersion/go-smtp)
// that records what it receives, for tests of anything that sends mail. It
// can offer STARTTLS or implicit TLS with a throw-away certificate, require
// AUTH PLAIN, and refuse recipients with chosen replies.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape a Server. The zero value is a plain relay that accepts
// everything without TLS or AUTH.
type Options struct {
	// Addr to listen on; default a free port on 127.0.0.1. Use it to bring a
	// server up where one was down.
	Addr string
	// TLS offers STARTTLS with this configuration (see NewCert).
	TLS *tls.Config
	// Implicit speaks TLS from the first byte (smtps) instead of STARTTLS.
	Implicit bool
	// User and Password, when User is set, are the only credentials AUTH
	// PLAIN accepts, and MAIL FROM is refused before a successful AUTH.
	User, Password string
	// Rcpt, when set, decides on every RCPT TO; return an *smtp.SMTPError
	// (see Reject) to refuse with that reply.
	Rcpt func(to string) error
}

// Message is one message the server accepted.
type Message struct {
	From string   // MAIL FROM
	To   []string // RCPT TO
	Data []byte   // DATA, as received
	TLS  bool     // the session was encrypted
	User string   // the authenticated user, if any
}

// Server is a recording SMTP server.
type Server struct {
	Host string // 127.0.0.1
	Port string

	opts Options
	srv  *smtp.Server
	l    net.Listener

	mu       sync.Mutex
	msgs     []Message
	notify   chan struct{}
	attempts int // RCPT TO commands seen
}

// Reject is an SMTP reply for Options.Rcpt, e.g. Reject(550, "5.1.1 no such user").
// The text may start with an enhanced status code.
func Reject(code int, text string) error {
	e := &smtp.SMTPError{Code: code, EnhancedCode: smtp.NoEnhancedCode, Message: text}
	var a, b, c int
	if n, _ := fmt.Sscanf(text, "%d.%d.%d ", &a, &b, &c); n == 3 {
		e.EnhancedCode = smtp.EnhancedCode{a, b, c}
		e.Message = strings.TrimSpace(text[strings.IndexByte(text, ' ')+1:])
	}
	return e
}

// NewServer starts a server; it stops when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{opts: opts, l: l, notify: make(chan struct{}, 1)}
	s.Host, s.Port, _ = net.SplitHostPort(l.Addr().String())

	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.ErrorLog = tbLogger{t}
	if opts.TLS != nil {
		s.srv.TLSConfig = opts.TLS
		if opts.Implicit {
			l = tls.NewListener(l, opts.TLS)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, s.Port) }

// URL is a LEARNBOT_SMTP_URL for this server: smtps:// for implicit TLS,
// smtp:// otherwise, with the configured credentials.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr()}
	if s.opts.Implicit {
		u.Scheme = "smtps"
	}
	if s.opts.User != "" {
		u.User = url.UserPassword(s.opts.User, s.opts.Password)
	}
	return u.String()
}

// Close stops the server (idempotent); its address is free again.
func (s *Server) Close() {
	_ = s.srv.Close()
	// Serve may not have registered the listener yet when a test ends at once.
	_ = s.l.Close()
}

// Messages returns what arrived so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// RcptAttempts counts RCPT TO commands, refused ones included.
func (s *Server) RcptAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Wait returns the first n messages once they have arrived, failing the
// test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs[:n]
		}
		select {
		case <-s.notify:
		case <-deadline.C:
			t.Fatalf("mailtest: %d of %d messages after %s", len(s.Messages()), n, timeout)
		}
	}
}

type session struct {
	s    *Server
	c    *smtp.Conn
	user string
	msg  Message
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnsupported
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.opts.User || password != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.User != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	_, isTLS := ss.c.TLSConnectionState()
	ss.msg = Message{From: from, TLS: isTLS, User: ss.user}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	ss.s.attempts++
	ss.s.mu.Unlock()
	if ss.s.opts.Rcpt != nil {
		if err := ss.s.opts.Rcpt(to); err != nil {
			return err
		}
	}
	ss.msg.To = append(ss.msg.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.msg.Data = b
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.msg)
	ss.s.mu.Unlock()
	select {
	case ss.s.notify <- struct{}{}:
	default:
	}
	ss.msg = Message{}
	return nil
}

func (ss *session) Reset()        { ss.msg = Message{} }
func (ss *session) Logout() error { return nil }

type tbLogger struct{ t testing.TB }

func (l tbLogger) Printf(format string, v ...any) { l.t.Logf("mailtest: "+format, v...) }
func (l tbLogger) Println(v ...any)               { l.t.Log(append([]any{"mailtest:"}, v...)...) }

// Cert is a throw-away CA and a server certificate it signed for 127.0.0.1
// and localhost.
type Cert struct {
	Server *tls.Config // for Options.TLS
	Client *tls.Config // trusts only the CA; for mail.Config.TLSConfig
}

// NewCert makes a CA and a server certificate.
func NewCert(t testing.TB) Cert {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return Cert{
		Server: &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: key}},
			MinVersion:   tls.VersionTLS12,
		},
		Client: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}
}

// Parsed is a received message taken apart.
type Parsed struct {
	Header  netmail.Header
	Subject string // decoded
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
}

// Parse decodes a message with a text/plain and a text/html part (either
// alone or in a multipart/alternative).
func Parse(data []byte) (*Parsed, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	p := &Parsed{Header: m.Header}
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	if err := p.part(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Parsed) part(contentType, encoding string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := p.part(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		p.Text = string(b)
	case "text/html":
		p.HTML = string(b)
	}
	return nil
}
