package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/learnbot/learnbot/catalog"
	"github.com/learnbot/learnbot/internal/throttle"
	"github.com/learnbot/learnbot/storage"
)

// ReportStore is what the report download needs from storage.
type ReportStore interface {
	// ReportByToken returns storage.ErrNotFound for an unknown token and an
	// error wrapping storage.ErrGone once the link has expired.
	ReportByToken(ctx context.Context, token string) (*storage.Report, error)
	// ReportLines calls f with each assignment the report covers.
	ReportLines(ctx context.Context, r *storage.Report, f func(*storage.ReportLine) error) error
}

// reportTimeout bounds writing one report's CSV; two million rows take a
// few seconds.
const reportTimeout = 60 * time.Second

// Reports serves report CSVs: GET /reports/<token>.csv.
type Reports struct {
	store ReportStore
	log   *slog.Logger
	// DefaultLang is LEARNBOT_LANGUAGE, for the error texts of a browser
	// that asks for neither German nor English.
	DefaultLang catalog.Lang
	// Guard limits the requests of addresses that try unknown tokens
	// (nil: no limit).
	Guard *throttle.Guard
}

// reportsPath names the report download in the log of unknown tokens.
const reportsPath = "/reports"

// NewReports returns the report download's handler.
func NewReports(store ReportStore, log *slog.Logger) *Reports {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reports{store: store, log: log}
}

// Routes registers GET /reports/{token}.csv.
func (h *Reports) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /reports/{file}", h.download)
}

// reportHeader is the CSV's first row: stable column names for
// spreadsheets and scripts, whatever the reader's language.
var reportHeader = []string{"task_key", "task_title", "person", "email", "state", "assigned", "due", "done"}

func (h *Reports) download(w http.ResponseWriter, r *http.Request) {
	if h.Guard.Limited(w, r, reportsPath) {
		return
	}
	l := pageLang(r, h.DefaultLang)
	notFound := func() {
		if !h.Guard.Failed(w, r, reportsPath, http.StatusNotFound) {
			http.Error(w, l.Say(msgReportNotFound, nil), http.StatusNotFound)
		}
	}
	token, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if !ok || token == "" || len(token) > maxTokenLen {
		notFound()
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	rep, err := h.store.ReportByToken(ctx, token)
	cancel()
	switch {
	case errors.Is(err, storage.ErrNotFound):
		notFound()
		return
	case errors.Is(err, storage.ErrGone):
		http.Error(w, l.Say(msgReportExpired, nil), http.StatusGone)
		return
	case err != nil:
		h.log.ErrorContext(r.Context(), "report lookup failed", "error", err)
		http.Error(w, l.Say(msgReportFailed, nil), http.StatusServiceUnavailable)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/csv; charset=utf-8")
	// The token is in the URL: keep it and the data out of caches.
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if rep.Sealed != nil {
		// made when the link was (the new links of an invite)
		content, err := rep.Open(token)
		if err != nil {
			hdr.Del("Content-Type")
			h.log.ErrorContext(r.Context(), "sealed report unreadable", "report", rep.ID, "error", err)
			http.Error(w, l.Say(msgReportFailed, nil), http.StatusInternalServerError)
			return
		}
		hdr.Set("Content-Disposition", `attachment; filename="learnbot-links-`+rep.CreatedAt.UTC().Format("2006-01-02-1504")+`.csv"`)
		out := spreadsheetCSV(w, l)
		recs, err := csv.NewReader(bytes.NewReader(content)).ReadAll()
		if err == nil {
			err = out.WriteAll(recs)
		}
		if err != nil {
			h.log.ErrorContext(r.Context(), "sealed report unreadable", "report", rep.ID, "error", err)
		}
		return
	}
	hdr.Set("Content-Disposition", `attachment; filename="learnbot-report-`+rep.CreatedAt.UTC().Format("2006-01-02-1504")+`.csv"`)
	ctx, cancel = context.WithTimeout(r.Context(), reportTimeout)
	defer cancel()
	out := spreadsheetCSV(w, l)
	if err := out.Write(reportHeader); err != nil {
		return
	}
	err = h.store.ReportLines(ctx, rep, func(l *storage.ReportLine) error {
		email, done := "", ""
		if l.Email != nil {
			email = *l.Email
		}
		if l.DoneAt != nil {
			done = l.DoneAt.UTC().Format(time.RFC3339)
		}
		return out.Write([]string{cell(l.TaskKey), cell(l.TaskTitle), cell(l.PersonName), cell(email), l.State,
			l.AssignedAt.UTC().Format(time.RFC3339), l.Due.String(), done})
	})
	out.Flush()
	if err == nil {
		err = out.Error()
	}
	if err != nil {
		// The header is out: the download ends short, which the browser shows.
		h.log.ErrorContext(r.Context(), "report CSV failed", "report", rep.ID, "error", err)
	}
}

// spreadsheetCSV starts a CSV that spreadsheets open right in the reader's
// language (l, from the browser's Accept-Language): a UTF-8 byte order
// mark, without which Excel reads UTF-8 as a legacy code page, and the
// separator the language's spreadsheets expect (";" where the decimal
// separator is a comma).
func spreadsheetCSV(w io.Writer, l catalog.Lang) *csv.Writer {
	_, _ = io.WriteString(w, "\ufeff")
	out := csv.NewWriter(w)
	out.UseCRLF = true // RFC 4180
	if sep := []rune(l.Say(msgReportSeparator, nil)); len(sep) == 1 && sep[0] != '"' && sep[0] != '\n' {
		out.Comma = sep[0]
	}
	return out
}

// cell neutralises text a spreadsheet would run as a formula (CSV
// injection): a cell starting with =, +, -, @, a tab or a carriage return
// gets a leading single quote, which spreadsheets show as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
