package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
)

// todayLoadedMsg carries a Today read.
type todayLoadedMsg struct {
	site *site
	err  error
}

// today is the signed-in user's day: next meeting, what is due, capacity.
type today struct {
	ctx    *common.Ctx
	list   *common.List
	site   *site
	width  int
	height int
	err    error
}

func newToday(ctx *common.Ctx) *today {
	return &today{ctx: ctx, list: common.NewList()}
}

func (t *today) Init() tea.Cmd { return t.load() }

func (t *today) load() tea.Cmd {
	ctx := t.ctx
	return func() tea.Msg {
		s, err := loadSite(ctx)
		return todayLoadedMsg{site: s, err: err}
	}
}

// Capturing reports whether the filter is taking text.
func (t *today) Capturing() bool { return t.list.Filtering() }

func (t *today) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	switch msg := msg.(type) {
	case todayLoadedMsg:
		if msg.err != nil {
			t.err = msg.err
			return t, common.StatusCmd("today: "+msg.err.Error(), true)
		}
		t.site, t.err = msg.site, nil
		t.rebuild()
	case ChangedMsg:
		return t, t.load()
	case tea.KeyPressMsg:
		if _, open := t.list.Update(msg); open {
			if _, id, ok := strings.Cut(t.list.SelectedKey(), ":"); ok && strings.HasPrefix(id, "P-") {
				return t, func() tea.Msg { return common.OpenParticipantMsg{ID: id} }
			}
		}
	}
	return t, nil
}

func (t *today) SetSize(w, h int) {
	t.width, t.height = w, h
	t.list.SetSize(w, max(h-3, 1))
}

// section appends a titled section of rows; an empty one says "none".
func section(rows []common.Row, st *common.Styles, title string, items []common.Row) []common.Row {
	rows = append(rows, common.Row{Header: true, Text: st.Accent.Render(fmt.Sprintf("%s (%d)", title, len(items)))})
	if len(items) == 0 {
		return append(rows, common.Row{Header: true, Text: "    " + st.Muted.Render("none")})
	}
	return append(rows, items...)
}

func (t *today) rebuild() {
	s, st, c := t.site, t.ctx.St(), t.ctx
	if s == nil {
		return
	}
	labelW := 22
	var overdue, court, rois, intake, actions []common.Row
	type dated struct {
		day time.Time
		row common.Row
	}
	var courtD, intakeD, roiD []dated
	for _, p := range s.parts {
		name := common.Pad(p.Label, labelW)
		id := common.Pad(p.P.ID, 7)
		if !p.Shown() {
			id = strings.Repeat(" ", 7)
		}
		if mine(c, p.P) && p.Shown() {
			if d := store.DaysBetween(lastContactDay(p.P), s.today); d > s.proto.OverdueContactDays {
				overdue = append(overdue, common.Row{Key: "overdue:" + p.P.ID,
					Text: id + " " + name + " " + st.Warn.Render(fmt.Sprintf("no contact for %dd", d)), Filter: p.P.ID + " " + p.Label})
			}
			if day, ok := roiExpiring(p.ROIs, s.today, s.proto.ROIExpiringDays); ok {
				roiD = append(roiD, dated{day, common.Row{Key: "roi:" + p.P.ID,
					Text: store.FormatDate(day) + " " + common.Pad(daysText(s.today, day), 8) + id + " " + name, Filter: p.P.ID + " " + p.Label}})
			}
		}
		if !p.CaseAccess.Allowed() || (c.Actor.Role == store.RoleCaseManager && !mine(c, p.P)) {
			continue
		}
		for _, lc := range p.Cases {
			if !lc.NextCourtDate.IsZero() {
				if d := store.DaysBetween(s.today, lc.NextCourtDate); d >= 0 && d <= s.proto.CourtWindowDays {
					courtD = append(courtD, dated{lc.NextCourtDate, common.Row{Key: "court:" + p.P.ID + ":" + lc.ID,
						Text:   store.FormatDate(lc.NextCourtDate) + " " + common.Pad(daysText(s.today, lc.NextCourtDate), 8) + id + " " + name + " " + kindText(lc.Kind),
						Filter: p.P.ID + " " + p.Label}})
				}
			}
			if lc.Kind == store.CaseDivertedArrest && lc.IntakeCompleted.IsZero() && !lc.IntakeDeadline.IsZero() && p.CaseAccess == store.Shown {
				if d := store.DaysBetween(s.today, lc.IntakeDeadline); d <= s.proto.DeadlineNearDays {
					intakeD = append(intakeD, dated{lc.IntakeDeadline, common.Row{Key: "intake:" + p.P.ID + ":" + lc.ID,
						Text:   store.FormatDate(lc.IntakeDeadline) + " " + common.Pad(daysText(s.today, lc.IntakeDeadline), 8) + id + " " + name,
						Filter: p.P.ID + " " + p.Label}})
				}
			}
		}
	}
	byDay := func(a, b dated) int { return cmp.Compare(a.day.Unix(), b.day.Unix()) }
	for _, set := range []struct {
		in  []dated
		out *[]common.Row
	}{{courtD, &court}, {intakeD, &intake}, {roiD, &rois}} {
		slices.SortStableFunc(set.in, byDay)
		for _, d := range set.in {
			*set.out = append(*set.out, d.row)
		}
	}
	for _, m := range s.meetings {
		for _, a := range m.ActionItems {
			if a.Done || a.Owner != c.Actor.User {
				continue
			}
			due := "no due date"
			if !a.Due.IsZero() {
				due = "due " + store.FormatDate(a.Due)
			}
			actions = append(actions, common.Row{Key: "action:" + a.ID, Text: common.Pad(a.ID, 7) + " " + common.Pad(due, 14) + " " + common.Line(a.Text)})
		}
	}
	var rows []common.Row
	if store.CanWrite(c.Actor.Role, store.DataGeneralContacts) {
		rows = section(rows, st, "Overdue contacts", overdue)
	}
	rows = section(rows, st, fmt.Sprintf("Court in the next %d days", s.proto.CourtWindowDays), court)
	if store.CanWrite(c.Actor.Role, store.DataGeneralContacts) {
		rows = section(rows, st, fmt.Sprintf("ROIs expiring within %d days", s.proto.ROIExpiringDays), rois)
	}
	rows = section(rows, st, "Diverted arrests near the intake deadline", intake)
	rows = section(rows, st, "My open action items", actions)
	t.list.SetRows(rows)
}

func kindText(k store.CaseKind) string { return strings.ReplaceAll(string(k), "_", " ") }

func (t *today) View() string {
	st := t.ctx.St()
	title := st.Title.Render("Today") + st.Muted.Render(" · "+store.Today(t.ctx.Time()).Format("Mon 2006-01-02"))
	if f := t.list.FilterLine(st); f != "" {
		title += "  " + f
	}
	if t.site == nil {
		msg := "loading…"
		if t.err != nil {
			msg = "could not load: " + t.err.Error()
		}
		return title + "\n\n  " + st.Muted.Render(msg)
	}
	meet := "not scheduled"
	if d, ok := t.site.nextMeeting(); ok {
		meet = store.FormatDate(d) + " (" + daysText(t.site.today, d) + ")"
	}
	capLine := fmt.Sprintf("Next meeting %s · capacity %d open slots across %d case managers",
		meet, t.site.capacity(), len(t.site.caseManagers()))
	lines := []string{title, st.Base.Render(capLine), ""}
	lines = append(lines, t.list.View(st, "")...)
	return strings.Join(lines, "\n")
}

func (t *today) ShortHelp() []key.Binding { return t.list.ShortHelp() }

func (t *today) FullHelp() [][]key.Binding { return [][]key.Binding{t.list.FullHelp()} }
