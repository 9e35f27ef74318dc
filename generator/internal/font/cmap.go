package font

import (
	"fmt"
	"maps"
	"slices"
)

// parseCmap returns the font's map from characters to glyphs, read from
// its fullest Unicode subtable: format 12 if it has one, else format 4.
func parseCmap(data []byte) (map[rune]uint16, error) {
	r := newReader(data, "cmap")
	r.u16() // version
	n := int(r.u16())
	best, bestRank := -1, 0
	for range n {
		platform, encoding, off := r.u16(), r.u16(), int(r.u32())
		rank := 0
		switch {
		case platform == 3 && encoding == 10, platform == 0 && (encoding == 4 || encoding == 6):
			rank = 2 // all of Unicode
		case platform == 3 && encoding == 1, platform == 0 && encoding <= 3:
			rank = 1 // the Basic Multilingual Plane
		}
		if rank > bestRank {
			best, bestRank = off, rank
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if best < 0 {
		return nil, fmt.Errorf("cmap: no Unicode subtable")
	}
	s := r.at(best)
	m := make(map[rune]uint16)
	switch format := s.u16(); format {
	case 4:
		s.u16() // length
		s.u16() // language
		segs := int(s.u16()) / 2
		s.bytes(6)
		ends := s.u16s(segs)
		s.u16() // reservedPad
		starts := s.u16s(segs)
		deltas := s.u16s(segs)
		rangeAt := s.off
		ranges := s.u16s(segs)
		if s.err != nil {
			return nil, s.err
		}
		for i := range segs {
			for c := int(starts[i]); c <= int(ends[i]) && c != 0xFFFF; c++ {
				var g uint16
				if ranges[i] == 0 {
					g = uint16(c) + deltas[i]
				} else {
					// The offset counts from the idRangeOffset itself.
					at := rangeAt + 2*i + int(ranges[i]) + 2*(c-int(starts[i]))
					if g = s.at(at).u16(); g != 0 {
						g += deltas[i]
					}
				}
				if g != 0 {
					m[rune(c)] = g
				}
			}
		}
	case 12:
		s.u16() // reserved
		s.u32() // length
		s.u32() // language
		groups := int(s.u32())
		for range groups {
			start, end, g := s.u32(), s.u32(), s.u32()
			if s.err != nil || end < start || end > 0x10FFFF || end-start > 0x10FFFF {
				return nil, fmt.Errorf("cmap: bad group %#x-%#x", start, end)
			}
			for c := start; c <= end; c++ {
				if g != 0 && g <= 0xFFFF {
					m[rune(c)] = uint16(g)
				}
				g++
			}
		}
	default:
		return nil, fmt.Errorf("cmap: unsupported subtable format %d", format)
	}
	if s.err != nil {
		return nil, s.err
	}
	return m, nil
}

// writeCmap writes a cmap table for m: format 4 for the characters of the
// Basic Multilingual Plane, which every reader knows, and format 12 for
// all of them, if some lie beyond it.
func writeCmap(m map[rune]uint16) []byte {
	runes := slices.Sorted(maps.Keys(m))
	var bmp []rune
	for _, c := range runes {
		if c <= 0xFFFF {
			bmp = append(bmp, c)
		}
	}
	f4 := cmapFormat4(bmp, m)
	var f12 []byte
	if len(bmp) < len(runes) {
		f12 = cmapFormat12(runes, m)
	}
	// Both Unicode platforms point at the same subtables.
	n := 2
	if f12 != nil {
		n = 4
	}
	off4 := uint32(4 + 8*n)
	off12 := off4 + uint32(len(f4))
	w := &writer{}
	w.u16(0) // version
	w.u16(uint16(n))
	for _, platform := range []uint16{0, 3} {
		bmpEncoding, fullEncoding := uint16(3), uint16(4) // Unicode platform
		if platform == 3 {
			bmpEncoding, fullEncoding = 1, 10 // Windows platform
		}
		w.u16(platform)
		w.u16(bmpEncoding)
		w.u32(off4)
		if f12 != nil {
			w.u16(platform)
			w.u16(fullEncoding)
			w.u32(off12)
		}
	}
	w.bytes(f4)
	w.bytes(f12)
	return w.buf
}

// A span is a run of consecutive characters mapped to consecutive glyphs.
type span struct {
	first, last rune
	glyph       uint16 // of first
}

func spans(runes []rune, m map[rune]uint16) []span {
	var ss []span
	for _, c := range runes {
		if n := len(ss); n > 0 && ss[n-1].last+1 == c && int(ss[n-1].glyph)+int(c-ss[n-1].first) == int(m[c]) {
			ss[n-1].last = c
			continue
		}
		ss = append(ss, span{c, c, m[c]})
	}
	return ss
}

func cmapFormat4(bmp []rune, m map[rune]uint16) []byte {
	ss := spans(bmp, m)
	// Every format 4 subtable ends with a segment for U+FFFF.
	ss = append(ss, span{0xFFFF, 0xFFFF, 0})
	n := len(ss)
	entrySelector := 0
	for 2<<entrySelector <= n {
		entrySelector++
	}
	searchRange := 2 << entrySelector
	w := &writer{}
	w.u16(4)
	w.u16(uint16(16 + 8*n))
	w.u16(0) // language
	w.u16(uint16(2 * n))
	w.u16(uint16(searchRange))
	w.u16(uint16(entrySelector))
	w.u16(uint16(2*n - searchRange))
	for _, s := range ss {
		w.u16(uint16(s.last))
	}
	w.u16(0)
	for _, s := range ss {
		w.u16(uint16(s.first))
	}
	for _, s := range ss {
		if s.first == 0xFFFF {
			w.u16(1) // maps U+FFFF to glyph 0
		} else {
			w.u16(s.glyph - uint16(s.first))
		}
	}
	for range ss {
		w.u16(0) // idRangeOffset: none
	}
	return w.buf
}

func cmapFormat12(runes []rune, m map[rune]uint16) []byte {
	ss := spans(runes, m)
	w := &writer{}
	w.u16(12)
	w.u16(0)
	w.u32(uint32(16 + 12*len(ss)))
	w.u32(0) // language
	w.u32(uint32(len(ss)))
	for _, s := range ss {
		w.u32(uint32(s.first))
		w.u32(uint32(s.last))
		w.u32(uint32(s.glyph))
	}
	return w.buf
}
