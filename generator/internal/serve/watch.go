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

	"github.com/fsnotify/fsnotify"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// A watcher collects the files that change under a set of folders,
// recursively, including folders created after it started. Editors'
// temporary and backup files, and hidden files, are no part of the site
// ([site.Ignored]) and never count as changes.
//
// Changes accumulate in a pending batch, which the server takes when the
// batch has been quiet long enough (see [debounce]).
type watcher struct {
	fs    *fsnotify.Watcher
	dirs  map[string]bool // folders watched; owned by the reader once it runs
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
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching files: %w", err)
	}
	w := &watcher{
		fs: fw, dirs: make(map[string]bool), roots: roots, skip: skip, logf: logf,
		changed: make(map[string]bool),
		notify:  make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	for _, r := range roots {
		if err := w.addTree(r, false); err != nil {
			fw.Close()
			return nil, fmt.Errorf("watching %s: %w", r, err)
		}
	}
	go w.read()
	return w, nil
}

// close stops the watcher.
func (w *watcher) close() {
	w.fs.Close()
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
		if w.dirs[p] {
			return nil
		}
		if err := w.fs.Add(p); err != nil {
			return fmt.Errorf("watching %s: %w", p, err)
		}
		w.dirs[p] = true
		return nil
	})
}

// removeTree forgets the watches of dir and the folders below it, once
// dir has moved or gone: their events would otherwise carry its old name.
func (w *watcher) removeTree(dir string) {
	prefix := dir + string(filepath.Separator)
	for p := range w.dirs {
		if p == dir || strings.HasPrefix(p, prefix) {
			w.fs.Remove(p) // an error means the watch is gone already
			delete(w.dirs, p)
		}
	}
}

// read turns file events into pending changes until the watcher closes.
func (w *watcher) read() {
	defer close(w.done)
	for {
		select {
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.overflowed()
				continue
			}
			w.logf("watching files: %v", err)
		}
	}
}

// overflowed handles lost events: it rescans for new folders and treats
// everything as changed.
func (w *watcher) overflowed() {
	w.mu.Lock()
	w.overflow = true
	w.mu.Unlock()
	for _, r := range w.roots {
		if err := w.addTree(r, false); err != nil {
			w.logf("watching files: %v", err)
		}
	}
	w.record("")
}

func (w *watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return // permissions, not content
	}
	if ev.Has(fsnotify.Remove) && slices.Contains(w.roots, ev.Name) {
		w.logf("%s was removed; create it again to resume watching it", ev.Name)
		return
	}
	if site.Ignored(filepath.Base(ev.Name)) || w.skip(ev.Name) {
		return
	}
	switch {
	case ev.Has(fsnotify.Create):
		// A new folder, or one moved in: watch it and everything in it,
		// whose files may have been written before the watch began.
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			if err := w.addTree(ev.Name, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
				w.logf("watching files: %v", err)
			}
		}
	case ev.Has(fsnotify.Rename), ev.Has(fsnotify.Remove):
		w.removeTree(ev.Name)
	}
	w.record(ev.Name)
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
	busyQuiet = 250 * time.Millisecond
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
