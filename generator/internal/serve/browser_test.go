package serve

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// A tab drives the browser's page for one test, failing the test when an
// action fails or a condition does not come true.
type tab struct {
	t   *testing.T
	ctx context.Context
}

func (b tab) do(what string, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	c, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, action); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b tab) eval(expr string) (any, error) {
	c, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	return chromedp.Run(c, chromedp.Evaluate[any](expr))
}

// wait polls a condition from Go, so that a reload in between, which
// destroys the page's script context, is just another false.
func (b tab) wait(what, cond string) {
	b.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ok, err := b.eval(cond)
		if err == nil && ok == true {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited 15s for %s (%s): %v", what, cond, err)
		}
	}
}

func (b tab) check(what, cond string) {
	b.t.Helper()
	if ok, err := b.eval(cond); err != nil || ok != true {
		b.t.Errorf("%s: %s is not true (%v)", what, cond, err)
	}
}

// longArticleA is a.md with enough prose above the figure to scroll.
func longArticleA(version string) string {
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "Paragraph %d of filler, there to make the page long enough to scroll.\n\n", i)
	}
	return articleA("Prose of A, " + version + ".\n\n" + b.String())
}

// One page in a real browser, through the whole cycle: an edit reloads
// it, a build error covers it, the fix clears and reloads it, a changed
// figure is swapped in place without moving the page, and a server that
// goes away is announced and then rejoined.
func TestBrowser(t *testing.T) {
	t.Parallel()
	ctx := sitetest.Browser(t) // skips without Chromium, unless CI requires it
	ts := startServer(t, nil)
	writeFile(t, filepath.Join(ts.content, "a.md"), longArticleA("version 1"))
	ts.waitBuilds(t, 2)

	b := tab{t, ctx}
	do, wait, check := b.do, b.wait, b.check
	const (
		connected = `document.documentElement.dataset.serveProblems === "0"`
		overlay   = `document.getElementById("serve-ui").shadowRoot.querySelector(".overlay")`
		banner    = `document.getElementById("serve-ui").shadowRoot.querySelector(".banner")`
	)

	do("opening the page", chromedp.Navigate("http://"+ts.Addr().String()+"/a/"))
	wait("the page to connect", connected)

	// An edit reloads the page.
	do("marking the page", chromedp.Evaluate[chromedp.Void](`window.marker = 1`))
	writeFile(t, filepath.Join(ts.content, "a.md"), longArticleA("version 2"))
	wait("the reload", `window.marker === undefined && document.body.innerText.includes("version 2")`)
	wait("the page to connect", connected)

	// A build error covers the last good page, with its position.
	writeFile(t, filepath.Join(ts.content, "a.md"), longArticleA("version 3 :val[fig-nope.slope]"))
	wait("the error overlay", overlay+`.hidden === false && `+overlay+`.textContent.includes("a.md:6:")`)
	check("the last good page stays", `document.body.innerText.includes("version 2")`)

	// The fix clears the overlay and reloads.
	writeFile(t, filepath.Join(ts.content, "a.md"), longArticleA("version 4"))
	wait("the fix", `document.body.innerText.includes("version 4") && `+overlay+`.hidden === true`)
	wait("the page to connect", connected)

	// A figure that changes alone is swapped in place: no reload, no
	// scrolling.
	do("scrolling", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 400); window.marker = 2`))
	ts.style.Add(1)
	writeFile(t, filepath.Join(ts.content, "a.md"), longArticleA("version 4"))
	wait("the figure swap", `document.querySelector('img[src*="fig-line.svg?v="]') !== null`)
	wait("the new figure to load", `document.querySelector('img[src*="fig-line.svg?v="]').complete`)
	check("no reload", `window.marker === 2`)
	check("the scroll position kept", `window.scrollY === 400`)

	// The server goes away: the page says so; it comes back: the page
	// reconnects and the notice goes.
	ts.stopHTTP()
	wait("the disconnection notice", banner+`.hidden === false`)
	ts.ln.resume()
	ts.hub.reopen()
	ts.startHTTP()
	wait("the reconnection", banner+`.hidden === true`)
	check("no reload on reconnecting to the same site", `window.marker === 2`)
}
