// Package figures holds the numerical experiments behind the explainer's
// figures, and nothing else: it knows no Markdown and no HTML. The runtime
// they are written against (parameters, results, execution under a budget,
// the plotting house style, fingerprints) is package [lab]; the
// neural-network numerics are package nn.
//
// # Adding an experiment
//
// An experiment is one file in this folder, its test beside it, and one
// line in the sorted table in registry.go. The file declares a
// [lab.Experiment] (name, documentation, parameters, an optional text
// alternative) and its run, which computes with plain functions, tested
// against closed forms and finite differences, and then fills a
// [lab.Result]: plots drawn in the house style, the data behind them,
// values for the prose and checks of what the figure claims.
//
// Declared ranges are promises. TestEveryExperimentHoldsAtItsExtremes runs
// every experiment at each end of each parameter, alone and all together,
// and TestEveryExperimentHoldsAtRandomParameters at random values: each run
// must finish within lab.DefaultBudget and pass every check, but for the
// claims about a random draw listed in sweep_test.go. Mark the parameters
// a run's time grows with as lab.Param.Costly, so an overrun names them.
//
// An experiment file uses only its own declarations, the files of this
// package that define no experiment (such as the golden-section search in
// search.go), lab and nn: never a helper from another experiment's file. A
// test enforces this, because the fingerprint below relies on it. Split a
// file that outgrows a few hundred lines along its figures.
//
// # Fingerprints
//
// The package embeds its own source, lab's and nn's. An experiment's
// fingerprint (see [lab.Fingerprints]) hashes the file that defines its run
// together with every file no experiment owns: editing one experiment's
// file changes exactly that experiment's fingerprint, editing lab, nn or a
// shared file here changes them all, and the generator's cache reruns
// exactly the figures whose fingerprint changed.
package figures

import "github.com/nonconvex/explainer/figures/lab"

// Default returns the registry of the explainer's experiments, with
// fingerprints of their embedded source.
func Default() *lab.Registry { return defaultRegistry }

// Lookup returns the explainer's experiment with the given name.
func Lookup(name string) (*lab.Experiment, bool) { return defaultRegistry.Lookup(name) }

func init() { defaultRegistry.Fingerprint = fingerprint }
