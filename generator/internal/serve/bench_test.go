package serve

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
	st := ts.openStream(b, "a/index.html")
	path := filepath.Join(ts.content, "a.md")
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
