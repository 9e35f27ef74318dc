package site

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"
)

// write puts files into a fresh folder beside out and swaps it in for out.
// On failure out is untouched and the fresh folder removed.
func write(out string, files map[string][]byte) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	fresh, err := os.MkdirTemp(parent, "."+filepath.Base(abs)+".new-")
	if err != nil {
		return err
	}
	if err := os.Chmod(fresh, 0o755); err != nil {
		os.RemoveAll(fresh)
		return err
	}
	dirs := make(map[string]bool)
	for _, name := range sortedKeys(files) {
		p := filepath.Join(fresh, filepath.FromSlash(name))
		if d := filepath.Dir(p); !dirs[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				os.RemoveAll(fresh)
				return err
			}
			dirs[d] = true
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			os.RemoveAll(fresh)
			return err
		}
	}
	if err := swap(fresh, abs); err != nil {
		os.RemoveAll(fresh)
		return fmt.Errorf("replacing %s: %w", out, err)
	}
	return nil
}

// swap puts the folder fresh at out. Where the system can, it exchanges
// the two in one step, so a server reading out never finds it missing;
// elsewhere it renames the old folder away first.
func swap(fresh, out string) error {
	err := unix.Renameat2(unix.AT_FDCWD, fresh, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return os.RemoveAll(fresh) // fresh now holds the old site
	case errors.Is(err, unix.ENOENT):
		return os.Rename(fresh, out) // no old site
	}
	old := fresh + ".old"
	if err := os.Rename(out, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(fresh, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return os.RemoveAll(old)
}

// changes compares files with the previous build's and remembers them.
func (b *Builder) changes(files map[string][]byte) []string {
	sums := make(map[string][32]byte, len(files))
	var changed []string
	for _, name := range sortedKeys(files) {
		sum := sha256.Sum256(files[name])
		sums[name] = sum
		if prev, ok := b.written[name]; !ok || prev != sum {
			changed = append(changed, name)
		}
	}
	for name := range b.written {
		if _, ok := sums[name]; !ok {
			changed = append(changed, name) // removed
		}
	}
	b.written = sums
	slices.Sort(changed)
	return changed
}
