package figures

import "github.com/nonconvex/explainer/figures/lab"

// defaultRegistry is the table of the explainer's experiments: one line an
// experiment, sorted by name.
var defaultRegistry = lab.NewRegistry(
	chordSegment,
	convexReformulation,
	criticalPoints,
	deepLinearPlateau,
	doubleWell,
	filterNormalization,
	frozenFeatures,
	hessianAlongTraining,
	hessianSpectrum,
	inputConvex,
	lineCurvature,
	linearAutoencoder,
	linearThreeLayer,
	linearTwoLayer,
	logisticCurvature,
	maRootFlips,
	ma1Likelihood,
	modeConnectivity,
	monotoneInterpolation,
	oneVariableTests,
	orbitAverage,
	permutationBarrier,
	productSurface,
	quasiconvexBump,
	randomChords,
	rebasinWidth,
	reluSum,
	saddleEscape,
	saddleSlice,
	sigmoidCurvature,
	singleNeuron,
	counterexample,
	softmaxHessian,
	spuriousMinima,
	weightMatching,
	widthSweep,
)
