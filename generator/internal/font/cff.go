package font

import (
	"fmt"
	"slices"
)

// A cff is a Compact Font Format table (version 1) holding one font with
// Type 2 charstrings, not CID-keyed: the kind that OpenType fonts with
// PostScript outlines carry.
type cff struct {
	name        []byte
	top         dict
	strings     [][]byte // the String INDEX: SIDs from 391 on
	gsubrs      [][]byte
	charstrings [][]byte // by glyph
	charset     []int    // the SID of each glyph's name
	private     dict
	lsubrs      [][]byte
}

// DICT operators the subsetter reads or rewrites; those of two bytes are
// 1200 plus the second.
const (
	opCharset     = 15
	opEncoding    = 16
	opCharStrings = 17
	opPrivate     = 18
	opSubrs       = 19
	opROS         = 1230
)

// sidOperators are the Top DICT operators whose operand names a string.
var sidOperators = map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true, 1200: true, 1221: true, 1222: true, 1238: true}

// A dict is a CFF DICT: operators with their operands, in order.
type dict []dictEntry

type dictEntry struct {
	op       int
	operands []operand
}

// An operand is a DICT number, kept as written so that it is written
// back exactly; value is its value if it is an integer.
type operand struct {
	raw   []byte
	value int
	real  bool
}

func (d dict) get(op int) []operand {
	for _, e := range d {
		if e.op == op {
			return e.operands
		}
	}
	return nil
}

// ints returns the integer operands of op, and whether op is there with
// exactly n of them.
func (d dict) ints(op, n int) ([]int, bool) {
	ops := d.get(op)
	if len(ops) != n {
		return nil, false
	}
	v := make([]int, n)
	for i, o := range ops {
		if o.real {
			return nil, false
		}
		v[i] = o.value
	}
	return v, true
}

func parseDict(data []byte, what string) (dict, error) {
	var d dict
	var operands []operand
	for i := 0; i < len(data); {
		b := data[i]
		start := i
		switch {
		case b <= 21:
			op := int(b)
			i++
			if b == 12 {
				if i >= len(data) {
					return nil, fmt.Errorf("%s: truncated operator", what)
				}
				op = 1200 + int(data[i])
				i++
			}
			d = append(d, dictEntry{op, operands})
			operands = nil
			continue
		case b == 28 && i+3 <= len(data):
			i += 3
			operands = append(operands, operand{raw: data[start:i], value: int(int16(uint16(data[start+1])<<8 | uint16(data[start+2])))})
		case b == 29 && i+5 <= len(data):
			i += 5
			v := int32(uint32(data[start+1])<<24 | uint32(data[start+2])<<16 | uint32(data[start+3])<<8 | uint32(data[start+4]))
			operands = append(operands, operand{raw: data[start:i], value: int(v)})
		case b == 30:
			// A real: nibbles up to one of 0xF.
			for i++; i < len(data); i++ {
				if data[i]&0x0F == 0x0F || data[i]>>4 == 0x0F {
					break
				}
			}
			if i >= len(data) {
				return nil, fmt.Errorf("%s: unterminated real number", what)
			}
			i++
			operands = append(operands, operand{raw: data[start:i], real: true})
		case b >= 32 && b <= 246:
			i++
			operands = append(operands, operand{raw: data[start:i], value: int(b) - 139})
		case b >= 247 && b <= 250 && i+2 <= len(data):
			i += 2
			operands = append(operands, operand{raw: data[start:i], value: (int(b)-247)*256 + int(data[start+1]) + 108})
		case b >= 251 && b <= 254 && i+2 <= len(data):
			i += 2
			operands = append(operands, operand{raw: data[start:i], value: -(int(b)-251)*256 - int(data[start+1]) - 108})
		default:
			return nil, fmt.Errorf("%s: bad byte %d at %d", what, b, i)
		}
	}
	if len(operands) > 0 {
		return nil, fmt.Errorf("%s: operands without an operator at the end", what)
	}
	return d, nil
}

// fixedInt is an integer operand in the five-byte form, whose size does
// not depend on its value: offsets are written so, before they are known.
func fixedInt(v int) operand {
	u := uint32(int32(v))
	return operand{raw: []byte{29, byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}, value: v}
}

func (d dict) bytes() []byte {
	var b []byte
	for _, e := range d {
		for _, o := range e.operands {
			b = append(b, o.raw...)
		}
		if e.op >= 1200 {
			b = append(b, 12, byte(e.op-1200))
		} else {
			b = append(b, byte(e.op))
		}
	}
	return b
}

// set replaces the operands of op, adding it if it is missing.
func (d dict) set(op int, operands ...operand) dict {
	for i, e := range d {
		if e.op == op {
			d[i].operands = operands
			return d
		}
	}
	return append(d, dictEntry{op, operands})
}

func (d dict) remove(op int) dict {
	return slices.DeleteFunc(d, func(e dictEntry) bool { return e.op == op })
}

// parseIndex reads a CFF INDEX at r and returns its items.
func parseIndex(r *reader) [][]byte {
	count := int(r.u16())
	if count == 0 {
		return nil
	}
	offSize := int(r.u8())
	if r.err == nil && (offSize < 1 || offSize > 4) {
		r.err = fmt.Errorf("%s: bad INDEX offset size %d", r.what, offSize)
	}
	offs := make([]int, count+1)
	for i := range offs {
		v := 0
		for _, b := range r.bytes(offSize) {
			v = v<<8 | int(b)
		}
		offs[i] = v
	}
	base := r.off - 1 // offsets count from 1
	items := make([][]byte, count)
	for i := range items {
		if r.err != nil {
			return nil
		}
		if offs[i] < 1 || offs[i+1] < offs[i] || base+offs[i+1] > len(r.data) {
			r.err = fmt.Errorf("%s: bad INDEX offsets", r.what)
			return nil
		}
		items[i] = r.data[base+offs[i] : base+offs[i+1]]
	}
	r.off = base + offs[count]
	return items
}

func writeIndex(w *writer, items [][]byte) {
	w.u16(uint16(len(items)))
	if len(items) == 0 {
		return
	}
	end := 1
	for _, it := range items {
		end += len(it)
	}
	offSize := 1
	for end >= 1<<(8*offSize) {
		offSize++
	}
	w.u8(uint8(offSize))
	off := 1
	for i := 0; i <= len(items); i++ {
		for k := offSize - 1; k >= 0; k-- {
			w.u8(byte(off >> (8 * k)))
		}
		if i < len(items) {
			off += len(items[i])
		}
	}
	for _, it := range items {
		w.bytes(it)
	}
}

func parseCFF(data []byte) (*cff, error) {
	r := newReader(data, "CFF")
	major, _, hdrSize := r.u8(), r.u8(), int(r.u8())
	if r.err == nil && major != 1 {
		return nil, fmt.Errorf("CFF: unsupported version %d", major)
	}
	r = r.at(hdrSize)
	names := parseIndex(r)
	tops := parseIndex(r)
	strs := parseIndex(r)
	gsubrs := parseIndex(r)
	if r.err != nil {
		return nil, r.err
	}
	if len(names) != 1 || len(tops) != 1 {
		return nil, fmt.Errorf("CFF: %d fonts, want one", len(names))
	}
	top, err := parseDict(tops[0], "CFF Top DICT")
	if err != nil {
		return nil, err
	}
	if top.get(opROS) != nil {
		return nil, fmt.Errorf("CFF: CID-keyed fonts are not supported")
	}
	if ct, ok := top.ints(1206, 1); ok && ct[0] != 2 {
		return nil, fmt.Errorf("CFF: charstring type %d, want 2", ct[0])
	}
	c := &cff{name: names[0], top: top, strings: strs, gsubrs: gsubrs}
	off, ok := top.ints(opCharStrings, 1)
	if !ok {
		return nil, fmt.Errorf("CFF: no CharStrings")
	}
	cr := r.at(off[0])
	c.charstrings = parseIndex(cr)
	if cr.err != nil {
		return nil, cr.err
	}
	n := len(c.charstrings)
	if c.charset, err = parseCharset(r, top, n); err != nil {
		return nil, err
	}
	priv, ok := top.ints(opPrivate, 2)
	if !ok {
		return nil, fmt.Errorf("CFF: no Private DICT")
	}
	size, at := priv[0], priv[1]
	if size < 0 || at < 0 || at+size > len(data) {
		return nil, fmt.Errorf("CFF: Private DICT lies outside the table")
	}
	if c.private, err = parseDict(data[at:at+size], "CFF Private DICT"); err != nil {
		return nil, err
	}
	if subrs, ok := c.private.ints(opSubrs, 1); ok {
		sr := r.at(at + subrs[0])
		c.lsubrs = parseIndex(sr)
		if sr.err != nil {
			return nil, sr.err
		}
	}
	return c, nil
}

// parseCharset returns the SID of the name of each of n glyphs.
func parseCharset(r *reader, top dict, n int) ([]int, error) {
	sids := make([]int, n) // glyph 0 is .notdef, SID 0
	off, ok := top.ints(opCharset, 1)
	if !ok || off[0] <= 2 {
		// A predefined charset (ISOAdobe, Expert...): only ISOAdobe's
		// SIDs are the glyph numbers.
		if ok && off[0] != 0 {
			return nil, fmt.Errorf("CFF: predefined charset %d not supported", off[0])
		}
		for g := range sids {
			sids[g] = g
		}
		return sids, nil
	}
	cr := r.at(off[0])
	switch format := cr.u8(); format {
	case 0:
		for g := 1; g < n; g++ {
			sids[g] = int(cr.u16())
		}
	case 1, 2:
		for g := 1; g < n && cr.err == nil; {
			first := int(cr.u16())
			var left int
			if format == 1 {
				left = int(cr.u8())
			} else {
				left = int(cr.u16())
			}
			for k := 0; k <= left && g < n; k++ {
				sids[g] = first + k
				g++
			}
		}
	default:
		return nil, fmt.Errorf("CFF: bad charset format %d", format)
	}
	return sids, cr.err
}

// subset returns the font with the glyphs of keep, in this order, which
// must start with glyph 0. Subroutines stay where they are, so that no
// charstring changes; those no kept glyph calls are emptied.
func (c *cff) subset(keep []uint16) ([]byte, error) {
	used, err := c.usedSubrs(keep)
	if err != nil {
		return nil, err
	}
	emptied := func(subrs [][]byte, used map[int]bool) [][]byte {
		out := make([][]byte, len(subrs))
		for i, s := range subrs {
			if used[i] {
				out[i] = s
			} else {
				out[i] = []byte{t2Return}
			}
		}
		return out
	}
	gsubrs := emptied(c.gsubrs, used.global)
	lsubrs := emptied(c.lsubrs, used.local)

	// Strings: those the Top DICT names, then the glyph names, each once.
	var strs [][]byte
	newSID := make(map[int]int)
	sid := func(old int) (int, error) {
		if old < numStandardStrings {
			return old, nil
		}
		if s, ok := newSID[old]; ok {
			return s, nil
		}
		if old-numStandardStrings >= len(c.strings) {
			return 0, fmt.Errorf("CFF: no string %d", old)
		}
		newSID[old] = numStandardStrings + len(strs)
		strs = append(strs, c.strings[old-numStandardStrings])
		return newSID[old], nil
	}
	top := slices.Clone(c.top)
	for i, e := range top {
		if !sidOperators[e.op] || len(e.operands) != 1 {
			continue
		}
		s, err := sid(e.operands[0].value)
		if err != nil {
			return nil, err
		}
		top[i] = dictEntry{e.op, []operand{fixedInt(s)}}
	}
	charset := &writer{}
	charset.u8(0) // format 0: one SID per glyph after .notdef
	charstrings := make([][]byte, len(keep))
	for i, g := range keep {
		charstrings[i] = c.charstrings[g]
		if i == 0 {
			continue
		}
		s, err := sid(c.charset[g])
		if err != nil {
			return nil, err
		}
		charset.u16(uint16(s))
	}

	// The Top DICT's offsets are written in five bytes each, so its size
	// is known before they are.
	top = top.remove(opEncoding) // the standard encoding; cmap maps characters
	top = top.set(opCharset, fixedInt(0))
	top = top.set(opCharStrings, fixedInt(0))
	top = top.set(opPrivate, fixedInt(0), fixedInt(0))
	private := slices.Clone(c.private).remove(opSubrs)
	if len(lsubrs) > 0 {
		private = private.set(opSubrs, fixedInt(0))
		privSize := len(private.bytes())
		private = private.set(opSubrs, fixedInt(privSize)) // just after it
	}
	privBytes := private.bytes()

	head := &writer{}
	head.bytes([]byte{1, 0, 4, 4}) // version 1.0, header size, offset size
	writeIndex(head, [][]byte{c.name})
	topAt := head.len()
	writeIndex(head, [][]byte{top.bytes()})
	topLen := head.len() - topAt
	rest := &writer{}
	writeIndex(rest, strs)
	writeIndex(rest, gsubrs)
	charsetAt := topAt + topLen + rest.len()
	rest.bytes(charset.buf)
	charstringsAt := topAt + topLen + rest.len()
	writeIndex(rest, charstrings)
	privateAt := topAt + topLen + rest.len()
	rest.bytes(privBytes)
	writeIndex(rest, lsubrs)

	top = top.set(opCharset, fixedInt(charsetAt))
	top = top.set(opCharStrings, fixedInt(charstringsAt))
	top = top.set(opPrivate, fixedInt(len(privBytes)), fixedInt(privateAt))
	out := &writer{buf: head.buf[:topAt]}
	writeIndex(out, [][]byte{top.bytes()})
	if out.len() != topAt+topLen {
		return nil, fmt.Errorf("CFF: Top DICT changed size")
	}
	out.bytes(rest.buf)
	return out.buf, nil
}

// numStandardStrings is how many strings CFF predefines: SIDs 0 to 390.
const numStandardStrings = 391
