package mail

import (
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	good := []struct {
		name, url string
		want      server
	}{
		{"PlainDefaultPort", "smtp://mail.example.org", server{host: "mail.example.org", port: 25}},
		{"PlainWithPort", "smtp://127.0.0.1:2525", server{host: "127.0.0.1", port: 2525}},
		{"IPv6", "smtp://[::1]:25", server{host: "::1", port: 25}},
		{"TrailingSlash", "smtp://mail.example.org/", server{host: "mail.example.org", port: 25}},
		{"CredentialsRequireSTARTTLS", "smtp://bot:secret@mail.example.org",
			server{host: "mail.example.org", port: 587, mandatory: true, user: "bot", pass: "secret"}},
		{"CredentialsOnPort25StillRequireTLS", "smtp://bot:secret@mail.example.org:25",
			server{host: "mail.example.org", port: 25, mandatory: true, user: "bot", pass: "secret"}},
		{"EscapedCredentials", "smtp://user%40example.org:p%40ss@mail.example.org:587",
			server{host: "mail.example.org", port: 587, mandatory: true, user: "user@example.org", pass: "p@ss"}},
		{"UserWithoutPassword", "smtp://bot@mail.example.org",
			server{host: "mail.example.org", port: 587, mandatory: true, user: "bot"}},
		{"ImplicitTLSDefaultPort", "smtps://mail.example.org", server{host: "mail.example.org", port: 465, implicit: true}},
		{"ImplicitTLSWithCredentials", "smtps://user:pass@mail.example.org:2465",
			server{host: "mail.example.org", port: 2465, implicit: true, user: "user", pass: "pass"}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSMTPURL(tc.url)
			if err != nil || got != tc.want {
				t.Fatalf("parseSMTPURL(%q) = %+v, %v; want %+v", tc.url, got, err, tc.want)
			}
		})
	}

	bad := []struct{ name, url, want string }{
		{"Empty", " ", "LEARNBOT_SMTP_URL is empty"},
		{"NoScheme", "mail.example.org:587", "scheme"},
		{"BadScheme", "http://mail.example.org", `scheme "http" is not supported`},
		{"NoHost", "smtp://", "no host"},
		{"NoHostWithPort", "smtp://:25", "no host"},
		{"PortTooLarge", "smtp://mail.example.org:99999", "bad port"},
		{"PortZero", "smtp://mail.example.org:0", "bad port"},
		{"NonNumericPort", "smtp://mail.example.org:abc", "LEARNBOT_SMTP_URL"},
		{"Path", "smtp://bot:hunter2@mail.example.org:25/x", "unexpected path"},
		{"Query", "smtp://mail.example.org?tls=off", "unexpected path, query"},
		{"PasswordWithoutUser", "smtp://:hunter2@mail.example.org:587", "without a user name"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseSMTPURL(tc.url)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parseSMTPURL(%q) = %v; want an error containing %q", tc.url, err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("parseSMTPURL(%q) = %v; the error shows the password", tc.url, err)
			}
		})
	}
}
