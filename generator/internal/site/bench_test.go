package site

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nonconvex/explainer/figures"
)

// copyContent copies the project's content folder into a temporary one.
func copyContent(b *testing.B) string {
	dst := filepath.Join(b.TempDir(), "content")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("..", "..", "..", "content"))); err != nil {
		b.Fatal(err)
	}
	return dst
}

func benchConfig(b *testing.B, content string) Config {
	dir := b.TempDir()
	return Config{Content: content, Out: filepath.Join(dir, "public"), Cache: filepath.Join(dir, "cache"), Registry: figures.Default()}
}

// BenchmarkBuildCold builds the explainer from nothing: every experiment
// runs, no cache.
func BenchmarkBuildCold(b *testing.B) {
	content := copyContent(b)
	for b.Loop() {
		cfg := benchConfig(b, content)
		cfg.Cache = "-"
		if _, err := NewBuilder(cfg).Build(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildWarm rebuilds with nothing changed.
func BenchmarkBuildWarm(b *testing.B) {
	cfg := benchConfig(b, copyContent(b))
	bl := NewBuilder(cfg)
	if _, err := bl.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := bl.Build(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildProseEdit rebuilds after a one-line edit of an article's
// prose, as the dev server does on every save.
func BenchmarkBuildProseEdit(b *testing.B) {
	content := copyContent(b)
	cfg := benchConfig(b, content)
	bl := NewBuilder(cfg)
	if _, err := bl.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	article := filepath.Join(content, "smallest-counterexample.md")
	orig, err := os.ReadFile(article)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		edited := strings.Replace(string(orig), "one bad chord is enough", "one bad chord is enough (edit "+strconv.Itoa(i)+")", 1)
		if err := os.WriteFile(article, []byte(edited), 0o644); err != nil {
			b.Fatal(err)
		}
		r, err := bl.Build(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if r.Runs != 0 {
			b.Fatalf("a prose edit ran %d experiments", r.Runs)
		}
	}
}

// BenchmarkMarkdownThroughput compiles a generated corpus of 1,000
// figure-free articles from scratch, Markdown to finished pages in memory,
// and reports pages per second and the process's peak memory. Writing the
// pages is left out: it measures the disk, not the Markdown (see
// BenchmarkCorpusBuild for the whole build).
func BenchmarkMarkdownThroughput(b *testing.B) {
	content := filepath.Join(b.TempDir(), "content")
	writeCorpus(b, content, 1000)
	var pages int
	start := time.Now()
	for b.Loop() {
		cfg := benchConfig(b, content)
		site, _, err := NewBuilder(cfg).compile(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		var page bytes.Buffer
		for name, p := range site.files {
			page.Reset()
			if err := p.make(&page); err != nil && err != errNoFile {
				b.Fatal(err)
			}
			if strings.HasSuffix(name, ".html") {
				pages++
			}
		}
	}
	b.ReportMetric(float64(pages)/time.Since(start).Seconds(), "pages/s")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(hwm, "peak-MB")
	}
}

// BenchmarkCorpusBuild builds the corpus that vs-hugo.sh compares with
// Hugo (see writePeerCorpus) onto disk, from an empty output folder and
// without a cache, as the command does, at 1,000 and 10,000 articles. It
// reports pages per second and the process's peak memory during the
// build, which should grow no faster than the site (the pages are written
// as they are made).
func BenchmarkCorpusBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			content := filepath.Join(b.TempDir(), "content")
			writePeerCorpus(b, content, n)
			b.ReportAllocs()
			resetPeakRSS()
			var pages int
			start := time.Now()
			for b.Loop() {
				cfg := benchConfig(b, content)
				cfg.Cache = "-"
				r, err := NewBuilder(cfg).Build(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				pages += r.Pages
			}
			b.ReportMetric(float64(pages)/time.Since(start).Seconds(), "pages/s")
			if hwm := peakRSS(); hwm > 0 {
				b.ReportMetric(hwm, "peak-MB")
			}
		})
	}
}

// writeCorpus writes n articles of about 700 words each, with the
// Markdown an explainer uses: sections, emphasis, lists, tables, math,
// footnotes, references between articles, and code in one in ten.
func writeCorpus(b *testing.B, dir string, n int) {
	b.Helper()
	os.MkdirAll(dir, 0o755)
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("site.yaml", "title: Corpus\nurl: https://example.org\n")
	write("index.md", "---\ntitle: Corpus\ndescription: Generated articles.\n---\nA corpus for benchmarks.\n")
	para := "The loss of a network is a function of *all* its weights, and the **curvature** along a line " +
		"between two of them can be negative, as in `L(t)`, even when every output loss is convex. " +
		"A chord joins two points of the graph; convexity asks the graph to stay below it.\n\n"
	for i := range n {
		var s strings.Builder
		fmt.Fprintf(&s, "---\ntitle: Article %d\ndescription: Generated article number %d.\norder: %d\n---\n", i, i, i)
		for sec := range 4 {
			fmt.Fprintf(&s, "## Section %d {#sec-s%d}\n\n", sec, sec)
			s.WriteString(para + para)
			s.WriteString("- a point about $x^2 + y^2$\n- another, with a [link](https://example.org)\n- a third, see @sec-s0\n\n")
			s.WriteString("| model | convex |\n|---|---|\n| logistic | yes |\n| MLP | no |\n\n")
		}
		if i%10 == 0 { // explainers show code now and then
			fmt.Fprintf(&s, "```go\nfunc loss%d(w float64) float64 { return w * w }\n```\n\n", i)
		}
		fmt.Fprintf(&s, "$$\nL(w) = (w_1 w_2 - %d)^2\n$$ {#eq-e%d}\n\nBy @eq-e%d, and a note.[^n]\n\n[^n]: The note.\n", i, i, i)
		if i > 0 {
			fmt.Fprintf(&s, "\nSee also @article-%d/sec-s1.\n", i-1)
		}
		write(fmt.Sprintf("article-%d.md", i), s.String())
	}
}

// resetPeakRSS starts the measure of peakRSS afresh, where Linux allows
// it, after giving back to the system the memory of what ran before.
func resetPeakRSS() {
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS returns the process's peak resident memory in MB, from Linux's
// /proc, or 0 elsewhere.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
