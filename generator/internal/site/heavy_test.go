package site

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// heavyArticle returns an article of about size bytes, nearly all of it
// sentences with an inline formula each, every formula different, and
// the number of formulas.
func heavyArticle(size int) (string, int) {
	var b strings.Builder
	b.Grow(size + 100)
	b.WriteString("---\ntitle: Heavy\ndescription: Ten megabytes of formulas.\n---\n")
	n := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "The term $a_{%d} + b^{%d}$ is small and grows slowly. ", n, n%7)
		n++
		if n%8 == 0 {
			b.WriteString("\n\n")
		}
	}
	return b.String(), n
}

// heapUse is what a run of a function did with the heap.
type heapUse struct {
	live  uint64 // the most the collector found live after a cycle
	peak  uint64 // the largest heap, garbage included, sampled each millisecond
	total uint64 // bytes allocated in all
}

// measureHeap runs f and measures its use of the heap, beyond what was
// live before.
func measureHeap(f func()) heapUse {
	runtime.GC()
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/allocs:bytes"},
	}
	metrics.Read(samples)
	baseLive, basePeak, allocs := samples[0].Value.Uint64(), samples[1].Value.Uint64(), samples[2].Value.Uint64()
	var u heapUse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples[:2])
			u.live = max(u.live, samples[0].Value.Uint64()-min(baseLive, samples[0].Value.Uint64()))
			u.peak = max(u.peak, samples[1].Value.Uint64()-min(basePeak, samples[1].Value.Uint64()))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	metrics.Read(samples)
	u.total = samples[2].Value.Uint64() - allocs
	return u
}

// TestHeavyArticleStaysBounded builds a 10 MB article with 160,000 inline
// formulas, every one different, and checks that the heap, garbage
// included, stays within 20 times the article's size. (Before the article
// was kept as HTML rather than as a syntax tree, with its math rendered
// as the HTML was made, it reached 97 times.)
func TestHeavyArticleStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10 MB article")
	}
	src, formulas := heavyArticle(10 << 20)
	cfg := testConfig(t, sitetest.Site, sitetest.NewFakes())
	if err := os.WriteFile(filepath.Join(cfg.Content, "heavy.md"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	u := measureHeap(func() { _, err = NewBuilder(cfg).Build(context.Background()) })
	if err != nil {
		t.Fatal(err)
	}
	size := float64(len(src))
	t.Logf("%d formulas in %.1f MB: at most %.0f MB live (%.1f×), heap peak %.0f MB (%.1f×), %.0f MB allocated in all",
		formulas, size/(1<<20), float64(u.live)/(1<<20), float64(u.live)/size,
		float64(u.peak)/(1<<20), float64(u.peak)/size, float64(u.total)/(1<<20))
	if ratio := float64(u.peak) / size; ratio > 20 {
		t.Errorf("the build's heap reached %.1f times the article's size; want at most 20", ratio)
	}
	// The feed gives so long an article by its summary, not its text.
	feed, err := os.ReadFile(filepath.Join(cfg.Out, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(feed) > maxFeedText || !strings.Contains(string(feed), "<summary>Ten megabytes of formulas.</summary>\n</entry>") {
		t.Errorf("the feed holds %d bytes, and not the long article by its summary alone", len(feed))
	}
}
