// Package testlog holds what tests need to read the log lines a component
// writes from several goroutines.
package testlog

import (
	"bytes"
	"sync"
)

// Buffer collects what is written to it, from any goroutine; a logger
// writing to it can be read while it runs.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
