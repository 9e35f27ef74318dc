package figures

import (
	"testing"

	"github.com/nonconvex/explainer/figures/lab/labtest"
)

// TestEveryFigureFollowsTheHouseStyle draws every registered experiment at
// its defaults and checks the SVG a page would show: every label inside
// the canvas, text legible on a phone, legends clear of the data, heat
// maps with colour bars, a dark scheme (see package labtest).
func TestEveryFigureFollowsTheHouseStyle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every experiment")
	}
	for _, e := range Default().Experiments {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			out := mustExecute(t, e, nil)
			if out.SVG == "" {
				return
			}
			for _, p := range labtest.Check([]byte(out.SVG)) {
				t.Error(p)
			}
		})
	}
}
