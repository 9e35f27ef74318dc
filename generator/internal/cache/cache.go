// Package cache keeps experiment outputs on disk between builds.
//
// An entry is keyed by the experiment's name, its canonical parameters and
// the fingerprint of its code (see [Key]), so a prose edit finds every
// figure cached, while an edit to an experiment's code misses exactly that
// experiment's entries. Each entry carries a checksum of its content; an
// entry that fails it, or does not decode, is treated as missing and
// replaced by the caller's fresh result.
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

// A Cache is a folder of entries. The zero value, with no folder, caches
// nothing.
type Cache struct {
	Dir string
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
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, err
	}
	sum, payload, ok := bytes.Cut(data, []byte{'\n'})
	if !ok || string(sum) != checksum(payload) {
		return nil, fmt.Errorf("%w %s: checksum mismatch", ErrCorrupt, key[:12])
	}
	var out lab.Output
	if err := json.Unmarshal(payload, &out); err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrCorrupt, key[:12], err)
	}
	return &out, nil
}

// Put stores out under key. It writes a temporary file and renames it,
// so a reader never sees half an entry.
func (c *Cache) Put(key string, out *lab.Output) error {
	if c.Dir == "" || key == "" {
		return nil
	}
	payload, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	p := c.path(key)
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
	return nil
}

func checksum(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}
