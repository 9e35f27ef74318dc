package serve

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
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

var (
	rssSaves  = flag.Int("rss-saves", 0, "run TestRSSAfterSaves with this many saves")
	rssBinary = flag.String("rss-binary", "", "the generator TestRSSAfterSaves runs (default: built from this module)")
)

// TestRSSAfterSaves measures the server's memory over a long session: the
// real generator serves a copy of the explainer, and one figure
// (products-of-parameters/fig-linear) is saved again and again with a new
// grid size, so that each save runs its experiment. It reports the
// server's resident memory and the cache folder's size as it goes. Run it
// with
//
//	go test ./generator/internal/serve -run TestRSSAfterSaves -v -timeout 1h -args -rss-saves 100
func TestRSSAfterSaves(t *testing.T) {
	if *rssSaves == 0 {
		t.Skip("a measurement: run it with -rss-saves N")
	}
	if *rssSaves > 100 {
		t.Fatal("-rss-saves: at most 100 (grid sizes 102 to 201)")
	}
	tmp := t.TempDir()
	bin := *rssBinary
	if bin == "" {
		bin = filepath.Join(tmp, "generator")
		build := exec.Command("go", "build", "-o", bin, "./generator")
		build.Dir = moduleDir(t)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	content := filepath.Join(tmp, "content")
	if err := os.CopyFS(content, os.DirFS(filepath.Join(moduleDir(t), "content"))); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(tmp, "cache")
	// A busy machine must not turn a slow experiment into an error.
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-content", content, "-cache", cache, "-budget", "10m")
	cmd.Dir = tmp // outside the module: Go code is not watched
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	addrs := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "serving http://"); ok {
				addrs <- strings.TrimSuffix(u, "/")
			}
		}
	}()
	var addr string
	select {
	case addr = <-addrs:
	case <-time.After(30 * time.Minute):
		t.Fatal("the server did not start")
	}
	status := func(field string) float64 {
		data, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				return kb / 1024
			}
		}
		t.Fatalf("no %s in /proc/%d/status", field, cmd.Process.Pid)
		return 0
	}
	report := func(saves int) {
		t.Logf("after %3d saves: RSS %6.1f MB (peak %6.1f MB), cache %6.1f MB",
			saves, status("VmRSS"), status("VmHWM"), float64(folderSize(t, cache))/(1<<20))
	}
	report(0)

	page := "products-of-parameters/index.html"
	article := filepath.Join(content, "products-of-parameters.md")
	src := readFile(t, article)
	const directive = "{#fig-linear experiment=linear-two-layer}"
	if !strings.Contains(src, directive) {
		t.Fatalf("%s has no %s", article, directive)
	}
	m := versionAttr.FindStringSubmatch(getURL(t, "http://"+addr+"/"+path.Dir(page)+"/"))
	if m == nil {
		t.Fatal("no version in the page")
	}
	st := openStreamAt(t, addr, m[1], page)
	for i := 1; i <= *rssSaves; i++ {
		grid := fmt.Sprintf("{#fig-linear experiment=linear-two-layer grid=%d}", 101+i)
		writeFile(t, article, strings.Replace(src, directive, grid, 1))
		for {
			ev := st.next(t, 5*time.Minute)
			if ev.name == "problems" {
				t.Fatalf("save %d: %s", i, ev.data)
			}
			if ev.name == "figures" || ev.name == "reload" {
				break
			}
		}
		if i%10 == 0 {
			report(i)
		}
	}
}
