package serve

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fifty pages following the event stream, and a steady stream of
// requests, during repeated rebuilds: no request fails, and every page
// ends on the last version.
func TestManyClientsDuringRebuilds(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	const pages = 50
	streams := make([]*stream, pages)
	for i := range streams {
		streams[i] = ts.openStream(t, "a/index.html")
	}
	for ts.hub.count() < pages {
		time.Sleep(time.Millisecond)
	}

	var requests, failures atomic.Int64
	var mu sync.Mutex
	var firstFailure string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/a/", "/a/fig-line.svg", "/", "/b/", "/a/fig-line.csv", "/feed.xml"}
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := paths[i%len(paths)]
				resp, err := client.Get("http://" + ts.Addr().String() + p)
				requests.Add(1)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("%s", resp.Status)
					}
					if err == nil && len(body) == 0 {
						err = fmt.Errorf("empty body")
					}
				}
				if err != nil {
					failures.Add(1)
					mu.Lock()
					if firstFailure == "" {
						firstFailure = p + ": " + err.Error()
					}
					mu.Unlock()
				}
			}
		}()
	}

	const rebuilds = 12
	var final string // the version of the last edit
	for i := range rebuilds {
		edit := fmt.Sprintf("Prose of A, edit %d.", i)
		writeFile(t, filepath.Join(ts.content, "a.md"), articleA(edit))
		final = ts.waitPublished(t, "a/index.html", edit)
	}
	close(stop)
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of %d requests failed; the first: %s", n, requests.Load(), firstFailure)
	}
	t.Logf("%d requests during %d rebuilds", requests.Load(), rebuilds)

	for i, st := range streams {
		var last event
		for last.id != final {
			last = st.next(t, 10*time.Second)
			if last.name != "reload" {
				t.Fatalf("page %d got %s %s", i, last.name, last.data)
			}
		}
	}
	if _, body := ts.get(t, "/a/"); !strings.Contains(body, fmt.Sprintf("edit %d.", rebuilds-1)) {
		t.Errorf("the last edit is not served")
	}
}
