package cases

import "time"

// Notification is one notice in a user's in-app inbox.
type Notification struct {
	ID        int64      `json:"id" db:"id"`
	Kind      string     `json:"kind" db:"kind"`
	CaseID    *int64     `json:"case_id" db:"case_id"`
	CaseRef   *string    `json:"case_ref" db:"case_ref"`
	Message   string     `json:"message" db:"message"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	ReadAt    *time.Time `json:"read_at" db:"read_at"`
}

// NotificationPage is one page of an inbox, newest first, with the number
// of unread notices in the whole inbox.
type NotificationPage struct {
	Items      []Notification `json:"items"`
	NextCursor string         `json:"next_cursor"`
	Unread     int64          `json:"unread"`
}

// NotificationFilter selects a page of an inbox.
type NotificationFilter struct {
	UnreadOnly bool
	// Kinds, when not empty, keeps only notices of these kinds.
	Kinds  []string
	Limit  int
	Cursor string
}

// Validate checks a filter and fills its defaults.
func (f *NotificationFilter) Validate() error {
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		return FieldError("limit", "limit must be from 1 to %d", MaxPageSize)
	}
	return nil
}
