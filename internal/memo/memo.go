// Package memo is a bounded map for answers worth remembering but cheap to
// ask again, such as the DM channel of each user a bot writes to.
package memo

import "sync"

// Map is safe for concurrent use. Its zero value is not usable; use New.
type Map[K comparable, V any] struct {
	mu  sync.Mutex
	max int
	m   map[K]V
}

// New returns a map that holds at most max entries.
func New[K comparable, V any](max int) *Map[K, V] {
	return &Map[K, V]{max: max, m: map[K]V{}}
}

// Get returns the value remembered for k.
func (c *Map[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// Put remembers v for k. A full map first forgets a tenth of its entries,
// whichever it yields first: a forgotten answer costs one question.
func (c *Map[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		n := c.max/10 + 1
		for old := range c.m {
			if n == 0 {
				break
			}
			delete(c.m, old)
			n--
		}
	}
	c.m[k] = v
}

// Forget drops k.
func (c *Map[K, V]) Forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}

// Len is the number of entries.
func (c *Map[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
