package common

import "sync"

// Memo keeps one value for one key (a session's projection of one
// snapshot version), built once however many panes ask for it at once.
type Memo struct {
	mu  sync.Mutex
	key any
	val any
}

// Get returns the value for key, building it from the previous key and
// value (nil when none) when key is not the one held. A failed build
// keeps the previous value.
func (m *Memo) Get(key any, build func(prevKey, prev any) (any, error)) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.val != nil && m.key == key {
		return m.val, nil
	}
	v, err := build(m.key, m.val)
	if err != nil {
		return nil, err
	}
	m.key, m.val = key, v
	return v, nil
}
