package serve

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// inotify is a Linux inotify instance. The generator already depends on
// Linux (the output swap uses renameat2), so the watcher talks to the
// kernel directly instead of through a portability layer.
type inotify struct {
	// fd is the instance; f reads it through Go's poller, so closing f
	// ends a blocked read. (f.Fd would make it blocking: use fd.)
	fd   int
	f    *os.File
	dirs map[int32]string // watch descriptor to folder; owned by the reader
	wds  map[string]int32 // folder to watch descriptor
	buf  [64 << 10]byte   // one read's worth of events
	pend []inotifyEvent   // parsed events not yet returned
}

// inotifyEvent is one kernel event, its name joined to its folder.
type inotifyEvent struct {
	path string
	mask uint32
}

// watchMask is what a folder is watched for: every way a file's content
// can change or a name can appear or vanish. IN_MODIFY matters for
// programs that keep a file open; the debounce absorbs its repeats.
const watchMask = unix.IN_CREATE | unix.IN_CLOSE_WRITE | unix.IN_MODIFY |
	unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_ONLYDIR | unix.IN_EXCL_UNLINK

func newInotify() (*inotify, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("watching files: %w", err)
	}
	return &inotify{
		fd:   fd,
		f:    os.NewFile(uintptr(fd), "inotify"),
		dirs: make(map[int32]string),
		wds:  make(map[string]int32),
	}, nil
}

// add watches one folder (not its subfolders).
func (in *inotify) add(dir string) error {
	wd, err := unix.InotifyAddWatch(in.fd, dir, watchMask)
	if err != nil {
		if errors.Is(err, unix.ENOSPC) {
			return fmt.Errorf("watching %s: too many folders watched (raise fs.inotify.max_user_watches)", dir)
		}
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	in.dirs[int32(wd)] = dir
	in.wds[dir] = int32(wd)
	return nil
}

// watched reports whether dir is watched.
func (in *inotify) watched(dir string) bool {
	_, ok := in.wds[dir]
	return ok
}

// read returns the next event, blocking until there is one or the
// instance is closed.
func (in *inotify) read() (inotifyEvent, error) {
	for len(in.pend) == 0 {
		n, err := in.f.Read(in.buf[:])
		if err != nil {
			return inotifyEvent{}, err
		}
		in.parse(in.buf[:n])
	}
	ev := in.pend[0]
	in.pend = in.pend[1:]
	return ev, nil
}

func (in *inotify) parse(b []byte) {
	for len(b) >= unix.SizeofInotifyEvent {
		raw := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		end := unix.SizeofInotifyEvent + int(raw.Len)
		if end > len(b) {
			return
		}
		name := string(b[unix.SizeofInotifyEvent:end])
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		b = b[end:]
		dir, ok := in.dirs[raw.Wd]
		if raw.Mask&unix.IN_IGNORED != 0 {
			// The kernel dropped the watch: the folder is gone.
			delete(in.dirs, raw.Wd)
			if ok && in.wds[dir] == raw.Wd {
				delete(in.wds, dir)
			}
			continue
		}
		if !ok && raw.Mask&unix.IN_Q_OVERFLOW == 0 {
			continue // a late event of a removed watch
		}
		p := dir
		if name != "" {
			p = filepath.Join(dir, name)
		}
		in.pend = append(in.pend, inotifyEvent{path: p, mask: raw.Mask})
	}
}

func (in *inotify) close() error { return in.f.Close() }
