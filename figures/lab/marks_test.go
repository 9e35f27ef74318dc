package lab

import (
	"math"
	"testing"
)

func TestPower10(t *testing.T) {
	for e, want := range map[int]string{0: "1", 1: "10", 2: "100", 3: "10³", -1: "10⁻¹", -8: "10⁻⁸", 12: "10¹²", -10: "10⁻¹⁰"} {
		if got := Power10(e); got != want {
			t.Errorf("Power10(%d) = %q, want %q", e, got, want)
		}
	}
}

func TestPowerTicks(t *testing.T) {
	ticks := PowerTicks(-8, -1, 2).Ticks(1e-9, 1)
	if len(ticks) != 8 {
		t.Fatalf("%d ticks from 10⁻⁸ to 10⁻¹, want 8", len(ticks))
	}
	for _, tk := range ticks {
		labelled := tk.Label != ""
		even := int(-math.Round(math.Log10(tk.Value)))%2 == 0
		if labelled != even {
			t.Errorf("tick %g labelled %q; want labels on even exponents only", tk.Value, tk.Label)
		}
	}
}
