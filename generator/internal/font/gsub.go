package font

import (
	"fmt"
	"maps"
	"slices"
)

// A gsub is a glyph substitution table whose lookups are single and
// alternate substitutions: those a math font uses to swap a glyph for a
// script-size form (ssty), a dotless one (dtls) or a variant.
type gsub struct {
	scripts  []gsubScript
	features []gsubFeature
	lookups  []gsubLookup
}

type gsubScript struct {
	tag   string
	def   *langSys // nil if none
	langs []taggedLangSys
}

type taggedLangSys struct {
	tag string
	sys langSys
}

type langSys struct {
	required uint16 // 0xFFFF for none
	features []uint16
}

type gsubFeature struct {
	tag     string
	lookups []uint16
}

type gsubLookup struct {
	kind uint16 // 1 single, 3 alternate
	flag uint16
	subs []map[uint16][]uint16 // per subtable: glyph to its substitutes
}

// closureFeatures are the features whose substitutes a subset keeps: the
// forms a browser asks for when it lays out math. Alternates for the
// user to pick (aalt, salt) are not among them.
var closureFeatures = map[string]bool{"ssty": true, "dtls": true}

func parseGSUB(data []byte) (*gsub, error) {
	r := newReader(data, "GSUB")
	major, minor := r.u16(), r.u16()
	scriptsAt, featuresAt, lookupsAt := int(r.u16()), int(r.u16()), int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	if major != 1 {
		return nil, fmt.Errorf("GSUB: unsupported version %d.%d", major, minor)
	}
	if minor >= 1 && r.u32() != 0 {
		return nil, fmt.Errorf("GSUB: feature variations are not supported")
	}
	t := &gsub{}
	// Scripts, their languages and the features each uses.
	sr := r.at(scriptsAt)
	for range int(sr.u16()) {
		tag, at := string(sr.bytes(4)), int(sr.u16())
		s := gsubScript{tag: tag}
		pr := r.at(scriptsAt + at)
		defAt := int(pr.u16())
		if defAt != 0 {
			ls := parseLangSys(r.at(scriptsAt + at + defAt))
			s.def = &ls
		}
		for range int(pr.u16()) {
			ltag, lat := string(pr.bytes(4)), int(pr.u16())
			s.langs = append(s.langs, taggedLangSys{ltag, parseLangSys(r.at(scriptsAt + at + lat))})
		}
		if pr.err != nil {
			return nil, pr.err
		}
		t.scripts = append(t.scripts, s)
	}
	fr := r.at(featuresAt)
	for range int(fr.u16()) {
		tag, at := string(fr.bytes(4)), int(fr.u16())
		f := r.at(featuresAt + at)
		if f.u16() != 0 {
			return nil, fmt.Errorf("GSUB: feature %s has parameters, which are not supported", tag)
		}
		t.features = append(t.features, gsubFeature{tag, f.u16s(int(f.u16()))})
		if f.err != nil {
			return nil, f.err
		}
	}
	lr := r.at(lookupsAt)
	for range int(lr.u16()) {
		base := lookupsAt + int(lr.u16())
		l := r.at(base)
		lk := gsubLookup{kind: l.u16(), flag: l.u16()}
		offs := l.u16s(int(l.u16()))
		if lk.flag&0x0010 != 0 {
			return nil, fmt.Errorf("GSUB: mark filtering sets are not supported")
		}
		for _, off := range offs {
			sub, err := parseSubst(r.at(base+int(off)), lk.kind)
			if err != nil {
				return nil, err
			}
			lk.subs = append(lk.subs, sub)
		}
		if l.err != nil {
			return nil, l.err
		}
		t.lookups = append(t.lookups, lk)
	}
	if sr.err != nil || fr.err != nil || lr.err != nil {
		return nil, fmt.Errorf("GSUB: truncated")
	}
	return t, nil
}

func parseLangSys(r *reader) langSys {
	r.u16() // lookupOrderOffset, reserved
	ls := langSys{required: r.u16()}
	ls.features = r.u16s(int(r.u16()))
	return ls
}

// parseSubst reads a single (kind 1) or alternate (kind 3) substitution
// subtable as a map from each glyph it covers to its substitutes.
func parseSubst(r *reader, kind uint16) (map[uint16][]uint16, error) {
	start := r.off
	format := r.u16()
	cov := parseCoverage(r.at(start + int(r.u16())))
	m := make(map[uint16][]uint16)
	switch {
	case kind == 1 && format == 1:
		delta := r.u16()
		for _, g := range cov {
			m[g] = []uint16{g + delta}
		}
	case kind == 1 && format == 2:
		to := r.u16s(int(r.u16()))
		if len(to) != len(cov) && r.err == nil {
			return nil, fmt.Errorf("GSUB: single substitution covers %d glyphs for %d substitutes", len(cov), len(to))
		}
		for i, g := range cov {
			m[g] = []uint16{to[i]}
		}
	case kind == 3 && format == 1:
		offs := r.u16s(int(r.u16()))
		if len(offs) != len(cov) && r.err == nil {
			return nil, fmt.Errorf("GSUB: alternate substitution covers %d glyphs for %d sets", len(cov), len(offs))
		}
		for i, g := range cov {
			a := r.at(start + int(offs[i]))
			m[g] = a.u16s(int(a.u16()))
			if a.err != nil {
				return nil, a.err
			}
		}
	default:
		return nil, fmt.Errorf("GSUB: lookup type %d format %d is not supported (only single and alternate substitutions)", kind, format)
	}
	return m, r.err
}

// closure adds to keep the substitutes of kept glyphs that the closure
// features can produce. It reports whether it added any.
func (t *gsub) closure(keep map[uint16]bool) bool {
	grew := false
	for _, f := range t.features {
		if !closureFeatures[f.tag] {
			continue
		}
		for _, li := range f.lookups {
			if int(li) >= len(t.lookups) {
				continue
			}
			for _, sub := range t.lookups[li].subs {
				for g, to := range sub {
					if !keep[g] {
						continue
					}
					for _, s := range to {
						if !keep[s] {
							keep[s], grew = true, true
						}
					}
				}
			}
		}
	}
	return grew
}

// bytes writes the table for the kept glyphs, renumbered. Scripts,
// features and lookups keep their order and numbers; a substitution
// whose glyph or substitutes are gone is dropped.
func (t *gsub) bytes(m glyphMap) ([]byte, error) {
	w := &writer{}
	w.u16(1)
	w.u16(0)
	head := w.len()
	w.u16(0)
	w.u16(0)
	w.u16(0)

	w.offset16(head, 0)
	base := w.len()
	w.u16(uint16(len(t.scripts)))
	slots := w.slots(len(t.scripts), func(i int) string { return t.scripts[i].tag })
	for i, s := range t.scripts {
		w.offset16(slots[i], base)
		s.write(w)
	}

	w.offset16(head+2, 0)
	base = w.len()
	w.u16(uint16(len(t.features)))
	slots = w.slots(len(t.features), func(i int) string { return t.features[i].tag })
	for i, f := range t.features {
		w.offset16(slots[i], base)
		w.u16(0) // no parameters
		w.u16(uint16(len(f.lookups)))
		for _, l := range f.lookups {
			w.u16(l)
		}
	}

	w.offset16(head+4, 0)
	base = w.len()
	w.u16(uint16(len(t.lookups)))
	slots = w.slots(len(t.lookups), nil)
	for i, l := range t.lookups {
		w.offset16(slots[i], base)
		l.write(w, m)
	}
	if w.err != nil {
		return nil, fmt.Errorf("GSUB: %w", w.err)
	}
	return w.buf, nil
}

func (s gsubScript) write(w *writer) {
	base := w.len()
	defSlot := w.len()
	w.u16(0)
	w.u16(uint16(len(s.langs)))
	slots := w.slots(len(s.langs), func(i int) string { return s.langs[i].tag })
	if s.def != nil {
		w.offset16(defSlot, base)
		s.def.write(w)
	}
	for i, l := range s.langs {
		w.offset16(slots[i], base)
		l.sys.write(w)
	}
}

func (ls langSys) write(w *writer) {
	w.u16(0)
	w.u16(ls.required)
	w.u16(uint16(len(ls.features)))
	for _, f := range ls.features {
		w.u16(f)
	}
}

func (l gsubLookup) write(w *writer, m glyphMap) {
	base := w.len()
	w.u16(l.kind)
	w.u16(l.flag)
	w.u16(uint16(len(l.subs)))
	slots := w.slots(len(l.subs), nil)
	for i, sub := range l.subs {
		// The substitutions of kept glyphs to kept glyphs, renumbered.
		kept := make(map[uint16][]uint16)
		for g, to := range sub {
			n, ok := m[g]
			if !ok {
				continue
			}
			out, _ := m.mapped(to)
			if len(out) > 0 && (l.kind == 3 || len(out) == len(to)) {
				kept[n] = out
			}
		}
		w.offset16(slots[i], base)
		writeSubst(w, l.kind, kept)
	}
}

// writeSubst writes a single substitution in format 2 or an alternate
// substitution, kind 3, in format 1. An empty one covers no glyph.
func writeSubst(w *writer, kind uint16, kept map[uint16][]uint16) {
	gs := slices.Sorted(maps.Keys(kept))
	base := w.len()
	w.u16(map[uint16]uint16{1: 2, 3: 1}[kind])
	covSlot := w.len()
	w.u16(0)
	w.u16(uint16(len(gs)))
	if kind == 1 {
		for _, g := range gs {
			w.u16(kept[g][0])
		}
	} else {
		slots := w.slots(len(gs), nil)
		for i, g := range gs {
			w.offset16(slots[i], base)
			w.u16(uint16(len(kept[g])))
			for _, a := range kept[g] {
				w.u16(a)
			}
		}
	}
	w.offset16(covSlot, base)
	w.bytes(writeCoverage(gs))
}
