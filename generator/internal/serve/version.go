package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// A manifest is the content of a built site: the hash of each file, by
// slash-separated path in the output folder.
type manifest map[string][32]byte

// scanManifest hashes every file of the output folder. A missing folder
// is an empty site.
func scanManifest(out string) (manifest, error) {
	m := make(manifest)
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == out && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(out, p)
		sum, err := hashFile(p)
		if err != nil {
			return err
		}
		m[filepath.ToSlash(rel)] = sum
		return nil
	})
	return m, err
}

// update returns a copy of m in which the changed paths have been hashed
// again from the output folder; those no longer there are dropped.
func (m manifest) update(out string, changed []string) (manifest, error) {
	next := make(manifest, len(m))
	for p, sum := range m {
		next[p] = sum
	}
	for _, p := range changed {
		sum, err := hashFile(filepath.Join(out, filepath.FromSlash(p)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			delete(next, p)
		case err != nil:
			return nil, err
		default:
			next[p] = sum
		}
	}
	return next, nil
}

func hashFile(p string) ([32]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return [32]byte{}, err
	}
	return [32]byte(h.Sum(nil)), nil
}

// version names the site's content: equal manifests have equal versions,
// in this process or in the next one after a restart.
func (m manifest) version() string {
	keys := make([]string, 0, len(m))
	for p := range m {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, p := range keys {
		sum := m[p]
		h.Write([]byte(p))
		h.Write([]byte{0})
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// diff lists the paths whose content differs between a and b.
func diff(a, b manifest) []string {
	var d []string
	for p, sum := range a {
		if other, ok := b[p]; !ok || other != sum {
			d = append(d, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			d = append(d, p)
		}
	}
	slices.Sort(d)
	return d
}

// historySize bounds the versions remembered: a browser tab left on an
// older version than that simply reloads.
const historySize = 32

// A history remembers recent manifests by version, so the server can tell
// each browser what changed since the version its page shows.
type history struct {
	mu    sync.Mutex
	byVer map[string]manifest
	order []string
}

func (h *history) add(m manifest) string {
	v := m.version()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byVer == nil {
		h.byVer = make(map[string]manifest)
	}
	if _, ok := h.byVer[v]; ok {
		return v
	}
	h.byVer[v] = m
	h.order = append(h.order, v)
	if len(h.order) > historySize {
		delete(h.byVer, h.order[0])
		h.order = h.order[1:]
	}
	return v
}

func (h *history) get(v string) (manifest, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.byVer[v]
	return m, ok
}

// An action is what a browser page must do to show a new version.
type action struct {
	reload  bool     // load the page again
	figures []string // or swap in these images, by output path
}

// actionFor decides what a page needs when the site moves from version
// from to version to. file is the output file the page was served from
// (such as "why/index.html" or "404.html"). A page reloads when its own
// file, or anything but other pages, figures, data and feeds changed
// (a stylesheet, a font, an image); when only its figures or their data
// changed it swaps them in place; changes to other pages leave it alone.
func (h *history) actionFor(from, to, file string) action {
	if from == to {
		return action{}
	}
	a, okA := h.get(from)
	b, okB := h.get(to)
	if !okA || !okB {
		return action{reload: true}
	}
	var act action
	for _, p := range diff(a, b) {
		switch path.Ext(p) {
		case "":
			// _headers, for the static hosts, is no part of a page.
			if p != "_headers" {
				return action{reload: true}
			}
		case ".svg", ".csv":
			// A page shows only its own figures, which lie beside it.
			if path.Dir(p) == path.Dir(file) {
				act.figures = append(act.figures, p)
			}
		case ".html":
			if p == file {
				return action{reload: true}
			}
		case ".xml", ".txt":
			// Feeds, the sitemap and robots.txt are no part of a page.
		default:
			return action{reload: true}
		}
	}
	// A page that was missing (404) may now exist, under any of the names
	// its address could have.
	if file == "404.html" && hasHTML(b, a) {
		return action{reload: true}
	}
	return act
}

// hasHTML reports whether b has a page that a lacks.
func hasHTML(b, a manifest) bool {
	for p := range b {
		if _, ok := a[p]; !ok && strings.HasSuffix(p, ".html") {
			return true
		}
	}
	return false
}
