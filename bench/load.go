package main

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadResult is what the load generator measured of one scenario.
type loadResult struct {
	Requests    uint64         `json:"requests"`
	Seconds     float64        `json:"seconds"`
	RPS         float64        `json:"requests_per_second"`
	P50ms       float64        `json:"p50_ms"`
	P90ms       float64        `json:"p90_ms"`
	P99ms       float64        `json:"p99_ms"`
	MaxMs       float64        `json:"max_ms"`
	Success     float64        `json:"success_ratio"`
	StatusCodes map[string]int `json:"status_codes"`
	Errors      []string       `json:"errors,omitempty"`
	Exhausted   bool           `json:"targets_exhausted,omitempty"`
}

// attack drives the targets with clients concurrent workers for d, as fast
// as the server answers (a closed loop: each worker sends its next request
// when the last one is answered), over keep-alive loopback connections.
func attack(ctx context.Context, name string, tr vegeta.Targeter, clients int, d time.Duration) loadResult {
	a := vegeta.NewAttacker(
		vegeta.Workers(uint64(clients)),
		vegeta.MaxWorkers(uint64(clients)),
		vegeta.Connections(clients),
		vegeta.MaxConnections(clients),
		vegeta.KeepAlive(true),
		vegeta.HTTP2(false),
		vegeta.Redirects(vegeta.NoFollow),
		vegeta.MaxBody(0), // drain, but do not keep, the bodies
		vegeta.Timeout(30*time.Second),
	)
	var exhausted atomic.Bool
	tr = exhaustible(tr, &exhausted)
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			a.Stop()
		case <-finished:
		}
	}()
	var m vegeta.Metrics
	for res := range a.Attack(tr, vegeta.ConstantPacer{}, d, name) { // a zero pacer: as fast as possible
		if res.Error == errNoMoreTargets.Error() {
			continue // the pool ran dry: not a request
		}
		m.Add(res)
	}
	m.Close()
	return summarize(&m, exhausted.Load())
}

var errNoMoreTargets = errors.New("no more targets")

// exhaustible notes when a targeter runs out, which stops the attack.
func exhaustible(tr vegeta.Targeter, exhausted *atomic.Bool) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		err := tr(t)
		if errors.Is(err, errNoMoreTargets) {
			exhausted.Store(true)
		}
		return err
	}
}

func summarize(m *vegeta.Metrics, exhausted bool) loadResult {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	secs := m.Duration.Seconds()
	r := loadResult{
		Requests: m.Requests, Seconds: secs, P50ms: ms(m.Latencies.P50), P90ms: ms(m.Latencies.P90),
		P99ms: ms(m.Latencies.P99), MaxMs: ms(m.Latencies.Max), Success: m.Success, StatusCodes: m.StatusCodes,
		Errors: m.Errors, Exhausted: exhausted,
	}
	if len(r.Errors) > 5 {
		r.Errors = r.Errors[:5]
	}
	if secs > 0 {
		// Successful requests only: a refused write is not throughput.
		r.RPS = m.Throughput
	}
	return r
}
