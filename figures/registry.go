package figures

// defaultRegistry is the table of the explainer's experiments: one line an
// experiment, sorted by name.
var defaultRegistry = NewRegistry(
	counterexample,
)
