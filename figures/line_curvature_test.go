package figures

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestLineCurvature(t *testing.T) {
	for _, model := range []string{"tanh", "logistic"} {
		mustDraw(t, lineCurvature, map[string]string{"model": model})
	}
	for seed := range 5 {
		mustDraw(t, lineCurvature, map[string]string{"seed": strconv.Itoa(seed + 2), "hidden": "16"})
	}
}

func TestLogitAlongLineAgainstFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := []float64{0.7, -1.3}
	for _, net := range []*nn.Net{
		nn.New([]int{2, 1}, []nn.Activation{nn.Linear}),
		nn.New([]int{2, 5, 1}, []nn.Activation{nn.Tanh, nn.Linear}),
		nn.New([]int{2, 5, 1}, []nn.Activation{nn.Sigmoid, nn.Linear}),
	} {
		theta := nn.RandomDirection(rng, net.NumParams())
		dir := nn.RandomDirection(rng, net.NumParams())
		f := func(s float64) float64 {
			th := make([]float64, len(theta))
			for k := range th {
				th[k] = theta[k] + s*dir[k]
			}
			return net.Forward(th, x)[0]
		}
		z, dz, d2z := logitAlongLine(net, theta, dir, x)
		if want := f(0); math.Abs(z-want) > 1e-13 {
			t.Errorf("%v: z = %g, want %g", net, z, want)
		}
		if want := fd.Derivative(f, 0, &fd.Settings{Formula: fd.Central}); math.Abs(dz-want) > 1e-6 {
			t.Errorf("%v: dz/ds = %g, finite differences %g", net, dz, want)
		}
		if want := fd.Derivative(f, 0, &fd.Settings{Formula: fd.Central2nd, Step: 1e-3}); math.Abs(d2z-want) > 1e-5 {
			t.Errorf("%v: d²z/ds² = %g, finite differences %g", net, d2z, want)
		}
	}
}

func TestLineTermsAgainstToolkit(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	d := moonsData(rng, 30, moonsNoise)
	net := nn.New([]int{2, 6, 1}, []nn.Activation{nn.Tanh, nn.Linear})
	obj := nn.NewObjective(net, nn.Logistic, d)
	for range 5 {
		theta := nn.RandomDirection(rng, net.NumParams())
		dir := nn.RandomDirection(rng, net.NumParams())
		loss, teacher, rest := lineTerms(net, d, theta, dir)
		if want := obj.Loss(theta); math.Abs(loss-want) > 1e-13 {
			t.Errorf("loss %g, toolkit %g", loss, want)
		}
		hv := make([]float64, len(dir))
		obj.HessianVec(theta, dir, hv)
		want := 0.0
		for i := range hv {
			want += dir[i] * hv[i]
		}
		if math.Abs(teacher+rest-want) > 1e-12*max(1, math.Abs(want)) {
			t.Errorf("curvature %g + %g, toolkit %g", teacher, rest, want)
		}
	}
}
