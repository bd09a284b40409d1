// Package metrics exposes learnbot's Prometheus metrics: commands by name
// and outcome, their latency, and the job queue's depth and failures.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry of learnbot's metrics.
type Metrics struct {
	reg      *prometheus.Registry
	commands *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	failures *prometheus.CounterVec
}

// New registers the metrics; depth is read at each scrape.
func New(depth func(ctx context.Context) (int, error)) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_commands_total",
			Help: "Commands and button presses handled, by name and outcome."}, []string{"command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "learnbot_command_duration_seconds",
			Help:    "Time to handle a command or button press.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"command"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "learnbot_queue_failures_total",
			Help: "Failed deliveries of queued jobs, by kind and whether the failure was permanent."}, []string{"kind", "permanent"}),
	}
	m.reg.MustRegister(m.commands, m.latency, m.failures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if depth != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "learnbot_queue_depth",
			Help: "Jobs waiting, scheduled for retry, or running."}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := depth(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}))
	}
	return m
}

// Observe records one handled request (bot.Router.Observe).
func (m *Metrics) Observe(command, outcome string, d time.Duration) {
	m.commands.WithLabelValues(command, outcome).Inc()
	m.latency.WithLabelValues(command).Observe(d.Seconds())
}

// Failure records a failed delivery (queue.Config.OnFailure).
func (m *Metrics) Failure(kind string, permanent bool) {
	m.failures.WithLabelValues(kind, strconv.FormatBool(permanent)).Inc()
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }
