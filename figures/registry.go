package figures

import "github.com/nonconvex/explainer/figures/lab"

// defaultRegistry is the table of the explainer's experiments: one line an
// experiment, sorted by name.
var defaultRegistry = lab.NewRegistry(
	chordSegment,
	criticalPoints,
	deepLinearPlateau,
	doubleWell,
	hessianAlongTraining,
	hessianSpectrum,
	lineCurvature,
	linearAutoencoder,
	linearThreeLayer,
	linearTwoLayer,
	logisticCurvature,
	maRootFlips,
	ma1Likelihood,
	orbitAverage,
	permutationBarrier,
	productSurface,
	quasiconvexBump,
	randomChords,
	reluSum,
	saddleEscape,
	sigmoidCurvature,
	singleNeuron,
	counterexample,
	softmaxHessian,
	spuriousMinima,
	weightMatching,
	widthSweep,
)
