package font

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"codeberg.org/go-fonts/latin-modern/lmmath"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// mathText holds what math on a page draws: Latin and Greek letters in
// their mathematical italic forms, digits, operators that stretch (brackets,
// bars, arrows, radicals, accents), large operators and primes, and a
// character the font lacks.
const mathText = "abcxyzABCXYZ𝑎𝑏𝑥𝑦𝐴𝐵𝛼𝛽𝜃𝜋∂∇0123456789+−=<>≤≥≈∼±×⋅()[]{}|‖⟨⟩⌊⌋√∑∫∏^¯˙→←↦⏟′″∞ℝ𝔼𝒩 ︀"

func subsetOf(t *testing.T, chars string) *subsetResult {
	t.Helper()
	s, err := subset(lmmath.TTF, chars)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parse(t *testing.T, data []byte) *sfnt.Font {
	t.Helper()
	f, err := sfnt.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSubsetDrawsTheSame checks every glyph of a subset against the
// glyph it came from, outline and advance, as golang.org/x/image reads
// them, and the characters the subset maps.
func TestSubsetDrawsTheSame(t *testing.T) {
	s := subsetOf(t, mathText)
	orig, sub := parse(t, lmmath.TTF), parse(t, s.font)
	if got := sub.NumGlyphs(); got != len(s.glyphs) {
		t.Fatalf("subset has %d glyphs, want %d", got, len(s.glyphs))
	}
	var bo, bs sfnt.Buffer
	const ppem = fixed.Int26_6(1000 << 6)
	for i, old := range s.glyphs {
		want, err := orig.LoadGlyph(&bo, sfnt.GlyphIndex(old), ppem, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sub.LoadGlyph(&bs, sfnt.GlyphIndex(i), ppem, nil)
		if err != nil {
			t.Fatalf("glyph %d (was %d): %v", i, old, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("glyph %d (was %d): outline differs", i, old)
		}
		wa, _ := orig.GlyphAdvance(&bo, sfnt.GlyphIndex(old), ppem, 0)
		ga, _ := sub.GlyphAdvance(&bs, sfnt.GlyphIndex(i), ppem, 0)
		if ga != wa {
			t.Errorf("glyph %d (was %d): advance %v, want %v", i, old, ga, wa)
		}
	}
	for _, r := range mathText {
		wi, _ := orig.GlyphIndex(&bo, r)
		gi, _ := sub.GlyphIndex(&bs, r)
		switch {
		case wi == 0 && gi != 0:
			t.Errorf("%q: the font lacks it, the subset maps it to glyph %d", r, gi)
		case wi != 0 && (gi == 0 || s.glyphs[gi] != uint16(wi)):
			t.Errorf("%q: glyph %d, want the glyph that was %d", r, gi, wi)
		}
	}
	for _, r := range "QŁ⊕" {
		if gi, _ := sub.GlyphIndex(&bs, r); gi != 0 {
			t.Errorf("%q, not asked for, maps to glyph %d", r, gi)
		}
	}
	chars, err := Chars(s.font)
	if err != nil {
		t.Fatal(err)
	}
	for r := range chars {
		if !strings.ContainsRune(mathText, r) {
			t.Errorf("Chars has %q, not asked for", r)
		}
	}
	t.Logf("%d characters, %d glyphs, %d bytes", len(chars), len(s.glyphs), len(s.font))
}

// oldGlyphs maps a subset's glyph numbers back to the font's.
func oldGlyphs(s *subsetResult) func(uint16) uint16 {
	return func(g uint16) uint16 { return s.glyphs[g] }
}

// TestSubsetKeepsMath checks that the subset's MATH table says of each
// kept glyph what the font's says: italic correction, accent attachment,
// shape, and how it grows, in variants of the same glyphs.
func TestSubsetKeepsMath(t *testing.T) {
	s := subsetOf(t, mathText)
	want := mathOf(t, lmmath.TTF)
	got := mathOf(t, s.font)
	old := oldGlyphs(s)
	if !reflect.DeepEqual(got.constants, want.constants) {
		t.Errorf("constants differ")
	}
	if got.overlap != want.overlap {
		t.Errorf("connector overlap %d, want %d", got.overlap, want.overlap)
	}
	kept := make(map[uint16]bool)
	for _, g := range s.glyphs {
		kept[g] = true
	}
	for name, maps := range map[string][2]map[uint16]valueRecord{"italic correction": {got.italics, want.italics}, "top accent": {got.topAccents, want.topAccents}} {
		n := 0
		for g, v := range maps[0] {
			if w, ok := maps[1][old(g)]; !ok || !reflect.DeepEqual(v, w) {
				t.Errorf("%s of glyph %d: %v, want %v", name, old(g), v, w)
			}
		}
		for g := range maps[1] {
			if kept[g] {
				n++
			}
		}
		if n != len(maps[0]) {
			t.Errorf("%s: %d glyphs, want the %d kept", name, len(maps[0]), n)
		}
	}
	var shapes []uint16
	for _, g := range got.extendedShapes {
		shapes = append(shapes, old(g))
	}
	var wantShapes []uint16
	for _, g := range want.extendedShapes {
		if kept[g] {
			wantShapes = append(wantShapes, g)
		}
	}
	if !slices.Equal(shapes, wantShapes) {
		t.Errorf("extended shapes %v, want %v", shapes, wantShapes)
	}
	constructions := 0
	for dir, pair := range map[string][2]map[uint16]*construction{"vertical": {got.vertical, want.vertical}, "horizontal": {got.horizontal, want.horizontal}} {
		for g, w := range pair[1] {
			c, ok := pair[0][indexOf(s.glyphs, g)]
			if !kept[g] {
				continue
			}
			constructions++
			if !ok {
				t.Errorf("%s construction of glyph %d is missing", dir, g)
				continue
			}
			renamed := &construction{assembly: c.assembly}
			for _, v := range c.variants {
				renamed.variants = append(renamed.variants, variant{old(v.glyph), v.advance})
			}
			if c.assembly != nil {
				a := *c.assembly
				a.parts = nil
				for _, p := range c.assembly.parts {
					p.glyph = old(p.glyph)
					a.parts = append(a.parts, p)
				}
				renamed.assembly = &a
			}
			if !reflect.DeepEqual(renamed, w) {
				t.Errorf("%s construction of glyph %d: %+v, want %+v", dir, g, renamed, w)
			}
		}
	}
	if constructions == 0 {
		t.Error("no glyph that stretches was kept")
	}
}

func indexOf(gs []uint16, g uint16) uint16 {
	i, _ := slices.BinarySearch(gs, g)
	return uint16(i)
}

func mathOf(t *testing.T, font []byte) *mathTable {
	t.Helper()
	f, err := parseSFNT(font)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseMATH(f.tables["MATH"])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSubsetKeepsSubstitutions checks that script-size and dotless forms
// of kept glyphs are kept and substituted as in the font.
func TestSubsetKeepsSubstitutions(t *testing.T) {
	s := subsetOf(t, mathText+"ij")
	want, got := gsubOf(t, lmmath.TTF), gsubOf(t, s.font)
	old := oldGlyphs(s)
	if len(got.lookups) != len(want.lookups) || !reflect.DeepEqual(got.features, want.features) || !reflect.DeepEqual(got.scripts, want.scripts) {
		t.Fatalf("scripts, features or lookups changed")
	}
	kept := make(map[uint16]bool)
	for _, g := range s.glyphs {
		kept[g] = true
	}
	checked := make(map[string]int)
	for _, f := range want.features {
		for _, li := range f.lookups {
			wantSubs, gotSubs := flatten(want.lookups[li]), flatten(got.lookups[li])
			renamed := make(map[uint16][]uint16)
			for g, to := range gotSubs {
				var olds []uint16
				for _, s := range to {
					olds = append(olds, old(s))
				}
				renamed[old(g)] = olds
			}
			for g, to := range wantSubs {
				if !kept[g] {
					continue
				}
				var keptTo []uint16
				for _, s := range to {
					if kept[s] {
						keptTo = append(keptTo, s)
					}
				}
				if closureFeatures[f.tag] && len(keptTo) != len(to) {
					t.Errorf("%s: substitutes %v of glyph %d, only %v kept", f.tag, to, g, keptTo)
				}
				if len(keptTo) > 0 {
					checked[f.tag]++
				}
				if !slices.Equal(renamed[g], keptTo) {
					t.Errorf("%s: glyph %d becomes %v, want %v", f.tag, g, renamed[g], keptTo)
				}
			}
		}
	}
	for tag := range closureFeatures {
		if checked[tag] == 0 {
			t.Errorf("%s: no kept glyph has a substitute", tag)
		}
	}
}

func flatten(l gsubLookup) map[uint16][]uint16 {
	m := make(map[uint16][]uint16)
	for _, sub := range l.subs {
		for g, to := range sub {
			if _, ok := m[g]; !ok {
				m[g] = to
			}
		}
	}
	return m
}

func gsubOf(t *testing.T, font []byte) *gsub {
	t.Helper()
	f, err := parseSFNT(font)
	if err != nil {
		t.Fatal(err)
	}
	g, err := parseGSUB(f.tables["GSUB"])
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSubsetIsDeterministic(t *testing.T) {
	a := subsetOf(t, "xyz∑(")
	b := subsetOf(t, "((∑zyx")
	if !bytes.Equal(a.font, b.font) {
		t.Error("the same characters in another order give another font")
	}
	wa, err := WOFF2(a.font)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := WOFF2(b.font)
	if !bytes.Equal(wa, wb) {
		t.Error("the same font gives another WOFF2")
	}
}

// TestWOFF2 checks that a WOFF2 file holds the font's tables, unchanged,
// and is smaller than the font.
func TestWOFF2(t *testing.T) {
	s := subsetOf(t, mathText)
	w, err := WOFF2(s.font)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeWOFF2(w)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := parseSFNT(s.font)
	got, err := parseSFNT(back)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(got.tables, want.tables, bytes.Equal) {
		t.Error("tables differ after a round trip through WOFF2")
	}
	if !bytes.Equal(back, s.font) {
		t.Error("the font rebuilt from WOFF2 differs from the font")
	}
	if len(w) >= len(s.font) || len(w)%4 != 0 {
		t.Errorf("WOFF2 of %d bytes for a font of %d", len(w), len(s.font))
	}
}

// TestSanitizer runs the OpenType Sanitizer, which Chromium and Firefox
// pass every web font through and which rejects a malformed one whole.
func TestSanitizer(t *testing.T) {
	ots, err := exec.LookPath("ots-sanitize")
	if err != nil {
		if os.Getenv("EXPLAINER_REQUIRE_BROWSER") != "" {
			t.Fatal("no ots-sanitize found (Debian's opentype-sanitizer), and EXPLAINER_REQUIRE_BROWSER is set")
		}
		t.Skip("no ots-sanitize; install Debian's opentype-sanitizer")
	}
	for name, chars := range map[string]string{"math": mathText, "one": "x"} {
		s := subsetOf(t, chars)
		w, err := WOFF2(s.font)
		if err != nil {
			t.Fatal(err)
		}
		for ext, data := range map[string][]byte{".otf": s.font, ".woff2": w} {
			p := filepath.Join(t.TempDir(), name+ext)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(ots, p).CombinedOutput(); err != nil {
				t.Errorf("%s%s: %v\n%s", name, ext, err, out)
			}
		}
	}
}

func TestSubsetErrors(t *testing.T) {
	tests := []struct {
		name string
		font []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"not a font", []byte("<svg></svg>...."), "not an OpenType font"},
		{"TrueType", append([]byte{0, 1, 0, 0}, make([]byte, 8)...), "only fonts with PostScript (CFF) outlines"},
		{"truncated", lmmath.TTF[:4000], "outside the file"},
		{"no character", lmmath.TTF, "none of the characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chars := "x"
			if tt.name == "no character" {
				chars = "\u0378" // unassigned
			}
			_, err := Subset(tt.font, chars)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzSubset feeds damaged fonts to Subset, which must return an error
// or a font, never panic.
func FuzzSubset(f *testing.F) {
	f.Add(0, byte(0))
	f.Add(100, byte(0xFF))
	f.Add(len(lmmath.TTF)-1000, byte(1))
	f.Fuzz(func(t *testing.T, at int, b byte) {
		if at < 0 || at >= len(lmmath.TTF) {
			return
		}
		data := slices.Clone(lmmath.TTF)
		data[at] ^= b
		Subset(data, "x(∑")
	})
}
