package font

import (
	"encoding/binary"
	"fmt"
)

// A reader reads big-endian values from a table. Its error is sticky: a
// read past the end returns zero and records the first such error, so a
// parser checks once, at the end, instead of after every field.
type reader struct {
	data []byte
	off  int
	err  error
	what string // the table, for messages
}

func newReader(data []byte, what string) *reader { return &reader{data: data, what: what} }

// at returns a reader of the same data from offset off.
func (r *reader) at(off int) *reader {
	s := &reader{data: r.data, off: off, what: r.what}
	if off < 0 || off > len(r.data) {
		s.fail(off, 0)
	}
	return s
}

func (r *reader) fail(off, n int) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: truncated: %d bytes at offset %d of %d", r.what, n, off, len(r.data))
	}
}

// bytes returns the next n bytes, or nil.
func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.data) {
		r.fail(r.off, n)
		return nil
	}
	b := r.data[r.off : r.off+n]
	r.off += n
	return b
}

func (r *reader) u8() uint8 {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.BigEndian.Uint16(b)
	}
	return 0
}

func (r *reader) i16() int16 { return int16(r.u16()) }

func (r *reader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

// u16s reads n uint16 values.
func (r *reader) u16s(n int) []uint16 {
	b := r.bytes(2 * n)
	if b == nil {
		return nil
	}
	v := make([]uint16, n)
	for i := range v {
		v[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return v
}

// A writer appends big-endian values. Like a reader's, its error is
// sticky: an offset that does not fit is recorded, for the end.
type writer struct {
	buf []byte
	err error
}

func (w *writer) u8(v uint8)     { w.buf = append(w.buf, v) }
func (w *writer) u16(v uint16)   { w.buf = binary.BigEndian.AppendUint16(w.buf, v) }
func (w *writer) i16(v int16)    { w.u16(uint16(v)) }
func (w *writer) u32(v uint32)   { w.buf = binary.BigEndian.AppendUint32(w.buf, v) }
func (w *writer) bytes(b []byte) { w.buf = append(w.buf, b...) }
func (w *writer) len() int       { return len(w.buf) }
func (w *writer) put16(at int, v uint16) {
	binary.BigEndian.PutUint16(w.buf[at:], v)
}

// slots writes n records of a list, each the tag of its entry (if tag is
// not nil) and a 16-bit offset left to patch with offset16, and returns
// where the offsets are.
func (w *writer) slots(n int, tag func(i int) string) []int {
	at := make([]int, n)
	for i := range n {
		if tag != nil {
			w.bytes([]byte(tag(i)))
		}
		at[i] = w.len()
		w.u16(0)
	}
	return at
}

// offset16 patches the 16-bit offset at slot to point at the end of the
// buffer, relative to base.
func (w *writer) offset16(slot, base int) {
	off := len(w.buf) - base
	if off > 0xFFFF {
		if w.err == nil {
			w.err = fmt.Errorf("offset %d does not fit in 16 bits", off)
		}
		return
	}
	w.put16(slot, uint16(off))
}
