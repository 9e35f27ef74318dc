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

// fakeProgram stands in for go build and exec.
type fakeProgram struct {
	fail     atomic.Bool // the next builds fail
	execErr  atomic.Pointer[error]
	builds   atomic.Int64
	mu       sync.Mutex
	argv     []string
	env      []string
	fdOK     bool // the listener's descriptor was open and inheritable
	accepted bool // the address accepted a connection during the exec
}

func (f *fakeProgram) build(ctx context.Context, binary string) ([]byte, error) {
	f.builds.Add(1)
	if f.fail.Load() {
		return []byte("# example.org/fake\ncode/x.go:3:5: undefined: y\n\thave nothing\ncode/x.go:4:1: missing return\n"), errors.New("exit status 1")
	}
	return nil, os.WriteFile(binary, []byte("a new program"), 0o755)
}

func (f *fakeProgram) exec(addr string) func(string, []string, []string) error {
	return func(binary string, argv, env []string) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.argv, f.env = argv, env
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

func TestRestart(t *testing.T) {
	t.Parallel()
	fake := &fakeProgram{}
	var code string
	ts := startServer(t, func(c *Config) {
		dir := filepath.Dir(c.Site.Content)
		code = filepath.Join(dir, "code")
		os.MkdirAll(filepath.Join(code, "testdata"), 0o755)
		c.Program = &Program{
			Dir:   dir,
			Watch: []string{"code"},
			Args:  []string{"serve", "-addr", c.Listener.Addr().String()},
			Build: fake.build,
			Exec:  fake.exec(c.Listener.Addr().String()),
		}
	})
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

	// A program that builds but cannot start leaves this one serving.
	fake.fail.Store(false)
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
	select {
	case err := <-ts.done:
		ts.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the restart")
	}
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
	os.RemoveAll(filepath.Dir(fake.argv[0]))
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

// copyModule copies the generator's module, less its tests, into dst.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	for _, name := range []string{"go.mod", "go.sum"} {
		writeFile(t, filepath.Join(dst, name), readFile(t, filepath.Join(src, name)))
	}
	for _, dir := range []string{"figures", "generator"} {
		err := filepath.WalkDir(filepath.Join(src, dir), func(p string, d fs.DirEntry, err error) error {
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
	// Fixed, the program is the one running: the errors clear without a
	// restart.
	os.Remove(broken)
	if ev := st.nextRaw(t, 30*time.Second); ev.name != "problems" || ev.data != "[]" {
		t.Errorf("after the fix: %s %s, want the problems cleared", ev.name, ev.data)
	}
	st.quiet(t, 200*time.Millisecond)
}
