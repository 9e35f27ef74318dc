package lab

// This file holds marks that several experiments draw: labels for powers
// of ten on logarithmic axes, and medians with their ranges.

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Power10 writes 10^e as print does: 1, 10 and 100 in full, other powers
// with a superscript exponent, 10³ or 10⁻⁸.
func Power10(e int) string {
	if e >= 0 && e <= 2 {
		return strconv.Itoa(int(math.Pow10(e)))
	}
	return "10" + superscript(e)
}

// superscript writes an integer in superscript digits: −8 → ⁻⁸.
func superscript(n int) string {
	s := ""
	for _, c := range strconv.Itoa(n) {
		if c == '-' {
			s += "⁻"
			continue
		}
		s += superscripts[c-'0']
	}
	return s
}

// PowerTicks marks the powers of ten from 10^lo to 10^hi on a logarithmic
// axis, labelling every one whose exponent is a multiple of every (so that
// a long axis stays legible) and leaving the rest as plain ticks.
func PowerTicks(lo, hi, every int) plot.Ticker {
	var ts plot.ConstantTicks
	for e := lo; e <= hi; e++ {
		t := plot.Tick{Value: math.Pow10(e)}
		if every <= 1 || e%every == 0 {
			t.Label = Power10(e)
		}
		ts = append(ts, t)
	}
	return ts
}

// MedianRange marks a sample summarised at each x: a dot at the median in
// the palette's i-th colour and a thin bar from the smallest value to the
// largest. The bars come first, to be drawn under the dots.
func MedianRange(xs, median, lo, hi []float64, i int) ([]plot.Plotter, *plotter.Scatter, error) {
	var bars []plot.Plotter
	var dots plotter.XYs
	for k, x := range xs {
		b, err := Series(plotter.XYs{{X: x, Y: lo[k]}, {X: x, Y: hi[k]}}, i, false)
		if err != nil {
			return nil, nil, err
		}
		b.Width = vg.Points(1)
		bars = append(bars, b)
		dots = append(dots, plotter.XY{X: x, Y: median[k]})
	}
	s, err := Points(dots, i)
	return bars, s, err
}
