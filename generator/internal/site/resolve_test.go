package site

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
)

// An img's width and height must be whole numbers (HTML's "valid
// non-negative integer"), whatever units and fractions the SVG has.
func TestImgSizeIsWholePixels(t *testing.T) {
	for _, c := range []struct{ svg, w, h string }{
		{`<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 360 240">`, "480", "320"},
		{`<svg width="360pt" height="353.82pt" viewBox="0 0 360 353.82">`, "480", "472"},
		{`<svg width="300.4" height="200.5">`, "300", "201"},
		{`<svg viewBox="0 0 10 10">`, "480", "320"},
	} {
		if w, h := imgSize(c.svg); w != c.w || h != c.h {
			t.Errorf("imgSize(%s) = %s × %s, want %s × %s", c.svg, w, h, c.w, c.h)
		}
	}
}

// Figures name the captions' font stack, with the fonts they were laid
// out with first; the two must not drift apart.
func TestCaptionsAndFiguresShareATypeface(t *testing.T) {
	m := regexp.MustCompile(`--sans: ([^;]+);`).FindStringSubmatch(styleCSS)
	if m == nil {
		t.Fatal("the stylesheet defines no --sans")
	}
	if css, svg := strings.ReplaceAll(m[1], `"`, "'"), lab.SansFamily; css != svg {
		t.Errorf("the captions' stack is\n\t%s\nthe figures'\n\t%s", css, svg)
	}
}
