package lab

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
// empty.
type Registry struct {
	// Experiments are the registered experiments, sorted by name.
	Experiments []*Experiment
	// Fingerprint returns the fingerprint of an experiment's code, or ""
	// when it is unknown; results whose fingerprint is unknown are never
	// cached. Nil means every fingerprint is unknown. The package that
	// embeds the experiments' source sets it (see [Fingerprints]).
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

// FingerprintOf returns the fingerprint of e's code, or "" if it is unknown.
func (r *Registry) FingerprintOf(e *Experiment) string {
	if r.Fingerprint == nil {
		return ""
	}
	return r.Fingerprint(e)
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
			panic(fmt.Sprintf("lab: experiment %d has no name or no run", i))
		}
		if i > 0 && exps[i-1].Name == e.Name {
			panic("lab: duplicate experiment " + e.Name)
		}
		for _, p := range e.Params {
			if p.Name == Seed.Name {
				panic("lab: experiment " + e.Name + " declares the implicit seed parameter")
			}
		}
	}
	return &Registry{Experiments: exps}
}
