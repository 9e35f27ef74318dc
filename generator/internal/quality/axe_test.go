package quality

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// A violation is what axe-core reports of one rule a page breaks.
type violation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target         []any
		FailureSummary string
	}
}

// axeTabs is how many pages axe-core checks at once, each in a tab of
// its own: on two cores, one tab leaves a core idle while the other
// checks, as axe-core runs on one thread. What it finds does not depend
// on timing: each tab has its own window size and colour scheme.
const axeTabs = 2

// TestAccessible runs axe-core in Chromium on every page of the explainer,
// on a phone and on a desktop, in the light and the dark scheme: no rule
// may be broken, whatever its impact.
func TestAccessible(t *testing.T) {
	t.Parallel()
	dir := explainer(t)
	axe, err := os.ReadFile(npmTool(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	origin := serve(t, dir)
	browser := sitetest.Browser(t)
	queue := make(chan string)
	var wg sync.WaitGroup
	for range axeTabs {
		// A tab of the browser, in a window of its own so that it is
		// shown, closed when its pages are done. Its first action opens
		// it: not under a timeout, which would close the tab when it
		// expired.
		ctx, closeTab := chromedp.NewContext(browser)
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			closeTab()
			t.Fatalf("opening a tab: %v", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer closeTab()
			for page := range queue {
				name := strings.Trim(page, "/")
				if name == "" {
					name = "home"
				}
				t.Run(name, func(t *testing.T) { checkPage(t, ctx, origin+page, page, string(axe)) })
			}
		}()
	}
	for _, page := range pages(t, dir) {
		queue <- page
	}
	close(queue)
	wg.Wait()
}

// checkPage loads the page at url in the tab ctx and runs axe-core on it
// in each of the four views.
func checkPage(t *testing.T, ctx context.Context, url, page, axe string) {
	if err := load(ctx, url); err != nil {
		t.Fatal(err)
	}
	// One load of the page serves the four views: changing the
	// window's width or the scheme lays the page out again.
	for _, width := range []int64{375, 1280} {
		for _, scheme := range []string{"light", "dark"} {
			where := fmt.Sprintf("%s at %d px, %s", page, width, scheme)
			start := time.Now()
			vs, err := axeRun(ctx, width, scheme, axe)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			t.Logf("%s: %d violations in %v", where, len(vs), time.Since(start).Round(time.Millisecond))
			for _, v := range vs {
				var nodes []string
				for _, n := range v.Nodes {
					nodes = append(nodes, fmt.Sprintf("\t%v: %s", n.Target, strings.ReplaceAll(n.FailureSummary, "\n", " ")))
				}
				t.Errorf("%s: %s (%s): %s, %d nodes:\n%s", where, v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(nodes, "\n"))
			}
		}
	}
}

// shownImages is a script whose value is the page's images a reader
// sees: not the hidden settings of a varied figure, which a browser does
// not load until they are chosen, so that waiting for them never ends.
const shownImages = `Array.from(document.images).filter(i => i.checkVisibility())`

// load opens a page and waits for its fonts and figures. The time it
// allows is generous: it bounds a hang, on a machine that may be busy.
func load(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	// A figure below the first screen loads lazily, as the reader nears
	// it: the checks look at every figure loaded.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`Promise.all([document.fonts.ready,
		...`+shownImages+`.map(i => { i.loading = "eager"; return i.decode().catch(() => {}); })]).then(() => true)`, chromedp.EvalAwaitPromise))
	return err
}

// axeRun shows the page loaded in a window of the width, in the colour
// scheme, and returns what axe-core finds wrong with it.
func axeRun(ctx context.Context, width int64, scheme, axe string) ([]violation, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 900),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		}),
	)
	if err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.axe ? true : (`+"(() => {"+axe+"})()"+`, true)`)); err != nil {
		return nil, fmt.Errorf("loading axe-core: %w", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, err
	}
	return vs, nil
}
