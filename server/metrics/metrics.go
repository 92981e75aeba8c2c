// Package metrics defines the server's Prometheus metrics on a registry of
// its own (no global state): requests by route and status, latency, sync
// volume, failed logins and auth events.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every collector the server updates.
type Metrics struct {
	reg          *prometheus.Registry
	Requests     *prometheus.CounterVec   // labels: route, method, status
	Latency      *prometheus.HistogramVec // labels: route
	SyncBytesIn  prometheus.Counter       // blob bytes accepted
	SyncBytesOut prometheus.Counter       // blob bytes served
	LoginsFailed prometheus.Counter
	AuthEvents   *prometheus.CounterVec // labels: event
}

// New registers the collectors, plus the Go runtime and process ones.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cipherleaf_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cipherleaf_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		SyncBytesIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cipherleaf_sync_bytes_in_total", Help: "Note and manifest blob bytes accepted.",
		}),
		SyncBytesOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cipherleaf_sync_bytes_out_total", Help: "Note and manifest blob bytes served.",
		}),
		LoginsFailed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cipherleaf_logins_failed_total", Help: "Logins and recoveries refused for bad credentials.",
		}),
		AuthEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cipherleaf_auth_events_total", Help: "Audited auth events by kind.",
		}, []string{"event"}),
	}
	m.reg.MustRegister(m.Requests, m.Latency, m.SyncBytesIn, m.SyncBytesOut, m.LoginsFailed, m.AuthEvents,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
