package common

import (
	"context"
	"time"
)

// Time returns the session's current time (Now, else time.Now).
func (c *Ctx) Time() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Context returns the session's context (Ctx, else Background).
func (c *Ctx) Context() context.Context {
	if c.Ctx != nil {
		return c.Ctx
	}
	return context.Background()
}

// St returns the session's styles, building defaults when unset.
func (c *Ctx) St() *Styles {
	if c.Styles == nil {
		c.Styles = NewStyles(c.Theme, c.IsDark)
	}
	return c.Styles
}
