package metrics

import (
	"net/http"
	"strings"
)

// Transport wraps next to count the platform's 429 answers by API method
// (learnbot_rate_limited_total): Slack's method name ("chat.postMessage",
// "response_url" for posts to a response URL), Discord's HTTP method and
// route with IDs and tokens replaced ("POST /channels/{id}/messages").
func (m *Metrics) Transport(platform string, next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests {
			m.rateLimited.WithLabelValues(platform, apiMethod(platform, r)).Inc()
		}
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func apiMethod(platform string, r *http.Request) string {
	path := r.URL.Path
	if platform == "slack" {
		if i := strings.LastIndex(path, "/api/"); i >= 0 {
			return path[i+len("/api/"):]
		}
		return "response_url"
	}
	if i := strings.Index(path, "/api/v"); i >= 0 {
		path = path[i+len("/api/v"):]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		}
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		switch {
		case i > 0 && parts[i-1] == "webhooks":
			parts[i] = "{id}"
		case i > 1 && (parts[i-2] == "webhooks" || parts[i-2] == "interactions"):
			parts[i] = "{token}"
		case isDigits(p):
			parts[i] = "{id}"
		}
	}
	return r.Method + " /" + strings.Join(parts, "/")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
