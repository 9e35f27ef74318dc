package serve

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Connections are bounded: each holds a file descriptor, which the builds
// need too, and a browser, a script or a stuck client can open hundreds
// and leave them idle. Idle kept-alive connections close after
// IdleTimeout, and at MaxConns the listener closes the one idle the
// longest (or not yet past its request line) before it accepts another;
// if none is idle, it waits for one to be. Event streams are requests in
// progress, never idle, so they stay open however long they last.
const (
	// DefaultMaxConns is Config.MaxConns if zero: ample for a few tabs,
	// each with its event stream and a browser's six connections.
	DefaultMaxConns = 128
	// DefaultIdleTimeout is Config.IdleTimeout if zero.
	DefaultIdleTimeout = 30 * time.Second
)

// A limitListener bounds the connections an http.Server holds open. The
// server reports each connection's state to track.
type limitListener struct {
	net.Listener
	max int

	mu     sync.Mutex
	conns  map[net.Conn]connState
	freed  *sync.Cond // a connection closed or went idle
	closed bool
}

// connState is what the listener knows of an open connection.
type connState struct {
	waiting bool      // idle, or new and not yet in a request
	since   time.Time // when it started waiting
}

func newLimitListener(ln net.Listener, max int) *limitListener {
	l := &limitListener{Listener: ln, max: max, conns: make(map[net.Conn]connState)}
	l.freed = sync.NewCond(&l.mu)
	return l
}

// Accept accepts a connection once there is room for it.
func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.conns) >= l.max && !l.closed {
		if old := l.longestWaiting(); old != nil {
			old.Close()
			delete(l.conns, old)
			break
		}
		l.freed.Wait()
	}
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	l.conns[c] = connState{waiting: true, since: time.Now()}
	return c, nil
}

// longestWaiting returns the connection that has waited longest for a
// request, or nil. l.mu is held.
func (l *limitListener) longestWaiting() net.Conn {
	var oldest net.Conn
	var since time.Time
	for c, st := range l.conns {
		if st.waiting && (oldest == nil || st.since.Before(since)) {
			oldest, since = c, st.since
		}
	}
	return oldest
}

// track follows a connection's state, as http.Server.ConnState reports it.
func (l *limitListener) track(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st, ok := l.conns[c]
	if !ok {
		return // closed to make room, or never counted
	}
	switch state {
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, c)
		l.freed.Broadcast()
	case http.StateIdle:
		l.conns[c] = connState{waiting: true, since: time.Now()}
		l.freed.Broadcast()
	case http.StateActive:
		st.waiting = false
		l.conns[c] = st
	}
}

// Close stops accepting; a waiting Accept returns.
func (l *limitListener) Close() error {
	l.mu.Lock()
	l.closed = true
	l.freed.Broadcast()
	l.mu.Unlock()
	return l.Listener.Close()
}

// open returns the number of connections held open.
func (l *limitListener) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}
