package figures

import (
	"testing"
)

func TestFrozenFeatures(t *testing.T) {
	mustDraw(t, frozenFeatures, nil)
	for _, params := range []map[string]string{
		{"points": "20", "draws": "4"},
		{"points": "200", "draws": "50"},
		{"seed": "5"},
	} {
		mustDraw(t, frozenFeatures, params)
	}
}
