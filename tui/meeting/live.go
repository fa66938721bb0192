package meeting

import (
	"reflect"
	"strings"

	"github.com/leadtable/owg/store"
)

// The root package tui defines ChangedMsg and PresenceMsg and mounts this
// pane, so this package cannot import it (an import cycle). The two
// messages are recognised by their type name, package and field shape
// instead; a change to their shape shows up in this package's tests,
// which send the real tui messages.

// person is one session in a live meeting (tui.Presence).
type person struct {
	User      string
	Role      store.Role
	MeetingID string
	Following bool
}

const tuiPkg = "github.com/leadtable/owg/tui"

func isTUIMsg(v reflect.Value, name string) bool {
	return v.Kind() == reflect.Struct && v.Type().Name() == name && strings.HasSuffix(v.Type().PkgPath(), tuiPkg)
}

// changesOf returns the changes of a tui.ChangedMsg.
func changesOf(msg any) ([]store.Change, bool) {
	v := reflect.ValueOf(msg)
	if !isTUIMsg(v, "ChangedMsg") {
		return nil, false
	}
	f := v.FieldByName("Changes")
	if !f.IsValid() || !f.CanInterface() {
		return nil, false
	}
	cs, ok := f.Interface().([]store.Change)
	return cs, ok
}

// presenceOf returns the people of a tui.PresenceMsg.
func presenceOf(msg any) ([]person, bool) {
	v := reflect.ValueOf(msg)
	if !isTUIMsg(v, "PresenceMsg") {
		return nil, false
	}
	f := v.FieldByName("People")
	if !f.IsValid() || f.Kind() != reflect.Slice {
		return nil, false
	}
	out := make([]person, 0, f.Len())
	for i := range f.Len() {
		e := f.Index(i)
		if e.Kind() != reflect.Struct {
			return nil, false
		}
		var p person
		if x := e.FieldByName("User"); x.IsValid() && x.Kind() == reflect.String {
			p.User = x.String()
		}
		if x := e.FieldByName("Role"); x.IsValid() && x.Kind() == reflect.String {
			p.Role = store.Role(x.String())
		}
		if x := e.FieldByName("MeetingID"); x.IsValid() && x.Kind() == reflect.String {
			p.MeetingID = x.String()
		}
		if x := e.FieldByName("Following"); x.IsValid() && x.Kind() == reflect.Bool {
			p.Following = x.Bool()
		}
		out = append(out, p)
	}
	return out, true
}
