package tui

import (
	"context"
	"errors"
	"strconv"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/themes"
)

// Prefs are a user's display preferences, kept in the store so that they
// follow the user to every login.
type Prefs struct {
	Theme        string // a themes name, "" for the default
	LowBandwidth bool
}

// prefKeys are the setting keys of a user with no user record (the local
// operator): "theme.operator" and "low_bandwidth.operator".
func prefKeys(user string) (theme, low string) { return "theme." + user, "low_bandwidth." + user }

// LoadPrefs reads actor's preferences: from the user record of a
// registered user (store.User.Theme, LowBandwidth), else from the
// settings of the local operator. Nothing saved yet is the zero Prefs.
func LoadPrefs(ctx context.Context, s store.Store, actor store.Actor) (Prefs, error) {
	if s == nil || actor.User == "" {
		return Prefs{}, nil
	}
	u, err := s.GetUser(ctx, actor.User)
	if err == nil {
		return Prefs{Theme: u.Theme, LowBandwidth: u.LowBandwidth}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return Prefs{}, err
	}
	tk, lk := prefKeys(actor.User)
	var p Prefs
	if v, err := s.GetSetting(ctx, tk); err == nil {
		p.Theme = v
	} else if !errors.Is(err, store.ErrNotFound) {
		return Prefs{}, err
	}
	if v, err := s.GetSetting(ctx, lk); err == nil {
		p.LowBandwidth, _ = strconv.ParseBool(v)
	} else if !errors.Is(err, store.ErrNotFound) {
		return Prefs{}, err
	}
	return p, nil
}

// SavePrefs saves actor's preferences where LoadPrefs reads them: the
// user record (UpdateUser, retried once when someone changed it
// meanwhile) or the operator's settings.
func SavePrefs(ctx context.Context, s store.Store, actor store.Actor, p Prefs) error {
	if s == nil {
		return errors.New("no store")
	}
	if _, ok := themes.ByName(p.Theme); !ok && p.Theme != "" {
		return errors.New("unknown theme " + strconv.Quote(p.Theme))
	}
	for attempt := 0; ; attempt++ {
		u, err := s.GetUser(ctx, actor.User)
		if errors.Is(err, store.ErrNotFound) {
			tk, lk := prefKeys(actor.User)
			if err := s.SetSetting(ctx, tk, p.Theme); err != nil {
				return err
			}
			return s.SetSetting(ctx, lk, strconv.FormatBool(p.LowBandwidth))
		}
		if err != nil {
			return err
		}
		if u.Theme == p.Theme && u.LowBandwidth == p.LowBandwidth {
			return nil
		}
		u.Theme, u.LowBandwidth = p.Theme, p.LowBandwidth
		_, err = s.UpdateUser(ctx, actor, u)
		if err == nil || attempt > 0 || !(errors.Is(err, store.ErrStale) || errors.Is(err, store.ErrConflict)) {
			return err
		}
	}
}
