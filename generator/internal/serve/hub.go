package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// A hub owns the browsers' event streams. Publishing does not write to
// them: it wakes each stream's handler, which reads the server's latest
// status and works out what its own page needs. A slow browser so never
// holds up a rebuild, and one that misses several builds catches up in
// one step.
type hub struct {
	mu      sync.Mutex
	clients map[chan struct{}]bool
	done    chan struct{} // closed when the server shuts down
	closed  bool
}

func newHub() *hub {
	return &hub{clients: make(map[chan struct{}]bool), done: make(chan struct{})}
}

// join adds a stream and returns its wake-up channel and the channel
// that closes when the hub does; ok is false while the hub is closed.
func (h *hub) join() (wake, done chan struct{}, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false
	}
	wake = make(chan struct{}, 1)
	h.clients[wake] = true
	return wake, h.done, true
}

func (h *hub) leave(wake chan struct{}) {
	h.mu.Lock()
	delete(h.clients, wake)
	h.mu.Unlock()
}

// publish wakes every stream.
func (h *hub) publish() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for wake := range h.clients {
		select {
		case wake <- struct{}{}:
		default: // already awake
		}
	}
}

// count returns the number of open streams.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// close ends every stream, for shutdown or restart.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// reopen accepts streams again after a restart that did not happen.
func (h *hub) reopen() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		h.closed = false
		h.done = make(chan struct{})
	}
}

// heartbeat is how often an idle stream sends a comment, so that a
// browser whose tab slept notices a dead connection.
const heartbeat = 15 * time.Second

// serveEvents streams Server-Sent Events to one page. The page names the
// version it shows (v, or the Last-Event-ID of a reconnecting stream) and
// the output file it was served from; the stream then sends:
//
//	problems  the build's errors, as JSON (an empty list clears them)
//	reload    the page changed: load it again
//	figures   only figures changed: {"version", "paths"} to swap in place
//	version   the site changed elsewhere; the page is current as it is
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	wake, done, ok := s.hub.join()
	if !ok {
		http.Error(w, "the server is restarting", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.leave(wake)
	from := r.Header.Get("Last-Event-ID")
	if from == "" {
		from = r.URL.Query().Get("v")
	}
	file := path.Clean("/" + r.URL.Query().Get("file"))[1:]

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	// A reconnecting page retries after a second rather than the
	// browser's default three.
	if _, err := fmt.Fprint(w, "retry: 1000\n\n"); err != nil {
		return
	}
	rc.Flush()

	sentSeq := -1
	ping := time.NewTicker(heartbeat)
	defer ping.Stop()
	for {
		st := s.status.Load()
		var err error
		if st.seq != sentSeq {
			err = writeEvent(w, "problems", "", st.problems)
			sentSeq = st.seq
		}
		if err == nil && st.version != "" && st.version != from {
			act := s.history.actionFor(from, st.version, file)
			switch {
			case act.reload:
				err = writeEvent(w, "reload", st.version, map[string]string{"version": st.version})
			case len(act.figures) > 0:
				err = writeEvent(w, "figures", st.version, map[string]any{
					"version": st.version, "paths": s.urls(act.figures)})
			default:
				err = writeEvent(w, "version", st.version, map[string]string{"version": st.version})
			}
			from = st.version
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return
		}
		select {
		case <-wake:
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-done:
			return
		}
	}
}

// urls turns output paths into the addresses a page uses for them,
// escaped as a browser escapes them: a file copied from the content folder
// may have any name.
func (s *Server) urls(paths []string) []string {
	us := make([]string, len(paths))
	for i, p := range paths {
		us[i] = s.base + (&url.URL{Path: p}).EscapedPath()
	}
	return us
}

// writeEvent writes one event; data is sent as JSON on one line.
func writeEvent(w http.ResponseWriter, name, id string, data any) error {
	js, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("event: " + name + "\n")
	if id != "" {
		b.WriteString("id: " + id + "\n")
	}
	b.WriteString("data: ")
	b.Write(js)
	b.WriteString("\n\n")
	_, err = w.Write([]byte(b.String()))
	return err
}
