package site

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nonconvex/explainer/generator/internal/diag"
	"golang.org/x/sys/unix"
)

// The content folder may hold more than files: links, made on purpose or
// by a tool, and now and then a named pipe or a socket. None of them may
// hang the build or put a file from elsewhere into the site. So the build
// reads only regular files inside the content folder. The folder itself
// may be a link (to keep the content in another repository, say); inside
// it, a link is followed only to a regular file inside the folder, and
// anything else is an error at its path.

// A source is one file of the content folder.
type source struct {
	path string // display path, as in errors: "content/why.md"
	rel  string // slash path inside the content folder: "why.md"
	file string // the file to read: where path is, after links
}

// walk lists the content folder's files, leaving out hidden files and
// editors' temporary ones ([Ignored]). It reports false if the folder
// itself cannot be read.
func walk(root string) ([]source, diag.List, bool) {
	var errs diag.List
	real, err := filepath.EvalSymlinks(root)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err == nil {
		var info fs.FileInfo
		if info, err = os.Stat(real); err == nil && !info.IsDir() {
			err = errors.New("not a folder")
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = errors.New("no such folder")
		}
		errs.Add(diag.Pos{File: root}, "%v (the content folder; choose another with -content)", unwrapPathError(err))
		return nil, errs, false
	}
	var sources []source
	filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(real, p)
		display := filepath.Join(root, rel)
		if err != nil {
			errs.Add(diag.Pos{File: display}, "%v", unwrapPathError(err))
			return nil
		}
		if p == real {
			return nil
		}
		if Ignored(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		s := source{path: display, rel: filepath.ToSlash(rel), file: p}
		switch t := d.Type(); {
		case t.IsDir():
			return nil
		case t&fs.ModeSymlink != 0:
			if s.file, err = follow(root, real, p); err != nil {
				errs.Add(diag.Pos{File: display}, "%v", err)
				return nil
			}
		case !t.IsRegular():
			errs.Add(diag.Pos{File: display}, "%s", notAFile(t))
			return nil
		}
		sources = append(sources, s)
		return nil
	})
	return sources, errs, true
}

// follow returns the file the link p leads to, if it is a regular file
// inside the content folder, whose path is real after links (root as the
// author wrote it).
func follow(root, real, p string) (string, error) {
	// The target as it will be shown: inside the folder, by its display
	// path.
	show := func(target string) string {
		if rel, ok := inside(real, target); ok {
			return filepath.Join(root, rel)
		}
		return target
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		dest, _ := os.Readlink(p)
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("a link to %s, which does not exist", show(filepath.Clean(dest)))
		}
		if strings.Contains(err.Error(), "too many links") { // EvalSymlinks has no error value for it
			return "", fmt.Errorf("a link to %s, which leads round in a loop of links", show(filepath.Clean(dest)))
		}
		return "", fmt.Errorf("a link to %s that cannot be followed: %v", show(filepath.Clean(dest)), unwrapPathError(err))
	}
	if _, ok := inside(real, target); !ok {
		return "", fmt.Errorf("a link to %s, outside the content folder: only files inside it are published (copy the file in instead)", target)
	}
	info, err := os.Stat(target)
	switch {
	case err != nil:
		return "", unwrapPathError(err)
	case info.IsDir():
		return "", fmt.Errorf("a link to the folder %s: links to folders are not followed (move or copy the folder in instead)", show(target))
	case !info.Mode().IsRegular():
		return "", fmt.Errorf("a link to %s, %s", show(target), notAFile(info.Mode()))
	}
	return target, nil
}

// inside reports whether p is in the folder dir or is dir, and returns
// its path relative to dir. Both must be free of links.
func inside(dir, p string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// notAFile explains why a file of some mode is not read.
func notAFile(mode fs.FileMode) string {
	kind := "an irregular file"
	switch {
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	case mode&fs.ModeCharDevice != 0:
		kind = "a character device"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	}
	return kind + ", not a file: the content folder may hold only files, folders and links to files inside it"
}

// readRegular reads a file, refusing anything but a regular file. The
// walk has checked that already; opening without blocking and checking
// again what was opened keeps a pipe put in a file's place meanwhile from
// stopping the build: opened the usual way, a named pipe waits for a
// writer forever.
func readRegular(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New(notAFile(info.Mode()))
	}
	// Read into a buffer of the file's size, not one that doubles as it
	// goes: an article is held while it is parsed, and may be large.
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, unwrapPathError(err)
	}
	return buf.Bytes(), nil
}
