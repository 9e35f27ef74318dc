package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// Saving one experiment with many parameter values keeps in memory only
// what the content uses now, and the disk cache within its bound.
func TestMemoryStaysBounded(t *testing.T) {
	// Not parallel: it measures the process's heap.
	const saves = 20
	const limit = 4 << 20
	cacheDir := filepath.Join(t.TempDir(), "cache")
	ts := startServer(t, func(c *Config) {
		c.Site.Cache = cacheDir
		c.Site.CacheLimit = limit
	})
	a := filepath.Join(ts.content, "a.md")
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var before uint64
	for i := range saves {
		writeFile(t, a, articleA(fmt.Sprintf("Run %d: :val[run-big.n].\n\n::run{#run-big experiment=big n=%d}", i, i+1)))
		ts.waitFor(t, "/a/", fmt.Sprintf("Run %d: ", i))
		if i == 0 {
			before = heap()
		}
	}
	// Each output is about a megabyte: keeping them all would grow the
	// heap by saves megabytes.
	grew := int64(heap()) - int64(before)
	t.Logf("the heap grew by %.1f MB over %d saves", float64(grew)/(1<<20), saves-1)
	if grew > saves/4<<20 {
		t.Errorf("the heap grew by %.1f MB over %d saves of a 1 MB output, want the old outputs freed", float64(grew)/(1<<20), saves-1)
	}
	if size := folderSize(t, cacheDir); size > limit {
		t.Errorf("the cache holds %.1f MB, past its limit of %.1f MB", float64(size)/(1<<20), float64(limit)/(1<<20))
	}
}

func folderSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// keptAlive opens a connection, makes one request on it and leaves it
// open, as a browser keeps a connection alive. closed receives it once
// the server has closed it.
func keptAlive(t *testing.T, addr string, closed chan<- net.Conn) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET /a/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	go func() {
		if _, err := br.ReadByte(); err != nil {
			closed <- c
		}
	}()
	return c
}

// An idle kept-alive connection is closed after the idle timeout; an
// event stream, which is never idle, stays open and delivers.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	st := ts.openStream(t, "a/index.html")
	closed := make(chan net.Conn, 1)
	keptAlive(t, ts.Addr().String(), closed)
	select {
	case <-closed:
	case <-time.After(time.Minute):
		t.Fatal("an idle connection stayed open for a minute")
	}
	time.Sleep(400 * time.Millisecond) // the stream has outlived the timeout
	writeFile(t, filepath.Join(ts.content, "a.md"), articleA("Prose of A, version 2."))
	st.expect(t, "reload")
}

// Past the bound on connections, the server closes those idle the
// longest to make room: a flood of idle connections neither stops it
// accepting nor closes the event streams.
func TestConnectionBound(t *testing.T) {
	t.Parallel()
	const bound, flood = 16, 48
	ts := startServer(t, func(c *Config) { c.MaxConns = bound })
	st := ts.openStream(t, "a/index.html")
	closed := make(chan net.Conn, flood)
	for range flood {
		keptAlive(t, ts.Addr().String(), closed)
	}
	// The stream and the last to come stay: the others must go.
	for range flood - (bound - 1) {
		select {
		case <-closed:
		case <-time.After(time.Minute):
			t.Fatalf("%d connections open, bound %d", ts.conns.open(), bound)
		}
	}
	if n := ts.conns.open(); n > bound {
		t.Errorf("%d connections open, bound %d", n, bound)
	}
	if code, _ := ts.get(t, "/b/"); code != 200 {
		t.Errorf("GET /b/ after the flood: %d", code)
	}
	writeFile(t, filepath.Join(ts.content, "a.md"), articleA("Prose of A, version 2."))
	st.expect(t, "reload")
}

// rawStatus sends a GET with the given Host header and returns the status.
func rawStatus(t *testing.T, addr, target, host string) int {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+addr+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Only loopback names and the address listened on are answered: a page
// elsewhere that rebinds its own name to 127.0.0.1 reads nothing.
func TestHostCheck(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	addr := ts.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	for _, tt := range []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, 200},
		{"localhost:" + port, 200},
		{"LocalHost:" + port, 200},
		{"localhost.:" + port, 200},
		{"[::1]:" + port, 200},
		{"127.0.0.1", 200},
		{"localhost", 200},
		{"evil.example:" + port, 403},
		{"evil.example", 403},
		{"localhost.evil.example:" + port, 403},
		{"127.0.0.1.nip.io:" + port, 403},
		{"192.168.1.7:" + port, 403},
	} {
		for _, target := range []string{"/a/", eventsPath + "?v=x&file=a/index.html", "/no/such/page"} {
			want := tt.want
			if want == 200 && target == "/no/such/page" {
				want = 404
			}
			if target == eventsPath+"?v=x&file=a/index.html" && want == 200 {
				continue // a stream stays open; opened below
			}
			if got := rawStatus(t, addr, target, tt.host); got != want {
				t.Errorf("GET %s with Host %s: %d, want %d", target, tt.host, got, want)
			}
		}
	}
	openStreamAt(t, "localhost:"+port, "x", "a/index.html")
}

// anyAddr pretends to listen on every interface, as -addr 0.0.0.0:8080
// would; the test listens on the loopback address only.
type anyAddr struct{ net.Listener }

func (l anyAddr) Addr() net.Addr {
	a := *l.Listener.Addr().(*net.TCPAddr)
	a.IP = net.IPv4zero
	return &a
}

// Serving on every interface, on purpose, prints a warning and answers
// the machine's addresses and name.
func TestExposedAddress(t *testing.T) {
	t.Parallel()
	var log sitetest.Log
	var real string
	startServer(t, func(c *Config) {
		real = c.Listener.Addr().String()
		c.Listener = anyAddr{c.Listener}
		c.Log = &log
	})
	if !strings.Contains(log.String(), "warning: serving on 0.0.0.0:") {
		t.Errorf("no warning in the log:\n%s", log.String())
	}
	name, _ := os.Hostname()
	for _, tt := range []struct {
		host string
		want int
	}{{"192.168.1.7:8080", 200}, {"[fe80::1]:8080", 200}, {name, 200}, {"localhost", 200}, {"evil.example", 403}} {
		if got := rawStatus(t, real, "/a/", tt.host); got != tt.want {
			t.Errorf("GET /a/ with Host %s: %d, want %d", tt.host, got, tt.want)
		}
	}
}
