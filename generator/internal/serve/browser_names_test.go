package serve

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// An image copied from the content folder under a name that addresses
// escape is swapped in place when it changes, like a figure.
func TestBrowserSwapsAnImageWithAnyName(t *testing.T) {
	t.Parallel()
	ctx := sitetest.Browser(t) // skips without Chromium, unless CI requires it
	ts := startServer(t, nil)
	image := filepath.Join(ts.content, "a", "My plot (1) #2.svg")
	writeFile(t, image, `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)
	writeFile(t, filepath.Join(ts.content, "a.md"), articleA("![A plot](<My plot (1) %232.svg>)"))
	ts.waitBuilds(t, 2)

	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Navigate("http://"+ts.Addr().String()+"/a/")); err != nil {
		t.Fatal(err)
	}
	wait := func(what, cond string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			ok, err := chromedp.Run(c, chromedp.Evaluate[bool](cond))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("waited 15s for %s (%s): %v", what, cond, err)
			}
		}
	}
	wait("the page to connect", `document.documentElement.dataset.serveProblems === "0"`)
	if _, err := chromedp.Run(c, chromedp.Evaluate[chromedp.Void](`window.marker = 1`)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, image, `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>`)
	wait("the swap", `document.querySelector('img[src*="?v="]') !== null && window.marker === 1`)
}
