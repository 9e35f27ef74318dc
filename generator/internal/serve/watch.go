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
// batch has been quiet long enough (see [watcher.due]).
//
// A root that is removed or moved away (rm -rf content, then git checkout)
// is watched again when it comes back: the folder above each root is
// watched too, for the root's name only.
type watcher struct {
	fs      *fsnotify.Watcher
	dirs    map[string]bool // folders watched; owned by the reader once it runs
	parents map[string]bool // folders above the roots, watched for the roots alone
	roots   []string
	skip    func(path string) bool // folders that must not be watched, such as the output
	logf    func(format string, args ...any)

	mu       sync.Mutex
	changed  map[string]bool // paths changed since the last take
	vanished map[string]bool // those of them last seen removed or moved away
	created  map[string]bool // those of them new in this batch, such as temporary files
	events   int             // events in the pending batch
	first    time.Time       // when the first of them arrived
	last     time.Time       // when the last of them arrived
	overflow bool            // the kernel dropped events: assume anything changed
	notify   chan struct{}   // signalled when the pending batch grows
	done     chan struct{}   // closed when the reader stops

	// Owned by due's caller: whether the last batch was busy, and when it
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
		fs: fw, dirs: make(map[string]bool), parents: make(map[string]bool),
		roots: roots, skip: skip, logf: logf,
		changed:  make(map[string]bool),
		vanished: make(map[string]bool),
		created:  make(map[string]bool),
		notify:   make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	for _, r := range roots {
		if err := w.addTree(r, false); err != nil {
			fw.Close()
			return nil, fmt.Errorf("watching %s: %w", r, err)
		}
	}
	for _, r := range roots {
		parent := filepath.Dir(r)
		if w.dirs[parent] || w.parents[parent] || parent == r {
			continue
		}
		if err := fw.Add(parent); err != nil {
			// Only the return of a removed root goes unseen.
			logf("watching %s: %v", parent, err)
			continue
		}
		w.parents[parent] = true
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
				w.record(p, created)
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
		if _, err := os.Stat(r); errors.Is(err, fs.ErrNotExist) {
			continue // watched again when it comes back
		}
		if err := w.addTree(r, false); err != nil {
			w.logf("watching files: %v", err)
		}
	}
	w.record("", changed)
}

func (w *watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod {
		return // permissions, not content
	}
	if slices.Contains(w.roots, ev.Name) {
		w.handleRoot(ev)
		return
	}
	if dir := filepath.Dir(ev.Name); w.parents[dir] && !w.dirs[dir] {
		return // a neighbour of a root
	}
	if site.Ignored(filepath.Base(ev.Name)) || w.skip(ev.Name) {
		return
	}
	how := changed
	switch {
	case ev.Has(fsnotify.Create):
		how = created
		// A new folder, or one moved in: watch it and everything in it,
		// whose files may have been written before the watch began.
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			if err := w.addTree(ev.Name, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
				w.logf("watching files: %v", err)
			}
		}
	case ev.Has(fsnotify.Rename), ev.Has(fsnotify.Remove):
		w.removeTree(ev.Name)
		how = vanished
	}
	w.record(ev.Name, how)
}

// handleRoot follows a root that goes away and comes back, as a checkout
// or a move does: its watches go with it, and return with it.
func (w *watcher) handleRoot(ev fsnotify.Event) {
	root := ev.Name
	how := created
	switch {
	case ev.Has(fsnotify.Create):
		fi, err := os.Stat(root)
		if err != nil || !fi.IsDir() {
			return
		}
		if err := w.addTree(root, true); err != nil {
			w.logf("watching files: %v", err)
			return
		}
		w.logf("%s is back; watching it again", root)
	case ev.Has(fsnotify.Rename), ev.Has(fsnotify.Remove):
		if !w.dirs[root] {
			return // already known to be gone
		}
		w.removeTree(root)
		w.logf("%s is gone; watching resumes when it comes back", root)
		how = vanished
	default:
		return
	}
	w.record(root, how)
}

// How a path changed.
type change int

const (
	changed  change = iota // written
	created                // created, or moved in
	vanished               // removed, or moved away
)

// record adds a change to the pending batch; "" marks an overflow.
func (w *watcher) record(path string, how change) {
	now := time.Now()
	w.mu.Lock()
	if path != "" {
		if !w.changed[path] && how == created {
			w.created[path] = true
		}
		w.changed[path] = true
		if how == vanished {
			w.vanished[path] = true
		} else {
			delete(w.vanished, path)
		}
	}
	if w.events == 0 {
		w.first = now
	}
	w.events++
	w.last = now
	w.mu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// pendingPaths returns the paths of the pending batch, and whether events
// were lost, without taking them.
func (w *watcher) pendingPaths() (paths []string, overflow bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.changed {
		paths = append(paths, p)
	}
	return paths, w.overflow
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
	clear(w.vanished)
	clear(w.created)
	w.events, w.overflow = 0, false
	return b
}

// Debouncing: a save is several events within a millisecond or two, so
// the server waits until the files have been quiet for quietTime before
// rebuilding. A batch of many events means a program is writing (a
// checkout, a script, a formatter), so it waits longer for quiet, and a
// stream of events that never pauses is built at least every maxWait.
//
// A batch in which a file that existed has vanished, or a file is empty,
// waits until vanishGrace after its last event, for the file to come back
// or be written: editors such as vim move the file to a backup before
// they write the new one, others empty it first, and a pause in between
// (a slow disk, a busy machine) would otherwise publish a site without the
// page, or with an error, and the browser would lose its place. Files
// created and removed within the batch, as temporary files are, do not
// count.
const (
	quietTime   = 20 * time.Millisecond
	busyQuiet   = 250 * time.Millisecond
	busyBatch   = 16
	maxWait     = time.Second
	vanishGrace = 500 * time.Millisecond
)

// due tells whether the pending batch is ready to build at now. If it is
// not, wait says how long until it may be, or is zero if nothing is
// pending.
func (w *watcher) due(now time.Time) (ready bool, wait time.Duration) {
	w.mu.Lock()
	n, first, last := w.events, w.first, w.last
	w.mu.Unlock()
	if n == 0 {
		return false, 0
	}
	// A batch that follows a busy one closely continues the same burst.
	busy := w.busy && first.Sub(w.busyEnd) < maxWait
	quiet := quietTime
	if busy || n > busyBatch {
		quiet = busyQuiet
	}
	at := last.Add(quiet)
	if limit := first.Add(maxWait); limit.Before(at) {
		at = limit
	}
	if wait := at.Sub(now); wait > 0 {
		return false, wait
	}
	if grace := last.Add(vanishGrace); now.Before(grace) && w.unsettled() {
		return false, grace.Sub(now)
	}
	w.busy, w.busyEnd = quiet == busyQuiet, now
	return true, 0
}

// unsettled reports whether a file of the pending batch is in the middle
// of a save, as far as one can tell: it existed and is missing now, or it
// is empty.
func (w *watcher) unsettled() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for p := range w.changed {
		info, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if w.vanished[p] && !w.created[p] {
				return true
			}
		case err == nil && info.Mode().IsRegular() && info.Size() == 0:
			return true
		}
	}
	return false
}
