// Package cache keeps experiment outputs, and other files slow to make,
// on disk between builds.
//
// An entry is keyed by the experiment's name, its canonical parameters and
// the fingerprint of its code (see [Key]), so a prose edit finds every
// figure cached, while an edit to an experiment's code misses exactly that
// experiment's entries. Each entry carries a checksum of its content; an
// entry that fails it, or does not decode, is treated as missing and
// replaced by the caller's fresh result.
//
// The folder is bounded: every parameter value tried while editing leaves
// an entry, so past [Cache.Limit] bytes (DefaultLimit unless set), Put
// removes the entries used least recently (by modification time, which
// Get renews) until the folder holds three quarters of the limit. A
// removed entry is merely computed again when next needed.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nonconvex/explainer/figures/lab"
)

// format names the entry layout; changing it invalidates every entry.
const format = "explainer-cache-v1"

// Key returns the cache key of a run. An empty fingerprint means the
// code is unknown, and the run must not be cached: Key returns "".
func Key(experiment, canonicalArgs, fingerprint string) string {
	if fingerprint == "" {
		return ""
	}
	h := sha256.New()
	for _, s := range []string{format, experiment, canonicalArgs, fingerprint} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DefaultLimit is the folder's bound when none is given: many times
// what the explainer's figures take, far less than a long session of
// edits would leave without one.
const DefaultLimit = 128 << 20

// A Cache is a folder of entries. The zero value, with no folder, caches
// nothing. A Cache must not be copied once used.
type Cache struct {
	Dir string
	// Limit bounds the folder's size, in bytes; DefaultLimit if zero, no
	// bound if negative.
	Limit int64

	mu      sync.Mutex
	size    int64 // the folder's size as last counted, plus what was put since
	counted bool  // size has been counted
}

// ErrCorrupt reports an entry whose checksum or encoding is wrong.
var ErrCorrupt = errors.New("cache: corrupt entry")

func (c *Cache) path(key string) string {
	return filepath.Join(c.Dir, key[:2], key[2:]+".json")
}

// Get returns the entry for key. A missing entry returns os.ErrNotExist;
// a damaged one returns ErrCorrupt.
func (c *Cache) Get(key string) (*lab.Output, error) {
	if c.Dir == "" || key == "" {
		return nil, os.ErrNotExist
	}
	payload, err := read(c.path(key), key)
	if err != nil {
		return nil, err
	}
	var out lab.Output
	if err := json.Unmarshal(payload, &out); err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrCorrupt, key[:12], err)
	}
	return &out, nil
}

// read returns the payload of the entry at p, checked against its
// checksum, and marks the entry used.
func read(p, key string) ([]byte, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	sum, payload, ok := bytes.Cut(data, []byte{'\n'})
	if !ok || string(sum) != checksum(payload) {
		return nil, fmt.Errorf("%w %s: checksum mismatch", ErrCorrupt, key[:12])
	}
	// Used now: the last entry to go. (A failure only makes it go sooner.)
	now := time.Now()
	os.Chtimes(p, now, now)
	return payload, nil
}

// Blob returns the bytes stored under key by [Cache.PutBlob]: a file the
// build makes slowly and the same way each time, such as a font. Its key
// must name everything the bytes depend on. A missing entry returns
// os.ErrNotExist; a damaged one returns ErrCorrupt.
func (c *Cache) Blob(key string) ([]byte, error) {
	if c.Dir == "" || key == "" {
		return nil, os.ErrNotExist
	}
	return read(c.blobPath(key), key)
}

// PutBlob stores data under key.
func (c *Cache) PutBlob(key string, data []byte) error {
	if c.Dir == "" || key == "" {
		return nil
	}
	return c.write(c.blobPath(key), data)
}

func (c *Cache) blobPath(key string) string {
	return filepath.Join(c.Dir, key[:2], key[2:]+".bin")
}

// Put stores out under key.
func (c *Cache) Put(key string, out *lab.Output) error {
	if c.Dir == "" || key == "" {
		return nil
	}
	payload, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return c.write(c.path(key), payload)
}

// write stores payload at p after its checksum. It writes a temporary
// file and renames it, so a reader never sees half an entry.
func (c *Cache) write(p string, payload []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, err = f.Write(append([]byte(checksum(payload)+"\n"), payload...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: %w", err)
	}
	c.grew(int64(len(payload)) + 65)
	return nil
}

// grew accounts for n bytes put, and trims the folder if it is past its
// limit. The folder is counted on the first Put, and again whenever it
// is trimmed, so other processes' entries count too.
func (c *Cache) grew(n int64) {
	limit := c.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.counted {
		c.size, c.counted = c.trim(-1), true
	} else {
		c.size += n
	}
	if c.size > limit {
		c.size = c.trim(limit / 4 * 3)
	}
}

// staleTemp is the age past which a temporary file is left over from a
// Put that never finished.
const staleTemp = time.Hour

// trim removes the entries used least recently until the folder holds at
// most target bytes (none if target is negative), and returns the size
// it holds then.
func (c *Cache) trim(target int64) int64 {
	type entry struct {
		path string
		size int64
		used time.Time
	}
	var entries []entry
	var total int64
	now := time.Now()
	filepath.WalkDir(c.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			if now.Sub(info.ModTime()) > staleTemp {
				os.Remove(p)
			}
			return nil
		}
		entries = append(entries, entry{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if target < 0 || total <= target {
		return total
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := a.used.Compare(b.used); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	for _, e := range entries {
		if total <= target {
			break
		}
		if err := os.Remove(e.path); err == nil || errors.Is(err, os.ErrNotExist) {
			total -= e.size
		}
	}
	return total
}

// ParseSize reads a size such as 128MB, 2GB, 500KB or 1000000 (bytes),
// in units of 1024.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a number of bytes, or one with KB, MB or GB, such as 128MB", s)
	}
	return n * mult, nil
}

func checksum(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}
