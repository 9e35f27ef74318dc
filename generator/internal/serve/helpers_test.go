package serve

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// testSite is a small content folder: a home page and two articles, one
// with a figure of the fake "line" experiment.
const testSite = `
-- site.yaml --
title: Test site
url: https://example.org
-- index.md --
---
title: Home
description: The home page.
---
Welcome to the test site.
-- a.md --
---
title: Article A
description: The first article.
order: 1
---
Prose of A, version 1.

:::figure{#fig-line experiment=line slope=2 alt="a straight line"}
A line.
:::

Its slope is :val[fig-line.slope].
-- b.md --
---
title: Article B
description: The second article.
order: 2
---
Prose of B.
`

// fakeExperiments is a registry of cheap experiments for ts:
//
//   - "line", whose drawing also depends on ts.style, so a test can change
//     a figure without touching its directive, as an edit to an
//     experiment's code would; the fingerprint follows ts.style, as it
//     would follow the code;
//   - "slow", which runs until it is cancelled;
//   - "big", whose data table is about a megabyte, different for each n.
func fakeExperiments(ts *testServer) *lab.Registry {
	line := &lab.Experiment{
		Name:   "line",
		Doc:    "A straight line.",
		Params: []lab.Param{lab.Float("slope", 1, -10, 10, "the slope")},
		Run: func(ctx context.Context, a lab.Args, _ *rand.Rand) (*lab.Result, error) {
			ts.runs.Add(1)
			slope := a.Float("slope")
			p := lab.NewPlot("A line, style "+strconv.FormatInt(ts.style.Load(), 10), "x", "y")
			xys := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: slope}}
			l, err := lab.Series(xys, int(ts.style.Load()%4), false)
			if err != nil {
				return nil, err
			}
			p.Add(l)
			r := &lab.Result{Plots: []*plot.Plot{p}, Width: 120, Height: 90}
			r.Data = lab.Table{Header: []string{"x", "y"}}
			r.Data.Add(0.0, 0.0)
			r.Data.Add(1.0, slope)
			r.Float("slope", "%.2f", slope)
			return r, nil
		},
	}
	slow := &lab.Experiment{
		Name:   "slow",
		Doc:    "Runs until it is cancelled.",
		Params: []lab.Param{lab.Int("n", 1, 1, 100, "tells runs apart")},
		Run: func(ctx context.Context, a lab.Args, _ *rand.Rand) (*lab.Result, error) {
			ts.slowStarted.Add(1)
			select {
			case <-ctx.Done():
				ts.slowCancelled.Add(1)
				return nil, ctx.Err()
			case <-ts.stop:
				return nil, errors.New("the test ended")
			}
		},
	}
	big := &lab.Experiment{
		Name:   "big",
		Doc:    "A megabyte of data.",
		Params: []lab.Param{lab.Int("n", 1, 1, 1000, "tells runs apart")},
		Run: func(ctx context.Context, a lab.Args, _ *rand.Rand) (*lab.Result, error) {
			r := &lab.Result{Data: lab.Table{Header: []string{"i", "n"}}}
			n := a.Int("n")
			for i := range bigRows {
				r.Data.Add(i, n)
			}
			r.Float("n", "%.0f", float64(n))
			return r, nil
		},
	}
	reg := lab.NewRegistry(big, line, slow)
	reg.Fingerprint = func(*lab.Experiment) string { return "style" + strconv.FormatInt(ts.style.Load(), 10) }
	return reg
}

// bigRows makes the "big" experiment's table about a megabyte.
const bigRows = 100_000

func writeFile(t testing.TB, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A testServer is a dev server on a loopback port, serving testSite from
// a temporary folder.
type testServer struct {
	*Server
	dir     string // the temporary folder: content/, public/
	content string
	style   atomic.Int64
	runs    atomic.Int64
	done    chan error
	stop    chan struct{} // closed when the test ends

	slowStarted, slowCancelled atomic.Int64
}

// startServer starts a server; edit may change its configuration first.
func startServer(t testing.TB, edit func(*Config)) *testServer {
	t.Helper()
	ts := &testServer{dir: t.TempDir(), done: make(chan error, 1), stop: make(chan struct{})}
	ts.content = filepath.Join(ts.dir, "content")
	sitetest.Write(t, ts.content, testSite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Site: site.Config{
			Content:  ts.content,
			Out:      filepath.Join(ts.dir, "public"),
			Cache:    "-",
			Registry: fakeExperiments(ts),
		},
		Listener: ln,
	}
	if testing.Verbose() {
		cfg.Log = os.Stderr
	}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server = s
	ctx, cancel := context.WithCancel(context.Background())
	go func() { ts.done <- s.Run(ctx) }()
	t.Cleanup(func() {
		close(ts.stop)
		cancel()
		select {
		case err := <-ts.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run did not return")
		}
	})
	ts.waitBuilds(t, 1)
	return ts
}

// waitBuilds waits until n builds have finished.
func (ts *testServer) waitBuilds(t testing.TB, n int64) {
	t.Helper()
	eventually(t, fmt.Sprintf("build %d", n), func() bool { return ts.builds.Load() >= n })
}

// waitPublished waits until the version the server publishes has, as its
// output file file, a page holding text, and returns that version. A save
// may cost more builds than one (a late event of it starts another), so
// counting builds does not tell which one built it, and a build's output
// is served a moment before its version is published.
func (ts *testServer) waitPublished(t testing.TB, file, text string) string {
	t.Helper()
	var version string
	eventually(t, fmt.Sprintf("%s with %q to be published", file, text), func() bool {
		version = ts.status.Load().version
		m, ok := ts.history.get(version)
		if !ok {
			return false
		}
		data, err := os.ReadFile(filepath.Join(ts.out, filepath.FromSlash(file)))
		return err == nil && strings.Contains(string(data), text) && m[file] == sha256.Sum256(data)
	})
	return version
}

// get fetches a path of the site and returns its status and body.
func (ts *testServer) get(t testing.TB, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + ts.Addr().String() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// getURL fetches an address and returns its body.
func getURL(t testing.TB, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// getStatus fetches an address and returns its status code.
func getStatus(t testing.TB, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// An event is one Server-Sent Event.
type event struct {
	name, id, data string
}

// A stream is an open event stream, as a page would have it.
type stream struct {
	events chan event
	resp   *http.Response
}

// openStream connects to the event stream as the page at file, showing
// the site's current version, would.
func (ts *testServer) openStream(t testing.TB, file string) *stream {
	t.Helper()
	return openStreamAt(t, ts.Addr().String(), ts.status.Load().version, file)
}

func openStreamAt(t testing.TB, addr, version, file string) *stream {
	t.Helper()
	q := url.Values{"v": {version}, "file": {file}}
	resp, err := http.Get("http://" + addr + eventsPath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("event stream: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	s := &stream{events: make(chan event, 100), resp: resp}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "event":
				ev.name = v
			case "id":
				ev.id = v
			case "data":
				ev.data = v
			case "":
				if ev.name != "" {
					s.events <- ev
				}
				ev = event{}
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return s
}

// next returns the next event other than problems with an empty list,
// failing the test after timeout.
func (s *stream) next(t testing.TB, timeout time.Duration) event {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ev := s.nextRaw(t, time.Until(deadline))
		if ev.name == "problems" && ev.data == "[]" {
			continue
		}
		return ev
	}
}

// nextRaw returns the next event, failing the test after timeout.
func (s *stream) nextRaw(t testing.TB, timeout time.Duration) event {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return ev
	case <-timer.C:
		t.Fatalf("no event within %v", timeout)
		return event{}
	}
}

// expect waits for an event with the given name.
func (s *stream) expect(t testing.TB, name string) event {
	t.Helper()
	return s.expectWithin(t, name, 10*time.Second)
}

// expectWithin waits as long as timeout for an event with the given name.
func (s *stream) expectWithin(t testing.TB, name string, timeout time.Duration) event {
	t.Helper()
	ev := s.next(t, timeout)
	if ev.name != name {
		t.Fatalf("got event %s %s, want %s", ev.name, ev.data, name)
	}
	return ev
}

// quiet checks that no event other than an empty problems list arrives
// within d.
func (s *stream) quiet(t testing.TB, d time.Duration) {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev := <-s.events:
			if ev.name == "problems" && ev.data == "[]" {
				continue
			}
			t.Fatalf("unexpected event %s %s", ev.name, ev.data)
		case <-timer.C:
			return
		}
	}
}

func decode[T any](t testing.TB, data string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		t.Fatalf("decoding %q: %v", data, err)
	}
	return v
}

// logLines collects a server's log for a test to wait on, and passes it
// on to stderr with -v.
type logLines struct {
	mu   sync.Mutex
	text strings.Builder
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.text.Write(p)
	l.mu.Unlock()
	if testing.Verbose() {
		os.Stderr.Write(p)
	}
	return len(p), nil
}

// count returns how many times the log holds s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.text.String(), s)
}

// waitCount waits until the log holds s n times.
func (l *logLines) waitCount(t testing.TB, s string, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%q %d times in the log", s, n), func() bool { return l.count(s) >= n })
}

// lastEvent returns when the watcher last recorded a change.
func (w *watcher) lastEvent() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}
