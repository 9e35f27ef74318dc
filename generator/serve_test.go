package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// The server builds into a folder of its own: public/ holds what build
// wrote, whatever the server does meanwhile, a publishing build does not
// change what the server serves, and the server's folder goes when it
// stops.
func TestServeBuildsIntoItsOwnFolder(t *testing.T) {
	p := &project{dir: t.TempDir(), fakes: sitetest.NewFakes()}
	sitetest.Write(t, filepath.Join(p.dir, "content"), sitetest.Site)
	if code, _, stderr := p.run(t, "build", "-base", "/explainer/"); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	public := filepath.Join(p.dir, "public")
	published := sitetest.Tree(t, public)

	var log sitetest.Log
	ctx, cancel := context.WithCancel(context.Background())
	c := &cli{stdout: io.Discard, stderr: &log, registry: p.fakes.Registry}
	done := make(chan int, 1)
	go func() { done <- c.run(ctx, []string{"serve", "-addr", "127.0.0.1:0"}) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("serve: exit status %d\n%s", code, log.String())
			}
		}
	}
	defer stop()
	var addr string
	deadline := time.Now().Add(time.Minute)
	for addr == "" {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
		if _, rest, ok := strings.Cut(log.String(), "serving http://"); ok {
			addr, _, _ = strings.Cut(rest, "/")
		}
	}
	page := func(path string) string {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return string(body)
	}
	if !strings.Contains(page("/first/"), `href="/second/"`) {
		t.Errorf("the server does not serve its own build, for base /")
	}
	if now := sitetest.Tree(t, public); !maps.Equal(now, published) {
		t.Errorf("the server wrote into public/")
	}
	own, _ := filepath.Glob(filepath.Join(os.TempDir(), "explainer-preview-"+strconv.Itoa(os.Getpid())+"-*"))
	if len(own) != 1 {
		t.Fatalf("the server's folders: %q, want one", own)
	}

	// A publishing build while the server runs, then an edit.
	if code, _, stderr := p.run(t, "build", "-base", "/explainer/"); code != 0 {
		t.Fatalf("build during serve: %s", stderr)
	}
	first := filepath.Join(p.dir, "content", "first.md")
	src, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(first, bytes.Replace(src, []byte("## Start"), []byte("## Edited start"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(page("/first/"), "Edited start") {
		if time.Now().After(deadline.Add(time.Minute)) {
			t.Fatal("the edit never showed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if body := page("/first/"); strings.Contains(body, "/explainer/") {
		t.Errorf("the publishing build changed what the server serves")
	}
	if now := sitetest.Tree(t, public); !maps.Equal(now, published) {
		t.Errorf("public/ is not what build wrote")
	}

	stop()
	if _, err := os.Stat(own[0]); !os.IsNotExist(err) {
		t.Errorf("the server's folder outlived it: %v", err)
	}
}
