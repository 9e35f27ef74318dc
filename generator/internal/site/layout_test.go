package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// noted is the test site with a footnote of two paragraphs and a second
// reference to it, and a long citation, for the layout tests.
var noted = strings.Replace(sitetest.Site, "@sec-start and @second/fig-wave [@boyd2004].",
	"@sec-start and @second/fig-wave [@boyd2004].[^why] Again.[^why]\n\n"+
		"[^why]: A note with $x^2$ in it.\n\n    And a second paragraph.\n", 1)

// TestLayoutAtEachWidth opens an article of a small site on a phone and
// on a desktop. On the phone, notes are at the end and nothing is wider
// than the screen; on the desktop, the footnote and the citation sit in
// the margin beside their lines, one below the other, and the notes at
// the end are hidden, as is each note's link to them.
func TestLayoutAtEachWidth(t *testing.T) {
	ctx := sitetest.Browser(t) // skips without Chromium, unless CI requires it
	cfg := testConfig(t, noted, sitetest.NewFakes())
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
