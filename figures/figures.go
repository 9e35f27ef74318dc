// Package figures holds the numerical experiments behind the explainer's
// figures, and nothing else: it knows no Markdown and no HTML.
//
// # Experiments
//
// An [Experiment] is a registered name with typed parameters and a run. The
// run takes a context, its parsed [Args] and a seeded random source, and
// returns a [Result]: plots (drawn as one SVG), the data behind them (one CSV
// table), named values with their formats, and checks — claims the run
// verified, each with the numbers that decide it.
//
// Experiments live one to a file, with their test beside them, and are
// registered by one line in the sorted table in registry.go. Their numerics
// are plain functions; plotting is kept apart from computing.
//
// # Rules
//
// An experiment is deterministic (its only randomness is the random source it
// is given, seeded by the "seed" parameter every experiment has), pure (no
// files, no network, no clock) and fast (about two seconds at most on one
// core at its defaults). [Execute] runs one under a time budget and turns a
// panic, a NaN or an overrun into an error of that run.
//
// # Fingerprints
//
// The package embeds its own source. An experiment's fingerprint hashes the
// file that defines its run together with the files no experiment owns (the
// shared plotting code, the nn toolkit), so editing one experiment's file
// changes exactly that experiment's fingerprint, and the generator's cache
// reruns exactly its figures.
package figures

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// An Experiment is a named, parameterised computation behind a figure.
type Experiment struct {
	// Name is the kebab-case name articles use in experiment=.
	Name string
	// Doc is one or two sentences saying what the experiment shows.
	Doc string
	// Params declares the parameters, apart from the implicit "seed".
	Params []Param
	// Alt, if set, describes a run's figure in words; a figure directive
	// may then omit its alt= attribute.
	Alt func(a Args) string
	// Run computes the result. It must honour ctx in long loops.
	Run func(ctx context.Context, a Args, rng *rand.Rand) (*Result, error)
}

// Seed is the parameter every experiment has: the seed of its random source.
var Seed = Int("seed", 1, 0, 1<<31-1, "seed of the experiment's random source")

// AllParams returns the experiment's parameters, seed included, sorted by name.
func (e *Experiment) AllParams() []Param {
	ps := append([]Param{Seed}, e.Params...)
	slices.SortFunc(ps, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	return ps
}

// Param returns the declared parameter with the given name.
func (e *Experiment) Param(name string) (Param, bool) {
	if name == Seed.Name {
		return Seed, true
	}
	for _, p := range e.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// A Registry is a set of experiments looked up by name. Its zero value is
// empty; [Default] holds the explainer's experiments.
type Registry struct {
	// Experiments are the registered experiments, sorted by name.
	Experiments []*Experiment
	// Fingerprint returns the fingerprint of an experiment's code, or ""
	// when it is unknown (its results are then never cached). Nil means
	// the fingerprint of the embedded source, [SourceFingerprint].
	Fingerprint func(e *Experiment) string
}

// Lookup returns the experiment with the given name.
func (r *Registry) Lookup(name string) (*Experiment, bool) {
	i, ok := slices.BinarySearchFunc(r.Experiments, name, func(e *Experiment, name string) int {
		return strings.Compare(e.Name, name)
	})
	if !ok {
		return nil, false
	}
	return r.Experiments[i], true
}

// FingerprintOf returns the fingerprint of e's code.
func (r *Registry) FingerprintOf(e *Experiment) string {
	if r.Fingerprint != nil {
		return r.Fingerprint(e)
	}
	return SourceFingerprint(e)
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, len(r.Experiments))
	for i, e := range r.Experiments {
		names[i] = e.Name
	}
	return names
}

// NewRegistry returns a registry of the given experiments, sorted by name.
// Duplicate or empty names are programmer errors and panic.
func NewRegistry(exps ...*Experiment) *Registry {
	exps = slices.Clone(exps)
	slices.SortFunc(exps, func(a, b *Experiment) int { return strings.Compare(a.Name, b.Name) })
	for i, e := range exps {
		if e.Name == "" || e.Run == nil {
			panic(fmt.Sprintf("figures: experiment %d has no name or no run", i))
		}
		if i > 0 && exps[i-1].Name == e.Name {
			panic("figures: duplicate experiment " + e.Name)
		}
		for _, p := range e.Params {
			if p.Name == Seed.Name {
				panic("figures: experiment " + e.Name + " declares the implicit seed parameter")
			}
		}
	}
	return &Registry{Experiments: exps}
}

// Default returns the registry of the explainer's experiments.
func Default() *Registry { return defaultRegistry }

// Lookup returns the explainer's experiment with the given name.
func Lookup(name string) (*Experiment, bool) { return defaultRegistry.Lookup(name) }
