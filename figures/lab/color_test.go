package lab

import (
	"image/color"
	"math"
	"testing"
)

// Series must stand out from the paper of both schemes by the 3:1 WCAG
// asks of meaningful marks, and text by 4.5:1.
func TestPaletteStandsOutInBothSchemes(t *testing.T) {
	for _, r := range roles {
		switch r.name {
		case "paper", "grid":
			continue // the background and what should barely show on it
		}
		if c := Contrast(r.light, white); c < 3 {
			t.Errorf("%s %s on white: contrast %.2f", r.name, hexColor(r.light), c)
		}
		if c := Contrast(r.dark, darkPaper); c < 3 {
			t.Errorf("%s %s on dark paper: contrast %.2f", r.name, hexColor(r.dark), c)
		}
	}
	if c := Contrast(darkInk, darkPaper); c < 4.5 {
		t.Errorf("dark-scheme text: contrast %.2f", c)
	}
	if c := Contrast(Gray, darkPaper); c < 3 {
		t.Errorf("Gray on dark paper: contrast %.2f", c)
	}
	for i, p := range Palette {
		if _, ok := roleOf(p.(color.NRGBA)); !ok {
			t.Errorf("Palette[%d] has no dark-scheme variant", i)
		}
	}
}

func TestLabRoundTrips(t *testing.T) {
	if l := toLab(white); math.Abs(l.L-100) > 0.01 || math.Abs(l.A) > 0.01 || math.Abs(l.B) > 0.01 {
		t.Errorf("white is %+v in CIELAB, want L = 100", l)
	}
	if l := toLab(black); l.L != 0 {
		t.Errorf("black is %+v in CIELAB, want L = 0", l)
	}
	for _, c := range append([]color.Color{Gray, gridColor}, Palette...) {
		want := color.NRGBAModel.Convert(c).(color.NRGBA)
		if got := toLab(c).sRGB(); got != want {
			t.Errorf("%s comes back from CIELAB as %s", hexColor(want), hexColor(got))
		}
	}
	// Out of gamut, lightness is kept and chroma given up.
	vivid := lab{L: 90, A: 80, B: -80}.sRGB()
	if l := toLab(vivid).L; math.Abs(l-90) > 1 {
		t.Errorf("an out-of-gamut colour came back with lightness %.1f, want 90", l)
	}
}

// The dark variant of a heat map keeps the order of lightness, so a
// caption that calls a region lightest stays true, and glares less.
func TestHeatMapDarkVariantKeepsTheOrder(t *testing.T) {
	h := &HeatMap{Palette: Sequential(), Min: 0, Max: 1}
	light, dark := h.lut()
	for i := 1; i < len(light); i++ {
		// Neighbours a rounding apart may tie in either scheme.
		dl, dd := toLab(light[i]).L-toLab(light[i-1]).L, toLab(dark[i]).L-toLab(dark[i-1]).L
		if math.Abs(dl) > 0.5 && dl*dd <= 0 {
			t.Fatalf("lightness order differs between the schemes at %d: %+.2f and %+.2f", i, dl, dd)
		}
	}
	if l := luminance(dark[0]); l > 0.55 {
		t.Errorf("the dark variant's lightest colour has luminance %.2f", l)
	}
}
