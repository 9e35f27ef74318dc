package serve

import (
	"context"
	"errors"
	"fmt"
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
	// Check runs the new program, argv with env, as the check before a
	// restart (see check.go), and returns its output; nil runs it as a
	// command.
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
// change the program. Tests and their data cannot, nor the npm packages
// of node_modules folders (the browser tools of generator/tools).
func (p *Program) affects(path string) bool {
	if strings.HasSuffix(path, "_test.go") {
		return false
	}
	for _, d := range p.watch() {
		if within(path, d) {
			rel, _ := filepath.Rel(d, path)
			rel = "/" + filepath.ToSlash(rel) + "/"
			return !strings.Contains(rel, "/testdata/") && !strings.Contains(rel, "/node_modules/")
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
