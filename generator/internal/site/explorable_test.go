package site

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// TestReaderTurnsAKnob opens a varied figure in Chromium, served over HTTP
// from 127.0.0.1: the page carries no script; a click and the arrow keys
// switch the figure and the numbers of its caption, with a focus ring
// and a live label; only the images of the settings shown are fetched;
// axe-core finds nothing wrong; print shows the setting the page starts
// with, and without CSS every setting is listed in order with its caption.
func TestReaderTurnsAKnob(t *testing.T) {
	ctx := sitetest.Browser(t) // skips without Chromium, unless CI requires it
	cfg := testConfig(t, variedSite, sitetest.NewFakes())
	mustBuild(t, NewBuilder(cfg))
	page, err := os.ReadFile(filepath.Join(cfg.Out, "third", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), "<script") {
		t.Error("the published page has a script")
	}
	var mu sync.Mutex
	var fetched []string
	files := http.FileServer(http.Dir(cfg.Out))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetched = append(fetched, r.URL.Path)
		mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()
	figures := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var svgs []string
		for _, p := range fetched {
			if strings.HasPrefix(p, "/third/") && strings.HasSuffix(p, ".svg") {
				svgs = append(svgs, strings.TrimPrefix(p, "/third/"))
			}
		}
		slices.Sort(svgs)
		return slices.Compact(svgs)
	}

	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) any {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(c, chromedp.Evaluate[any](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	// shows waits for the figure to show one setting, its image loaded,
	// and checks what the reader sees and hears of it.
	shows := func(slope string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if eval(`(() => { const s = visible(); return s.length === 1 && s[0].querySelector("img").complete })()`) == true {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("slope %s: the figure does not show one setting, loaded: %v", slope, eval(`visible().length`))
			}
		}
		want := map[string]any{
			"checked": slope,
			"src":     "fig-slope.slope-" + slope + ".svg",
			"caption": "The slope is " + fmt.Sprintf("%.2f", atof(t, slope)) + "; ✓ the line rises (slope " + slope + ").",
			"live":    "Figure 1 shows slope = " + slope,
			"csv":     "fig-slope.slope-" + slope + ".csv",
		}
		if slope == "2" { // shown first: the figure's own name
			want["src"], want["csv"] = "fig-slope.svg", "fig-slope.csv"
		}
		got := eval(`(() => {
			const s = visible()[0];
			return {
				checked: document.querySelector("#fig-slope input:checked").value,
				src: s.querySelector("img").src.split("/").pop(),
				caption: s.querySelector("figcaption p:nth-of-type(2)").innerText.replace("Figure 1. ", ""),
				live: document.querySelector("#fig-slope .knob-now").innerText,
				csv: s.querySelector(".figure-links a").href.split("/").pop(),
			};
		})()`).(map[string]any)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("slope %s: %s is %q, want %q", slope, k, got[k], v)
			}
		}
	}

	do("opening the page", chromedp.EmulateViewport(800, 700), chromedp.Navigate(srv.URL+"/third/"))
	eval(`window.visible = () => Array.from(document.querySelectorAll("#fig-slope > .setting")).filter(s => s.checkVisibility()); true`)
	if n := eval(`document.scripts.length`); n != 0.0 {
		t.Errorf("the page runs %v scripts", n)
	}
	shows("2")
	if got := figures(); !slices.Equal(got, []string{"fig-slope.svg"}) {
		t.Errorf("on opening, the page fetched %q; want only the setting shown", got)
	}

	// A click on a value shows it, and fetches its image then.
	do("clicking 3.5", chromedp.Click(chromedp.CSS(`#fig-slope input[value="3.5"]`)))
	shows("3.5")
	if got := figures(); !slices.Equal(got, []string{"fig-slope.slope-3.5.svg", "fig-slope.svg"}) {
		t.Errorf("after a click, the page has fetched %q", got)
	}

	// The arrow keys move along the values, with a visible focus ring.
	do("pressing ←", chromedp.KeyEvent(kb.ArrowLeft))
	shows("2")
	do("pressing ←", chromedp.KeyEvent(kb.ArrowLeft))
	shows("1")
	ring := eval(`(() => { const l = document.querySelector("#fig-slope input:focus-visible").parentElement, s = getComputedStyle(l);
		return s.outlineStyle + " " + s.outlineWidth })()`)
	if ring != "solid 3px" {
		t.Errorf("the focused value has the outline %q, want a ring", ring)
	}
	if got := figures(); !slices.Equal(got, []string{"fig-slope.slope-1.svg", "fig-slope.slope-3.5.svg", "fig-slope.svg"}) {
		t.Errorf("after the keys, the page has fetched %q", got)
	}
	if got := eval(`document.querySelector("#fig-slope .knob-now").getAttribute("aria-live") + " " + document.querySelector("#fig-slope legend").innerText`); got != "polite slope" {
		t.Errorf("live label and legend: %q", got)
	}

	// axe-core finds no violation, with a setting other than the first shown.
	axe, err := os.ReadFile(filepath.Join("..", "..", "tools", "node_modules", "axe-core", "axe.min.js"))
	switch {
	case err == nil:
		eval(string(axe) + ";true")
		violations := eval(`axe.run(document).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))))`)
		if violations != "[]" {
			var pretty []any
			json.Unmarshal([]byte(violations.(string)), &pretty)
			t.Errorf("axe-core: %v", pretty)
		}
	case os.Getenv("EXPLAINER_REQUIRE_BROWSER") != "":
		t.Errorf("no axe-core: run npm ci in generator/tools (%v)", err)
	default:
		t.Logf("no axe-core, not checked: run npm ci in generator/tools (%v)", err)
	}

	// Print shows the setting the page starts with, and no control.
	emulate := func(media string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
			return err
		})
	}
	do("emulating print", emulate("print"))
	if got := eval(`visible().map(s => s.querySelector("img").getAttribute("src")).join(" ") + " " + document.querySelector("#fig-slope .knob").checkVisibility()`); got != "/third/fig-slope.svg false" {
		t.Errorf("print shows %q, want the setting the page starts with and no control", got)
	}
	do("emulating the screen", emulate(""))

	// Without CSS, every setting is listed in order with its own caption.
	eval(`for (const s of document.styleSheets) s.disabled = true; true`)
	got := eval(`visible().map(s => s.querySelector("figcaption").innerText.split(/\n+/).slice(0, 2).join(" | ")).join("\n")`)
	want := "slope = 1 | Figure 1. The slope is 1.00; ✓ the line rises (slope 1).\n" +
		"slope = 2 | Figure 1. The slope is 2.00; ✓ the line rises (slope 2).\n" +
		"slope = 3.5 | Figure 1. The slope is 3.50; ✓ the line rises (slope 3.5)."
	if got != want {
		t.Errorf("without CSS the page lists\n%s\nwant\n%s", got, want)
	}
	if eval(`document.querySelector("#fig-slope .knob").checkVisibility()`) != false {
		t.Error("without CSS the control shows, and does nothing")
	}
}

func atof(t *testing.T, s string) float64 {
	var x float64
	if _, err := fmt.Sscan(s, &x); err != nil {
		t.Fatal(err)
	}
	return x
}
