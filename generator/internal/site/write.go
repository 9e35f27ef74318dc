package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
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
	return &output{dir: abs, scratch: ScratchFolder(abs)}, nil
}

// ScratchFolder returns the private folder beside the output folder out
// where builds are written before they replace it: .NAME.scratch. Where
// the system cannot exchange two folders in one step, the folder it
// replaces passes through .NAME.scratch.old.
func ScratchFolder(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".scratch")
}

// fileStamp identifies a file this program wrote: its content's hash, and
// the size and time the file system reported afterwards, which tell
// whether anyone changed it since, and what its content was known as (see
// file.same).
type fileStamp struct {
	sum   [32]byte
	size  int64
	mtime time.Time
	same  any
}

// write makes the files, jobs at a time and in the order given, each
// written as soon as it is made, and publishes them, unless ctx ends
// first. It returns each file's hash, by slash path; the errors of the
// files that could not be made are a [diag.List], by path.
func (o *output) write(ctx context.Context, files []file, jobs int) (map[string][32]byte, error) {
	parent := filepath.Dir(o.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	// Builds into the same folder from other processes (a dev server and
	// a make, say) take turns: the scratch folder is shared.
	unlock, err := lockDir(ctx, parent)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := os.Mkdir(o.scratch, 0o755); err == nil {
		// No build has published here (each leaves the scratch folder
		// behind): a folder already at dir is someone else's unless it
		// holds only files this build makes.
		if err := o.adopt(files); err != nil {
			os.Remove(o.scratch)
			return nil, err
		}
		spreadSubfolders(o.scratch)
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	stamps, err := syncTree(ctx, o.scratch, files, o.inside, jobs)
	if err := ctx.Err(); err != nil {
		o.inside = stamps // the scratch folder holds this build, or part of it, unpublished
		return nil, err
	}
	if err != nil {
		o.inside = nil // no longer known
		return nil, err
	}
	exchanged, err := swap(o.scratch, o.dir)
	if err != nil {
		o.inside = nil
		return nil, fmt.Errorf("replacing %s: %w", o.dir, err)
	}
	// After an exchange the scratch folder holds the site just replaced.
	// Otherwise there is none; an empty one marks the folder as built
	// here for the next build (adopt).
	o.inside = nil
	if exchanged {
		o.inside = o.shown
	} else if err := os.Mkdir(o.scratch, 0o755); err == nil {
		spreadSubfolders(o.scratch)
	}
	o.shown = stamps
	sums := make(map[string][32]byte, len(stamps))
	for name, st := range stamps {
		sums[name] = st.sum
	}
	return sums, nil
}

// adopt returns an error if the output folder, which no build published,
// holds a file the build does not make: publishing replaces the folder
// whole, and its old content is then overwritten by the next build, so
// an author's folder given as the output by mistake would be lost.
func (o *output) adopt(files []file) error {
	made := make(map[string]bool, len(files))
	for _, f := range files {
		made[f.name] = true
	}
	var foreign []string
	err := filepath.WalkDir(o.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == o.dir {
				return nil // nothing there yet
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(o.dir, p)
		if !made[filepath.ToSlash(rel)] {
			foreign = append(foreign, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(foreign) == 0 {
		return nil
	}
	what := foreign[0]
	switch n := len(foreign) - 1; {
	case n == 1:
		what += " and 1 more file"
	case n > 1:
		what += fmt.Sprintf(" and %d more files", n)
	}
	return fmt.Errorf("%s is not a site built here: it holds %s that the site does not have, "+
		"which the build would replace; remove the folder, or build into another", o.dir, what)
}

// topDir is Linux's FS_TOPDIR_FL, chattr's T attribute.
const topDir = 0x00020000

// spreadSubfolders marks a new output folder as the top of a hierarchy
// (chattr +T), a hint to ext4 to place each subfolder, a page's, in a
// block group of its own rather than beside the folder.
//
// Without a journal, ext4 does not reuse an inode freed in the last few
// minutes, and every file it creates in a group first walks past each such
// inode. The usual way to build from scratch, removing the old output
// first, left thousands of them exactly where the next build creates its
// files: on this project's machines that walk was half the time of a cold
// 1,000-page build (kernel profile: recently_deleted under ext4_create and
// ext4_mkdir). Spread out, the new files land among free inodes.
//
// It is only a hint: other file systems refuse it or ignore it, and
// nothing else depends on it.
func spreadSubfolders(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	defer f.Close()
	fd := int(f.Fd())
	flags, err := unix.IoctlGetUint32(fd, unix.FS_IOC_GETFLAGS)
	if err != nil || flags&topDir != 0 {
		return
	}
	unix.IoctlSetPointerInt(fd, unix.FS_IOC_SETFLAGS, int(flags|topDir))
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
