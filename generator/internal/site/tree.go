package site

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/nonconvex/explainer/generator/internal/diag"
)

// A maker writes the content of one file of the site to w; a file that
// turns out not to exist returns errNoFile, having written nothing.
// Errors in writing to w are w's to report: a maker may leave them.
type maker func(w io.Writer) error

// A file is a file of the site, by slash path, and how to make it.
type file struct {
	name string
	make maker
	// same, if not nil, stands for the file's content: a rebuild that
	// finds the same value beside an intact copy of the file knows its
	// content is what it was and neither makes nor hashes it again. A
	// figure's plot, say, is the same while its experiment's output is;
	// an article's page depends on too much of the site to say.
	same any
}

// syncTree makes dir hold exactly the files made, writing only those
// whose content differs from what known says dir holds (and that nobody
// touched since), and returns the stamps of the result. The files are
// made jobs at a time, and let go as soon as they are written: a build
// holds at most a file per worker, not the site.
func syncTree(ctx context.Context, dir string, files []file, known map[string]fileStamp, jobs int) (map[string]fileStamp, error) {
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	wanted := make(map[string]bool, len(files))
	dirs := map[string]bool{".": true}
	for _, f := range files {
		wanted[f.name] = true
		for d := path.Dir(f.name); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	intact := make(map[string]fileStamp) // files as known, to keep if their content is the same
	folders := &folders{root: dir, there: make(map[string]bool)}
	// Walk what is there: remove what does not belong, note what may be
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
			folders.there[rel] = true
			return nil
		}
		if !wanted[rel] || !d.Type().IsRegular() {
			return os.Remove(p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := known[rel]; ok && st.size == info.Size() && st.mtime.Equal(info.ModTime()) {
			intact[rel] = st
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	stamps := make([]fileStamp, len(files))
	errs := make([]error, len(files))
	done := make([]bool, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(jobs, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fw := writers.Get().(*fileWriter)
			defer writers.Put(fw)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				f := files[i]
				done[i] = true
				if errs[i] = folders.make(path.Dir(f.name)); errs[i] != nil {
					continue
				}
				prev, ok := intact[f.name]
				if ok && f.same != nil && prev.same == f.same {
					stamps[i] = prev
					continue
				}
				fw.reset(filepath.Join(dir, filepath.FromSlash(f.name)), prev, ok)
				stamps[i], errs[i] = fw.finish(f.make(fw))
				stamps[i].same = f.same
			}
		}()
	}
	wg.Wait()
	made := make(map[string]fileStamp, len(files))
	if err := ctx.Err(); err != nil {
		// What dir holds: the files made, and those not reached yet as
		// they were.
		for i, f := range files {
			if st, ok := intact[f.name]; ok && !done[i] {
				made[f.name] = st
			} else if done[i] && errs[i] == nil {
				made[f.name] = stamps[i]
			}
		}
		return made, err
	}
	var list diag.List
	for i, f := range files {
		switch {
		case errors.Is(errs[i], errNoFile):
		case errs[i] != nil:
			list.Merge(diag.Pos{File: f.name}, errs[i])
		default:
			made[f.name] = stamps[i]
		}
	}
	return made, list.Err()
}

// folders makes the folders of a tree that the files need, each once, as
// the workers come to them: each with one call to the system (not
// MkdirAll's two), its parent first if it is missing.
type folders struct {
	root  string
	there map[string]bool // folders there already, by slash path; read only
	made  sync.Map        // slash path to a func() error that makes it once
}

func (f *folders) make(d string) error {
	if d == "." || f.there[d] {
		return nil
	}
	mkdir := func() error {
		p := filepath.Join(f.root, filepath.FromSlash(d))
		err := os.Mkdir(p, 0o755)
		if errors.Is(err, fs.ErrNotExist) {
			if err = f.make(path.Dir(d)); err == nil {
				err = os.Mkdir(p, 0o755)
			}
		}
		if errors.Is(err, fs.ErrExist) {
			if info, serr := os.Stat(p); serr == nil && info.IsDir() {
				err = nil
			}
		}
		return err
	}
	once, _ := f.made.LoadOrStore(d, sync.OnceValue(mkdir))
	return once.(func() error)()
}

// spillBytes is the most of a file a fileWriter holds: a file that fits
// is written only if its content changed, a longer one (the feed of a
// large site) goes to disk as it is made.
const spillBytes = 4 << 20

// A fileWriter writes one file of the site after another, hashing each.
// Where a file is there already, intact, it keeps the new one in memory
// while it fits in spillBytes, and then writes it only if its content
// differs; a new file, as all are in a cold build, or a longer one, goes
// to disk as it comes, through a buffer of fixed size, so that a cold
// build neither copies its files into memory first nor grows a buffer
// to the size of the largest.
type fileWriter struct {
	path   string
	prev   fileStamp // of the file there, if intact
	intact bool
	buf    []byte // the file so far, while it fits
	f      *os.File
	w      *bufio.Writer
	h      hash.Hash
	err    error // of writing the file
}

// writers keeps fileWriters, with their buffers, from one build to the
// next: a rebuild holds each file in memory to compare it, and growing
// the buffers anew was most of what it allocated.
var writers = sync.Pool{New: func() any { return new(fileWriter) }}

func (fw *fileWriter) reset(path string, prev fileStamp, intact bool) {
	*fw = fileWriter{path: path, prev: prev, intact: intact, buf: fw.buf[:0], w: fw.w}
}

func (fw *fileWriter) Write(p []byte) (int, error) {
	if fw.err != nil {
		return 0, fw.err
	}
	if fw.f == nil && fw.intact && len(fw.buf)+len(p) <= spillBytes {
		fw.buf = append(fw.buf, p...)
		return len(p), nil
	}
	if fw.f == nil && !fw.create() {
		return 0, fw.err
	}
	_, fw.err = fw.w.Write(p)
	return len(p), fw.err
}

// WriteString is Write without a copy of s: pages are written as the
// strings of their pieces.
func (fw *fileWriter) WriteString(s string) (int, error) {
	if fw.err != nil {
		return 0, fw.err
	}
	if fw.f == nil && fw.intact && len(fw.buf)+len(s) <= spillBytes {
		fw.buf = append(fw.buf, s...)
		return len(s), nil
	}
	if fw.f == nil && !fw.create() {
		return 0, fw.err
	}
	_, fw.err = fw.w.WriteString(s)
	return len(s), fw.err
}

// create creates the file and writes to it what was held so far.
func (fw *fileWriter) create() bool {
	if fw.f, fw.err = os.Create(fw.path); fw.err != nil {
		return false
	}
	fw.h = sha256.New()
	hf := hashedFile{fw.f, fw.h}
	if fw.w == nil {
		fw.w = bufio.NewWriterSize(hf, 64<<10)
	} else {
		fw.w.Reset(hf)
	}
	fw.w.Write(fw.buf)
	fw.buf = fw.buf[:0]
	return true
}

// A hashedFile hashes what is written to the file.
type hashedFile struct {
	f *os.File
	h hash.Hash
}

func (hf hashedFile) Write(p []byte) (int, error) {
	hf.h.Write(p)
	return hf.f.Write(p)
}

// finish ends the file, whose maker returned err, and returns its stamp.
// A file that fails to be made is removed.
func (fw *fileWriter) finish(err error) (fileStamp, error) {
	err = cmp.Or(err, fw.err)
	var sum [32]byte
	var info os.FileInfo
	switch {
	case fw.f != nil:
		err = cmp.Or(err, fw.w.Flush())
		if err == nil {
			info, err = fw.f.Stat()
		}
		err = cmp.Or(err, fw.f.Close())
		fw.h.Sum(sum[:0])
	case err == nil:
		sum = sha256.Sum256(fw.buf)
		if fw.intact && fw.prev.sum == sum {
			return fw.prev, nil
		}
		if err = os.WriteFile(fw.path, fw.buf, 0o644); err == nil {
			info, err = os.Lstat(fw.path)
		}
	}
	if cap(fw.buf) > spillBytes {
		fw.buf = nil // a rare large file's buffer is not kept for the next
	}
	if err != nil {
		os.Remove(fw.path)
		return fileStamp{}, err
	}
	return fileStamp{sum: sum, size: info.Size(), mtime: info.ModTime()}, nil
}
