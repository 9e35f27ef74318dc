package serve

import (
	"bufio"
	"context"
	"errors"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fakeProgram stands in for go build, the check and exec. The binary it
// builds holds the code of x.go as it was when the build began.
type fakeProgram struct {
	code      string      // the folder of x.go
	initial   string      // x.go when the server starts, if not empty
	log       *logLines   // if set, receives the server's log
	fail      atomic.Bool // the next builds fail
	checkOut  atomic.Pointer[string]
	execErr   atomic.Pointer[error]
	builds    atomic.Int64
	checks    atomic.Int64
	gate      chan struct{} // if set, the first build waits for it to close, or its cancellation
	started   chan struct{} // closed when the first build begins
	cancelled atomic.Bool   // a build was cancelled
	mu        sync.Mutex
	argv      []string
	env       []string
	ran       string // the binary's content, as exec found it
	binary    string // the last binary built
	fdOK      bool   // the listener's descriptor was open and inheritable
	accepted  bool   // the address accepted a connection during the exec
}

// fakeServer starts a server whose program is fake, with its code in the
// folder code.
func fakeServer(t *testing.T, fake *fakeProgram) *testServer {
	t.Helper()
	return startServer(t, func(c *Config) {
		dir := filepath.Dir(c.Site.Content)
		fake.code = filepath.Join(dir, "code")
		os.MkdirAll(filepath.Join(fake.code, "testdata"), 0o755)
		if fake.initial != "" {
			writeFile(t, filepath.Join(fake.code, "x.go"), fake.initial)
		}
		if fake.log != nil {
			c.Log = fake.log
		}
		c.Program = &Program{
			Dir:   dir,
			Watch: []string{"code"},
			Args:  []string{"serve", "-addr", c.Listener.Addr().String()},
			Build: fake.build,
			Check: fake.check,
			Exec:  fake.exec(c.Listener.Addr().String()),
		}
	})
}

func (f *fakeProgram) build(ctx context.Context, binary string) ([]byte, error) {
	f.mu.Lock()
	f.binary = binary
	f.mu.Unlock()
	src, _ := os.ReadFile(filepath.Join(f.code, "x.go"))
	if f.builds.Add(1) == 1 && f.gate != nil {
		close(f.started)
		select {
		case <-f.gate:
		case <-ctx.Done():
			f.cancelled.Store(true)
			return nil, ctx.Err()
		}
	}
	if f.fail.Load() {
		return []byte("# example.org/fake\ncode/x.go:3:5: undefined: y\n\thave nothing\ncode/x.go:4:1: missing return\n"), errors.New("exit status 1")
	}
	return nil, os.WriteFile(binary, src, 0o755)
}

func (f *fakeProgram) lastBinary() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.binary
}

func (f *fakeProgram) check(ctx context.Context, argv, env []string) ([]byte, error) {
	f.checks.Add(1)
	if !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, envCheck+"=") }) {
		return []byte("not run as a check"), errors.New("exit status 1")
	}
	if out := f.checkOut.Load(); out != nil {
		return []byte(*out), errors.New("exit status 2")
	}
	return nil, nil
}

func (f *fakeProgram) exec(addr string) func(string, []string, []string) error {
	return func(binary string, argv, env []string) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.argv, f.env = argv, env
		data, _ := os.ReadFile(binary)
		f.ran = string(data)
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, envListener+"="); ok {
				fd, _ := strconv.Atoi(v)
				flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
				f.fdOK = err == nil && flags&unix.FD_CLOEXEC == 0
			}
		}
		// Between programs, the socket still takes connections.
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			f.accepted = true
			c.Close()
		}
		if p := f.execErr.Load(); p != nil {
			return *p
		}
		return nil
	}
}

// restartedWith waits for the restart and returns the code of x.go the
// new program was built from.
func (f *fakeProgram) restartedWith(t *testing.T, ts *testServer) string {
	t.Helper()
	ts.waitReplaced(t)
	f.mu.Lock()
	defer f.mu.Unlock()
	os.RemoveAll(filepath.Dir(f.argv[0]))
	return f.ran
}

// waitReplaced waits for Run to return after a restart.
func (ts *testServer) waitReplaced(t *testing.T) {
	t.Helper()
	select {
	case err := <-ts.done:
		ts.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after the restart")
	}
}

func TestRestart(t *testing.T) {
	t.Parallel()
	fake := &fakeProgram{}
	ts := fakeServer(t, fake)
	code := fake.code
	st := ts.openStream(t, "a/index.html")

	// Tests and their data are no part of the program.
	writeFile(t, filepath.Join(code, "x_test.go"), "package x")
	writeFile(t, filepath.Join(code, "testdata", "golden.txt"), "x")
	st.quiet(t, 150*time.Millisecond)
	if n := fake.builds.Load(); n != 0 {
		t.Fatalf("%d program builds for tests and test data, want 0", n)
	}

	// A failed build shows the compiler's errors and keeps serving.
	fake.fail.Store(true)
	writeFile(t, filepath.Join(code, "x.go"), "package x // broken")
	ev := st.expect(t, "problems")
	want := []problem{
		{Source: "go", Pos: "code/x.go:3:5", Msg: "undefined: y\nhave nothing"},
		{Source: "go", Pos: "code/x.go:4:1", Msg: "missing return"},
	}
	if got := decode[[]problem](t, ev.data); !slices.Equal(got, want) {
		t.Errorf("problems %+v, want %+v", got, want)
	}
	if code, _ := ts.get(t, "/a/"); code != 200 {
		t.Errorf("GET /a/ after a failed program build: %d", code)
	}

	// A program that builds but fails at start, as one with a duplicated
	// registry line panics at init, fails its check: the server goes on,
	// shows why, and deletes the binary.
	fake.fail.Store(false)
	panicked := "panic: figures: experiment \"line\" registered twice\n\ngoroutine 1 [running]:\n" +
		"example.org/fake.register(...)\n\t" + filepath.Join(code, "registry.go") + ":12 +0x1d\n"
	fake.checkOut.Store(&panicked)
	writeFile(t, filepath.Join(code, "x.go"), "package x // starts badly")
	ev = st.expect(t, "problems")
	ps := decode[[]problem](t, ev.data)
	if len(ps) != 1 || ps[0].Pos != "code/registry.go:12" || !strings.HasSuffix(ps[0].Msg, `panic: figures: experiment "line" registered twice`) {
		t.Errorf("problems after a failed check: %+v", ps)
	}
	if code, _ := ts.get(t, "/a/"); code != 200 {
		t.Errorf("GET /a/ after a failed check: %d", code)
	}
	if _, err := os.Stat(fake.lastBinary()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the binary that failed its check is left behind (%v)", err)
	}
	fake.checkOut.Store(nil)

	// A program that builds but cannot start leaves this one serving.
	execErr := errors.New("exec format error")
	fake.execErr.Store(&execErr)
	writeFile(t, filepath.Join(code, "x.go"), "package x // fixed")
	for range st.events {
		// The stream ends when the server stops for the restart.
	}
	if code, _ := ts.get(t, "/a/"); code != 200 {
		t.Errorf("GET /a/ after a failed restart: %d", code)
	}
	st = ts.openStream(t, "a/index.html")
	ev = st.expect(t, "problems")
	if got := decode[[]problem](t, ev.data); len(got) != 1 || !strings.Contains(got[0].Msg, "exec format error") {
		t.Errorf("problems after a failed restart: %+v", got)
	}
	st.quiet(t, 100*time.Millisecond)

	// A restart hands over the socket and ends Run.
	fake.execErr.Store(nil)
	writeFile(t, filepath.Join(code, "x.go"), "package x // fixed again")
	ts.waitReplaced(t)
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.argv) != 4 || !strings.HasPrefix(filepath.Base(filepath.Dir(fake.argv[0])), binaryDir) || fake.argv[1] != "serve" {
		t.Errorf("exec argv %q", fake.argv)
	}
	if !fake.fdOK {
		t.Errorf("the listener was not passed on as an open, inheritable descriptor")
	}
	if !fake.accepted {
		t.Errorf("the address refused connections during the restart")
	}
	if !slices.Contains(fake.env, envBinary+"="+fake.argv[0]) {
		t.Errorf("the new program is not told which binary to delete")
	}
	if !slices.ContainsFunc(fake.env, func(kv string) bool { return strings.HasPrefix(kv, envSince+"=") }) {
		t.Errorf("the new program is not told since when to look for changes")
	}
	if n := fake.checks.Load(); n != 3 {
		t.Errorf("%d checks, want one before each of the three restarts tried", n)
	}
	os.RemoveAll(filepath.Dir(fake.argv[0]))
}

// A Go save made while the program builds is not lost: the program that
// takes over is built from it.
func TestSaveDuringProgramBuild(t *testing.T) {
	t.Parallel()
	fake := &fakeProgram{gate: make(chan struct{}), started: make(chan struct{})}
	ts := fakeServer(t, fake)
	x := filepath.Join(fake.code, "x.go")
	writeFile(t, x, "package x // first save")
	select {
	case <-fake.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the program build did not start")
	}
	writeFile(t, x, "package x // second save")
	// The second save cancels the first build, or, if the machine is too
	// slow to notice before it ends, is found when it ends.
	select {
	case <-time.After(2 * time.Second):
		close(fake.gate)
	case err := <-ts.done:
		ts.done <- err
	}
	if ran := fake.restartedWith(t, ts); ran != "package x // second save" {
		t.Errorf("the new program was built from %q, want the second save", ran)
	}
}

// A restarted server looks for Go changes made between its
// predecessor's last look and its own watch.
func TestChangesDuringRestart(t *testing.T) {
	// Not parallel: it sets the environment a predecessor would.
	t.Setenv(envSince, strconv.FormatInt(time.Now().Add(-time.Hour).UnixNano(), 10))
	fake := &fakeProgram{initial: "package x // saved during the restart"}
	ts := fakeServer(t, fake)
	if ran := fake.restartedWith(t, ts); ran != fake.initial {
		t.Errorf("the program was not rebuilt from the change (ran %q)", ran)
	}
}

// moduleDir returns the module's root folder.
func moduleDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod found")
		}
		dir = filepath.Dir(dir)
	}
}

// copyModule copies the generator's module, less its tests and the npm
// packages of the quality gates' tools (generator/tools/node_modules,
// thousands of files no Go build reads), into dst.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	for _, name := range []string{"go.mod", "go.sum"} {
		writeFile(t, filepath.Join(dst, name), readFile(t, filepath.Join(src, name)))
	}
	for _, dir := range []string{"figures", "generator"} {
		err := filepath.WalkDir(filepath.Join(src, dir), func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "testdata") {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			writeFile(t, filepath.Join(dst, rel), string(data))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

var versionAttr = regexp.MustCompile(`data-version="([0-9a-f]*)"`)

// The real thing: the generator, built from a copy of the module, serves
// a site; an edit to its templates rebuilds and restarts it on the same
// address with the same process id; a compile error shows in the page and
// leaves it serving.
func TestRestartProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	t.Parallel()
	tmp := t.TempDir()
	mod := filepath.Join(tmp, "module")
	copyModule(t, moduleDir(t), mod)
	sitetest.Write(t, filepath.Join(tmp, "content"), `
-- site.yaml --
title: Restart test
url: https://example.org
-- index.md --
---
title: Home
description: Home.
---
Home prose.

:::figure{#fig-sigmoid experiment=sigmoid-curvature}
The sigmoid.
:::
`)
	bin := filepath.Join(tmp, "bin", "generator")
	build := exec.Command("go", "build", "-o", bin, "./generator")
	build.Dir = mod
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-content", filepath.Join(tmp, "content"),
		"-out", filepath.Join(tmp, "public"), "-cache", "-")
	cmd.Dir = mod
	// The binaries it builds go in the test's folder, whatever happens.
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	})
	addrs := make(chan string, 10)
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if u, ok := strings.CutPrefix(sc.Text(), "serving http://"); ok {
				addrs <- strings.TrimSuffix(u, "/")
			}
		}
		exited <- cmd.Wait()
	}()
	defer func() {
		if t.Failed() {
			logMu.Lock()
			t.Logf("server log:\n%s", log.String())
			logMu.Unlock()
		}
	}()
	logCount := func(s string) int {
		logMu.Lock()
		defer logMu.Unlock()
		return strings.Count(log.String(), s)
	}
	var addr string
	select {
	case addr = <-addrs:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	pageVersion := func() string {
		resp := getURL(t, "http://"+addr+"/")
		m := versionAttr.FindStringSubmatch(resp)
		if m == nil {
			t.Fatalf("no version in the page:\n%s", resp)
		}
		return m[1]
	}
	exe := func() string {
		p, _ := os.Readlink("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/exe")
		return p
	}
	firstExe := exe()
	v := pageVersion()
	st := openStreamAt(t, addr, v, "index.html")

	// An edit to an embedded template is an edit to the program.
	layout := filepath.Join(mod, "generator", "internal", "site", "templates", "layout.html")
	writeFile(t, layout, strings.Replace(readFile(t, layout), "<head>", "<head>\n<meta name=\"restarted\" content=\"yes\">", 1))
	for range st.events {
		// The old program ends the stream when it hands over.
	}
	// The page reconnects, as a browser would, naming its version.
	st = openStreamAt(t, addr, v, "index.html")
	st.expect(t, "reload")
	if page := getURL(t, "http://"+addr+"/"); !strings.Contains(page, `<meta name="restarted" content="yes">`) {
		t.Errorf("the restarted program serves the old template")
	}
	if exe() == firstExe {
		t.Errorf("process %d still runs %s", cmd.Process.Pid, firstExe)
	}

	// A compile error shows over the page; the server goes on.
	broken := filepath.Join(mod, "generator", "broken.go")
	writeFile(t, broken, "package main\n\nvar _ = undefinedName\n")
	ev := st.expect(t, "problems")
	ps := decode[[]problem](t, ev.data)
	if len(ps) == 0 || ps[0].Source != "go" || ps[0].Pos != "generator/broken.go:3:9" || !strings.Contains(ps[0].Msg, "undefinedName") {
		t.Errorf("problems %+v", ps)
	}
	if code := getStatus(t, "http://"+addr+"/"); code != 200 {
		t.Errorf("GET / with a broken program: %d", code)
	}

	// A program that compiles but panics at start fails its check: the
	// old one goes on serving, says why, and leaves no binary behind.
	writeFile(t, broken, "package main\n\nfunc init() {\n\tpanic(\"registered twice\")\n}\n")
	ev = st.expectWithin(t, "problems", 2*time.Minute) // go build links the program
	ps = decode[[]problem](t, ev.data)
	if len(ps) != 1 || ps[0].Source != "go" || ps[0].Pos != "generator/broken.go:4" || !strings.HasSuffix(ps[0].Msg, "panic: registered twice") {
		t.Errorf("problems %+v", ps)
	}
	if code := getStatus(t, "http://"+addr+"/"); code != 200 || exe() == firstExe {
		t.Errorf("GET / with a program that fails at start: %d", code)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, binaryDir+"*")); len(left) != 0 {
		t.Errorf("binaries left behind: %q", left)
	}

	// Fixed, the program is the one running: the errors clear without a
	// restart.
	os.Remove(broken)
	if ev := st.nextRaw(t, 2*time.Minute); ev.name != "problems" || ev.data != "[]" {
		t.Errorf("after the fix: %s %s, want the problems cleared", ev.name, ev.data)
	}
	st.quiet(t, 200*time.Millisecond)

	// An edit to an experiment's comments builds the same program: it is
	// neither rebuilt nor restarted, and the page stays as it is.
	sigmoid := filepath.Join(mod, "figures", "sigmoid.go")
	figure := getURL(t, "http://"+addr+"/fig-sigmoid.svg")
	const rebuilding = "Go code changed: rebuilding the program"
	rebuilds := logCount(rebuilding)
	rewrite(t, sigmoid, "// sigmoid3 returns the third derivative of the sigmoid.", "// sigmoid3 is σ‴, the third derivative of the sigmoid.")
	eventually(t, "the comment edit to be skipped", func() bool {
		return logCount("figures/sigmoid.go: only comments or layout changed: the program is not rebuilt") == 1
	})
	st.quiet(t, 200*time.Millisecond)

	// An edit to its code rebuilds and restarts the program, which draws
	// the figure anew.
	v = pageVersion()
	rewrite(t, sigmoid, `lab.Float("xmax", 6,`, `lab.Float("xmax", 5,`)
	for range st.events {
		// The old program ends the stream when it hands over.
	}
	st = openStreamAt(t, addr, v, "index.html")
	if ev := st.next(t, 2*time.Minute); ev.name != "figures" && ev.name != "reload" {
		t.Errorf("after an edit to an experiment: %s %s, want its figure swapped or the page reloaded", ev.name, ev.data)
	}
	if getURL(t, "http://"+addr+"/fig-sigmoid.svg") == figure {
		t.Errorf("the figure is as it was before the edit to its experiment")
	}
	if n := logCount(rebuilding) - rebuilds; n != 1 {
		t.Errorf("%d program builds for a comment edit and a code edit, want 1", n)
	}
}
