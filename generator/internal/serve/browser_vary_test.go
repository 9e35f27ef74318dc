package serve

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// variedA is a.md with a figure the reader can turn, slope 2 shown first.
const variedA = `---
title: Article A
description: The first article.
order: 1
---
:::figure{#fig-line experiment=line slope=2 vary="slope=1,2,3" alt="a straight line"}
A line of slope :val[fig-line.slope].
:::
`

// When the experiment of a varied figure changes, the page swaps every
// setting in place, as it does a plain figure: the one shown loads again,
// the hidden ones only when the reader chooses them, and they come in
// their new drawing.
func TestBrowserSwapsTheSettingsOfAVariedFigure(t *testing.T) {
	t.Parallel()
	ctx := sitetest.Browser(t) // skips without Chromium, unless CI requires it
	ts := startServer(t, nil)
	writeFile(t, filepath.Join(ts.content, "a.md"), variedA)
	ts.waitBuilds(t, 2)

	b := tab{t, ctx}
	do, eval, wait := b.do, b.eval, b.wait
	// fetched lists the figures the page has fetched, with their query
	// (the site's icon, also an SVG, is not a figure).
	fetched := func() string {
		t.Helper()
		v, err := eval(`performance.getEntriesByType("resource").map(e => new URL(e.name)).map(u => u.pathname.split("/").pop() + u.search).filter(f => f.startsWith("fig-") && /\.svg($|\?)/.test(f)).sort().join(" ")`)
		if err != nil {
			t.Fatal(err)
		}
		return v.(string)
	}

	do("opening the page", chromedp.Navigate("http://"+ts.Addr().String()+"/a/"))
	wait("the page to connect", `document.documentElement.dataset.serveProblems === "0"`)
	wait("the figure", `document.querySelector("#fig-line .initial img").complete`)
	if got := fetched(); got != "fig-line.svg" {
		t.Fatalf("the page fetched %q, want the setting shown alone", got)
	}

	do("marking the page", chromedp.Evaluate[chromedp.Void](`window.marker = 1`))
	ts.style.Add(1)
	writeFile(t, filepath.Join(ts.content, "a.md"), variedA)
	wait("every setting swapped", `Array.from(document.querySelectorAll("#fig-line img")).every(i => i.src.includes(".svg?v="))`)
	wait("the setting shown to load", `document.querySelector("#fig-line .initial img").complete`)
	v, _ := eval(`document.documentElement.dataset.serveVersion`)
	version, _ := v.(string)
	if got, want := fetched(), "fig-line.svg fig-line.svg?v="+version; got != want {
		t.Errorf("after the swap the page fetched %q, want %q: the hidden settings wait to be chosen", got, want)
	}
	if m, _ := eval(`window.marker`); m != 1.0 {
		t.Error("the page reloaded")
	}

	// The reader chooses another setting: it loads then, in its new drawing.
	do("choosing slope 3", chromedp.Click(chromedp.CSS(`#fig-line input[value="3"]`)))
	wait("slope 3 to load", `(() => { const i = document.querySelector('#fig-line img[src*="slope-3.svg"]'); return i.checkVisibility() && i.complete && i.naturalWidth > 0 })()`)
	if got := fetched(); !strings.Contains(got, "fig-line.slope-3.svg?v="+version) || strings.Contains(got, "fig-line.slope-3.svg ") || strings.Contains(got, "slope-1") {
		t.Errorf("after choosing slope 3 the page has fetched %q", got)
	}
}
