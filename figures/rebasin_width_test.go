package figures

import (
	"fmt"
	"testing"
)

func TestRebasinWidthDefaults(t *testing.T) {
	out := mustDraw(t, rebasinWidth, nil)
	for _, h := range rbWidths {
		before, after := valueOf(t, out, fmt.Sprintf("naive-%d", h)), valueOf(t, out, fmt.Sprintf("aligned-%d", h))
		if r := valueOf(t, out, fmt.Sprintf("ratio-%d", h)); r != after/before {
			t.Errorf("h = %d: ratio %g, want %g / %g", h, r, after, before)
		}
	}
}
