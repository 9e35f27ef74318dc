package figures

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nonconvex/explainer/figures/nn"
)

func TestTeacherHessianOfAQuadratic(t *testing.T) {
	// At the teacher the loss is zero and smooth, and its Hessian is the
	// matrix of second derivatives of the kernel sum; differencing the
	// exact gradient must give a symmetric matrix whose quadratic form
	// matches the loss along a direction: L(θ + εv) ≈ ½ε² vᵀHv.
	f := nn.NewGaussianTeacher(3, teacherIdentity(3))
	theta := flatten(teacherIdentity(3))
	h := teacherHessian(f, theta)
	v := nn.RandomDirection(rand.New(rand.NewPCG(1, 1)), 9)
	quad := 0.0
	for i := range 9 {
		for j := range 9 {
			quad += v[i] * h.At(i, j) * v[j]
		}
	}
	for _, eps := range []float64{1e-3, 1e-4} {
		moved := make([]float64, 9)
		for i := range moved {
			moved[i] = theta[i] + eps*v[i]
		}
		if got, want := f.Loss(moved), eps*eps*quad/2; math.Abs(got-want) > 10*eps*want {
			t.Errorf("ε = %g: loss %.6g, quadratic model %.6g", eps, got, want)
		}
	}
	lo, _, dec, err := teacherMinimum(f, theta)
	if err != nil || lo <= 0 || dec > 1e-20 {
		t.Errorf("at the teacher: smallest eigenvalue %g, Newton decrement %g, error %v", lo, dec, err)
	}
}

func TestTeacherMinimumRejectsAPointThatIsNotCritical(t *testing.T) {
	// Far from any critical point the quadratic model promises a real
	// decrease, or (if the Hessian is indefinite there) none at all.
	f := nn.NewGaussianTeacher(2, teacherIdentity(2))
	_, _, dec, err := teacherMinimum(f, []float64{0.3, 0.1, 0.2, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if dec < 1e-3 {
		t.Errorf("a point with a large gradient has Newton decrement %g", dec)
	}
}

func TestPercentTicks(t *testing.T) {
	ts := percentTicks{}.Ticks(0, 80)
	if len(ts) != 9 || ts[8].Label != "80%" || ts[0].Label != "0%" {
		t.Errorf("ticks %v", ts)
	}
}

func TestSpuriousMinimaDefaults(t *testing.T) {
	out := mustDraw(t, spuriousMinima, nil)
	if valueOf(t, out, "spurious-12") < 10 {
		t.Errorf("fewer than 10 of 50 runs at n = k = 12 ended spurious")
	}
	if valueOf(t, out, "spurious-6") > 2 {
		t.Errorf("more than 2 of 50 runs at n = k = 6 ended spurious")
	}
}

func TestSpuriousMinimaExtremes(t *testing.T) {
	for _, given := range []map[string]string{
		{"runs": "10", "extra": "3", "threshold": "0.01"},
		{"runs": "10", "extra": "1", "threshold": "0.0001"},
	} {
		if _, _, err := execute(spuriousMinima.MustParse(given)); err != nil {
			t.Errorf("%v: %v", given, err)
		}
	}
}
