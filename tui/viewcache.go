package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// frameMemo keeps the lines of the last frame that depend on little (the
// tab bar, the help line), so a frame drawn after a store change that
// moved neither does not style them again: lipgloss rendering of whole
// lines was a large part of each session's cost per change.
type frameMemo struct {
	tabOK   bool
	tabKey  tabKey
	tab     string
	helpKey string
	helpSt  *common.Styles
	help    string
	// the status line's styles (common.StyleMemo), and the notice line
	// drawn last with what it was drawn from
	warn, statusOK, statusErr common.StyleMemo
	notice                    string
	noticeKey                 noticeKey
	noticeOK                  bool
	// the page's last view and the body lines cut from it
	page         string
	pageW, pageH int
	body         []string
}

// noticeKey is everything the on-call notice line shows (noticeLine).
type noticeKey struct {
	id, agency, ago string
	kind            store.ReferralKind
	more, w         int
	st              *common.Styles
}

// bodyLines is common.Lines of the page's view at w x h, kept while the
// page draws the same view (every message the page did not change it
// with: a store change it only starts a load for).
func (f *frameMemo) bodyLines(page string, w, h int) []string {
	if f.body == nil || f.page != page || f.pageW != w || f.pageH != h {
		f.body = common.Lines(strings.Split(page, "\n"), w, h)
		f.page, f.pageW, f.pageH = page, w, h
	}
	return f.body
}

// tabKey is everything the tab bar depends on that can change in a
// session (the names, user and role are fixed).
type tabKey struct {
	active  int
	overlay bool
	width   int
	st      *common.Styles
}

func (f *frameMemo) tabBar(k tabKey, render func() string) string {
	if !f.tabOK || f.tabKey != k {
		f.tab, f.tabKey, f.tabOK = render(), k, true
	}
	return f.tab
}

func (f *frameMemo) helpLine(k string, st *common.Styles, render func() string) string {
	if f.helpSt != st || f.helpKey != k || f.helpSt == nil {
		f.help, f.helpKey, f.helpSt = render(), k, st
	}
	return f.help
}

// helpKeyOf names what a help line shows: the width and each enabled
// binding's help text, page and global apart.
func helpKeyOf(page, global []key.Binding, w int) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(w))
	for _, set := range [][]key.Binding{page, global} {
		b.WriteByte('|')
		for _, kb := range set {
			if !kb.Enabled() {
				continue
			}
			h := kb.Help()
			b.WriteString(h.Key)
			b.WriteByte(0)
			b.WriteString(h.Desc)
			b.WriteByte(0)
		}
	}
	return b.String()
}
