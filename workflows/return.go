package workflows

import (
	"strings"
	"time"

	"redress/cases"
)

// ReturnInput is the receipt of a buyer's returned parcel as a client
// sends it.
type ReturnInput struct {
	Courier    string     `json:"courier"`
	Waybill    string     `json:"waybill"`
	ReceivedAt *time.Time `json:"received_at"`
}

// ReceiveReturn records that the shop received the goods a return_refund
// remedy sends back: the parcel's courier and waybill and when it arrived
// (not in the future). Only a case in follow_up (or remedy) whose remedy is
// a return_refund waits on a return; recording it twice is refused.
func ReceiveReturn(c cases.Case, in ReturnInput, f Facts) (Result, error) {
	in.Courier, in.Waybill = strings.TrimSpace(in.Courier), strings.TrimSpace(in.Waybill)
	switch {
	case c.Remedy == nil || c.Remedy.Type != "return_refund":
		return Result{}, cases.FieldError("remedy", "case %s has no return_refund remedy: no return is expected", c.Ref)
	case c.State != cases.StateFollowUp && c.State != cases.StateRemedy:
		return Result{}, cases.FieldError("state", "a return is recorded while the case is in remedy or follow_up, not %s", c.State)
	case c.Return != nil && c.Return.ReceivedAt != nil:
		return Result{}, cases.Errorf(cases.Conflict, "the return of case %s was recorded received already", c.Ref)
	case in.ReceivedAt == nil:
		return Result{}, cases.FieldError("received_at", "received_at is required: when the returned goods arrived")
	case in.ReceivedAt.After(f.Now.Add(cases.ClockSkew)):
		return Result{}, cases.FieldError("received_at", "received_at is in the future")
	}
	if err := cases.CheckText("courier", in.Courier, 100, true); err != nil {
		return Result{}, err
	}
	if err := cases.CheckText("waybill", in.Waybill, 100, true); err != nil {
		return Result{}, err
	}
	at := in.ReceivedAt.UTC()
	next := cloneCase(c)
	next.Return = &cases.Return{Courier: in.Courier, Waybill: in.Waybill, ReceivedAt: &at}
	return Result{Case: next, Events: []cases.NewEvent{{Kind: cases.EventReturnReceived, Payload: map[string]any{
		"courier": in.Courier, "waybill": in.Waybill, "received_at": at.Format(time.RFC3339Nano)}}}}, nil
}
