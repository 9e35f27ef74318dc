package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nonconvex/explainer/figures"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// TestWhatAReaderSees builds the real explainer, follows every link, and
// opens every page in headless Chromium on a phone and on a desktop, in
// light and dark mode. A link must lead to a page that has its fragment; a
// page must fit its width without sideways scrolling, load every figure,
// lay out its math, and run no script. With EXPLAINER_SCREENSHOTS set to a
// folder, it also saves a full-page screenshot of each.
func TestWhatAReaderSees(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole explainer")
	}
	dir := t.TempDir()
	cfg := Config{
		Content:  filepath.Join("..", "..", "..", "content"),
		Out:      filepath.Join(dir, "public"),
		Cache:    filepath.Join(dir, "cache"),
		Registry: figures.Default(),
	}
	b := NewBuilder(cfg)
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatalf("the explainer does not build: %v", err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(cfg.Out)))
	defer srv.Close()
	// Every link a reader can follow leads somewhere, fragments included.
	sitetest.Crawl(t, srv.URL, "/")
	ctx := sitetest.Browser(t)

	pages := []string{"/", "/experiments/", "/404.html"}
	entries, _ := os.ReadDir(cfg.Out)
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(cfg.Out, e.Name(), "index.html")); err == nil && e.Name() != "experiments" {
			pages = append(pages, "/"+e.Name()+"/")
		}
	}
	shots := os.Getenv("EXPLAINER_SCREENSHOTS")

	for _, width := range []int64{375, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			for _, page := range pages {
				name := strings.Trim(strings.ReplaceAll(page, "/", "-"), "-")
				if name == "" {
					name = "home"
				}
				run := func(what string, action chromedp.Action[chromedp.Void]) {
					t.Helper()
					c, cancel := context.WithTimeout(ctx, 30*time.Second)
					defer cancel()
					if _, err := chromedp.Run(c, action); err != nil {
						t.Fatalf("%s %s at %d px: %s: %v", page, scheme, width, what, err)
					}
				}
				eval := func(expr string) any {
					t.Helper()
					c, cancel := context.WithTimeout(ctx, 10*time.Second)
					defer cancel()
					v, err := chromedp.Run(c, chromedp.Evaluate[any](expr))
					if err != nil {
						t.Fatalf("%s: %s: %v", page, expr, err)
					}
					return v
				}
				run("emulating the screen", chromedp.Steps(
					chromedp.EmulateViewport(width, 900),
					chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
						_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
							Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
						})
						return err
					}),
				))
				run("loading", chromedp.Navigate(srv.URL+page))
				// Figures are images: wait until each has loaded or failed.
				poll := `Array.from(document.images).every(i => i.complete)`
				for deadline := time.Now().Add(10 * time.Second); eval(poll) != true; {
					if time.Now().After(deadline) {
						t.Fatalf("%s: images still loading", page)
					}
					time.Sleep(50 * time.Millisecond)
				}
				where := page + " (" + scheme + ", " + itoa(width) + " px)"
				if got := eval(`document.documentElement.scrollWidth - window.innerWidth`); got.(float64) > 0 {
					t.Errorf("%s: the page is %v px wider than the screen", where, got)
				}
				if got := eval(`Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.src).join(" ")`); got != "" {
					t.Errorf("%s: figures that did not load: %v", where, got)
				}
				if got := eval(`Array.from(document.querySelectorAll("math")).filter(m => m.getBoundingClientRect().width === 0 && m.offsetParent !== null).length`); got.(float64) > 0 {
					t.Errorf("%s: %v formulas were not laid out", where, got)
				}
				if got := eval(`document.scripts.length`); got.(float64) != 0 {
					t.Errorf("%s: %v scripts", where, got)
				}
				// Figures sit on white paper in both schemes; the page follows
				// the reader's scheme.
				if got := eval(`Array.from(document.querySelectorAll(".figure img")).map(i => getComputedStyle(i).backgroundColor).filter(c => c !== "rgb(255, 255, 255)" && c !== "rgb(244, 244, 241)").length`); got.(float64) > 0 {
					t.Errorf("%s: %v figures are not on light paper", where, got)
				}
				dark := eval(`getComputedStyle(document.body).backgroundColor`) == "rgb(22, 23, 26)"
				if dark != (scheme == "dark") {
					t.Errorf("%s: the page background does not follow the scheme", where)
				}
				if shots != "" {
					c, cancel := context.WithTimeout(ctx, 30*time.Second)
					png, err := chromedp.Run(c, chromedp.FullScreenshot(90))
					cancel()
					if err != nil {
						t.Fatal(err)
					}
					os.MkdirAll(shots, 0o755)
					os.WriteFile(filepath.Join(shots, name+"-"+itoa(width)+"-"+scheme+".jpg"), png, 0o644)
				}
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
