package font

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/andybalholm/brotli"
)

// woff2Tags are the tags WOFF2 writes as one byte, by their index.
var woff2Tags = []string{
	"cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post", "cvt ", "fpgm", "glyf", "loca", "prep",
	"CFF ", "VORG", "EBDT", "EBLC", "gasp", "hdmx", "kern", "LTSH", "PCLT", "VDMX", "vhea", "vmtx", "BASE",
	"GDEF", "GPOS", "GSUB", "EBSC", "JSTF", "MATH", "CBDT", "CBLC", "COLR", "CPAL", "SVG ", "sbix", "acnt",
	"avar", "bdat", "bloc", "bsln", "cvar", "fdsc", "feat", "fmtx", "fvar", "gvar", "hsty", "just", "lcar",
	"mort", "morx", "opbd", "prop", "trak", "Zapf", "Silf", "Glat", "Gloc", "Feat", "Sill",
}

const woff2HeaderSize = 48

// WOFF2 returns the OpenType font otf as a WOFF2 file. Its tables are
// stored as they are, compressed with Brotli at its best (and slowest)
// quality; TrueType outlines, which WOFF2 would transform, are not
// supported.
func WOFF2(otf []byte) ([]byte, error) {
	f, err := parseSFNT(otf)
	if err != nil {
		return nil, err
	}
	if f.tables["glyf"] != nil || f.tables["loca"] != nil {
		return nil, fmt.Errorf("woff2: TrueType outlines are not supported")
	}
	tags := slices.Sorted(maps.Keys(f.tables))
	dir := &writer{}
	var stream bytes.Buffer
	sfntSize := 12 + 16*len(tags)
	for _, tag := range tags {
		t := f.tables[tag]
		if i := slices.Index(woff2Tags, tag); i >= 0 {
			dir.u8(uint8(i)) // transform version 0: none, for these tables
		} else {
			dir.u8(63)
			dir.bytes([]byte(tag))
		}
		dir.bytes(base128(uint32(len(t))))
		stream.Write(t)
		sfntSize += pad4(len(t))
	}
	var packed bytes.Buffer
	bw := brotli.NewWriterOptions(&packed, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 22})
	if _, err := bw.Write(stream.Bytes()); err != nil {
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, err
	}
	total := pad4(woff2HeaderSize + dir.len() + packed.Len())
	w := &writer{}
	w.bytes([]byte("wOF2"))
	w.u32(f.version)
	w.u32(uint32(total))
	w.u16(uint16(len(tags)))
	w.u16(0) // reserved
	w.u32(uint32(sfntSize))
	w.u32(uint32(packed.Len()))
	// The font's version, from its head table's fontRevision.
	var major, minor uint16
	if head := f.tables["head"]; len(head) >= 8 {
		major, minor = binary.BigEndian.Uint16(head[4:]), binary.BigEndian.Uint16(head[6:])
	}
	w.u16(major)
	w.u16(minor)
	for range 5 {
		w.u32(0) // no metadata, no private data
	}
	w.bytes(dir.buf)
	w.bytes(packed.Bytes())
	for w.len() < total {
		w.u8(0)
	}
	return w.buf, nil
}

// base128 writes v as WOFF2's UIntBase128: seven bits a byte, most
// significant first, the high bit set on all but the last.
func base128(v uint32) []byte {
	b := []byte{byte(v & 0x7F)}
	for v >>= 7; v > 0; v >>= 7 {
		b = append([]byte{byte(v&0x7F) | 0x80}, b...)
	}
	return b
}

// decodeWOFF2 returns the OpenType font in a WOFF2 file whose tables are
// stored untransformed, as WOFF2 writes them.
func decodeWOFF2(data []byte) ([]byte, error) {
	r := newReader(data, "woff2")
	if string(r.bytes(4)) != "wOF2" {
		return nil, fmt.Errorf("woff2: not a WOFF2 file")
	}
	version := r.u32()
	if int(r.u32()) != len(data) {
		return nil, fmt.Errorf("woff2: length does not match the file")
	}
	n := int(r.u16())
	r.u16()
	r.u32() // totalSfntSize
	packedLen := int(r.u32())
	r.bytes(24)
	type entry struct {
		tag    string
		length int
	}
	var entries []entry
	for range n {
		flags := r.u8()
		var tag string
		if i := int(flags & 63); i == 63 {
			tag = string(r.bytes(4))
		} else if i < len(woff2Tags) {
			tag = woff2Tags[i]
		}
		if transform := flags >> 6; transform != 0 || tag == "glyf" || tag == "loca" {
			return nil, fmt.Errorf("woff2: transformed table %q is not supported", tag)
		}
		var length uint32
		for k := 0; ; k++ {
			b := r.u8()
			if r.err != nil || k == 5 || length>>25 != 0 {
				return nil, fmt.Errorf("woff2: bad table length")
			}
			length = length<<7 | uint32(b&0x7F)
			if b&0x80 == 0 {
				break
			}
		}
		entries = append(entries, entry{tag, int(length)})
	}
	packed := r.bytes(packedLen)
	if r.err != nil {
		return nil, r.err
	}
	stream, err := io.ReadAll(brotli.NewReader(bytes.NewReader(packed)))
	if err != nil {
		return nil, fmt.Errorf("woff2: %w", err)
	}
	f := &openType{version: version, tables: make(map[string][]byte)}
	for _, e := range entries {
		if e.length > len(stream) {
			return nil, fmt.Errorf("woff2: table %q is truncated", e.tag)
		}
		f.tables[e.tag], stream = stream[:e.length], stream[e.length:]
	}
	return f.bytes(), nil
}
