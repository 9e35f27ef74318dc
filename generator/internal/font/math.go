package font

import (
	"fmt"
	"maps"
	"slices"
)

// A mathTable is an OpenType MATH table: the constants of math layout,
// the glyphs' italic corrections, accent attachments and cut-in kerns,
// and the larger variants and assemblies of the glyphs that stretch.
// Browsers lay out MathML with it.
type mathTable struct {
	constants      mathConstants
	italics        map[uint16]valueRecord
	topAccents     map[uint16]valueRecord
	extendedShapes []uint16
	kerns          map[uint16]*[4]*mathKern // top right, top left, bottom right, bottom left
	overlap        uint16                   // minConnectorOverlap
	vertical       map[uint16]*construction
	horizontal     map[uint16]*construction
}

// A valueRecord is a value in design units with, rarely, a device table
// adjusting it at some sizes, kept as its bytes.
type valueRecord struct {
	value  int16
	device []byte
}

// mathConstants are the table's 56 constants: four plain numbers, 51
// value records and one more number.
type mathConstants struct {
	head    [4]uint16
	records [51]valueRecord
	tail    uint16
}

type mathKern struct {
	heights, kerns []valueRecord // len(kerns) == len(heights)+1
}

// A construction is how a glyph grows: larger variants, then an assembly
// of parts.
type construction struct {
	assembly *assembly
	variants []variant
}

type variant struct{ glyph, advance uint16 }

type assembly struct {
	italics valueRecord
	parts   []part
}

type part struct{ glyph, startConnector, endConnector, fullAdvance, flags uint16 }

func parseMATH(data []byte) (*mathTable, error) {
	r := newReader(data, "MATH")
	major, minor := r.u16(), r.u16()
	constantsAt, infoAt, variantsAt := int(r.u16()), int(r.u16()), int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	if major != 1 {
		return nil, fmt.Errorf("MATH: unsupported version %d.%d", major, minor)
	}
	m := &mathTable{
		italics: map[uint16]valueRecord{}, topAccents: map[uint16]valueRecord{},
		kerns: map[uint16]*[4]*mathKern{}, vertical: map[uint16]*construction{}, horizontal: map[uint16]*construction{},
	}
	if constantsAt != 0 {
		c := r.at(constantsAt)
		for i := range m.constants.head {
			m.constants.head[i] = c.u16()
		}
		for i := range m.constants.records {
			m.constants.records[i] = parseValueRecord(c, constantsAt)
		}
		m.constants.tail = c.u16()
		if c.err != nil {
			return nil, c.err
		}
	}
	if infoAt != 0 {
		if err := m.parseGlyphInfo(r.at(infoAt)); err != nil {
			return nil, err
		}
	}
	if variantsAt != 0 {
		if err := m.parseVariants(r.at(variantsAt)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// parseValueRecord reads a value record whose device table, if any, lies
// at an offset from base.
func parseValueRecord(r *reader, base int) valueRecord {
	v := valueRecord{value: r.i16()}
	if off := int(r.u16()); off != 0 {
		d := r.at(base + off)
		start, end, format := int(d.u16()), int(d.u16()), d.u16()
		size := 6 // a variation index
		if format >= 1 && format <= 3 {
			bits := 1 << format // 2, 4 or 8 bits a size
			size += 2 * (((end-start+1)*bits + 15) / 16)
		} else if format != 0x8000 && r.err == nil {
			r.err = fmt.Errorf("MATH: bad device table format %#x", format)
		}
		v.device = r.at(base + off).bytes(size)
		if d.err != nil && r.err == nil {
			r.err = d.err
		}
	}
	return v
}

// parseGlyphValues reads a coverage table and a value per glyph, as the
// italic corrections and top accent attachments are written.
func parseGlyphValues(r *reader) map[uint16]valueRecord {
	base := r.off
	cov := parseCoverage(r.at(base + int(r.u16())))
	n := int(r.u16())
	out := make(map[uint16]valueRecord)
	for i := range n {
		v := parseValueRecord(r, base)
		if i < len(cov) {
			out[cov[i]] = v
		}
	}
	if len(cov) != n && r.err == nil {
		r.err = fmt.Errorf("MATH: %d glyphs covered for %d values", len(cov), n)
	}
	return out
}

func (m *mathTable) parseGlyphInfo(r *reader) error {
	base := r.off
	italicsAt, accentsAt, shapesAt, kernsAt := int(r.u16()), int(r.u16()), int(r.u16()), int(r.u16())
	if italicsAt != 0 {
		s := r.at(base + italicsAt)
		m.italics = parseGlyphValues(s)
		if s.err != nil {
			return s.err
		}
	}
	if accentsAt != 0 {
		s := r.at(base + accentsAt)
		m.topAccents = parseGlyphValues(s)
		if s.err != nil {
			return s.err
		}
	}
	if shapesAt != 0 {
		s := r.at(base + shapesAt)
		m.extendedShapes = parseCoverage(s)
		if s.err != nil {
			return s.err
		}
	}
	if kernsAt != 0 {
		s := r.at(base + kernsAt)
		kbase := s.off
		cov := parseCoverage(s.at(kbase + int(s.u16())))
		n := int(s.u16())
		for i := range n {
			var ks [4]*mathKern
			for corner := range ks {
				off := int(s.u16())
				if off == 0 {
					continue
				}
				k := s.at(kbase + off)
				kb := k.off
				h := int(k.u16())
				mk := &mathKern{}
				for range h {
					mk.heights = append(mk.heights, parseValueRecord(k, kb))
				}
				for range h + 1 {
					mk.kerns = append(mk.kerns, parseValueRecord(k, kb))
				}
				if k.err != nil {
					return k.err
				}
				ks[corner] = mk
			}
			if i < len(cov) {
				m.kerns[cov[i]] = &ks
			}
		}
		if s.err != nil {
			return s.err
		}
	}
	return r.err
}

func (m *mathTable) parseVariants(r *reader) error {
	base := r.off
	m.overlap = r.u16()
	vertCov, horizCov := int(r.u16()), int(r.u16())
	nv, nh := int(r.u16()), int(r.u16())
	vOffs, hOffs := r.u16s(nv), r.u16s(nh)
	if r.err != nil {
		return r.err
	}
	for _, dir := range []struct {
		cov  int
		offs []uint16
		into map[uint16]*construction
	}{{vertCov, vOffs, m.vertical}, {horizCov, hOffs, m.horizontal}} {
		var glyphs []uint16
		if dir.cov != 0 {
			c := r.at(base + dir.cov)
			glyphs = parseCoverage(c)
			if c.err != nil {
				return c.err
			}
		}
		if len(glyphs) != len(dir.offs) {
			return fmt.Errorf("MATH: %d glyphs covered for %d constructions", len(glyphs), len(dir.offs))
		}
		for i, off := range dir.offs {
			c := r.at(base + int(off))
			cbase := c.off
			con := &construction{}
			asmAt := int(c.u16())
			for range int(c.u16()) {
				con.variants = append(con.variants, variant{c.u16(), c.u16()})
			}
			if asmAt != 0 {
				a := c.at(cbase + asmAt)
				abase := a.off
				asm := &assembly{italics: parseValueRecord(a, abase)}
				for range int(a.u16()) {
					asm.parts = append(asm.parts, part{a.u16(), a.u16(), a.u16(), a.u16(), a.u16()})
				}
				if a.err != nil {
					return a.err
				}
				con.assembly = asm
			}
			if c.err != nil {
				return c.err
			}
			dir.into[glyphs[i]] = con
		}
	}
	return nil
}

// closure adds to keep the variants and assembly parts of kept glyphs,
// which a browser draws in their place when they stretch. It reports
// whether it added any.
func (m *mathTable) closure(keep map[uint16]bool) bool {
	grew := false
	add := func(g uint16) {
		if !keep[g] {
			keep[g], grew = true, true
		}
	}
	for _, cons := range []map[uint16]*construction{m.vertical, m.horizontal} {
		for g, c := range cons {
			if !keep[g] {
				continue
			}
			for _, v := range c.variants {
				add(v.glyph)
			}
			if c.assembly != nil {
				for _, p := range c.assembly.parts {
					add(p.glyph)
				}
			}
		}
	}
	return grew
}

// bytes writes the table for the kept glyphs, renumbered.
func (m *mathTable) bytes(gm glyphMap) ([]byte, error) {
	w := &writer{}
	w.u16(1)
	w.u16(0)
	w.u16(0)
	w.u16(0)
	w.u16(0)

	w.offset16(4, 0)
	base := w.len()
	for _, v := range m.constants.head {
		w.u16(v)
	}
	var devices deviceSlots
	for _, v := range m.constants.records {
		devices.record(w, v)
	}
	w.u16(m.constants.tail)
	devices.write(w, base)

	w.offset16(6, 0)
	m.writeGlyphInfo(w, gm)
	w.offset16(8, 0)
	if err := m.writeVariants(w, gm); err != nil {
		return nil, err
	}
	if w.err != nil {
		return nil, fmt.Errorf("MATH: %w", w.err)
	}
	return w.buf, nil
}

// deviceSlots collects the value records of a table whose device tables
// follow it.
type deviceSlots []struct {
	slot   int
	device []byte
}

// record writes v, leaving its device offset for write to fill.
func (d *deviceSlots) record(w *writer, v valueRecord) {
	w.i16(v.value)
	if v.device != nil {
		*d = append(*d, struct {
			slot   int
			device []byte
		}{w.len(), v.device})
	}
	w.u16(0)
}

func (d deviceSlots) write(w *writer, base int) {
	for _, s := range d {
		w.offset16(s.slot, base)
		w.bytes(s.device)
	}
}

// keptValues renumbers the entries of kept glyphs, in glyph order.
func keptGlyphs[V any](gm glyphMap, m map[uint16]V) (news []uint16, olds []uint16) {
	byNew := make(map[uint16]uint16)
	for g := range m {
		if n, ok := gm[g]; ok {
			byNew[n] = g
		}
	}
	news = slices.Sorted(maps.Keys(byNew))
	for _, n := range news {
		olds = append(olds, byNew[n])
	}
	return news, olds
}

func (m *mathTable) writeGlyphInfo(w *writer, gm glyphMap) {
	base := w.len()
	for range 4 {
		w.u16(0)
	}
	for i, values := range []map[uint16]valueRecord{m.italics, m.topAccents} {
		news, olds := keptGlyphs(gm, values)
		w.offset16(base+2*i, base)
		sub := w.len()
		w.u16(0)
		w.u16(uint16(len(news)))
		var devices deviceSlots
		for _, g := range olds {
			devices.record(w, values[g])
		}
		devices.write(w, sub)
		w.offset16(sub, sub)
		w.bytes(writeCoverage(news))
	}
	shapes, _ := gm.mapped(m.extendedShapes)
	slices.Sort(shapes)
	w.offset16(base+4, base)
	w.bytes(writeCoverage(shapes))
	news, olds := keptGlyphs(gm, m.kerns)
	if len(news) == 0 {
		return
	}
	w.offset16(base+6, base)
	sub := w.len()
	w.u16(0)
	w.u16(uint16(len(news)))
	var slots []int
	for range olds {
		for range 4 {
			slots = append(slots, w.len())
			w.u16(0)
		}
	}
	for i, g := range olds {
		for corner, k := range m.kerns[g] {
			if k == nil {
				continue
			}
			w.offset16(slots[4*i+corner], sub)
			kbase := w.len()
			w.u16(uint16(len(k.heights)))
			var devices deviceSlots
			for _, v := range append(slices.Clone(k.heights), k.kerns...) {
				devices.record(w, v)
			}
			devices.write(w, kbase)
		}
	}
	w.offset16(sub, sub)
	w.bytes(writeCoverage(news))
}

func (m *mathTable) writeVariants(w *writer, gm glyphMap) error {
	base := w.len()
	vNews, vOlds := keptGlyphs(gm, m.vertical)
	hNews, hOlds := keptGlyphs(gm, m.horizontal)
	w.u16(m.overlap)
	covSlots := w.len()
	w.u16(0)
	w.u16(0)
	w.u16(uint16(len(vNews)))
	w.u16(uint16(len(hNews)))
	slots := w.len()
	for range len(vOlds) + len(hOlds) {
		w.u16(0)
	}
	newID := func(g uint16) uint16 {
		n, ok := gm[g]
		if !ok && w.err == nil {
			w.err = fmt.Errorf("glyph %d, part of a construction, was not kept", g)
		}
		return n
	}
	for i, c := range append(mapValues(m.vertical, vOlds), mapValues(m.horizontal, hOlds)...) {
		w.offset16(slots+2*i, base)
		cbase := w.len()
		w.u16(0)
		w.u16(uint16(len(c.variants)))
		for _, v := range c.variants {
			w.u16(newID(v.glyph))
			w.u16(v.advance)
		}
		if a := c.assembly; a != nil {
			w.offset16(cbase, cbase)
			abase := w.len()
			var devices deviceSlots
			devices.record(w, a.italics)
			w.u16(uint16(len(a.parts)))
			for _, p := range a.parts {
				w.u16(newID(p.glyph))
				w.u16(p.startConnector)
				w.u16(p.endConnector)
				w.u16(p.fullAdvance)
				w.u16(p.flags)
			}
			devices.write(w, abase)
		}
	}
	w.offset16(covSlots, base)
	w.bytes(writeCoverage(vNews))
	w.offset16(covSlots+2, base)
	w.bytes(writeCoverage(hNews))
	return w.err
}

func mapValues[K comparable, V any](m map[K]V, keys []K) []V {
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
