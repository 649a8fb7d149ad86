package cases

import (
	"context"
	"encoding/json"
	"time"
)

// DeliveryStatus is where a webhook delivery stands.
type DeliveryStatus string

// Delivery statuses. A delivered delivery is never sent again; a failed one
// ran out of attempts; a cancelled one belonged to a webhook that was
// disabled or deleted before it went out.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
	DeliveryCancelled DeliveryStatus = "cancelled"
)

// Retry policy of webhook deliveries.
const (
	MaxDeliveryAttempts = 8
	FirstRetryDelay     = time.Minute
	MaxRetryDelay       = time.Hour
)

// RetryDelay is how long to wait after the attempt-th failed attempt (1 for
// the first): a minute, doubling, capped at an hour. Eight attempts span
// about two hours.
func RetryDelay(attempt int) time.Duration {
	d := FirstRetryDelay
	for i := 1; i < attempt && d < MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, MaxRetryDelay)
}

// Delivery is one reminder sent, or to be sent, to one webhook.
type Delivery struct {
	ID            int64           `json:"id" db:"id"`
	WebhookID     int64           `json:"webhook_id" db:"webhook_id"`
	Event         EventKind       `json:"event" db:"event"`
	CaseID        *int64          `json:"case_id" db:"case_id"`
	Payload       json.RawMessage `json:"payload" db:"payload"`
	Message       string          `json:"message" db:"message"`
	Status        DeliveryStatus  `json:"status" db:"status"`
	AttemptCount  int             `json:"attempt_count" db:"attempts"`
	NextAttemptAt *time.Time      `json:"next_attempt_at" db:"next_attempt_at"`
	CreatedAt     time.Time       `json:"created_at" db:"created_at"`
	DeliveredAt   *time.Time      `json:"delivered_at" db:"delivered_at"`
	LastError     string          `json:"last_error" db:"last_error"`
	Attempts      []Attempt       `json:"attempts" db:"-"`
}

// Attempt is one try at a delivery: when, what the receiver answered (no
// status when the request never got an answer) and how long it took.
type Attempt struct {
	ID         int64     `json:"-" db:"id"`
	DeliveryID int64     `json:"-" db:"delivery_id"`
	At         time.Time `json:"at" db:"at"`
	StatusCode *int      `json:"status_code" db:"status_code"`
	Error      string    `json:"error" db:"error"`
	DurationMS int       `json:"duration_ms" db:"duration_ms"`
}

// Outbound is a claimed delivery with what it takes to send it.
type Outbound struct {
	ID      int64
	Event   EventKind
	Payload json.RawMessage
	Message string
	Attempt int // this attempt's number, from 1
	Webhook Webhook
}

// SendResult is what one attempt at a delivery came to. OK means the
// receiver accepted it; otherwise Error says why not, in words safe to show
// an admin (never the URL's token or the secret).
type SendResult struct {
	OK         bool
	StatusCode int // 0 when no response came
	Error      string
	Duration   time.Duration
}

// Send attempts one delivery, at now by the worker's clock.
type Send func(ctx context.Context, o Outbound, now time.Time) SendResult

// DeliveryResult counts what one pass of the delivery worker did.
type DeliveryResult struct {
	Delivered int
	Failed    int // attempts that failed, whether retried or not
	GaveUp    int // deliveries that ran out of attempts
	Cancelled int // deliveries whose webhook was disabled
}

// DeliveryFilter selects a page of a webhook's deliveries.
type DeliveryFilter struct {
	Status DeliveryStatus
	Limit  int
	Cursor string
}
