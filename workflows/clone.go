package workflows

import "redress/cases"

// cloneCase returns a copy of c that shares no pointer with it, so that a
// move never changes the case its caller holds.
func cloneCase(c cases.Case) cases.Case {
	out := c
	out.OrderValue = clonePtr(c.OrderValue)
	out.Review.Rating = clonePtr(c.Review.Rating)
	out.Review.PostedAt = clonePtr(c.Review.PostedAt)
	out.AssigneeID = clonePtr(c.AssigneeID)
	out.DueAt = clonePtr(c.DueAt)
	out.PlatformDueAt = clonePtr(c.PlatformDueAt)
	out.ClosedAt = clonePtr(c.ClosedAt)
	out.Outcome = clonePtr(c.Outcome)
	if c.Return != nil {
		r := *c.Return
		r.ReceivedAt = clonePtr(r.ReceivedAt)
		out.Return = &r
	}
	out.BuyerHistory = nil // read with the case, never written
	if c.Remedy != nil {
		r := *c.Remedy
		r.ApprovedBy = clonePtr(r.ApprovedBy)
		r.ApprovedAt = clonePtr(r.ApprovedAt)
		out.Remedy = &r
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
