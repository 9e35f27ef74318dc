package font

import (
	"fmt"
	"maps"
	"slices"
)

// This file reads and writes what the OpenType layout tables share:
// coverage and class tables, which name glyphs.

// parseCoverage returns the glyphs of the coverage table at r's offset,
// in coverage order.
func parseCoverage(r *reader) []uint16 {
	switch format := r.u16(); format {
	case 1:
		return r.u16s(int(r.u16()))
	case 2:
		n := int(r.u16())
		var gs []uint16
		for range n {
			start, end := r.u16(), r.u16()
			r.u16() // startCoverageIndex
			if r.err != nil || end < start {
				r.err = fmt.Errorf("%s: bad coverage range", r.what)
				return nil
			}
			for g := int(start); g <= int(end); g++ {
				gs = append(gs, uint16(g))
			}
		}
		return gs
	default:
		if r.err == nil {
			r.err = fmt.Errorf("%s: bad coverage format %d", r.what, format)
		}
		return nil
	}
}

// writeCoverage writes a coverage table of the glyphs, which must be
// sorted, in the smaller of its two formats.
func writeCoverage(gs []uint16) []byte {
	var ranges [][2]uint16
	for _, g := range gs {
		if n := len(ranges); n > 0 && ranges[n-1][1]+1 == g {
			ranges[n-1][1] = g
			continue
		}
		ranges = append(ranges, [2]uint16{g, g})
	}
	w := &writer{}
	if 6*len(ranges) < 2*len(gs) {
		w.u16(2)
		w.u16(uint16(len(ranges)))
		index := 0
		for _, r := range ranges {
			w.u16(r[0])
			w.u16(r[1])
			w.u16(uint16(index))
			index += int(r[1]-r[0]) + 1
		}
		return w.buf
	}
	w.u16(1)
	w.u16(uint16(len(gs)))
	for _, g := range gs {
		w.u16(g)
	}
	return w.buf
}

// parseClassDef returns the classes of the glyphs a class table names;
// the others are in class 0.
func parseClassDef(r *reader) map[uint16]uint16 {
	classes := make(map[uint16]uint16)
	switch format := r.u16(); format {
	case 1:
		start := int(r.u16())
		for i, c := range r.u16s(int(r.u16())) {
			if c != 0 {
				classes[uint16(start+i)] = c
			}
		}
	case 2:
		n := int(r.u16())
		for range n {
			start, end, c := r.u16(), r.u16(), r.u16()
			if r.err != nil || end < start {
				r.err = fmt.Errorf("%s: bad class range", r.what)
				return nil
			}
			for g := int(start); g <= int(end) && c != 0; g++ {
				classes[uint16(g)] = c
			}
		}
	default:
		if r.err == nil {
			r.err = fmt.Errorf("%s: bad class table format %d", r.what, format)
		}
	}
	return classes
}

// writeClassDef writes a class table in format 2, as ranges of glyphs of
// one class.
func writeClassDef(classes map[uint16]uint16) []byte {
	type rng struct{ start, end, class uint16 }
	var rs []rng
	for _, g := range slices.Sorted(maps.Keys(classes)) {
		c := classes[g]
		if n := len(rs); n > 0 && rs[n-1].end+1 == g && rs[n-1].class == c {
			rs[n-1].end = g
			continue
		}
		rs = append(rs, rng{g, g, c})
	}
	w := &writer{}
	w.u16(2)
	w.u16(uint16(len(rs)))
	for _, r := range rs {
		w.u16(r.start)
		w.u16(r.end)
		w.u16(r.class)
	}
	return w.buf
}

// A glyphMap renumbers the glyphs a subset keeps.
type glyphMap map[uint16]uint16

// mapped returns the new numbers of the kept glyphs of gs, in order, and
// the indexes in gs of those it kept.
func (m glyphMap) mapped(gs []uint16) (out []uint16, index []int) {
	for i, g := range gs {
		if n, ok := m[g]; ok {
			out = append(out, n)
			index = append(index, i)
		}
	}
	return out, index
}

// subsetGDEF keeps the glyph classes and mark attachment classes of the
// kept glyphs. The attachment point and ligature caret lists serve
// TrueType hinting and text editing, not drawing, and are dropped.
func subsetGDEF(data []byte, m glyphMap) ([]byte, error) {
	r := newReader(data, "GDEF")
	major, minor := r.u16(), r.u16()
	glyphClassAt := int(r.u16())
	r.u16() // attachListOffset
	r.u16() // ligCaretListOffset
	markClassAt := int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	if major != 1 {
		return nil, fmt.Errorf("GDEF: unsupported version %d.%d", major, minor)
	}
	if minor >= 2 {
		if r.u16() != 0 {
			return nil, fmt.Errorf("GDEF: mark glyph sets are not supported")
		}
	}
	renumber := func(at int) ([]byte, error) {
		if at == 0 {
			return nil, nil
		}
		cr := r.at(at)
		classes := parseClassDef(cr)
		if cr.err != nil {
			return nil, cr.err
		}
		out := make(map[uint16]uint16)
		for g, c := range classes {
			if n, ok := m[g]; ok {
				out[n] = c
			}
		}
		return writeClassDef(out), nil
	}
	glyphClass, err := renumber(glyphClassAt)
	if err != nil {
		return nil, err
	}
	markClass, err := renumber(markClassAt)
	if err != nil {
		return nil, err
	}
	w := &writer{}
	w.u16(1)
	w.u16(0)
	slots := w.len()
	w.u16(0)
	w.u16(0) // no attachment points
	w.u16(0) // no ligature carets
	w.u16(0)
	for _, t := range []struct {
		slot int
		data []byte
	}{{slots, glyphClass}, {slots + 6, markClass}} {
		if t.data == nil {
			continue
		}
		w.offset16(t.slot, 0)
		w.bytes(t.data)
	}
	if w.err != nil {
		return nil, fmt.Errorf("GDEF: %w", w.err)
	}
	return w.buf, nil
}
