// Package font makes web fonts: it subsets an OpenType font to the glyphs
// a text needs and wraps it as WOFF2.
//
// # Subsets
//
// [Subset] keeps the glyphs that draw the characters given, and every
// glyph a browser may draw in their stead: the script-size and dotless
// forms its GSUB table substitutes (features ssty and dtls), and the
// larger variants and the parts that its MATH table assembles for
// stretched operators, radicals and accents. Glyphs are renumbered; the
// tables that name glyphs (cmap, CFF, hmtx, GSUB, GDEF, MATH) are
// rewritten, the others copied. So a page drawn with the subset looks as
// it does with the whole font.
//
// It reads what math fonts such as Latin Modern Math are made of:
// PostScript (CFF) outlines, not CID-keyed, and single and alternate
// substitutions. Anything else (TrueType outlines, GPOS, other lookups) is
// an error rather than a font that draws wrongly. The FontForge time
// stamp (FFTM) and a digital signature (DSIG), which the subset would
// invalidate, are dropped, and so is a GPOS table without lookups.
//
// The same font and characters give the same bytes.
//
// # WOFF2
//
// [WOFF2] wraps a font in the web font format, its tables compressed
// together with Brotli. It stores every table as it is (the format's
// optional transforms apply to TrueType outlines only).
package font

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Subset returns the font otf reduced to the glyphs that draw chars and
// their relatives, as an OpenType font. Characters the font lacks are
// left out ([Chars] tells which it has); if it has none, Subset returns
// an error.
func Subset(otf []byte, chars string) ([]byte, error) {
	s, err := subset(otf, chars)
	if err != nil {
		return nil, err
	}
	return s.font, nil
}

// ErrNoChars is the error of a subset of characters none of which is in
// the font.
var ErrNoChars = errors.New("font: none of the characters is in the font")

// A subsetResult is a subset and the glyphs of the font it kept, by new
// number.
type subsetResult struct {
	font   []byte
	glyphs []uint16
}

// copied are the tables a subset copies as they are: none names a glyph.
var copied = map[string]bool{"head": true, "name": true}

// dropped are the tables a subset leaves out: a time stamp of the font
// editor and a signature of the whole font.
var dropped = map[string]bool{"FFTM": true, "DSIG": true}

func subset(otf []byte, chars string) (*subsetResult, error) {
	f, err := parseSFNT(otf)
	if err != nil {
		return nil, err
	}
	if f.version != versionCFF {
		return nil, fmt.Errorf("font: only fonts with PostScript (CFF) outlines are supported")
	}
	for tag := range f.tables {
		switch {
		case copied[tag], dropped[tag]:
		case tag == "GPOS" && noLookups(f.tables[tag]):
			// Positioning with nothing to position: left out.
		case slices.Contains([]string{"cmap", "CFF ", "hhea", "hmtx", "maxp", "OS/2", "post", "GSUB", "GDEF", "MATH"}, tag):
		default:
			return nil, fmt.Errorf("font: table %q is not supported", tag)
		}
	}
	for _, tag := range []string{"cmap", "CFF ", "head", "hhea", "hmtx", "maxp"} {
		if f.tables[tag] == nil {
			return nil, fmt.Errorf("font: no %q table", tag)
		}
	}
	cmap, err := parseCmap(f.tables["cmap"])
	if err != nil {
		return nil, err
	}
	c, err := parseCFF(f.tables["CFF "])
	if err != nil {
		return nil, err
	}
	var g *gsub
	if data := f.tables["GSUB"]; data != nil {
		if g, err = parseGSUB(data); err != nil {
			return nil, err
		}
	}
	var m *mathTable
	if data := f.tables["MATH"]; data != nil {
		if m, err = parseMATH(data); err != nil {
			return nil, err
		}
	}

	// The glyphs: .notdef, those of the characters, and what stands in
	// for them, until nothing more comes in.
	keep := map[uint16]bool{0: true}
	chosen := make(map[rune]uint16)
	for _, r := range chars {
		if gid, ok := cmap[r]; ok {
			keep[gid] = true
			chosen[r] = gid
		}
	}
	if len(keep) == 1 {
		// Besides, browsers refuse a CFF font of one glyph.
		return nil, ErrNoChars
	}
	for grew := true; grew; {
		grew = false
		if g != nil && g.closure(keep) {
			grew = true
		}
		if m != nil && m.closure(keep) {
			grew = true
		}
	}
	glyphs := slices.Sorted(maps.Keys(keep))
	for _, gid := range glyphs {
		if int(gid) >= len(c.charstrings) {
			return nil, fmt.Errorf("font: glyph %d named by a table is not in the font", gid)
		}
	}
	gm := make(glyphMap, len(glyphs))
	for i, gid := range glyphs {
		gm[gid] = uint16(i)
	}

	out := &openType{version: versionCFF, tables: make(map[string][]byte)}
	for tag := range copied {
		if data := f.tables[tag]; data != nil {
			out.tables[tag] = data
		}
	}
	newCmap := make(map[rune]uint16, len(chosen))
	for r, gid := range chosen {
		newCmap[r] = gm[gid]
	}
	out.tables["cmap"] = writeCmap(newCmap)
	if out.tables["CFF "], err = c.subset(glyphs); err != nil {
		return nil, err
	}
	if out.tables["hmtx"], out.tables["hhea"], err = subsetMetrics(f.tables["hhea"], f.tables["hmtx"], len(c.charstrings), glyphs); err != nil {
		return nil, err
	}
	if out.tables["maxp"], err = subsetMaxp(f.tables["maxp"], len(glyphs)); err != nil {
		return nil, err
	}
	if data := f.tables["OS/2"]; data != nil {
		out.tables["OS/2"] = subsetOS2(data, newCmap)
	}
	if data := f.tables["post"]; len(data) >= 32 {
		// Version 3 names no glyph: CFF has the names.
		post := slices.Clone(data[:32])
		copy(post, []byte{0, 3, 0, 0})
		out.tables["post"] = post
	}
	if g != nil {
		if out.tables["GSUB"], err = g.bytes(gm); err != nil {
			return nil, err
		}
	}
	if data := f.tables["GDEF"]; data != nil {
		if out.tables["GDEF"], err = subsetGDEF(data, gm); err != nil {
			return nil, err
		}
	}
	if m != nil {
		if out.tables["MATH"], err = m.bytes(gm); err != nil {
			return nil, err
		}
	}
	return &subsetResult{font: out.bytes(), glyphs: glyphs}, nil
}

// noLookups reports whether a GSUB or GPOS table has no lookups.
func noLookups(data []byte) bool {
	r := newReader(data, "GPOS")
	r.u32() // version
	r.u16() // scriptListOffset
	r.u16() // featureListOffset
	lr := r.at(int(r.u16()))
	n := lr.u16()
	return r.err == nil && lr.err == nil && n == 0
}

// Chars returns the characters an OpenType or WOFF2 font has glyphs for.
func Chars(data []byte) (map[rune]bool, error) {
	if len(data) >= 4 && string(data[:4]) == "wOF2" {
		var err error
		if data, err = decodeWOFF2(data); err != nil {
			return nil, err
		}
	}
	f, err := parseSFNT(data)
	if err != nil {
		return nil, err
	}
	cmap, err := parseCmap(f.tables["cmap"])
	if err != nil {
		return nil, err
	}
	chars := make(map[rune]bool, len(cmap))
	for r := range cmap {
		chars[r] = true
	}
	return chars, nil
}

// subsetMetrics returns the horizontal metrics of the kept glyphs and the
// hhea table that counts them. Glyphs at the end that share the last
// advance store only their side bearing, as usual.
func subsetMetrics(hhea, hmtx []byte, numGlyphs int, glyphs []uint16) ([]byte, []byte, error) {
	if len(hhea) < 36 {
		return nil, nil, fmt.Errorf("hhea: truncated")
	}
	long := int(hhea[34])<<8 | int(hhea[35])
	r := newReader(hmtx, "hmtx")
	advances := make([]uint16, numGlyphs)
	lsbs := make([]uint16, numGlyphs)
	for g := range numGlyphs {
		if g < long {
			advances[g] = r.u16()
		} else if g > 0 {
			advances[g] = advances[g-1]
		}
		lsbs[g] = r.u16()
	}
	if r.err != nil {
		return nil, nil, r.err
	}
	n := len(glyphs)
	newLong := n
	for newLong > 1 && advances[glyphs[newLong-1]] == advances[glyphs[newLong-2]] {
		newLong--
	}
	w := &writer{}
	for i, g := range glyphs {
		if i < newLong {
			w.u16(advances[g])
		}
		w.u16(lsbs[g])
	}
	h := slices.Clone(hhea)
	h[34], h[35] = byte(newLong>>8), byte(newLong)
	return w.buf, h, nil
}

func subsetMaxp(maxp []byte, n int) ([]byte, error) {
	if len(maxp) < 6 {
		return nil, fmt.Errorf("maxp: truncated")
	}
	m := slices.Clone(maxp)
	m[4], m[5] = byte(n>>8), byte(n)
	return m, nil
}

// subsetOS2 sets the first and last characters of the OS/2 table to
// those of the subset.
func subsetOS2(os2 []byte, cmap map[rune]uint16) []byte {
	t := slices.Clone(os2)
	if len(t) < 68 || len(cmap) == 0 {
		return t
	}
	first, last := rune(0xFFFF), rune(0)
	for r := range cmap {
		first, last = min(first, r), max(last, r)
	}
	last = min(last, 0xFFFF) // the field has 16 bits
	first = min(first, last)
	t[64], t[65] = byte(first>>8), byte(first)
	t[66], t[67] = byte(last>>8), byte(last)
	return t
}
