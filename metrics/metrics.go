// Package metrics is what an operator sees of learnbot at work: its
// Prometheus metrics (requests, DMs, rate limits, the queue, the build) and
// one log line per request.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Build describes the running binary (learnbot_build_info).
type Build struct {
	Version   string
	Commit    string
	GoVersion string
}

// Metrics is one registry of learnbot's metrics, and the request log.
type Metrics struct {
	reg          *prometheus.Registry
	log          *slog.Logger
	commands     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	failures     *prometheus.CounterVec
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	dms          *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	queueDepth   prometheus.Gauge
}

var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New registers the metrics. Requests are logged to log.
func New(build Build, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: log,
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_commands_total",
			Help: "Commands and button presses handled, by name and outcome."}, []string{"command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "learnbot_command_duration_seconds",
			Help: "Time to handle a command or button press.", Buckets: latencyBuckets}, []string{"command"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_queue_failures_total",
			Help: "Failed deliveries of queued jobs, by kind and whether the failure was permanent."}, []string{"kind", "permanent"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_http_requests_total",
			Help: "HTTP requests answered, by platform, kind and status code."}, []string{"platform", "kind", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "learnbot_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request (a platform's acknowledgement when the work goes on after it).",
			Buckets: latencyBuckets}, []string{"platform", "kind", "status"}),
		dms: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_dms_total",
			Help: "Direct message deliveries by platform and result: sent, retried (an attempt failed and will be retried) or failed (given up)."},
			[]string{"platform", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_rate_limited_total",
			Help: "Answers 429 (rate limited) from a platform's API, by platform and method."}, []string{"platform", "method"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{Name: "learnbot_queue_depth",
			Help: "Jobs waiting, scheduled for retry, or running, as last counted in the background."}),
	}
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "learnbot_build_info",
		Help: "Always 1; the labels describe the running build."}, []string{"version", "commit", "goversion"})
	buildInfo.WithLabelValues(build.Version, build.Commit, build.GoVersion).Set(1)
	m.reg.MustRegister(m.commands, m.latency, m.failures, m.httpRequests, m.httpDuration, m.dms, m.rateLimited,
		m.queueDepth, buildInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Failure records a failed delivery of any queued job (queue.Config.OnFailure).
func (m *Metrics) Failure(kind string, permanent bool) {
	m.failures.WithLabelValues(kind, strconv.FormatBool(permanent)).Inc()
}

// DM records a DM delivery attempt's result: "sent", "retried" or "failed"
// (queue.Config.OnDM).
func (m *Metrics) DM(platform, result string) { m.dms.WithLabelValues(platform, result).Inc() }

// TrackQueueDepth keeps learnbot_queue_depth current by counting every
// interval until ctx ends, so that a scrape never queries the database. A
// failed count leaves the last value and is logged at DEBUG (the database's
// trouble shows elsewhere).
func (m *Metrics) TrackQueueDepth(ctx context.Context, depth func(ctx context.Context) (int, error), every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		qctx, cancel := context.WithTimeout(ctx, min(every, 5*time.Second))
		n, err := depth(qctx)
		cancel()
		if err == nil {
			m.queueDepth.Set(float64(n))
		} else if ctx.Err() == nil {
			m.log.Debug("counting the queue failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
