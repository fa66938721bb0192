package sshserve

import (
	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/snapshot"
)

// newSiteSnapshot makes the server's one site snapshot when the store can
// read one (badgerstore can); sessions project it instead of each reading
// the whole site on every change.
func newSiteSnapshot(st store.Store) *snapshot.Snapshot {
	if r, ok := st.(snapshot.Reader); ok {
		return snapshot.New(r)
	}
	return nil
}

// observeAndPublish is the store subscription: the snapshot notes what
// changed (cheap, no read) before the hub tells the sessions, so a session
// that reloads on the change re-reads only that, once for the process.
func (s *Server) observeAndPublish(c store.Change) {
	if s.snap != nil {
		s.snap.Observe(c)
	}
	s.hub.publish(c)
}
