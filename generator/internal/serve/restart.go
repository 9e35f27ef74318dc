package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A Program is the server's own Go program, which it rebuilds and
// restarts when its code changes. The zero value builds ./generator in
// the current folder and watches ./figures and ./generator.
type Program struct {
	// Dir is the module's folder, where the program is built; "." if empty.
	Dir string
	// Package is the program's package, relative to Dir; "./generator" if empty.
	Package string
	// Watch lists the folders of the program's code and the files it
	// embeds, relative to Dir; figures and generator if nil.
	Watch []string
	// Args are the new program's arguments, such as os.Args[1:].
	Args []string
	// Build builds the program into the file binary and returns the
	// compiler's output; nil runs "go build".
	Build func(ctx context.Context, binary string) ([]byte, error)
	// Check runs the new program once, as the check before a restart
	// does (see [Program.check]), and returns its output; nil runs it.
	Check func(ctx context.Context, argv, env []string) ([]byte, error)
	// Exec replaces the running program with binary; nil means
	// syscall.Exec, which returns only if it fails. A stand-in returns nil
	// for a replacement that happened.
	Exec func(binary string, argv, env []string) error
}

// The restarting server tells its successor, through the environment,
// which file descriptor is the listening socket, which binary (in a
// temporary folder of its own) to delete once running, which folder the
// site is built in, and when it last looked for changes to the code.
const (
	envListener = "EXPLAINER_SERVE_FD"
	envBinary   = "EXPLAINER_SERVE_BINARY"
	envOut      = "EXPLAINER_SERVE_OUT"
	envSince    = "EXPLAINER_SERVE_SINCE"
	binaryDir   = "explainer-serve-"
)

// envVars are the variables a server passes on; none of them is meant
// for any other program.
var envVars = []string{envListener, envBinary, envOut, envSince, envCheck}

// environ returns the environment without the server's own variables,
// plus extra.
func environ(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(envVars, name) {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func (p *Program) dir() string {
	if p.Dir == "" {
		return "."
	}
	return p.Dir
}

// watch returns the absolute paths of the folders of code.
func (p *Program) watch() []string {
	dirs := p.Watch
	if dirs == nil {
		dirs = []string{"figures", "generator"}
	}
	var abs []string
	for _, d := range dirs {
		a, err := filepath.Abs(filepath.Join(p.dir(), d))
		if err == nil {
			abs = append(abs, a)
		}
	}
	return abs
}

// affects reports whether a change to the file at path, absolute, can
// change the program. Tests and their data cannot.
func (p *Program) affects(path string) bool {
	if strings.HasSuffix(path, "_test.go") {
		return false
	}
	for _, d := range p.watch() {
		if within(path, d) {
			rel, _ := filepath.Rel(d, path)
			return !strings.Contains("/"+filepath.ToSlash(rel)+"/", "/testdata/")
		}
	}
	return false
}

// build compiles the program into a fresh temporary folder. Cancelled,
// it stops the go command and the compilers it started.
func (p *Program) build(ctx context.Context) (binary string, output []byte, err error) {
	dir, err := os.MkdirTemp("", tempPattern(binaryDir))
	if err != nil {
		return "", nil, err
	}
	binary = filepath.Join(dir, "generator")
	if p.Build != nil {
		output, err = p.Build(ctx, binary)
	} else {
		pkg := p.Package
		if pkg == "" {
			pkg = "./generator"
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binary, pkg)
		cmd.Dir = p.dir()
		killGroup(cmd)
		output, err = cmd.CombinedOutput()
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", output, err
	}
	return binary, output, nil
}

// A programResult is what became of one rebuild of the program.
type programResult struct {
	binary    string    // the new program, built and checked; "" if none
	problems  []problem // why there is none: the compiler's errors, or the check's
	log       string    // the same for the log
	unchanged bool      // the program built is the one running
	cancelled bool      // stopped by a newer change or by shutdown
	took      time.Duration
}

// startProgram rebuilds the program in the background, and checks that
// the new one starts and builds the site (see [Program.check]).
func (s *Server) startProgram(ctx context.Context) {
	p := s.cfg.Program
	s.logf("Go code changed: rebuilding the program")
	s.progTask = startTask(ctx, func(ctx context.Context) programResult {
		start := time.Now()
		binary, out, err := p.build(ctx)
		if ctx.Err() != nil {
			if err == nil {
				os.RemoveAll(filepath.Dir(binary))
			}
			return programResult{cancelled: true}
		}
		if err != nil {
			return programResult{problems: goProblems(out, err),
				log: fmt.Sprintf("%s\nthe program did not build; the server goes on as it was", bytes.TrimSpace(out))}
		}
		if sameProgram(binary) {
			os.RemoveAll(filepath.Dir(binary))
			return programResult{unchanged: true}
		}
		if out, err := p.check(ctx, binary); err != nil {
			os.RemoveAll(filepath.Dir(binary))
			if ctx.Err() != nil {
				return programResult{cancelled: true}
			}
			ps := p.checkProblems(out, err)
			return programResult{problems: ps,
				log: fmt.Sprintf("%s\n%s; the server goes on as it was", bytes.TrimSpace(out), ps[0].Msg)}
		}
		return programResult{binary: binary, took: time.Since(start)}
	})
}

// stopProgram cancels the rebuild of the program under way, if any, and
// waits for it to stop.
func (s *Server) stopProgram() {
	if s.progTask != nil {
		if r := s.progTask.wait(); r.binary != "" {
			os.RemoveAll(filepath.Dir(r.binary))
		}
		s.progTask = nil
	}
}

// programBuilt acts on a rebuilt program: a failure shows over the page
// and the server goes on; a new program that checked out replaces this
// process, unless the Go code changed again meanwhile. It reports whether
// the process was replaced.
func (s *Server) programBuilt(r programResult) (replaced bool) {
	s.progTask = nil
	switch {
	case r.cancelled:
		return false
	case r.problems != nil:
		s.goProblems = r.problems
		s.logf("%s", r.log)
		s.publish()
		return false
	case r.unchanged:
		s.goProblems = nil
		s.logf("the program is unchanged")
		s.publish()
		return false
	}
	// Changes seen while the program was built call for another build:
	// those taken already, and those waiting to be. Later ones are the
	// successor's to find (see [Server.changedSince]).
	since := time.Now()
	if s.codeDirty || s.codePending() {
		os.RemoveAll(filepath.Dir(r.binary))
		s.logf("the Go code changed during the build; building it again")
		return false
	}
	s.goProblems = nil
	s.logf("built the program in %v; restarting", r.took.Round(time.Millisecond))
	s.stopBuild()
	stopped, err := s.handOver(r.binary, since)
	if err != nil {
		os.RemoveAll(filepath.Dir(r.binary))
		s.goProblems = []problem{{Source: "go", Msg: "restarting: " + err.Error()}}
		s.logf("restarting: %v; the server goes on as it was", err)
		s.publish()
		if stopped {
			// Pages reconnecting now find the problem already published.
			s.ln.resume()
			s.hub.reopen()
			s.startHTTP()
		}
		return false
	}
	return true
}

// codePending reports whether changes not yet taken from the watcher
// touch the program.
func (s *Server) codePending() bool {
	paths, overflow := s.watch.pendingPaths()
	if overflow {
		return true
	}
	for _, p := range paths {
		if s.cfg.Program.affects(p) {
			return true
		}
	}
	return false
}

// changedSince reports whether the program's code changed after the
// predecessor last looked, between its last check and this program's
// watch: a restarted server asks at start. A file's time can lag the
// clock by a tick, hence the margin; an edit within it costs a build that
// finds the program unchanged.
func (s *Server) changedSince(w *watcher) bool {
	if s.since.IsZero() || s.cfg.Program == nil {
		return false
	}
	after := s.since.Add(-sinceMargin)
	changed := false
	for _, root := range s.cfg.Program.watch() {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || changed {
				return filepath.SkipAll
			}
			if d.IsDir() || !s.cfg.Program.affects(p) {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(after) {
				s.logf("%s changed during the restart", p)
				changed = true
			}
			return nil
		})
	}
	return changed
}

const sinceMargin = 50 * time.Millisecond

// sameProgram reports whether binary is byte for byte the running
// program, as after an edit to a comment. The running program is read
// through /proc, since a restarted one has deleted its file.
func sameProgram(binary string) bool {
	a, errA := hashFile("/proc/self/exe")
	b, errB := hashFile(binary)
	return errA == nil && errB == nil && a == b
}

var goErrorLine = regexp.MustCompile(`^(\S+\.go:\d+(?::\d+)?): (.*)$`)

// goProblems turns the go command's output into problems: one per
// positioned message, continuation lines joined to theirs.
func goProblems(out []byte, err error) []problem {
	var ps []problem
	for _, line := range strings.Split(string(out), "\n") {
		switch m := goErrorLine.FindStringSubmatch(line); {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "# "):
			// Package headers: the positions name the files.
		case m != nil:
			ps = append(ps, problem{Source: "go", Pos: m[1], Msg: m[2]})
		case (line[0] == '\t' || line[0] == ' ') && len(ps) > 0:
			ps[len(ps)-1].Msg += "\n" + strings.TrimSpace(line)
		default:
			ps = append(ps, problem{Source: "go", Msg: line})
		}
	}
	if len(ps) == 0 {
		ps = append(ps, problem{Source: "go", Msg: err.Error()})
	}
	return ps
}

// handOver replaces this process with binary, passing on the listening
// socket, so the address never stops accepting connections: those that
// arrive meanwhile wait in the socket's queue for the new program. The
// process keeps its id, so make and go run keep waiting for it. If the
// exec fails, handOver returns with the HTTP server stopped.
func (s *Server) handOver(binary string, since time.Time) (stopped bool, err error) {
	fl, ok := s.ln.Listener.(interface{ File() (*os.File, error) })
	if !ok {
		return false, fmt.Errorf("cannot pass on a listener of type %T", s.ln.Listener)
	}
	f, err := fl.File() // a duplicate, closed on exec unless told otherwise
	if err != nil {
		return false, err
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var fd uintptr
	var ctlErr error
	err = rc.Control(func(d uintptr) {
		fd = d
		_, ctlErr = unix.FcntlInt(d, unix.F_SETFD, 0)
	})
	if err = errors.Join(err, ctlErr); err != nil {
		return false, err
	}
	env := environ(envListener+"="+strconv.Itoa(int(fd)), envBinary+"="+binary,
		envSince+"="+strconv.FormatInt(since.UnixNano(), 10))
	if s.private != "" {
		env = append(env, envOut+"="+s.private)
	}
	argv := append([]string{binary}, s.cfg.Program.Args...)

	s.stopHTTP() // ends the event streams; pages reconnect to the successor
	run := s.cfg.Program.Exec
	if run == nil {
		run = syscall.Exec
	}
	return true, run(binary, argv, env)
}

// listen returns the socket a restarting predecessor passed on, or a new
// one on addr.
func listen(addr string) (net.Listener, error) {
	if v, ok := os.LookupEnv(envListener); ok {
		return inherit(v)
	}
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: want host:port, such as 127.0.0.1:8080", addr)
	}
	if host == "" {
		host = "127.0.0.1" // never every interface by accident
	}
	addr = net.JoinHostPort(host, port)
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s is in use, perhaps by another server; choose another address with -addr", addr)
	}
	return ln, err
}

// inherit adopts the listening socket at file descriptor fdText, and
// deletes the binary the predecessor built, which is running now.
func inherit(fdText string) (net.Listener, error) {
	os.Unsetenv(envListener)
	if bin, ok := os.LookupEnv(envBinary); ok {
		os.Unsetenv(envBinary)
		if dir := filepath.Dir(bin); strings.HasPrefix(filepath.Base(dir), binaryDir) {
			os.RemoveAll(dir)
		}
	}
	fd, err := strconv.Atoi(fdText)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("%s=%q: not a file descriptor", envListener, fdText)
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close() // FileListener holds a duplicate
	ln, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("taking over the listener: %w", err)
	}
	return ln, nil
}

// A keepListener lets an http.Server stop serving without closing the
// socket, which the next program inherits. Close, as Shutdown calls it,
// only interrupts Accept.
type keepListener struct {
	net.Listener
	paused atomic.Bool
}

func (l *keepListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil && l.paused.Load() {
		return nil, net.ErrClosed
	}
	return c, err
}

type deadliner interface{ SetDeadline(time.Time) error }

func (l *keepListener) Close() error {
	l.paused.Store(true)
	if d, ok := l.Listener.(deadliner); ok {
		return d.SetDeadline(time.Unix(1, 0))
	}
	return l.Listener.Close()
}

func (l *keepListener) resume() {
	l.paused.Store(false)
	if d, ok := l.Listener.(deadliner); ok {
		d.SetDeadline(time.Time{})
	}
}

func (l *keepListener) closeForGood() error { return l.Listener.Close() }
