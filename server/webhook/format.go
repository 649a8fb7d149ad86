package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"redress/cases"
)

// Headers of generic JSON deliveries. The signature is HMAC-SHA256 with the
// webhook's secret over "<timestamp>.<body>", where timestamp is the Unix
// time in the header: receivers recompute it and refuse old timestamps, so
// a captured request cannot be replayed later. The delivery id is the
// idempotency key: a retry carries the same one.
const (
	headerSignature = "X-Redress-Signature"
	headerEvent     = "X-Redress-Event"
	headerDelivery  = "X-Redress-Delivery"
)

// robotPrefix starts every robot message, so that a DingTalk robot secured
// by keyword can be given the keyword "Redress".
const robotPrefix = "[Redress] "

// webhookRequest builds the HTTP request of one attempt at a delivery, at
// now by the worker's clock.
func webhookRequest(ctx context.Context, o cases.Outbound, now time.Time) (*http.Request, error) {
	body, err := webhookBody(o)
	if err != nil {
		return nil, err
	}
	target := o.Webhook.URL
	if o.Webhook.Format == cases.FormatDingTalk && o.Webhook.Secret != "" {
		if target, err = dingTalkSignedURL(target, o.Webhook.Secret, now); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Redress-Webhooks/1")
	req.Header.Set(headerEvent, string(o.Event))
	req.Header.Set(headerDelivery, strconv.FormatInt(o.ID, 10))
	if o.Webhook.Format == cases.FormatJSON && o.Webhook.Secret != "" {
		req.Header.Set(headerSignature, webhookSignature(o.Webhook.Secret, now, body))
	}
	return req, nil
}

// webhookSignature is the X-Redress-Signature of body sent at t.
func webhookSignature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// dingTalkSignedURL adds DingTalk's signature to a robot URL: timestamp in
// milliseconds, and sign = base64(HMAC-SHA256(secret, timestamp+"\n"+secret)).
func dingTalkSignedURL(raw, secret string, t time.Time) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("webhook url: %w", err)
	}
	ts := strconv.FormatInt(t.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// webhookBody is a delivery's body in its webhook's format:
//
//	json      the stored payload plus "delivery_id"
//	wecom     {"msgtype":"text","text":{"content":"…"}}
//	dingtalk  {"msgtype":"text","text":{"content":"…"}}
//	slack     {"text":"…"}
func webhookBody(o cases.Outbound) ([]byte, error) {
	var v any
	switch o.Webhook.Format {
	case cases.FormatJSON:
		var p map[string]any
		if err := json.Unmarshal(o.Payload, &p); err != nil {
			return nil, fmt.Errorf("webhook payload: %w", err)
		}
		p["delivery_id"] = o.ID
		v = p
	case cases.FormatWeCom, cases.FormatDingTalk:
		v = robotText{MsgType: "text", Text: robotContent{Content: robotMessage(o)}}
	case cases.FormatSlack:
		v = struct {
			Text string `json:"text"`
		}{robotMessage(o)}
	default:
		return nil, fmt.Errorf("webhook format %q unknown", o.Webhook.Format)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("webhook body: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// robotText is the text message of WeCom and DingTalk group robots.
type robotText struct {
	MsgType string       `json:"msgtype"`
	Text    robotContent `json:"text"`
}

type robotContent struct {
	Content string `json:"content"`
}

// robotMessage is the text a robot posts: the message and the case's link.
func robotMessage(o cases.Outbound) string {
	var p struct {
		Case struct {
			URL string `json:"url"`
		} `json:"case"`
	}
	msg := robotPrefix + o.Message
	if json.Unmarshal(o.Payload, &p) == nil && p.Case.URL != "" {
		msg += "\n" + p.Case.URL
	}
	return msg
}
