package cases

import (
	"errors"
	"fmt"
	"testing"
)

func asError(err error, target **Error) bool { return errors.As(err, target) }

func TestErrorCode(t *testing.T) {
	wrapped := fmt.Errorf("store: %w", Errorf(Conflict, "stale"))
	if ErrorCode(wrapped) != Conflict {
		t.Fatalf("wrapped code = %q", ErrorCode(wrapped))
	}
	if ErrorCode(errors.New("boom")) != Internal {
		t.Fatal("foreign errors must be internal")
	}
	if ErrorCode(nil) != "" {
		t.Fatal("nil has no code")
	}
}
