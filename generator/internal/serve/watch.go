package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nonconvex/explainer/generator/internal/site"
	"golang.org/x/sys/unix"
)

// A watcher collects the files that change under a set of folders,
// recursively, including folders created after it started. Editors'
// temporary and backup files, and hidden files, are no part of the site
// ([site.Ignored]) and never count as changes.
//
// Changes accumulate in a pending batch, which the server takes when the
// batch has been quiet long enough (see [debounce]).
type watcher struct {
	in    *inotify
	roots []string
	skip  func(path string) bool // folders that must not be watched, such as the output
	logf  func(format string, args ...any)

	mu       sync.Mutex
	changed  map[string]bool // paths changed since the last take
	events   int             // events in the pending batch
	last     time.Time       // when the last of them arrived
	overflow bool            // the kernel dropped events: assume anything changed
	notify   chan struct{}   // signalled when the pending batch grows
	done     chan struct{}   // closed when the reader stops

	// Owned by debounce: whether the last batch was busy, and when it
	// was handed over.
	busy    bool
	busyEnd time.Time
}

// newWatcher watches roots, which must be absolute, clean folder paths.
func newWatcher(roots []string, skip func(string) bool, logf func(string, ...any)) (*watcher, error) {
	in, err := newInotify()
	if err != nil {
		return nil, err
	}
	w := &watcher{
		in: in, roots: roots, skip: skip, logf: logf,
		changed: make(map[string]bool),
		notify:  make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	for _, r := range roots {
		if err := w.addTree(r, false); err != nil {
			in.close()
			return nil, fmt.Errorf("watching %s: %w", r, err)
		}
	}
	go w.read()
	return w, nil
}

// close stops the watcher.
func (w *watcher) close() {
	w.in.close()
	<-w.done
}

// addTree watches dir and every folder below it. With report set, it
// also records every file found, since they may have been written before
// their folder was watched.
func (w *watcher) addTree(dir string, report bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // vanished while walking: its removal is an event of its own
		}
		if p != dir && site.Ignored(d.Name()) || w.skip(p) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			if report {
				w.record(p)
			}
			return nil
		}
		if w.in.watched(p) {
			return nil
		}
		return w.in.add(p)
	})
}

// removeTree forgets the watches of dir and the folders below it, once
// dir has moved away: their events would otherwise carry its old name.
func (w *watcher) removeTree(dir string) {
	prefix := dir + string(filepath.Separator)
	for p, wd := range w.in.wds {
		if p == dir || strings.HasPrefix(p, prefix) {
			unix.InotifyRmWatch(w.in.fd, uint32(wd))
			delete(w.in.wds, p)
			delete(w.in.dirs, wd)
		}
	}
}

// read turns kernel events into pending changes until the watcher closes.
func (w *watcher) read() {
	defer close(w.done)
	for {
		ev, err := w.in.read()
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				w.logf("watching files: %v", err)
			}
			return
		}
		w.handle(ev)
	}
}

func (w *watcher) handle(ev inotifyEvent) {
	switch {
	case ev.mask&unix.IN_Q_OVERFLOW != 0:
		// Too many events at once: rescan for new folders and treat
		// everything as changed.
		w.mu.Lock()
		w.overflow = true
		w.mu.Unlock()
		for _, r := range w.roots {
			if err := w.addTree(r, false); err != nil {
				w.logf("watching files: %v", err)
			}
		}
		w.record("")
		return
	case ev.mask&(unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0:
		if slices.Contains(w.roots, ev.path) {
			w.logf("%s was removed or moved; create it again to resume watching it", ev.path)
		}
		return // the parent's event names the change
	}
	if site.Ignored(filepath.Base(ev.path)) || w.skip(ev.path) {
		return
	}
	if ev.mask&unix.IN_ISDIR != 0 {
		switch {
		case ev.mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0:
			if err := w.addTree(ev.path, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
				w.logf("watching files: %v", err)
			}
		case ev.mask&unix.IN_MOVED_FROM != 0:
			w.removeTree(ev.path)
		}
	}
	w.record(ev.path)
}

// record adds a change to the pending batch; "" marks an overflow.
func (w *watcher) record(path string) {
	w.mu.Lock()
	if path != "" {
		w.changed[path] = true
	}
	w.events++
	w.last = time.Now()
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// pending reports the pending batch's size and its latest event's time.
func (w *watcher) pending() (events int, last time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.events, w.last
}

// A batch is the set of changes taken from the watcher at once.
type batch struct {
	paths    []string // sorted
	overflow bool     // events were lost; any file may have changed
}

// take empties the pending batch and returns it.
func (w *watcher) take() batch {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := batch{overflow: w.overflow}
	for p := range w.changed {
		b.paths = append(b.paths, p)
	}
	slices.Sort(b.paths)
	clear(w.changed)
	w.events, w.overflow = 0, false
	return b
}

// Debouncing: a save is several events within a millisecond or two, so
// the server waits until the files have been quiet for quietTime before
// rebuilding. A batch of many events means a program is writing (a
// checkout, a script, a formatter), so it waits longer for quiet, and a
// stream of events that never pauses is built at least every maxWait.
const (
	quietTime = 20 * time.Millisecond
	busyQuiet = 100 * time.Millisecond
	busyBatch = 16
	maxWait   = time.Second
)

// debounce waits until the pending batch is ready to build: quiet, or
// started maxWait ago. It returns false if done closes first.
func (w *watcher) debounce(done <-chan struct{}) bool {
	for {
		select {
		case <-w.notify:
		case <-done:
			return false
		}
		// The signal may be left over from changes already taken.
		if n, _ := w.pending(); n > 0 {
			break
		}
	}
	start := time.Now()
	t := time.NewTimer(0)
	defer t.Stop()
	// A batch that follows a busy one closely continues the same burst.
	busy := w.busy && start.Sub(w.busyEnd) < maxWait
	for {
		n, last := w.pending()
		quiet := quietTime
		if busy || n > busyBatch {
			quiet = busyQuiet
		}
		wait := min(time.Until(last.Add(quiet)), time.Until(start.Add(maxWait)))
		if wait <= 0 {
			w.busy, w.busyEnd = quiet == busyQuiet, time.Now()
			return true
		}
		t.Reset(wait)
		select {
		case <-t.C:
		case <-done:
			return false
		}
	}
}
