package font

import "fmt"

// Type 2 charstring operators the walker treats specially.
const (
	t2Hstem     = 1
	t2Vstem     = 3
	t2Callsubr  = 10
	t2Return    = 11
	t2Escape    = 12
	t2Endchar   = 14
	t2Hstemhm   = 18
	t2Hintmask  = 19
	t2Cntrmask  = 20
	t2Vstemhm   = 23
	t2Callgsubr = 29
)

// usedSubrs are the subroutines, local and global, that some glyph calls.
type usedSubrs struct {
	local, global map[int]bool
}

// usedSubrs walks the charstrings of the glyphs and returns the
// subroutines they call, directly or through other subroutines.
func (c *cff) usedSubrs(glyphs []uint16) (usedSubrs, error) {
	u := usedSubrs{local: make(map[int]bool), global: make(map[int]bool)}
	for _, g := range glyphs {
		if int(g) >= len(c.charstrings) {
			return u, fmt.Errorf("CFF: no glyph %d", g)
		}
		w := &walker{c: c, used: u}
		if _, err := w.walk(c.charstrings[g], 0); err != nil {
			return u, fmt.Errorf("CFF: glyph %d: %w", g, err)
		}
	}
	return u, nil
}

// A walker follows one glyph's charstring through its subroutine calls.
// It keeps only what finding the calls needs: the operand stack, for the
// subroutine numbers, and the number of stem hints, which sets the length
// of each hint mask.
type walker struct {
	c     *cff
	used  usedSubrs
	stack []float64
	stems int
}

// subrBias is what a charstring adds to a subroutine's number: it lets
// small numbers, cheap to write, reach the whole INDEX.
func subrBias(n int) int {
	switch {
	case n < 1240:
		return 107
	case n < 33900:
		return 1131
	}
	return 32768
}

// walk runs code and reports whether it ended the glyph.
func (w *walker) walk(code []byte, depth int) (bool, error) {
	if depth > 10 {
		return false, fmt.Errorf("subroutines nested more than 10 deep")
	}
	for i := 0; i < len(code); {
		b := code[i]
		switch {
		case b == 28 && i+3 <= len(code):
			w.stack = append(w.stack, float64(int16(uint16(code[i+1])<<8|uint16(code[i+2]))))
			i += 3
			continue
		case b >= 32 && b <= 246:
			w.stack = append(w.stack, float64(int(b)-139))
			i++
			continue
		case b >= 247 && b <= 250 && i+2 <= len(code):
			w.stack = append(w.stack, float64((int(b)-247)*256+int(code[i+1])+108))
			i += 2
			continue
		case b >= 251 && b <= 254 && i+2 <= len(code):
			w.stack = append(w.stack, float64(-(int(b)-251)*256-int(code[i+1])-108))
			i += 2
			continue
		case b == 255 && i+5 <= len(code):
			v := int32(uint32(code[i+1])<<24 | uint32(code[i+2])<<16 | uint32(code[i+3])<<8 | uint32(code[i+4]))
			w.stack = append(w.stack, float64(v)/65536)
			i += 5
			continue
		case b == 28 || b >= 247:
			return false, fmt.Errorf("truncated number")
		}
		i++
		switch b {
		case t2Hstem, t2Vstem, t2Hstemhm, t2Vstemhm:
			w.stems += len(w.stack) / 2
			w.stack = w.stack[:0]
		case t2Hintmask, t2Cntrmask:
			// Operands before the first mask are vertical stems.
			w.stems += len(w.stack) / 2
			w.stack = w.stack[:0]
			i += (w.stems + 7) / 8
		case t2Callsubr, t2Callgsubr:
			if len(w.stack) == 0 {
				return false, fmt.Errorf("subroutine call without a number")
			}
			subrs, used := w.c.lsubrs, w.used.local
			if b == t2Callgsubr {
				subrs, used = w.c.gsubrs, w.used.global
			}
			v := w.stack[len(w.stack)-1]
			w.stack = w.stack[:len(w.stack)-1]
			n := int(v) + subrBias(len(subrs))
			if float64(int(v)) != v || n < 0 || n >= len(subrs) {
				return false, fmt.Errorf("call of subroutine %v, of %d", v, len(subrs))
			}
			used[n] = true
			if end, err := w.walk(subrs[n], depth+1); end || err != nil {
				return end, err
			}
		case t2Return:
			return false, nil
		case t2Endchar:
			if len(w.stack) >= 4 {
				// endchar with an accent and a base glyph, named by
				// their standard codes, as Type 1's seac did.
				return true, fmt.Errorf("accented glyphs built by endchar are not supported")
			}
			return true, nil
		case t2Escape:
			if i >= len(code) {
				return false, fmt.Errorf("truncated operator")
			}
			op := code[i]
			i++
			// dotsection and the flex operators draw; the others
			// compute, which could make a subroutine's number.
			if op != 0 && (op < 34 || op > 37) {
				return false, fmt.Errorf("arithmetic operator 12 %d is not supported", op)
			}
			w.stack = w.stack[:0]
		default:
			w.stack = w.stack[:0]
		}
	}
	return false, nil
}
