// Package nn is a small, exact neural-network toolkit for the build-time
// numerical experiments of the explainer: multilayer perceptrons whose
// parameters form one point theta in R^n, with exact gradients, exact
// Hessians, three trainers, and the symmetry operations (permutation,
// rescaling, interpolation, weight matching) that make neural-network losses
// non-convex.
//
// # Networks and the parameter vector
//
// A [Net] is an architecture only: layer sizes and one [Activation] per
// layer. A network value is a Net together with a parameter vector theta
// ([]float64 of length [Net.NumParams]); every function that needs weights
// takes theta explicitly, so experiments can move theta around R^n freely.
//
// Layer l (0-based, l < [Net.Layers]) maps sizes[l] inputs to sizes[l+1]
// outputs: z = W_l a + b_l, then applies its activation elementwise. theta
// stores the layers in order; each layer stores W_l row-major (out x in, so
// row i holds the incoming weights of unit i), then b_l. A network built by
// [NewBiasFree] has no b_l at all. [Net.W] and [Net.B] are views into theta,
// and [Net.WeightIndex] and [Net.BiasIndex] locate single parameters.
//
// "Hidden layer l" always means the outputs of weight layer l, for
// l < Layers()-1: permuting it permutes the rows of W_l and the entries of
// b_l, and the matching columns of W_{l+1}.
//
// # Activations
//
// [Linear] (identity), [Tanh], [ReLU] and [Sigmoid], each with its value,
// first and second derivative. ReLU uses the convention relu'(0) = 0, and its
// second derivative is taken to be 0 everywhere: the Dirac mass at the kink
// is ignored. Gradients and Hessians of ReLU networks are therefore those of
// the smooth piece containing theta, exact wherever no pre-activation is
// exactly zero. At a kink they are those of the piece in which the units
// sitting exactly at their kinks are off, which need not be the limit along
// a chosen line: at the midpoint theta = 0 of the segment between the two
// zero-loss points of the 2-ReLU counterexample every unit is at its kink, so
// v^T H v is 0 there, while the loss along the segment, 16 t^2 (1-t)^2, has
// curvature -16.
//
// # Losses
//
// An [Objective] binds a Net, a [Loss] and a data set of N examples (rows of
// X, targets in rows of Y). Every loss is the mean over examples of a
// per-example loss l(f(x_i), y_i), where f(x) is the network output (after
// the last activation, which is usually Linear):
//
//	Square:    l = sum_k (f_k - y_k)^2               (no factor 1/2)
//	Logistic:  l = softplus(f) - y f                 (one output, the logit; y in [0, 1])
//	SoftmaxCE: l = logsumexp(f) - f_c                (c = y, a class index, at least 2 outputs)
//
// so the Square loss of data (1,1), (-1,-1) is ((f(1)-1)^2 + (f(-1)+1)^2)/2.
// Logistic is binary cross-entropy -y log s(f) - (1-y) log(1-s(f)) with
// s the sigmoid, computed through the stable softplus; SoftmaxCE is
// computed through a shifted log-sum-exp. In the output f the curvature of
// the per-example loss is 2I, s(f)(1-s(f)) in (0, 1/4], and diag(p) - p p^T
// (p = softmax(f)) respectively.
//
// # Derivatives
//
// [Objective.Grad] is exact backpropagation. [Objective.HessianVec] is
// Pearlmutter's R-operator: forward-mode differentiation of backpropagation
// along v, giving H v exactly (to rounding) at the cost of about two
// gradients. [Objective.Hessian] applies it to every unit vector and
// symmetrises; [Eigenvalues] and [Eigen] diagonalise the result with gonum's
// EigenSym, eigenvalues ascending.
//
// # Training
//
// [GradientDescent] (fixed step), [Adam] (full batch) and [LBFGS] (gonum's
// optimize.LBFGS) minimise any [Differentiable], such as an Objective. They
// are deterministic, take a context.Context that they poll every few
// iterations, and return a [Result] holding the final theta and the loss
// history even when they stop early with an error.
//
// # Critical points
//
// [FindCritical] solves ∇f(θ) = 0 by Levenberg–Marquardt steps on the
// gradient of any [Curved] function (one with an exact Hessian), and so
// finds saddles as readily as minima. [Decayed] adds weight decay to an
// Objective, which isolates critical points that would otherwise lie in flat
// valleys; [Inertia] counts a Hessian's negative, zero and positive
// eigenvalues with a tolerance relative to its scale; [HessianError] checks a
// Hessian against finite differences of the gradient.
//
// # Population losses
//
// [GaussianTeacher] is the loss of a two-layer ReLU student learning a
// two-layer ReLU teacher from standard Gaussian inputs, with both output
// layers fixed to ones: an expectation over all inputs rather than a mean
// over a data set. It is exact, with no sampling, because each product of
// two rectified projections has the closed-form expectation [ArcCosine];
// its Output gives the student's error at one input for Monte Carlo checks.
//
// # Symmetries and directions
//
// [Net.Init] draws theta from a caller's *rand.Rand. [Interpolate],
// [Net.Permute], [Net.Rescale], [RandomDirection] and [Net.FilterNormalize]
// move theta along the directions the explainer talks about; [Net.Match]
// aligns the hidden units of one network to another (re-basin weight
// matching), with the linear assignments solved exactly by [Assign]
// (Hungarian algorithm).
//
// # Paths
//
// [Along] evaluates a loss along any path in weight space, and [Barrier]
// measures how far it rises above the chord between its ends. [Bezier]
// gives the quadratic Bézier curves of mode connectivity, and [CurveLoss]
// is the mean loss along such a curve as a function of its control point,
// a Differentiable that the trainers minimise.
//
// # Convex by design
//
// [ICNN] is an input-convex network (Amos, Xu and Kolter 2017): convex in
// its input when its z-path weights are non-negative, with [ICNNFit] its
// mean square error and gradient. [ShallowReLU] is the training objective
// of a two-layer ReLU network on one-dimensional inputs with weight decay,
// and [ConvexReLU] the convex program of Pilanci and Ergen (2020) with the
// same optimal value: its Solve returns a minimiser with a certified
// duality gap, and its Network rebuilds the weights of a ShallowReLU from any of its points.
//
// # Cost and concurrency
//
// Objectives process one example at a time in preallocated workspaces, so
// Loss, Grad and HessianVec do not allocate. An Objective is therefore not
// safe for concurrent use; a Net is immutable and is. Sizes that do not match
// are programmer errors and panic with a message prefixed "nn: ". A
// GaussianTeacher keeps scratch space and its last point too, and is not
// safe for concurrent use either; so do ICNNFit, ShallowReLU and ConvexReLU.
package nn
