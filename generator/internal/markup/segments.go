package markup

import (
	"strings"

	"github.com/yuin/goldmark/text"
)

// joined is text that goldmark holds as several segments of the source,
// such as an HTML block inside a block quote, whose lines do not include
// the "> " before them. It maps offsets in the joined text back to the
// source, so that problems are reported at their place in the file.
type joined struct {
	text string
	segs []text.Segment
}

func join(src []byte, segs []text.Segment) joined {
	// The raw bytes, without the padding goldmark adds for tabs, so that
	// offsets map one to one.
	if len(segs) == 1 {
		return joined{string(src[segs[0].Start:segs[0].Stop]), segs}
	}
	var b strings.Builder
	for _, s := range segs {
		b.Write(src[s.Start:s.Stop])
	}
	return joined{b.String(), segs}
}

// offset returns the source offset of byte i of the joined text.
func (j joined) offset(i int) int {
	for _, s := range j.segs {
		if n := s.Stop - s.Start; i < n {
			return s.Start + i
		} else {
			i -= n
		}
	}
	if len(j.segs) == 0 {
		return 0
	}
	return j.segs[len(j.segs)-1].Stop
}
