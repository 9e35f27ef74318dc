package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nonconvex/explainer/figures"
)

// BenchmarkReloadLatency measures an edit's way to the browser: from the
// moment the file is written to the moment the page's event stream
// delivers the reload, debounce and build included. It reports the median
// and 95th percentile; a prose edit should take at most 100 ms (median).
func BenchmarkReloadLatency(b *testing.B) {
	b.Run("prose", func(b *testing.B) {
		benchmarkLatency(b, func(i int) string {
			return articleA(fmt.Sprintf("Prose of A, edit %d.", i))
		})
	})
	// The same on the explainer itself: its content and experiments.
	b.Run("prose-explainer", func(b *testing.B) {
		benchmarkExplainer(b, func(src string, i int) string {
			return strings.Replace(src, "one bad chord is enough", fmt.Sprintf("one bad chord is enough (edit %d)", i), 1)
		})
	})
	b.Run("figure-explainer", func(b *testing.B) {
		benchmarkExplainer(b, func(src string, i int) string {
			return strings.Replace(src, "loss=square points=201", fmt.Sprintf("loss=square points=%d", 101+i%5000), 1)
		})
	})
	b.Run("figure", func(b *testing.B) {
		// A new parameter value every time, so the experiment runs.
		benchmarkLatency(b, func(i int) string {
			slope := fmt.Sprintf("%.3f", -9+float64(i%18000)/1000)
			return strings.Replace(articleA("Prose of A."), "slope=2", "slope="+slope, 1)
		})
	})
}

func benchmarkLatency(b *testing.B, edit func(i int) string) {
	ts := startServer(b, nil)
	measureLatency(b, ts, "a/index.html", filepath.Join(ts.content, "a.md"), edit)
}

// benchmarkExplainer serves a copy of the project's content with the real
// experiments and edits the smallest-counterexample article.
func benchmarkExplainer(b *testing.B, edit func(src string, i int) string) {
	var content string
	ts := startServer(b, func(cfg *Config) {
		content = filepath.Join(b.TempDir(), "content")
		if err := os.CopyFS(content, os.DirFS(filepath.Join("..", "..", "..", "content"))); err != nil {
			b.Fatal(err)
		}
		cfg.Site.Content = content
		cfg.Site.Registry = figures.Default()
	})
	path := filepath.Join(content, "smallest-counterexample.md")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	measureLatency(b, ts, "smallest-counterexample/index.html", path, func(i int) string { return edit(string(src), i) })
}

func measureLatency(b *testing.B, ts *testServer, page, path string, edit func(i int) string) {
	st := ts.openStream(b, page)
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		writeFile(b, path, edit(i))
		start := time.Now()
		if ev := st.next(b, 10*time.Second); ev.name != "reload" {
			b.Fatalf("got %s %s", ev.name, ev.data)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(took[len(took)/2]), "ms-median")
	b.ReportMetric(ms(took[(len(took)*95)/100]), "ms-p95")
}
