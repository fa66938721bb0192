// Package snapshot keeps one read of the site per process: the active
// participants with their ROIs, the legal cases, users and meetings, read
// in one transaction and kept current from the store's committed changes
// by re-reading only what changed (a contact: that participant). Each
// published Site is immutable and carries a version, so every session of
// a server shares it and projects it through its own viewer's rules.
package snapshot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/leadtable/owg/store"
)

// Data is one consistent read of what a Site holds.
type Data struct {
	Participants []store.Participant // active only, id order
	ROIs         []store.ROI         // of every participant, id order
	Cases        []store.LegalCase   // all, id order
	Users        []store.User
	Meetings     []store.Meeting // date order
}

// Part is one participant's rows, read in one transaction.
type Part struct {
	Participant store.Participant
	Found       bool // false: the participant no longer exists
	ROIs        []store.ROI
	Cases       []store.LegalCase
}

// Reader reads the site in one transaction (a prefix scan per entity) and
// one participant's rows in another. badgerstore.DB is one.
type Reader interface {
	ReadSite(ctx context.Context) (Data, error)
	ReadPart(ctx context.Context, participantID string) (Part, error)
	ListUsers(ctx context.Context) ([]store.User, error)
	ListMeetings(ctx context.Context) ([]store.Meeting, error)
}

// Site is one version of the site. It is never changed once published:
// callers must not modify its slices or maps.
type Site struct {
	Version      uint64
	Participants []store.Participant    // active, id order
	ROIs         map[string][]store.ROI // by participant id, id order
	Cases        []store.LegalCase      // all, id order
	Users        []store.User
	Meetings     []store.Meeting
	// Changed names the participants whose rows (participant, ROIs, cases)
	// differ from version Version-1; nil when the site was read whole
	// (then anything may differ).
	Changed map[string]bool

	index *siteIndex // built on first use, shared by every caller
}

// siteIndex is what many sessions would otherwise each compute from a
// Site: its open cases by participant.
type siteIndex struct {
	once      sync.Once
	openCases map[string][]store.LegalCase
}

// OpenCases returns the open legal cases of a participant, in id order
// (callers must not modify them). The index is built once per Site for
// every caller.
func (s *Site) OpenCases(participantID string) []store.LegalCase {
	if s.index == nil { // a Site built by hand (tests)
		var out []store.LegalCase
		for _, lc := range s.Cases {
			if lc.ParticipantID == participantID && lc.Status == store.CaseOpen {
				out = append(out, lc)
			}
		}
		return out
	}
	s.index.once.Do(func() {
		m := map[string][]store.LegalCase{}
		for _, lc := range s.Cases {
			if lc.Status == store.CaseOpen {
				m[lc.ParticipantID] = append(m[lc.ParticipantID], lc)
			}
		}
		s.index.openCases = m
	})
	return s.index.openCases[participantID]
}

// Snapshot is the process's shared Site, refreshed on demand from the
// changes it has been told about.
type Snapshot struct {
	src     Reader
	records *Records // nil when src cannot read whole records

	refresh sync.Mutex // one refresh at a time

	mu    sync.Mutex // guards cur, dirty and the two counts
	cur   *Site
	dirty dirty
	// observed counts Observe and Invalidate calls; applied is the count
	// cur reflects. A caller may use cur only when they are equal, so a
	// change observed before a call is in what the call returns even while
	// another caller's refresh is under way.
	observed, applied uint64

	// refs is the shared read of the new referrals (referrals.go).
	refs newRefs
	// derived holds values computed once per change for every session
	// (derived.go).
	derived derived
}

type dirty struct {
	all, users, meetings bool
	parts                map[string]bool
	cases                map[string]bool // case ids that changed
	// meetingIDs are the meetings that changed, when meetings (all) is not
	// set: a meeting's move re-reads that meeting alone
	meetingIDs map[string]bool
}

func (d dirty) empty() bool {
	return !d.all && !d.users && !d.meetings && len(d.parts) == 0 && len(d.cases) == 0 && len(d.meetingIDs) == 0
}

// MeetingReader reads one meeting; a Reader that is one has a changed
// meeting re-read alone. badgerstore.DB is one.
type MeetingReader interface {
	GetMeeting(ctx context.Context, id string) (store.Meeting, error)
}

// New returns a snapshot of src; the first Site call reads it whole.
func New(src Reader) *Snapshot {
	s := &Snapshot{src: src, dirty: dirty{all: true}}
	if rs, ok := src.(RecordSource); ok {
		s.records = NewRecords(rs)
	}
	return s
}

// Records returns the process's cache of whole participant records, kept
// current from the same changes as the Site (nil when the source cannot
// read records).
func (s *Snapshot) Records() *Records { return s.records }

// Observe notes a committed change; it is cheap and never reads the store,
// so it may run on the writer's goroutine (store.Subscribe). The next Site
// call re-reads what changed.
func (s *Snapshot) Observe(c store.Change) {
	if s.records != nil {
		s.records.observe(c)
	}
	s.refs.observe(c.Kind)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observed++
	d := &s.dirty
	switch c.Kind {
	case "participant", "roi", "case":
		id := c.Subject
		if c.Kind == "participant" && id == "" {
			id = c.ID
		}
		if id == "" {
			d.all = true
			return
		}
		if d.parts == nil {
			d.parts = map[string]bool{}
		}
		d.parts[id] = true
		if c.Kind == "case" {
			if d.cases == nil {
				d.cases = map[string]bool{}
			}
			d.cases[c.ID] = true
		}
	case "user":
		d.users = true
	case "meeting":
		if c.ID == "" {
			d.meetings = true
			return
		}
		if d.meetingIDs == nil {
			d.meetingIDs = map[string]bool{}
		}
		d.meetingIDs[c.ID] = true
	case "goal", "contact", "referral", "setting":
		// not held here (a contact's date arrives as a participant change)
	default:
		d.all = true
	}
}

// Invalidate makes the next Site call read everything again.
func (s *Snapshot) Invalidate() {
	if s.records != nil {
		s.records.invalidate()
	}
	s.refs.changes.Add(1)
	s.mu.Lock()
	s.dirty.all = true
	s.observed++
	s.mu.Unlock()
}

// Version is the version of the current Site (0 before the first read).
func (s *Snapshot) Version() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return 0
	}
	return s.cur.Version
}

// Site returns the current site, first re-reading what changed since the
// last call. Concurrent callers share one refresh.
func (s *Snapshot) Site(ctx context.Context) (*Site, error) {
	s.mu.Lock()
	cur, fresh := s.cur, s.cur != nil && s.observed == s.applied
	s.mu.Unlock()
	if fresh {
		return cur, nil
	}
	s.refresh.Lock()
	defer s.refresh.Unlock()
	s.mu.Lock()
	cur, d, seen := s.cur, s.dirty, s.observed
	if cur != nil && seen == s.applied {
		s.mu.Unlock()
		return cur, nil // refreshed while we waited
	}
	s.dirty = dirty{}
	s.mu.Unlock()
	next := cur
	if cur == nil || !d.empty() {
		var err error
		next, err = s.apply(ctx, cur, d)
		if err != nil {
			// keep what is dirty for the next try
			s.mu.Lock()
			s.dirty = merge(s.dirty, d)
			s.mu.Unlock()
			return nil, err
		}
	}
	s.mu.Lock()
	s.cur, s.applied = next, seen
	s.mu.Unlock()
	return next, nil
}

func merge(a, b dirty) dirty {
	a.all = a.all || b.all
	a.users = a.users || b.users
	a.meetings = a.meetings || b.meetings
	for id := range b.parts {
		if a.parts == nil {
			a.parts = map[string]bool{}
		}
		a.parts[id] = true
	}
	for id := range b.cases {
		if a.cases == nil {
			a.cases = map[string]bool{}
		}
		a.cases[id] = true
	}
	for id := range b.meetingIDs {
		if a.meetingIDs == nil {
			a.meetingIDs = map[string]bool{}
		}
		a.meetingIDs[id] = true
	}
	return a
}

func (s *Snapshot) apply(ctx context.Context, cur *Site, d dirty) (*Site, error) {
	var version uint64 = 1
	if cur != nil {
		version = cur.Version + 1
	}
	if cur == nil || d.all {
		data, err := s.src.ReadSite(ctx)
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		return FromData(version, data), nil
	}
	next := *cur
	next.Version = version
	next.index = &siteIndex{}
	next.Changed = map[string]bool{}
	if d.users {
		us, err := s.src.ListUsers(ctx)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		next.Users = us
	}
	if !d.meetings && len(d.meetingIDs) > 0 {
		ms, ok, err := s.rereadMeetings(ctx, cur.Meetings, d.meetingIDs)
		if err != nil {
			return nil, fmt.Errorf("meetings: %w", err)
		}
		if ok {
			next.Meetings = ms
		} else {
			d.meetings = true
		}
	}
	if d.meetings {
		ms, err := s.src.ListMeetings(ctx)
		if err != nil {
			return nil, fmt.Errorf("meetings: %w", err)
		}
		next.Meetings = ms
	}
	if len(d.parts) > 0 {
		parts := make([]Part, 0, len(d.parts))
		for _, id := range sortedKeys(d.parts) {
			p, err := s.src.ReadPart(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("participant %s: %w", id, err)
			}
			p.Participant.ID = id
			parts = append(parts, p)
		}
		next.Participants = slices.Clone(cur.Participants)
		next.ROIs = make(map[string][]store.ROI, len(cur.ROIs))
		for k, v := range cur.ROIs {
			next.ROIs[k] = v
		}
		changed := map[string]bool{}
		for _, p := range parts {
			changed[p.Participant.ID] = true
			next.Changed[p.Participant.ID] = true
		}
		// cases: drop those of changed participants and changed ids, add
		// the re-read ones
		cases := make([]store.LegalCase, 0, len(cur.Cases)+1)
		for _, c := range cur.Cases {
			if !changed[c.ParticipantID] && !d.cases[c.ID] {
				cases = append(cases, c)
			}
		}
		for _, p := range parts {
			cases = append(cases, p.Cases...)
			id := p.Participant.ID
			i, found := slices.BinarySearchFunc(next.Participants, id, func(x store.Participant, id string) int { return compareIDs(x.ID, id) })
			keep := p.Found && p.Participant.Status.Active()
			switch {
			case found && keep:
				next.Participants[i] = p.Participant
			case found:
				next.Participants = slices.Delete(next.Participants, i, i+1)
			case keep:
				next.Participants = slices.Insert(next.Participants, i, p.Participant)
			}
			if len(p.ROIs) > 0 {
				next.ROIs[id] = p.ROIs
			} else {
				delete(next.ROIs, id)
			}
		}
		slices.SortFunc(cases, func(a, b store.LegalCase) int { return compareIDs(a.ID, b.ID) })
		next.Cases = cases
		for c := range d.cases { // a case moved between participants
			for _, lc := range cur.Cases {
				if lc.ID == c {
					next.Changed[lc.ParticipantID] = true
				}
			}
		}
	}
	return &next, nil
}

// FromData builds a Site from one read.
func FromData(version uint64, d Data) *Site {
	s := &Site{Version: version, Participants: d.Participants, Cases: d.Cases, Users: d.Users, Meetings: d.Meetings,
		ROIs: make(map[string][]store.ROI, len(d.Participants)), index: &siteIndex{}}
	for _, r := range d.ROIs {
		s.ROIs[r.ParticipantID] = append(s.ROIs[r.ParticipantID], r)
	}
	return s
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, strings.Compare)
	return out
}

// compareIDs orders record ids numerically (P-9999 before P-10000), as
// the store lists them.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// rereadMeetings returns cur with the meetings ids read again, in place;
// ok is false when they cannot be (no MeetingReader, a new or deleted
// meeting, a changed date: the caller reads them all, in date order).
func (s *Snapshot) rereadMeetings(ctx context.Context, cur []store.Meeting, ids map[string]bool) ([]store.Meeting, bool, error) {
	mr, ok := s.src.(MeetingReader)
	if !ok {
		return nil, false, nil
	}
	out := slices.Clone(cur)
	for _, id := range sortedKeys(ids) {
		i := slices.IndexFunc(out, func(m store.Meeting) bool { return m.ID == id })
		if i < 0 {
			return nil, false, nil
		}
		m, err := mr.GetMeeting(ctx, id)
		if store.IsNotFound(err) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if !m.Date.Equal(out[i].Date) {
			return nil, false, nil
		}
		out[i] = m
	}
	return out, true, nil
}
