package font

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/bits"
	"slices"
)

// An openType is an OpenType font: its version tag and tables by tag.
type openType struct {
	version uint32
	tables  map[string][]byte
}

const (
	versionCFF      = 0x4F54544F // "OTTO": outlines in a CFF table
	versionTrueType = 0x00010000
)

// parseSFNT reads the table directory of an OpenType font. The tables
// share the font's memory.
func parseSFNT(data []byte) (*openType, error) {
	r := newReader(data, "font")
	f := &openType{version: r.u32(), tables: make(map[string][]byte)}
	n := int(r.u16())
	r.bytes(6) // searchRange, entrySelector, rangeShift
	if r.err != nil {
		return nil, r.err
	}
	if f.version != versionCFF && f.version != versionTrueType {
		return nil, fmt.Errorf("font: not an OpenType font (version %#08x)", f.version)
	}
	for range n {
		tag := string(r.bytes(4))
		r.u32() // checksum
		off, length := int(r.u32()), int(r.u32())
		if r.err != nil {
			return nil, r.err
		}
		if off < 0 || length < 0 || off+length > len(data) {
			return nil, fmt.Errorf("font: table %q lies outside the file", tag)
		}
		f.tables[tag] = data[off : off+length]
	}
	return f, nil
}

// bytes writes the font: its tables in tag order, each on a four-byte
// boundary, with their checksums and the head table's checksum
// adjustment, as the OpenType specification asks.
func (f *openType) bytes() []byte {
	tables := maps.Clone(f.tables)
	if head := tables["head"]; len(head) >= 12 {
		// The head table's checksum, like the whole file's, counts its
		// checksum adjustment as zero.
		head = slices.Clone(head)
		binary.BigEndian.PutUint32(head[8:], 0)
		tables["head"] = head
	}
	tags := slices.Sorted(maps.Keys(tables))
	n := len(tags)
	// searchRange is 16 times the greatest power of two not above n.
	entrySelector := bits.Len(uint(n)) - 1
	searchRange := 16 << entrySelector
	w := &writer{}
	w.u32(f.version)
	w.u16(uint16(n))
	w.u16(uint16(searchRange))
	w.u16(uint16(entrySelector))
	w.u16(uint16(16*n - searchRange))
	off := 12 + 16*n
	for _, tag := range tags {
		t := tables[tag]
		w.bytes([]byte(tag))
		w.u32(checksum(t))
		w.u32(uint32(off))
		w.u32(uint32(len(t)))
		off += pad4(len(t))
	}
	head := -1
	for _, tag := range tags {
		if tag == "head" {
			head = w.len()
		}
		w.bytes(tables[tag])
		for w.len()%4 != 0 {
			w.u8(0)
		}
	}
	if head >= 0 && len(tables["head"]) >= 12 {
		// The adjustment makes the whole file sum to 0xB1B0AFBA.
		binary.BigEndian.PutUint32(w.buf[head+8:], 0xB1B0AFBA-checksum(w.buf))
	}
	return w.buf
}

// checksum is the OpenType table checksum: the sum of the data as
// big-endian 32-bit words, the last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	var last [4]byte
	copy(last[:], b)
	return sum + binary.BigEndian.Uint32(last[:])
}

func pad4(n int) int { return (n + 3) &^ 3 }
