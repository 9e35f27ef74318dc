package site

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// An output publishes builds into a folder. Each build is written into a
// private folder beside it, .NAME.scratch, which then replaces the
// published one in a single step, so a failed build never touches it and
// a reader never sees half a site.
//
// Creating every file of a site anew is most of a warm rebuild's time on a
// slow disk. So the scratch folder is kept: after the swap it holds the
// site the build replaced, and the next build brings it up to date,
// writing only the files whose content changed since.
type output struct {
	dir     string               // the published folder, absolute
	scratch string               // its private sibling
	inside  map[string]fileStamp // what scratch holds, as this program wrote it
	shown   map[string]fileStamp // what dir holds, as this program wrote it
}

func newOutput(dir string) (*output, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &output{dir: abs, scratch: filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".scratch")}, nil
}

// fileStamp identifies a file this program wrote: its content's hash, and
// the size and time the file system reported afterwards, which tell
// whether anyone changed it since.
type fileStamp struct {
	sum   [32]byte
	size  int64
	mtime time.Time
}

// write publishes files, given by slash path with their hashes, unless
// ctx ends first.
func (o *output) write(ctx context.Context, files map[string][]byte, sums map[string][32]byte) error {
	parent := filepath.Dir(o.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	// Builds into the same folder from other processes (a dev server and
	// a make, say) take turns: the scratch folder is shared.
	unlock, err := lockDir(ctx, parent)
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Mkdir(o.scratch, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	stamps, err := syncTree(o.scratch, files, sums, o.inside)
	if err != nil {
		o.inside = nil // no longer known
		return err
	}
	if err := ctx.Err(); err != nil {
		o.inside = stamps // the scratch folder holds this build, unpublished
		return err
	}
	exchanged, err := swap(o.scratch, o.dir)
	if err != nil {
		o.inside = nil
		return fmt.Errorf("replacing %s: %w", o.dir, err)
	}
	// After an exchange the scratch folder holds the site just replaced.
	o.inside = nil
	if exchanged {
		o.inside = o.shown
	}
	o.shown = stamps
	return nil
}

// lockDir takes an exclusive lock on a folder until unlock is called, or
// gives up when ctx ends: another build may hold the lock for long.
func lockDir(ctx context.Context, dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", dir, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// syncTree makes dir hold exactly files, writing only those whose content
// differs from what known says dir holds (and that nobody touched since),
// and returns the stamps of the result.
func syncTree(dir string, files map[string][]byte, sums map[string][32]byte, known map[string]fileStamp) (map[string]fileStamp, error) {
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	stamps := make(map[string]fileStamp, len(files))
	keep := make(map[string]bool) // files already right
	dirs := map[string]bool{".": true}
	for name := range files {
		for d := path.Dir(name); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	// Walk what is there: remove what does not belong, keep what is
	// current.
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if !dirs[rel] {
				if err := os.RemoveAll(p); err != nil {
					return err
				}
				return filepath.SkipDir
			}
			return nil
		}
		if _, wanted := files[rel]; !wanted || !d.Type().IsRegular() {
			return os.Remove(p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := known[rel]; ok && st.size == info.Size() && st.mtime.Equal(info.ModTime()) && st.sum == sums[rel] {
			keep[rel] = true
			stamps[rel] = st
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if keep[name] {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return nil, err
		}
		stamps[name] = fileStamp{sums[name], info.Size(), info.ModTime()}
	}
	return stamps, nil
}

// swap puts the folder fresh at out. Where the system can, it exchanges
// the two in one step, so a server reading out never finds it missing,
// and fresh then holds the old site (exchanged is true). Elsewhere it
// renames the old folder away first and removes it.
func swap(fresh, out string) (exchanged bool, err error) {
	err = unix.Renameat2(unix.AT_FDCWD, fresh, unix.AT_FDCWD, out, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.ENOENT):
		return false, os.Rename(fresh, out) // no old site
	}
	old := fresh + ".old"
	if err := os.Rename(out, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	if err := os.Rename(fresh, out); err != nil {
		os.Rename(old, out)
		return false, err
	}
	return false, os.RemoveAll(old)
}

// hashes returns the hash of each file.
func hashes(files map[string][]byte) map[string][32]byte {
	sums := make(map[string][32]byte, len(files))
	for name, data := range files {
		sums[name] = sha256.Sum256(data)
	}
	return sums
}

// changes compares the files' hashes with the previous build's and
// remembers them.
func (b *Builder) changes(sums map[string][32]byte) []string {
	var changed []string
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		if prev, ok := b.written[name]; !ok || prev != sums[name] {
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
