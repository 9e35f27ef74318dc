package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/nonconvex/explainer/figures/nn"
)

// benchProblem is a 103-parameter tanh net on 60 points, the size of the
// explainer's larger experiments.
func benchProblem() (*nn.Objective, []float64) {
	rng := rand.New(rand.NewPCG(14, 0))
	net := nn.New([]int{2, 10, 6, 1}, []nn.Activation{nn.Tanh, nn.Tanh, nn.Linear})
	return nn.NewObjective(net, nn.Square, randData(rng, net, nn.Square, 60)), randTheta(rng, net)
}

func BenchmarkLoss(b *testing.B) {
	obj, theta := benchProblem()
	b.ReportAllocs()
	for b.Loop() {
		obj.Loss(theta)
	}
}

func BenchmarkGrad(b *testing.B) {
	obj, theta := benchProblem()
	grad := make([]float64, len(theta))
	b.ReportAllocs()
	for b.Loop() {
		obj.Grad(theta, grad)
	}
}

func BenchmarkHessianVec(b *testing.B) {
	obj, theta := benchProblem()
	v := nn.RandomDirection(rand.New(rand.NewPCG(15, 0)), len(theta))
	hv := make([]float64, len(theta))
	b.ReportAllocs()
	for b.Loop() {
		obj.HessianVec(theta, v, hv)
	}
}

func BenchmarkHessian(b *testing.B) {
	obj, theta := benchProblem()
	b.ReportAllocs()
	for b.Loop() {
		obj.Hessian(theta)
	}
}

func BenchmarkHessianEigenvalues(b *testing.B) {
	obj, theta := benchProblem()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nn.Eigenvalues(obj.Hessian(theta)); err != nil {
			b.Fatal(err)
		}
	}
}
