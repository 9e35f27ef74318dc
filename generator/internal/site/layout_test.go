package site

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
	"gonum.org/v1/plot/plotter"
)

// noted is the test site with a footnote of two paragraphs and a second
// reference to it, and a long citation, for the layout tests.
var noted = strings.Replace(sitetest.Site, "@sec-start and @second/fig-wave [@boyd2004].",
	"@sec-start and @second/fig-wave [@boyd2004].[^why] Again.[^why]\n\n"+
		"[^why]: A note with $x^2$ in it.\n\n    And a second paragraph.\n\n"+
		":::figure{#fig-pair experiment=pair alt=\"Two panels.\"}\nTwo panels side by side.\n:::\n", 1)

// withPair adds to the fake experiments one that draws two panels side
// by side, a figure wider than the prose.
func withPair(f *sitetest.Fakes) *lab.Registry {
	pair := &lab.Experiment{Name: "pair", Doc: "Two panels.", Run: func(context.Context, lab.Args, *rand.Rand) (*lab.Result, error) {
		r := &lab.Result{Cols: 2}
		for i := range 2 {
			l, err := lab.Series(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: float64(i)}}, i, false)
			if err != nil {
				return nil, err
			}
			p := lab.NewPlot("", "x", "y")
			p.Add(l)
			r.Plots = append(r.Plots, p)
		}
		return r, nil
	}}
	reg := lab.NewRegistry(append(slices.Clone(f.Registry.Experiments), pair)...)
	reg.Fingerprint = func(*lab.Experiment) string { return "v1" }
	return reg
}

// TestLayoutAtEachWidth opens an article of a small site on a phone and
// on a desktop. On the phone, notes are at the end and nothing is wider
// than the screen; on the desktop, the footnote and the citation sit in
// the margin beside their lines, one below the other, and the notes at
// the end are hidden, as is each note's link to them.
func TestLayoutAtEachWidth(t *testing.T) {
	ctx := sitetest.Browser(t) // skips without Chromium, unless CI requires it
	cfg := testConfig(t, noted, sitetest.NewFakes())
	cfg.Registry = withPair(sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	srv := httptest.NewServer(http.FileServer(http.Dir(cfg.Out)))
	defer srv.Close()

	open := func(width int64) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, err := chromedp.Run(c, chromedp.Steps(
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(srv.URL+"/first/"),
		)); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string) any {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		v, err := chromedp.Run(c, chromedp.Evaluate[any](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	shown := func(sel string) bool {
		t.Helper()
		return eval(`(() => { const e = document.querySelector(` + "`" + sel + "`" + `); return !!e && e.getClientRects().length > 0 })()`).(bool)
	}

	open(375)
	if got := eval(`document.documentElement.scrollWidth - innerWidth`).(float64); got > 0 {
		t.Errorf("at 375 px the page is %v px wider than the screen", got)
	}
	if got := eval(`document.querySelector("#fig-pair img").getBoundingClientRect().right`).(float64); got > 375 {
		t.Errorf("at 375 px the wide figure ends at %v px", got)
	}
	for sel, want := range map[string]bool{".footnotes": true, ".footnote-ref": true, ".sidenote": false, ".sn-mark": false} {
		if shown(sel) != want {
			t.Errorf("at 375 px, %s shown: %v, want %v", sel, !want, want)
		}
	}

	open(1280)
	for sel, want := range map[string]bool{".footnotes": false, ".footnote-ref": false, ".sidenote[role=note]": true, ".cite-note": true, ".sn-mark": true} {
		if shown(sel) != want {
			t.Errorf("at 1280 px, %s shown: %v, want %v", sel, !want, want)
		}
	}
	// Each note lies right of the prose, within the screen, and starts
	// on the line of its reference (or below the note before it).
	got := eval(`(() => {
		const prose = document.querySelector(".prose").getBoundingClientRect();
		const out = [];
		let bottom = -Infinity;
		for (const n of document.querySelectorAll(".sidenote")) {
			const r = n.getBoundingClientRect();
			const mark = n.previousElementSibling.getBoundingClientRect();
			if (r.left < prose.right + 16) out.push("note starts at " + r.left + ", inside the prose, which ends at " + prose.right);
			if (r.right > innerWidth) out.push("note ends at " + r.right + ", off the screen");
			if (r.top < bottom) out.push("note overlaps the one above it");
			if (r.top > Math.max(mark.bottom, bottom) + 24) out.push("note starts at " + r.top + ", far below its reference at " + mark.top);
			bottom = r.bottom;
		}
		return out.join("; ");
	})()`)
	if got != "" {
		t.Errorf("at 1280 px: %s", got)
	}
	// The wide figure takes the margin too, its caption below it; a
	// figure of the prose's width has its caption in the margin.
	if got := eval(`(() => {
		const prose = document.querySelector(".prose").getBoundingClientRect();
		const img = document.querySelector("#fig-pair img").getBoundingClientRect();
		const cap = document.querySelector("#fig-pair figcaption").getBoundingClientRect();
		const one = document.querySelector("#fig-line img").getBoundingClientRect();
		const oneCap = document.querySelector("#fig-line figcaption").getBoundingClientRect();
		const out = [];
		if (img.right < prose.right + 100 || img.right > innerWidth) out.push("the wide figure spans " + img.left + " to " + img.right);
		if (cap.top < img.bottom) out.push("the wide figure's caption is not below it");
		if (one.right > prose.right + 1) out.push("a narrow figure ends at " + one.right);
		if (oneCap.left < prose.right || oneCap.top > one.bottom) out.push("a narrow figure's caption is not in the margin beside it");
		return out.join("; ");
	})()`); got != "" {
		t.Errorf("at 1280 px: %s", got)
	}
	if got := eval(`document.querySelectorAll(".sidenote").length`).(float64); got != 2 {
		t.Errorf("%v sidenotes, want 2 (the footnote once, and the citation)", got)
	}
	if got := eval(`document.documentElement.scrollWidth - innerWidth`).(float64); got > 0 {
		t.Errorf("at 1280 px the page is %v px wider than the screen", got)
	}
	// Dark mode keeps the notes legible: the note's text is light.
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if got := eval(`getComputedStyle(document.querySelector(".sidenote")).color`); got != "rgb(168, 168, 162)" {
		t.Errorf("a sidenote in the dark is %v", got)
	}
}
