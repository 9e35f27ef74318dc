package lab

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

func polyline(pts ...[2]float64) vg.Path {
	var p vg.Path
	p.Move(vg.Point{X: vg.Length(pts[0][0]), Y: vg.Length(pts[0][1])})
	for _, q := range pts[1:] {
		p.Line(vg.Point{X: vg.Length(q[0]), Y: vg.Length(q[1])})
	}
	return p
}

func TestSimplifyKeepsTheShape(t *testing.T) {
	var straight, arc [][2]float64
	for i := range 100 {
		straight = append(straight, [2]float64{float64(i), 2 * float64(i)})
		a := math.Pi * float64(i) / 99
		arc = append(arc, [2]float64{50 * math.Cos(a), 50 * math.Sin(a)})
	}
	if got := simplify(polyline(straight...), identity); len(got) != 2 {
		t.Errorf("a straight line of 100 points keeps %d", len(got))
	}
	back := polyline([2]float64{0, 0}, [2]float64{10, 10}, [2]float64{5, 5})
	if got := simplify(back, identity); len(got) != 3 {
		t.Errorf("a line that doubles back lost its turn: %v", got)
	}
	got := simplify(polyline(arc...), identity)
	if len(got) >= 100 {
		t.Errorf("a finely sampled arc kept all %d points", len(got))
	}
	// Every dropped point lies within the tolerance of the kept chords.
	for _, q := range arc {
		best := math.Inf(1)
		for i := 1; i < len(got); i++ {
			a, b := got[i-1].Pos, got[i].Pos
			dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
			px, py := q[0]-float64(a.X), q[1]-float64(a.Y)
			s := math.Max(0, math.Min(1, (px*dx+py*dy)/(dx*dx+dy*dy)))
			best = math.Min(best, math.Hypot(px-s*dx, py-s*dy))
		}
		if best > 0.05+1e-12 {
			t.Fatalf("point %v is %.3f from the simplified arc", q, best)
		}
	}
}

func TestSVGDrawsCirclesWhole(t *testing.T) {
	c := newSVG(100, 100)
	var p vg.Path
	p.Arc(vg.Point{X: 50, Y: 50}, 10, 0, 2*math.Pi)
	p.Close()
	c.Fill(p)
	// Two half turns, ending where the circle started, (60, 50) in SVG's
	// coordinates.
	got := c.body.String()
	if !strings.Contains(got, `d="M60 50A10 10 0 0 0 40 50A10 10 0 0 0 60 50Z"`) {
		t.Errorf("the circle is drawn as %s", got)
	}
}
