package triage

import (
	"reflect"
	"strings"

	"github.com/leadtable/owg/store"
)

// changesOf returns the changes of the root's tui.ChangedMsg. Package tui
// mounts this pane, so importing it would be a cycle: the message is
// recognised by its name, package and field instead.
func changesOf(msg any) ([]store.Change, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Struct || v.Type().Name() != "ChangedMsg" || !strings.HasSuffix(v.Type().PkgPath(), "github.com/leadtable/owg/tui") {
		return nil, false
	}
	f := v.FieldByName("Changes")
	if !f.IsValid() || !f.CanInterface() {
		return nil, false
	}
	cs, ok := f.Interface().([]store.Change)
	return cs, ok
}
