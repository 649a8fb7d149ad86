// Package webhook delivers what Redress tells the outside world: signed
// JSON, WeCom, DingTalk and Slack messages from the outbox, with a guard
// that keeps deliveries off private addresses.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"redress/cases"
	"redress/cases/store"
)

// Limits of outbound webhook requests.
const (
	webhookTimeout      = 5 * time.Second
	webhookMaxResponse  = 64 << 10 // bytes of a response body read
	webhookWorkers      = 4        // deliveries in flight per instance
	webhookPassMaxCount = 500      // deliveries one worker tries per tick
)

// Sender delivers the outbox's webhook messages.
type Sender struct {
	hooks        *store.Webhooks
	client       *http.Client
	log          *slog.Logger
	allowPrivate bool
	delivered    *prometheus.CounterVec
}

// NewSender returns a Sender of hooks' deliveries. With allowPrivate it
// may reach loopback and private addresses (REDRESS_WEBHOOK_ALLOW_PRIVATE).
// Its counter of attempts by result is registered on reg.
func NewSender(hooks *store.Webhooks, allowPrivate bool, log *slog.Logger, reg prometheus.Registerer) *Sender {
	delivered := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "redress_webhook_deliveries_total",
		Help: "Webhook delivery attempts by this instance, by result (ok or failed).",
	}, []string{"result"})
	reg.MustRegister(delivered)
	// Every series exists from the start, so that rate() sees the first one.
	delivered.WithLabelValues("ok")
	delivered.WithLabelValues("failed")
	return &Sender{hooks: hooks, client: newClient(allowPrivate), log: log, allowPrivate: allowPrivate, delivered: delivered}
}

// newClient returns the HTTP client of deliveries: short timeouts, no
// proxy (a proxy would dial on our behalf, past the address guard), no
// redirects (a redirect is the receiver's problem to fix, and could point
// anywhere), and a dialer that refuses private addresses unless allowed.
func newClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: webhookTimeout, Control: guardDial(allowPrivate)}
	return &http.Client{
		Timeout: webhookTimeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   webhookTimeout,
			ResponseHeaderTimeout: webhookTimeout,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Deliver sends the webhook deliveries due at now, with a few
// workers, and returns what they did. The scheduler passes the database's
// clock; tests pass a controlled one to walk through the backoff.
func (s *Sender) Deliver(ctx context.Context, now time.Time) (cases.DeliveryResult, error) {
	results := make([]cases.DeliveryResult, webhookWorkers)
	errs := make([]error, webhookWorkers)
	var wg sync.WaitGroup
	for i := range webhookWorkers {
		wg.Go(func() {
			results[i], errs[i] = s.hooks.DeliverDue(ctx, now, webhookPassMaxCount, s.send)
		})
	}
	wg.Wait()
	var total cases.DeliveryResult
	for _, r := range results {
		total.Delivered += r.Delivered
		total.Failed += r.Failed
		total.GaveUp += r.GaveUp
		total.Cancelled += r.Cancelled
	}
	s.delivered.WithLabelValues("ok").Add(float64(total.Delivered))
	s.delivered.WithLabelValues("failed").Add(float64(total.Failed))
	return total, errors.Join(errs...)
}

// send makes one attempt at a delivery. Its error texts are shown to
// admins and logged: they name the host, never the URL's path or query
// (robot URLs carry their access token there) and never the secret.
func (s *Sender) send(ctx context.Context, o cases.Outbound, now time.Time) cases.SendResult {
	res := s.attempt(ctx, o, now)
	if !res.OK {
		s.log.Warn("webhook delivery failed",
			"webhook_id", o.Webhook.ID, "webhook", o.Webhook.Name, "target", cases.RedactURL(o.Webhook.URL),
			"delivery_id", o.ID, "attempt", o.Attempt, "status", res.StatusCode, "error", res.Error)
	}
	return res
}

func (s *Sender) attempt(ctx context.Context, o cases.Outbound, now time.Time) cases.SendResult {
	req, err := webhookRequest(ctx, o, now)
	if err != nil {
		return cases.SendResult{Error: "could not build the request: " + sendError(err)}
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return cases.SendResult{Error: sendError(err), Duration: time.Since(start)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, webhookMaxResponse))
	resp.Body.Close()
	res := cases.SendResult{StatusCode: resp.StatusCode, Duration: time.Since(start)}
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		res.Error = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, snippet(body))
	case err != nil:
		res.Error = "reading the response: " + sendError(err)
	default:
		res.Error = robotError(o.Webhook.Format, body)
	}
	res.OK = res.Error == ""
	return res
}

// robotError reads the errcode that WeCom and DingTalk robots answer with
// HTTP 200 even when they refuse a message (bad key, keyword missing, rate
// limit); "" means accepted.
func robotError(f cases.WebhookFormat, body []byte) string {
	if f != cases.FormatWeCom && f != cases.FormatDingTalk {
		return ""
	}
	var r struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.ErrCode == nil {
		return "the robot's answer is not its usual JSON: " + snippet(body)
	}
	if *r.ErrCode != 0 {
		return fmt.Sprintf("the robot refused the message: errcode %d: %s", *r.ErrCode, snippet([]byte(r.ErrMsg)))
	}
	return ""
}

// sendError describes a failed request without the URL that url.Error
// repeats.
func sendError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return snippet([]byte(err.Error()))
}

// snippet is the start of a response body or an error, on one line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	if s == "" {
		return "(empty)"
	}
	return s
}
