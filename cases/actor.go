package cases

import (
	"context"
	"slices"
)

// Role is what a user may do.
type Role string

// Roles, from least to most powerful.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Roles returns every role.
func Roles() []Role { return []Role{RoleAgent, RoleSupervisor, RoleAdmin} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Supervises reports whether the role may act on every case, approve
// remedies, void evidence and give audit verdicts.
func (r Role) Supervises() bool { return r == RoleSupervisor || r == RoleAdmin }

// Actor is the user on whose behalf a request runs; every event records it.
type Actor struct {
	ID   int64
	Role Role
}

// CanActOn reports whether the actor may change a case with that assignee:
// agents act on cases assigned to them or unassigned; supervisors and
// admins on all.
func (a Actor) CanActOn(assigneeID *int64) bool {
	if a.Role.Supervises() {
		return true
	}
	return a.Role == RoleAgent && (assigneeID == nil || *assigneeID == a.ID)
}

type actorKey struct{}

// WithActor returns a context that carries the acting user.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting user carried by ctx.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.ID != 0
}

// RequireActor returns the acting user, or Unauthorized when there is none.
func RequireActor(ctx context.Context) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return Actor{}, Errorf(Unauthorized, "sign in first")
	}
	return a, nil
}
