package markup

import "sync"

// A memo keeps what was computed lately, so that a rebuild after an edit
// computes again only what changed, while its memory stays bounded however
// much the articles hold. It keeps two generations: a value used again
// moves to the new one, and when the new one holds more than half the
// budget, the old one is dropped. It is safe for concurrent use.
type memo[K comparable, V any] struct {
	budget int            // bytes, by size, of both generations
	size   func(K, V) int // the bytes an entry keeps

	mu       sync.Mutex
	cur, old map[K]V
	bytes    int // in cur
}

func newMemo[K comparable, V any](budget int, size func(K, V) int) *memo[K, V] {
	return &memo[K, V]{budget: budget, size: size, cur: make(map[K]V), old: make(map[K]V)}
}

func (m *memo[K, V]) get(k K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.cur[k]; ok {
		return v, true
	}
	v, ok := m.old[k]
	if ok {
		m.add(k, v)
	}
	return v, ok
}

func (m *memo[K, V]) put(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.add(k, v)
}

func (m *memo[K, V]) add(k K, v V) {
	m.cur[k] = v
	m.bytes += m.size(k, v)
	if m.bytes > m.budget/2 {
		m.old, m.cur, m.bytes = m.cur, make(map[K]V), 0
	}
}
