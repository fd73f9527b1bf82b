package admission

// Len is the number of addresses in l's table, for the tests of its
// bounds; the product has no use for it.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
