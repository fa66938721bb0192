// Package meeting is the Meeting screen (tab 5): start an OWG meeting,
// walk its agenda item by item with the context each item needs, capture
// notes, decisions and action items on the item, and end it (the meeting
// record is the minutes). In a live meeting every attendee but the
// facilitator follows the facilitator's current item, may step away to
// browse, and re-follows with a key; each sees only what their role and
// each participant's ROI allow.
package meeting

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/tui/common"
	"github.com/leadtable/owg/tui/triage"
)

// Model is the Meeting screen.
type Model struct {
	presenceMemo renderMemo // the presence line of the last frame
	// presenceKey is what the presence line was last made of; peopleGen
	// counts the presence lists received (setPeople).
	presenceKey presenceKey
	// viewGen counts what may change the screen (viewcache.go)
	viewGen   int
	lastView  viewCache
	peopleGen int
	memo      viewMemo // styled text of the frames before
	ctx       *common.Ctx
	keys      keyMap
	width     int
	height    int
	gen       int

	// lobby (not in a meeting)
	meetings []store.Meeting
	users    []store.User
	loaded   bool
	lobbySel string // the meeting marked in the lobby ("": the first)
	// minutes is a past meeting's minutes on screen (enter on it in the
	// lobby); minutesGen numbers their reads
	minutes    *minutesPane
	minutesGen int

	// in a meeting
	joined    bool
	mt        store.Meeting
	open      []store.OpenAction // open action items of the other meetings
	scroll    int                // first line of the item context shown
	detail    bool               // enter on a case or referral item: its full detail
	ctxItem   string             // the item scroll and detail belong to
	trSeen    int                // gen of the ranking and open action items shown
	td        *triageData
	view      int  // index of the item this viewer looks at
	following bool // the view follows mt.Current
	joining   bool // a join is under way (its read must not be superseded by a lobby reload)
	ctxs      map[string]itemCtx
	// ctxSeq numbers the asks for item contexts; ctxGen is the newest ask
	// per subject and ctxFloor the last ask before the contexts were
	// dropped: older replies are stale
	ctxSeq, ctxFloor int
	ctxGen           map[string]int
	// held is a newer read of the meeting that a follower shows only once
	// the context of its new current item has loaded (holdForCtx): one
	// frame of the new item, not a "loading" frame and then another.
	held   *store.Meeting
	people []person

	// writes of this session go one at a time, in order
	busy  bool
	queue []tea.Cmd

	// input
	form    *form
	decide  *triage.Decide
	jumping bool
	jumpBuf string

	// room view (facilitator's key R): the screen shows only what every
	// attendee present may see; roomKey is the make-up it was computed for
	room    bool
	roomKey string

	// the start form's estimate of the agenda for estDay
	estDay time.Time
	estGen int
	est    *store.AgendaPlan
	estErr error

	status   string
	statusOK bool

	// restore is a draft to reopen once its meeting is joined
	restore *store.Draft
	// resume is where a dropped session of this user stood in a meeting:
	// Init rejoins it (place.go)
	resume *common.MeetingPlace
}

// New returns the Meeting screen for the session's actor.
func New(ctx *common.Ctx) common.Component {
	return &Model{ctx: ctx, keys: newKeyMap(), width: 80, height: 20, ctxs: map[string]itemCtx{}}
}

// Init loads the meetings.
func (m *Model) Init() tea.Cmd {
	m.viewGen++
	if cmd := m.rejoinCmd(); cmd != nil {
		return cmd // a reconnect rejoins its meeting (the lobby loads if it cannot)
	}
	return m.reloadLobby()
}

// shared reports whether the viewer's role attends meetings at all
// (store.SeesMeetings: not the evaluator, who gets aggregates only).
func (m *Model) shared() bool { return store.SeesMeetings(m.ctx.Actor.Role) }

// SetSize sets the screen's size in cells.
func (m *Model) SetSize(width, height int) {
	m.viewGen++
	m.width, m.height = width, height
	if m.form != nil {
		m.form.setWidth(m.width)
		if h := m.formHeight(); h >= 4 {
			// (huh shrinks a field for good: a passing tiny terminal,
			// where nothing is laid out anyway, must not shrink it)
			m.form.fit(m.width, h)
		}
	}
	m.decide.Fit(m.width, m.formHeight())
}

// Capturing reports whether a form or the jump prompt takes typed keys.
func (m *Model) Capturing() bool { return m.form != nil || m.decide != nil || m.jumping }

// Dirty reports whether a form holds unsaved input.
func (m *Model) Dirty() bool { return m.form != nil || m.decide != nil }

// MeetingID returns the id of the meeting this session is in, or "".
func (m *Model) MeetingID() string {
	if !m.joined {
		return ""
	}
	return m.mt.ID
}

// Following reports whether the view follows the facilitator.
func (m *Model) Following() bool { return m.joined && m.following }

func (m *Model) next() int { m.gen++; return m.gen }

// write queues a MutateMeeting of the joined meeting. This session's
// writes run one at a time in the order made, so two quick moves can never
// land in the wrong order.
func (m *Model) write(what string, fn func(*store.Meeting) error) tea.Cmd {
	return m.enqueue(mutateCmd(m.ctx, m.mt.ID, what, fn))
}

func (m *Model) enqueue(cmd tea.Cmd) tea.Cmd {
	if m.busy {
		m.queue = append(m.queue, cmd)
		return nil
	}
	m.busy = true
	return cmd
}

// dequeue starts the next queued write when one finished.
func (m *Model) dequeue() tea.Cmd {
	m.busy = false
	if len(m.queue) == 0 {
		return nil
	}
	cmd := m.queue[0]
	m.queue = m.queue[1:]
	m.busy = true
	return cmd
}

func (m *Model) reloadLobby() tea.Cmd {
	if !m.shared() {
		return nil
	}
	return loadLobbyCmd(m.ctx, m.next())
}

func (m *Model) setStatus(s string, ok bool) { m.status, m.statusOK = s, ok }

func (m *Model) presence() {
	if m.ctx.OnPresence != nil {
		m.ctx.OnPresence(m.MeetingID(), m.Following())
	}
}

// drives reports whether this session moves the meeting's current item.
func (m *Model) drives() bool {
	return m.joined && m.mt.Status == store.MeetingOpen && m.mt.Facilitator == m.ctx.Actor.User
}

// canRun, canNote and canAction ask the rule the store enforces
// (store.MayWrite), so the keys a role is offered match what it may save.
func canRun(role store.Role) bool { return mayWrite(role, store.WriteRunMeeting) }

func canNote(role store.Role) bool { return mayWrite(role, store.WriteMeetingNote) }

func canAction(role store.Role) bool { return mayWrite(role, store.WriteActionItem) }

func mayWrite(role store.Role, a store.WriteAction) bool {
	return store.MayWrite(store.Actor{Role: role}, a, store.Relation{}) == nil
}

// openMeeting returns the open meeting in the lobby list, if any.
func (m *Model) openMeeting() (store.Meeting, bool) {
	for i := len(m.meetings) - 1; i >= 0; i-- {
		if m.meetings[i].Status == store.MeetingOpen {
			return m.meetings[i], true
		}
	}
	return store.Meeting{}, false
}

func (m *Model) item() (store.AgendaItem, bool) {
	if !m.joined || m.view < 0 || m.view >= len(m.mt.Items) {
		return store.AgendaItem{}, false
	}
	return m.mt.Items[m.view], true
}

// join enters meeting id, following the facilitator.
func (m *Model) join(id string) tea.Cmd {
	if !m.shared() {
		return nil
	}
	m.joining = true
	return loadMeetingCmd(m.ctx, m.next(), id, true, true)
}

// Update routes messages: loads and saves, live changes, forms, keys.
func (m *Model) Update(msg tea.Msg) (common.Component, tea.Cmd) {
	if cs, ok := changesOf(msg); ok {
		if !m.joined {
			m.viewGen++
		}
		// joined, a change only starts reads: their replies redraw
		return m, m.onChanges(cs)
	}
	m.viewGen++
	if ps, ok := presenceOf(msg); ok {
		m.setPeople(ps)
		return m, m.ensureCtx()
	}
	switch msg := msg.(type) {
	case lobbyMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		if msg.err != nil {
			m.setStatus("could not load meetings: "+msg.err.Error(), false)
			return m, nil
		}
		m.meetings, m.users, m.loaded = msg.meetings, msg.users, true
		return m, nil
	case minutesMsg:
		m.onMinutes(msg)
		return m, nil
	case meetingMsg:
		return m, m.onMeeting(msg)
	case savedMsg:
		return m, m.onSaved(msg)
	case endedMsg:
		return m, m.onEnded(msg)
	case itemCtxMsg:
		// a reply asked for before the contexts were dropped (the room's
		// audience changed) or before a newer ask for its subject is
		// stale: it may have been read for another audience
		if msg.gen <= m.ctxFloor || msg.gen < m.ctxGen[msg.subject] {
			return m, nil
		}
		m.ctxs[msg.subject] = msg.ic
		if h := m.held; h != nil && currentSubject(*h) == msg.subject {
			return m, m.applyMeeting(*h)
		}
		return m, nil
	case estimateMsg:
		if msg.gen == m.estGen {
			m.est, m.estErr = &msg.plan, msg.err
		}
		return m, nil
	case startedMsg:
		if msg.err != nil {
			m.setStatus("could not start the meeting: "+msg.err.Error(), false)
			return m, nil
		}
		m.setStatus(fmt.Sprintf("meeting %s started: %s", msg.mt.ID, count(len(msg.mt.Items), "agenda item", "agenda items")), true)
		return m, m.join(msg.mt.ID)
	case triage.DecidedMsg:
		return m, m.onDecided(msg)
	case common.DraftDueMsg:
		if m.form != nil {
			return m, m.form.keep.Due(msg)
		}
	}
	if m.decide != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Cancel) {
			text, done, cmd := m.decide.Escape()
			if done {
				m.decide = nil
			}
			m.setStatus(text, done)
			return m, cmd
		}
		if _, key := msg.(tea.KeyPressMsg); key && m.decide.Asking() && m.status == common.EscAgain {
			m.setStatus("", true) // the next key takes the warning back
		}
		cmd, done := m.decide.Update(msg)
		if done {
			m.decide = nil
		}
		return m, cmd
	}
	if m.form != nil {
		if _, ok := msg.(tea.WindowSizeMsg); ok {
			return m, nil // sized by SetSize to the pane, not the screen
		}
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Cancel) {
			if !m.form.restored() && m.form.esc.Escape() {
				m.setStatus(common.EscAgain, false)
				return m, nil
			}
			text, done, cmd := m.form.keep.Escape("cancelled")
			if done {
				m.form = nil
			}
			m.setStatus(text, done)
			return m, cmd
		}
		if cleared, swallow := m.form.esc.Other(msg); cleared {
			m.setStatus("", true)
			if swallow {
				return m, nil // enter after the warning goes on editing
			}
		}
		cmd, done, submit := m.form.update(msg)
		if errs := m.form.f.Errors(); len(errs) > 0 && !done {
			// the error also goes on the status line: never below the fold
			m.setStatus(errs[0].Error(), false)
		}
		if done {
			f := m.form
			m.form = nil
			if submit {
				return m, m.submit(f)
			}
			return m, f.keep.Drop()
		}
		switch msg.(type) {
		case tea.KeyPressMsg, tea.PasteMsg:
			cmd = tea.Batch(cmd, m.form.keep.Touched())
		}
		return m, tea.Batch(cmd, m.reestimate())
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if m.jumping {
		return m, m.jumpKey(k)
	}
	if !m.joined {
		if m.minutes != nil {
			return m, m.minutesKey(k)
		}
		return m, m.lobbyKey(k)
	}
	return m, m.meetingKey(k)
}

func (m *Model) lobbyKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Reload):
		return m.reloadLobby()
	case key.Matches(k, m.keys.Join):
		return m.lobbyEnter()
	case key.Matches(k, m.keys.LobbyDown):
		m.lobbyMove(1)
	case key.Matches(k, m.keys.LobbyUp):
		m.lobbyMove(-1)
	case key.Matches(k, m.keys.Start):
		if !canRun(m.ctx.Actor.Role) {
			m.setStatus("only the pm or a supervisor starts a meeting", false)
			return nil
		}
		if mt, ok := m.openMeeting(); ok {
			m.lobbySel = mt.ID
			m.setStatus(mt.ID+" is open: press enter to join it", false)
			return nil
		}
		m.estDay = time.Time{}
		return tea.Batch(m.openForm(m.startForm()), m.reestimate())
	}
	return nil
}

func (m *Model) meetingKey(k tea.KeyPressMsg) tea.Cmd {
	role := m.ctx.Actor.Role
	switch {
	case key.Matches(k, m.keys.Next):
		return m.move(m.view + 1)
	case key.Matches(k, m.keys.Prev):
		return m.move(m.view - 1)
	case key.Matches(k, m.keys.Jump):
		m.jumping, m.jumpBuf = true, ""
	case key.Matches(k, m.keys.Follow):
		m.following = true
		m.view = m.clamp(m.mt.Current)
		m.presence()
		m.setStatus("following the facilitator", true)
		return m.ensureCtx()
	case key.Matches(k, m.keys.Reload):
		return loadMeetingCmd(m.ctx, m.next(), m.mt.ID, true, false)
	case key.Matches(k, m.keys.Leave):
		m.joined, m.following, m.joining = false, false, false
		m.presence()
		m.setStatus("left the meeting", true)
		return m.reloadLobby()
	case key.Matches(k, m.keys.ScrollDown):
		// (never past the end: [ then scrolls back at once)
		m.scroll = min(m.scroll+max(m.paneHeight()/2, 1), m.maxScroll())
		return nil
	case key.Matches(k, m.keys.ScrollUp):
		m.scroll = max(min(m.scroll, m.maxScroll())-max(m.paneHeight()/2, 1), 0)
		return nil
	case key.Matches(k, m.keys.Cancel) && m.detail:
		m.detail, m.scroll = false, 0
		return nil
	case key.Matches(k, m.keys.Open):
		it, ok := m.item()
		if ok && (it.Kind == store.ItemCase || it.Kind == store.ItemReferral) {
			// the full detail in the pane, scrollable; enter again closes it
			m.detail, m.scroll = !m.detail, 0
			return nil
		}
		if !ok || it.Kind != store.ItemGoalReview {
			return nil
		}
		if m.room {
			// the record would show the facilitator's own view to the room
			m.setStatus("R turns room view off first: the record is not the room's view", false)
			return nil
		}
		if ic := m.ctxs[it.Subject]; ic.pv == nil || !ic.pv.Viewable() {
			m.setStatus(store.NotShared, false)
			return nil
		}
		m.stepAway()
		id := it.Subject
		return func() tea.Msg { return common.OpenParticipantMsg{ID: id} }
	}
	if key.Matches(k, m.keys.Room) {
		if !m.drives() && m.mt.Facilitator != m.ctx.Actor.User {
			m.setStatus("room view is the facilitator's", false)
			return nil
		}
		return m.toggleRoom()
	}
	if m.mt.Status != store.MeetingOpen {
		return nil
	}
	switch {
	case key.Matches(k, m.keys.TakeOver):
		if !canRun(role) {
			m.setStatus("only the pm or a supervisor facilitates", false)
			return nil
		}
		user, cur := m.ctx.Actor.User, m.view
		return m.write("you are facilitating", func(mt *store.Meeting) error {
			mt.Facilitator = user
			mt.Current = min(max(cur, 0), max(len(mt.Items)-1, 0))
			return nil
		})
	case key.Matches(k, m.keys.Note):
		if !canNote(role) {
			m.setStatus("notes are not taken by your role", false)
			return nil
		}
		if it, ok := m.item(); ok {
			return m.openForm(m.noteForm(it))
		}
	case key.Matches(k, m.keys.Action):
		if !canAction(role) {
			m.setStatus("action items are not added by your role", false)
			return nil
		}
		if it, ok := m.item(); ok {
			return m.openForm(m.actionForm(it))
		}
	case key.Matches(k, m.keys.Close):
		if it, ok := m.item(); ok && it.Kind == store.ItemActionItems {
			return m.openForm(m.closeForm(it))
		}
		m.setStatus("action items are closed on the open action items item (or on Today, or owg action done)", false)
		return nil
	case key.Matches(k, m.keys.Decide):
		if !canRun(role) {
			m.setStatus("decisions are recorded by the pm or a supervisor", false)
			return nil
		}
		if it, ok := m.item(); ok {
			return m.openForm(m.decisionForm(it))
		}
	}
	if !m.drives() {
		switch {
		case key.Matches(k, m.keys.MoveUp), key.Matches(k, m.keys.MoveDown), key.Matches(k, m.keys.Skip), key.Matches(k, m.keys.Mark), key.Matches(k, m.keys.Expand),
			key.Matches(k, m.keys.AddItem), key.Matches(k, m.keys.End):
			m.setStatus("only the facilitator changes the agenda", false)
		}
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Mark):
		return m.markDiscussed()
	case key.Matches(k, m.keys.Expand):
		return m.expand()
	case key.Matches(k, m.keys.MoveUp):
		return m.reorder(-1)
	case key.Matches(k, m.keys.MoveDown):
		return m.reorder(1)
	case key.Matches(k, m.keys.Skip):
		return m.skip()
	case key.Matches(k, m.keys.AddItem):
		return m.openForm(m.itemForm())
	case key.Matches(k, m.keys.End):
		return m.openForm(m.endForm())
	}
	return nil
}

func (m *Model) jumpKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "esc":
		m.jumping = false
	case "backspace":
		if m.jumpBuf != "" {
			m.jumpBuf = m.jumpBuf[:len(m.jumpBuf)-1]
		}
	case "enter":
		m.jumping = false
		n, err := strconv.Atoi(m.jumpBuf)
		if err != nil || n < 1 || n > len(m.mt.Items) {
			m.setStatus(fmt.Sprintf("no item %q (1-%d)", m.jumpBuf, len(m.mt.Items)), false)
			return nil
		}
		return m.move(n - 1)
	default:
		if len(k.Text) == 1 && k.Text[0] >= '0' && k.Text[0] <= '9' && len(m.jumpBuf) < 4 {
			m.jumpBuf += k.Text
		}
	}
	return nil
}

func (m *Model) clamp(i int) int { return min(max(i, 0), max(len(m.mt.Items)-1, 0)) }

// stepAway stops following (a browsing attendee).
func (m *Model) stepAway() {
	if m.following && !m.drives() {
		m.following = false
		m.presence()
	}
}

// move shows item i: the facilitator moves the meeting's current item;
// anyone else browses on their own. Moving on marks nothing: an item is
// discussed when something is recorded on it or the facilitator marks it.
func (m *Model) move(i int) tea.Cmd {
	if len(m.mt.Items) == 0 {
		return nil
	}
	i = m.clamp(i)
	if i == m.view {
		return nil
	}
	if !m.drives() {
		m.stepAway()
		m.view = i
		return m.ensureCtx()
	}
	to := m.mt.Items[i].ID
	m.view = i
	m.mt.Current = i
	save := m.write("", func(mt *store.Meeting) error {
		if j := indexOf(mt.Items, to); j >= 0 {
			mt.Current = j
		}
		return nil
	})
	return tea.Batch(save, m.ensureCtx())
}

// expand replaces a referral summary item by one item per referral it
// stands for, in the ranking's order, after it (the facilitator's key x).
func (m *Model) expand() tea.Cmd {
	it, ok := m.item()
	if !ok || it.Kind != store.ItemReferralSummary || len(it.More) == 0 {
		m.setStatus("x expands the \"other referrals\" item", false)
		return nil
	}
	id := it.ID
	var add []store.AgendaItem
	for _, rid := range it.More {
		title, reason := "Referral "+rid, "listed from the summary"
		if m.td != nil {
			if r, ok := m.td.refs[rid]; ok {
				title = fmt.Sprintf("Referral %s (%s)", rid, store.KindLabel(r.Kind))
			}
			for _, rr := range m.td.ranking.Ranked {
				if rr.Referral.ID == rid {
					reason = fmt.Sprintf("rank %d of %d, score %d, waitlist #%d", rr.Rank, len(m.td.ranking.Ranked), rr.Score, rr.WaitlistPos)
				}
			}
			for _, so := range m.td.ranking.ScreenedOut {
				if so.Referral.ID == rid {
					reason = "screened out: " + store.PlainWords(so.Reason)
				}
			}
		}
		add = append(add, store.AgendaItem{Kind: store.ItemReferral, Subject: rid, Title: title, Reason: reason,
			Status: store.ItemPending, Minutes: m.ctx.Protocol.Meeting.Referral})
	}
	return m.write("listed "+count(len(add), "referral", "referrals"), func(mt *store.Meeting) error {
		i := indexOf(mt.Items, id)
		if i < 0 || mt.Items[i].Kind != store.ItemReferralSummary {
			return fmt.Errorf("item %s is no longer a summary", id)
		}
		n := 0
		for _, x := range mt.Items {
			if v, err := strconv.Atoi(x.ID); err == nil && v > n {
				n = v
			}
		}
		items := make([]store.AgendaItem, len(add))
		for j, a := range add {
			a.ID = strconv.Itoa(n + 1 + j)
			items[j] = a
		}
		mt.Items[i].Status = store.ItemDiscussed
		mt.Items[i].More = nil
		mt.Items = slices.Insert(mt.Items, i+1, items...)
		if mt.Current > i {
			mt.Current += len(items)
		}
		return nil
	})
}

// markDiscussed toggles the viewed item between discussed and pending
// (the facilitator's key m).
func (m *Model) markDiscussed() tea.Cmd {
	it, ok := m.item()
	if !ok {
		return nil
	}
	id, to := it.ID, store.ItemDiscussed
	if it.Status == store.ItemDiscussed {
		to = store.ItemPending
	}
	name := m.itemName(m.view)
	m.setItemStatus(m.view, to)
	what := name + " marked discussed"
	if to == store.ItemPending {
		what = name + " no longer marked discussed"
	}
	return m.write(what, func(mt *store.Meeting) error {
		if i := indexOf(mt.Items, id); i >= 0 {
			mt.Items[i].Status = to
		}
		return nil
	})
}

// discussed marks item id discussed inside a write that records
// something on it.
func discussed(mt *store.Meeting, id string) {
	if i := indexOf(mt.Items, id); i >= 0 {
		mt.Items[i].Status = store.ItemDiscussed
	}
}

func indexOf(items []store.AgendaItem, id string) int {
	for i, it := range items {
		if it.ID == id {
			return i
		}
	}
	return -1
}

// reorder moves the viewed item up (d = -1) or down (d = 1).
func (m *Model) reorder(d int) tea.Cmd {
	it, ok := m.item()
	if !ok {
		return nil
	}
	j := m.view + d
	if j < 0 || j >= len(m.mt.Items) {
		return nil
	}
	id := it.ID
	curID := m.mt.Items[m.clamp(m.mt.Current)].ID
	// named where it goes: the number it has once moved
	what := fmt.Sprintf("moved %s to %d", m.itemName(m.view), j+1)
	// the move shows at once, as the store will make it: a key pressed
	// before the save lands (s, m) acts on, and names, the item as shown
	m.mt.Items = slices.Clone(m.mt.Items)
	m.mt.Items[m.view], m.mt.Items[j] = m.mt.Items[j], m.mt.Items[m.view]
	if c := indexOf(m.mt.Items, curID); c >= 0 {
		m.mt.Current = c
	}
	m.view = j
	return m.write(what, func(mt *store.Meeting) error {
		i := indexOf(mt.Items, id)
		k := i + d
		if i < 0 || k < 0 || k >= len(mt.Items) {
			return nil
		}
		mt.Items[i], mt.Items[k] = mt.Items[k], mt.Items[i]
		if c := indexOf(mt.Items, curID); c >= 0 {
			mt.Current = c
		}
		return nil
	})
}

// skip marks the viewed item skipped and moves on.
func (m *Model) skip() tea.Cmd {
	it, ok := m.item()
	if !ok {
		return nil
	}
	id := it.ID
	// named by its number now (a moved item's id is not its number) and
	// its title as this screen's readers may read it
	what := "skipped " + m.itemName(m.view)
	m.setItemStatus(m.view, store.ItemSkipped)
	nextID := id
	if m.view+1 < len(m.mt.Items) {
		nextID = m.mt.Items[m.view+1].ID
		m.view++
		m.mt.Current = m.view
	}
	return tea.Batch(m.write(what, func(mt *store.Meeting) error {
		if i := indexOf(mt.Items, id); i >= 0 {
			mt.Items[i].Status = store.ItemSkipped
		}
		if i := indexOf(mt.Items, nextID); i >= 0 {
			mt.Current = i
		}
		return nil
	}), m.ensureCtx())
}

// itemName names the item at position i as the agenda shows it: its
// number now and its title as this screen's readers may read it
// ("item 4 (Goal review: P-0001)").
func (m *Model) itemName(i int) string {
	if i < 0 || i >= len(m.mt.Items) {
		return "item"
	}
	return fmt.Sprintf("item %d (%s)", i+1, common.Line(m.titleFor(m.mt.Items[i])))
}

// itemNumber is the number item id has on the agenda now ("item 4"), or
// its id when it is gone.
func (m *Model) itemNumber(id string) string {
	if i := indexOf(m.mt.Items, id); i >= 0 {
		return "item " + strconv.Itoa(i+1)
	}
	return "item " + id
}

// ensureCtx loads the viewed item's context when not yet loaded, and the
// participants its action items are attached to (their text follows them).
func (m *Model) ensureCtx() tea.Cmd {
	it, ok := m.item()
	if !ok {
		return nil
	}
	if it.ID != m.ctxItem {
		// another item: its context starts at the top, detail closed
		m.ctxItem, m.scroll, m.detail = it.ID, 0, false
	}
	var cmds []tea.Cmd
	load := func(it store.AgendaItem) {
		if it.Subject == "" {
			return
		}
		if _, ok := m.ctxs[it.Subject]; ok {
			return
		}
		m.ctxs[it.Subject] = itemCtx{} // loading
		cmds = append(cmds, m.loadCtxCmd(it, false))
	}
	load(it)
	if it.Kind == store.ItemActionItems {
		for _, a := range m.open {
			if subj := a.FollowsSubject(); strings.HasPrefix(subj, "P-") || strings.HasPrefix(subj, "L-") {
				load(store.AgendaItem{Kind: store.ItemOther, Subject: subj})
			}
		}
	}
	for _, a := range m.itemActions(it) {
		if store.IsParticipantSubject(a.Subject) {
			load(store.AgendaItem{Kind: store.ItemOther, Subject: a.Subject})
		}
	}
	return tea.Batch(cmds...)
}

// reestimate plans the agenda again when the start form's date changed
// to another valid date.
func (m *Model) reestimate() tea.Cmd {
	if m.form == nil || m.form.kind != formStart {
		return nil
	}
	day, err := store.ParseDate(m.form.v.date)
	if err != nil || day.Equal(m.estDay) {
		return nil
	}
	m.estDay, m.est, m.estErr = day, nil, nil
	m.estGen++ // its own counter: a lobby or meeting read in flight stays current
	return estimateCmd(m.ctx, m.estGen, day)
}

// InRoomView reports whether the screen shows the room's view (the
// facilitator's R): what every attendee may see, on a projector.
func (m *Model) InRoomView() bool { return m.room }

// roomActors returns the attendees in room view, nil otherwise.
func (m *Model) roomActors() []store.Actor {
	if !m.room {
		return nil
	}
	return m.attendees()
}

// toggleRoom turns room view on or off (the facilitator's key R): the
// loaded contexts are dropped and loaded again for the new audience.
func (m *Model) toggleRoom() tea.Cmd {
	m.room = !m.room
	m.dropCtxs()
	m.roomKey = roomKey(m.attendees())
	if m.room {
		m.setStatus(roomStatus, true)
	} else {
		m.setStatus("room view off: your own view", true)
	}
	return m.ensureCtx()
}

// roomStatus is the status line while room view is on.
const roomStatus = "room view: as every attendee sees it"

// applyMeeting takes a meeting as stored, keeping the view on the same
// item (or on the current one when following).
func (m *Model) applyMeeting(mt store.Meeting) tea.Cmd {
	m.held = nil
	if mt.Version < m.mt.Version {
		return nil // an older read arrived late
	}
	var viewID string
	if it, ok := m.item(); ok {
		viewID = it.ID
	}
	wasDriving := m.drives()
	m.mt = mt
	switch {
	case wasDriving && m.drives() && viewID != "":
		// the facilitator's own moves are queued or saved: the view is
		// the truth, a read taken before a write must not pull it back
		if i := indexOf(mt.Items, viewID); i >= 0 {
			m.view = i
		}
		if m.busy {
			m.mt.Current = m.view
		}
	case m.following || m.drives():
		m.view = m.clamp(mt.Current)
	case viewID != "":
		if i := indexOf(mt.Items, viewID); i >= 0 {
			m.view = i
		}
	}
	m.view = m.clamp(m.view)
	return m.ensureCtx()
}

func (m *Model) onMeeting(msg meetingMsg) tea.Cmd {
	// The ranking and open action items of a reply superseded by a later
	// plain reload are still the newest read of them: keep them, or the
	// figures would stay stale after a decision.
	if msg.err == nil && !msg.joining && msg.gen > m.trSeen && (msg.triage != nil || msg.open != nil) && m.joined && msg.mt.ID == m.mt.ID {
		m.trSeen = msg.gen
		if msg.triage != nil {
			m.td = msg.triage
		}
		if msg.open != nil {
			m.open = msg.open
		}
	}
	if msg.gen != m.gen {
		return nil
	}
	if msg.joining {
		m.joining = false
	}
	if msg.err != nil {
		if msg.joining && m.resume != nil { // the reply of a failed read names no meeting
			return m.rejoinFailed()
		}
		m.setStatus("could not load the meeting: "+msg.err.Error(), false)
		return m.restoreFailed(msg.err.Error())
	}
	if msg.triage != nil && msg.gen >= m.trSeen {
		m.td, m.trSeen = msg.triage, msg.gen
	}
	if (msg.open != nil && msg.gen >= m.trSeen) || msg.joining {
		m.open = msg.open
	}
	if msg.joining {
		if !m.statusOK {
			m.setStatus("", true) // a lobby hint ("press enter to join") is stale now
		}
		m.joined, m.following = true, true
		m.dropCtxs()
		m.mt = msg.mt
		m.view = m.clamp(msg.mt.Current)
		if m.resume != nil && m.resume.ID == msg.mt.ID && !m.rejoined(msg.mt) {
			return m.rejoinFailed()
		}
		m.presence()
	}
	if cmd, held := m.holdForCtx(msg.mt); held {
		return tea.Batch(cmd, m.restorePending())
	}
	return tea.Batch(m.applyMeeting(msg.mt), m.restorePending())
}

// currentSubject is the subject of mt's current item ("" when none).
func currentSubject(mt store.Meeting) string {
	if len(mt.Items) == 0 {
		return ""
	}
	return mt.Items[min(max(mt.Current, 0), len(mt.Items)-1)].Subject
}

// holdForCtx: a follower told that the facilitator moved to an item whose
// context it has not loaded keeps showing the item it shows, loads that
// context, and shows the new item with it when it arrives (the reply's
// handler applies m.held). Fifty followers then draw and send one frame
// each for a move instead of two.
func (m *Model) holdForCtx(mt store.Meeting) (tea.Cmd, bool) {
	m.held = nil
	if !m.joined || !m.following || mt.Facilitator == m.ctx.Actor.User || mt.Version < m.mt.Version || len(mt.Items) == 0 {
		return nil, false
	}
	it := mt.Items[min(max(mt.Current, 0), len(mt.Items)-1)]
	if it.Subject == "" || it.Kind == store.ItemActionItems {
		return nil, false
	}
	if _, ok := m.ctxs[it.Subject]; ok {
		return nil, false // loaded, or on its way
	}
	m.ctxs[it.Subject] = itemCtx{} // loading
	m.held = &mt
	return m.loadCtxCmd(it, false), true
}

func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	next := m.dequeue()
	return tea.Batch(next, m.saved(msg))
}

func (m *Model) saved(msg savedMsg) tea.Cmd {
	if msg.err != nil {
		kept := ""
		if msg.kept {
			kept = "; what you typed is kept as a draft (U: drafts)"
		}
		if isStale(msg.err) {
			m.setStatus(store.ErrStale.Error()+kept, false)
		} else {
			m.setStatus("not saved: "+msg.err.Error()+kept, false)
		}
		return loadMeetingCmd(m.ctx, m.next(), m.mt.ID, false, false)
	}
	if msg.mt.ID != m.mt.ID || !m.joined {
		return nil
	}
	if msg.what != "" {
		m.setStatus("saved: "+msg.what, true)
	}
	if msg.reload {
		return tea.Batch(m.applyMeeting(msg.mt), loadMeetingCmd(m.ctx, m.next(), m.mt.ID, true, false))
	}
	return m.applyMeeting(msg.mt)
}

// onChanges reloads what a committed change touches.
func (m *Model) onChanges(cs []store.Change) tea.Cmd {
	if !m.joined {
		if m.joining {
			return nil // the join under way reads the meeting anew; a lobby reload would drop it
		}
		for _, c := range cs {
			if c.Kind == "meeting" {
				return m.reloadLobby()
			}
		}
		return nil
	}
	var cmds []tea.Cmd
	reloadMeeting, reloadTriage := false, false
	refreshed := map[string]bool{}
	for _, c := range cs {
		switch c.Kind {
		case "meeting":
			if c.ID == m.mt.ID {
				reloadMeeting = true
			}
		case "referral", "user":
			reloadTriage = true
		}
		if c.Kind == "meeting" && c.ID != m.mt.ID {
			reloadTriage = true // an action item of another meeting was closed
		}
		if c.Kind == "participant" && c.ID != "" {
			reloadTriage = true
		}
		for _, subj := range []string{c.ID, c.Subject} {
			if ic, ok := m.ctxs[subj]; ok && ic.loaded && !refreshed[subj] {
				if i := subjectIndex(m.mt.Items, subj); i >= 0 {
					refreshed[subj] = true
					cmds = append(cmds, m.loadCtxCmd(m.mt.Items[i], true))
				}
			}
		}
	}
	if reloadMeeting || reloadTriage {
		cmds = append(cmds, loadMeetingCmd(m.ctx, m.next(), m.mt.ID, reloadTriage, false))
	}
	return tea.Batch(cmds...)
}

func subjectIndex(items []store.AgendaItem, subject string) int {
	for i, it := range items {
		if it.Subject == subject {
			return i
		}
	}
	return -1
}

// onDecided records a referral decision on its agenda item.
func (m *Model) onDecided(msg triage.DecidedMsg) tea.Cmd {
	if !m.joined || msg.MeetingID != m.mt.ID {
		return nil // decided on the Referrals screen: not a meeting decision
	}
	if msg.Err != nil {
		text := msg.ID + ": " + msg.Err.Error()
		if msg.DraftKept {
			text += "; your decision is kept as a draft (U: drafts)"
		}
		m.setStatus(text, false)
		return nil
	}
	itemID := ""
	for _, it := range m.mt.Items {
		if it.Kind == store.ItemReferral && it.Subject == msg.ID {
			itemID = it.ID
		}
	}
	if it, ok := m.item(); ok && it.Subject == msg.ID {
		itemID = it.ID
	}
	d := store.Decision{Time: m.ctx.Time(), Author: m.ctx.Actor.User, Text: msg.Text()}
	cmds := []tea.Cmd{m.write(d.Text, func(mt *store.Meeting) error {
		if i := indexOf(mt.Items, itemID); i >= 0 {
			mt.Items[i].Decisions = append(mt.Items[i].Decisions, d)
			mt.Items[i].Status = store.ItemDiscussed
		}
		return nil
	})}
	// the ranking changed: reload it (and the referral's own context)
	delete(m.ctxs, msg.ID)
	cmds = append(cmds, loadMeetingCmd(m.ctx, m.next(), m.mt.ID, true, false))
	return tea.Batch(cmds...)
}

// endCmd closes the meeting: status ended, the reviewed participants' last
// review set and their flags cleared. The meeting record is the minutes.
func (m *Model) endCmd() tea.Cmd {
	c, id := m.ctx, m.mt.ID
	return func() tea.Msg {
		now := c.Time()
		mt, err := c.Store.MutateMeeting(c.Context(), c.Actor, id, func(mt *store.Meeting) error {
			if mt.Status != store.MeetingOpen {
				return fmt.Errorf("%s is not open", mt.ID)
			}
			for i := range mt.Items {
				if mt.Items[i].Status == store.ItemPending || mt.Items[i].Status == "" {
					mt.Items[i].Status = store.ItemNotReached
				}
			}
			mt.Status, mt.EndedAt = store.MeetingEnded, now
			return nil
		})
		if err != nil {
			return endedMsg{err: err}
		}
		var errs []string
		for _, it := range mt.Items {
			if it.Kind != store.ItemGoalReview || it.Status != store.ItemDiscussed || it.Subject == "" {
				continue
			}
			if err := markReviewed(c, it.Subject, now); err != nil {
				errs = append(errs, it.Subject+": "+err.Error())
			}
		}
		if len(errs) > 0 {
			return endedMsg{mt: mt, err: fmt.Errorf("meeting ended, but not every review was recorded: %s", strings.Join(errs, "; "))}
		}
		return endedMsg{mt: mt}
	}
}

// markReviewed sets a participant's last review and clears the flag,
// retrying once when someone else saved the record first.
func markReviewed(c *common.Ctx, id string, now time.Time) error {
	var err error
	for range 3 {
		var p store.Participant
		p, err = c.Store.GetParticipant(c.Context(), id)
		if err != nil {
			return err
		}
		p.LastReview = store.DateOf(now)
		p.FlaggedBy = ""
		if _, err = c.Store.UpdateParticipant(c.Context(), c.Actor, p); err == nil || !isStale(err) {
			return err
		}
	}
	return err
}

func (m *Model) onEnded(msg endedMsg) tea.Cmd {
	m.queue, m.busy = nil, false
	if msg.mt.ID != "" {
		m.mt = msg.mt
	}
	if msg.err != nil && msg.mt.ID == "" {
		m.setStatus("could not end the meeting: "+msg.err.Error(), false)
		return loadMeetingCmd(m.ctx, m.next(), m.mt.ID, false, false)
	}
	m.joined, m.following = false, false
	m.presence()
	if msg.err != nil {
		m.setStatus(msg.err.Error(), false)
	} else {
		// the first 80 cells say how to read them here; the command needs
		// the store to itself
		m.setStatus(fmt.Sprintf("meeting %s ended; read the minutes: enter on the meeting in the lobby "+
			"(or owg export minutes --meeting %s, with the TUI closed, or over the server)", msg.mt.ID, msg.mt.ID), true)
	}
	if msg.mt.ID != "" {
		m.lobbySel = msg.mt.ID // enter reads its minutes
	}
	return m.reloadLobby()
}

// loadCtxCmd asks for an item's context, numbered so that an older reply
// never replaces a newer one.
func (m *Model) loadCtxCmd(it store.AgendaItem, refresh bool) tea.Cmd {
	m.ctxSeq++
	gen := m.ctxSeq
	if m.ctxGen == nil {
		m.ctxGen = map[string]int{}
	}
	m.ctxGen[it.Subject] = gen
	cmd := loadItemCtxCmd(m.ctx, it, refresh, m.roomActors())
	return func() tea.Msg {
		msg := cmd().(itemCtxMsg)
		msg.gen = gen
		return msg
	}
}

// dropCtxs forgets the loaded contexts (a new audience or meeting): the
// replies already asked for are stale.
func (m *Model) dropCtxs() {
	m.ctxs = map[string]itemCtx{}
	m.held = nil
	m.ctxFloor = m.ctxSeq
}
