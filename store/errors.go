package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrStale is returned when a record changed since it was read: someone
// else saved it first. The caller reloads and tries again.
var ErrStale = errors.New("changed by someone else, reload")

// ErrConflict is returned when a write kept conflicting with concurrent
// writes after the bounded number of retries.
var ErrConflict = errors.New("changed by someone else, reload (write conflict)")

// ErrLocked is returned when another process holds the store.
var ErrLocked = errors.New("store is in use by another owg process")

// ErrDenied is returned when the actor's role may not perform an action.
var ErrDenied = errors.New("not allowed for your role")

// ErrExists is returned when creating a record whose id is taken.
var ErrExists = errors.New("already exists")

// FieldError is a validation error that names the bad field.
type FieldError struct {
	Field string
	Msg   string
}

// Error formats the error as "field: message".
func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// ValidationError collects every field error of one record.
type ValidationError struct {
	Entity string
	Errs   []FieldError
}

// Error names the entity and joins every field error.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errs))
	for i, f := range e.Errs {
		parts[i] = f.Error()
	}
	return fmt.Sprintf("invalid %s: %s", e.Entity, strings.Join(parts, "; "))
}

// Fields returns the names of the bad fields.
func (e *ValidationError) Fields() []string {
	out := make([]string, len(e.Errs))
	for i, f := range e.Errs {
		out[i] = f.Field
	}
	return out
}

// validator accumulates field errors.
type validator struct {
	entity string
	errs   []FieldError
}

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Entity: v.entity, Errs: v.errs}
}
