package site

import (
	"html"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// variedSite is the test site with a third article whose figure offers
// the line's slope at three values, 2 shown first.
const variedSite = sitetest.Site + `
-- third.md --
---
title: Third article
description: A figure to turn.
order: 3
---
:::figure{#fig-slope experiment=line slope=2 vary="slope=1, 2, 3.5" alt="A line."}
The slope is :val[fig-slope.slope]; :check[fig-slope.rises].
:::

Shown first, the slope is :val[fig-slope.slope].
`

// TestVariedFigureDrawsEverySetting builds a figure with three settings:
// each has its own drawing, data and numbers, the control offers them in
// the order written, and the prose outside the caption quotes the setting
// shown first.
func TestVariedFigureDrawsEverySetting(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, variedSite, fakes)
	r := mustBuild(t, NewBuilder(cfg))
	if r.Runs != 5 || fakes.Runs("line") != 3 {
		t.Errorf("%d runs, %d of line; want 5, 3 of line (slope 2 is fig-line's too)", r.Runs, fakes.Runs("line"))
	}
	figs := checkVariedFigures(t, cfg.Out)
	if len(figs) != 1 {
		t.Fatalf("%d varied figures, want 1", len(figs))
	}
	f := figs[0]
	if f.page != "third/index.html" || f.id != "fig-slope" || !slices.Equal(f.values, []string{"1", "2", "3.5"}) || f.shown != 1 {
		t.Fatalf("varied figure %+v", f)
	}
	files := sitetest.Tree(t, cfg.Out)
	for i, s := range f.settings {
		want := []string{"third/fig-slope.slope-1", "third/fig-slope", "third/fig-slope.slope-3.5"}[i]
		if s.file != want {
			t.Errorf("setting %d is drawn in %s, want %s", i, s.file, want)
		}
		slope := []string{"1.00", "2.00", "3.50"}[i]
		if !strings.Contains(s.caption, `The slope is <span class="val" title="computed by experiment line">`+slope+`</span>`) ||
			!strings.Contains(s.caption, `<a class="check-detail" href="#fig-slope">(slope `+strings.TrimSuffix(strings.TrimRight(slope, "0"), ".")+`)</a>`) {
			t.Errorf("setting %d: the caption does not quote its slope %s:\n%s", i, slope, s.caption)
		}
		if csv := files[s.file+".csv"]; !strings.HasSuffix(csv, "\n1,"+[]string{"1", "2", "3.5"}[i]+"\n") {
			t.Errorf("setting %d: %s.csv does not end at its slope:\n%s", i, s.file, csv)
		}
		if lazy := strings.Contains(s.img, `loading="lazy"`); lazy != (i != f.shown) {
			t.Errorf("setting %d: lazy %v: %s", i, lazy, s.img)
		}
		if want := "A line. Setting: slope = " + f.values[i] + "."; s.alt != want {
			t.Errorf("setting %d: alt %q, want %q", i, s.alt, want)
		}
	}
	page := files["third/index.html"]
	if !strings.Contains(page, `<p>Shown first, the slope is <span class="val" title="computed by experiment line">2.00</span>.</p>`) {
		t.Error("the prose does not quote the setting shown first")
	}
	if strings.Contains(page, "<script") {
		t.Error("the page has a script")
	}
	if h := files["_headers"]; !strings.Contains(h, "/third/fig-slope.slope-3.5.csv\n  Content-Type: text/csv") {
		t.Errorf("_headers does not type every setting's data:\n%s", h)
	}
}

// TestAddingAValueRunsOneExperiment: each setting is a job of its own,
// cached on its own.
func TestAddingAValueRunsOneExperiment(t *testing.T) {
	fakes := sitetest.NewFakes()
	cfg := testConfig(t, variedSite, fakes)
	b := NewBuilder(cfg)
	mustBuild(t, b)
	edit(t, cfg, "third.md", `vary="slope=1, 2, 3.5"`, `vary="slope=1, 2, 3.5, 5"`)
	r := mustBuild(t, b)
	if r.Runs != 1 || fakes.Runs("line") != 4 {
		t.Errorf("adding a value: %d runs, line ran %d times in all; want 1 run, 4", r.Runs, fakes.Runs("line"))
	}
	svg5, err := os.ReadFile(filepath.Join(cfg.Out, "third", "fig-slope.slope-5.svg"))
	if err != nil {
		t.Fatal(err)
	}
	// Showing another value first runs nothing: its drawing is cached,
	// and moves to the figure's plain name.
	edit(t, cfg, "third.md", "slope=2 vary", "slope=5 vary")
	r = mustBuild(t, b)
	if r.Runs != 0 {
		t.Errorf("showing another setting first ran %d experiments", r.Runs)
	}
	files := sitetest.Tree(t, cfg.Out)
	if _, ok := files["third/fig-slope.slope-5.svg"]; ok {
		t.Error("the setting shown first is still drawn under its value's name")
	}
	if files["third/fig-slope.svg"] != string(svg5) || files["third/fig-slope.slope-2.svg"] == "" {
		t.Error("the settings' files did not follow the setting shown first")
	}
}

// A variedFigure is what a page shows of a varied figure.
type variedFigure struct {
	page, id string
	values   []string // the control's, in order
	shown    int      // the value checked when the page opens
	settings []shownSetting
}

// A shownSetting is one setting's figure as the page writes it.
type shownSetting struct {
	img, alt string
	file     string // the image's path in the site, without .svg
	caption  string
}

var (
	variedOpen  = regexp.MustCompile(`<figure class="figure explorable" id="([^"]+)">`)
	radioInput  = regexp.MustCompile(`<input type="radio" name="([^"]+)" value="([^"]*)"( checked)?>`)
	settingOpen = regexp.MustCompile(`<figure class="figure setting( initial)?">\n(<img [^>]*>)\n<figcaption>\n((?s:.*?))</figcaption>\n</figure>`)
	imgSrc      = regexp.MustCompile(`src="([^"]+)\.svg"`)
	imgAlt      = regexp.MustCompile(`alt="([^"]*)"`)
	csvHref     = regexp.MustCompile(`<a href="([^"]+)\.csv">Data \(CSV\)</a>`)
	canonical   = regexp.MustCompile(`</a> with <code>([^<]*)</code></p>`)
)

// checkVariedFigures finds every varied figure of the site in dir and
// checks that its control points at its own settings: the i-th radio
// button's value is the i-th setting's, whose image and data exist, are
// its own (no two settings draw the same picture), and were computed with
// that value; the setting checked first is the one marked to print. It
// returns the figures.
func checkVariedFigures(t *testing.T, dir string) []variedFigure {
	t.Helper()
	files := sitetest.Tree(t, dir)
	var figs []variedFigure
	for _, page := range slices.Sorted(func(yield func(string) bool) {
		for name := range files {
			if strings.HasSuffix(name, ".html") && !yield(name) {
				return
			}
		}
	}) {
		html := files[page]
		opens := variedOpen.FindAllStringSubmatchIndex(html, -1)
		for k, o := range opens {
			end := len(html)
			if k+1 < len(opens) {
				end = opens[k+1][0]
			}
			figs = append(figs, checkVaried(t, files, page, html[o[0]:end], html[o[2]:o[3]]))
		}
	}
	return figs
}

func checkVaried(t *testing.T, files map[string]string, page, body, id string) variedFigure {
	t.Helper()
	f := variedFigure{page: page, id: id, shown: -1}
	where := page + "#" + id
	for _, m := range radioInput.FindAllStringSubmatch(body, -1) {
		if m[1] != id {
			t.Errorf("%s: a radio button of group %s", where, m[1])
		}
		if m[3] != "" {
			if f.shown >= 0 {
				t.Errorf("%s: two buttons checked", where)
			}
			f.shown = len(f.values)
		}
		f.values = append(f.values, html.UnescapeString(m[2]))
	}
	if f.shown < 0 {
		t.Errorf("%s: no button checked", where)
	}
	key := strings.TrimSuffix(strings.TrimPrefix(regexp.MustCompile(`<legend><code>([^<]*)</code></legend>`).FindString(body), "<legend><code>"), "</code></legend>")
	drawn := make(map[string]int)
	for i, m := range settingOpen.FindAllStringSubmatch(body, -1) {
		s := shownSetting{img: m[2], caption: m[3]}
		if i >= len(f.values) {
			t.Errorf("%s: more settings than buttons", where)
			break
		}
		if (m[1] != "") != (i == f.shown) {
			t.Errorf("%s: setting %d is marked initial %v, but the button checked is %d", where, i, m[1] != "", f.shown)
		}
		src, href, args := imgSrc.FindStringSubmatch(s.img), csvHref.FindStringSubmatch(s.caption), canonical.FindStringSubmatch(s.caption)
		if src == nil || href == nil || args == nil {
			t.Errorf("%s: setting %d lacks its image, its data or its parameters:\n%s\n%s", where, i, s.img, s.caption)
			continue
		}
		s.alt = html.UnescapeString(imgAlt.FindStringSubmatch(s.img)[1])
		s.file = strings.TrimPrefix(src[1], "/")
		if href[1] != src[1] {
			t.Errorf("%s: setting %d draws %s.svg but links to the data %s.csv", where, i, src[1], href[1])
		}
		if want := strings.TrimSuffix(page, "index.html") + id; i == f.shown && s.file != want || i != f.shown && s.file != want+"."+key+"-"+f.values[i] {
			t.Errorf("%s: setting %d (%s=%s) is drawn in %s", where, i, key, f.values[i], s.file)
		}
		if !slices.Contains(strings.Fields(html.UnescapeString(args[1])), key+"="+f.values[i]) {
			t.Errorf("%s: setting %d is offered as %s=%s but computed with %s", where, i, key, f.values[i], args[1])
		}
		if !strings.Contains(s.caption, `<p class="setting-name"><code>`+key+`</code> = `+f.values[i]+`</p>`) {
			t.Errorf("%s: setting %d does not name itself", where, i)
		}
		svg, csv := files[s.file+".svg"], files[s.file+".csv"]
		if svg == "" || csv == "" {
			t.Errorf("%s: setting %d: %s.svg or .csv is missing or empty", where, i, s.file)
		}
		if j, dup := drawn[svg]; dup {
			t.Errorf("%s: settings %d and %d draw the same picture", where, j, i)
		}
		drawn[svg] = i
		if path.Dir(s.file) != path.Dir(page) {
			t.Errorf("%s: setting %d is drawn in another folder, %s", where, i, s.file)
		}
		f.settings = append(f.settings, s)
	}
	if len(f.settings) != len(f.values) {
		t.Errorf("%s: %d settings for %d buttons", where, len(f.settings), len(f.values))
	}
	return f
}
