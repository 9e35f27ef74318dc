package lab

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A Kind is the type of a parameter.
type Kind int

// The parameter kinds.
const (
	KindInt Kind = iota
	KindFloat
	KindBool
	KindChoice
)

func (k Kind) String() string {
	return [...]string{"int", "float", "bool", "choice"}[k]
}

// A Param declares one parameter of an experiment.
type Param struct {
	Name    string
	Kind    Kind
	Default string   // canonical text of the default value
	Min     float64  // inclusive lower bound (int and float)
	Max     float64  // inclusive upper bound (int and float)
	Choices []string // the allowed values (choice)
	Doc     string   // one sentence of help
	// Cost marks a parameter the run's time grows with, such as a number
	// of samples or a width; an overrun names these with their values.
	Cost bool
}

// Costly returns p marked as a parameter the run's time grows with.
func (p Param) Costly() Param {
	p.Cost = true
	return p
}

// Int declares an integer parameter in [min, max].
func Int(name string, def, min, max int, doc string) Param {
	p := Param{Name: name, Kind: KindInt, Default: strconv.Itoa(def), Min: float64(min), Max: float64(max), Doc: doc}
	p.mustAccept(p.Default)
	return p
}

// Float declares a real parameter in [min, max].
func Float(name string, def, min, max float64, doc string) Param {
	p := Param{Name: name, Kind: KindFloat, Default: formatFloat(def), Min: min, Max: max, Doc: doc}
	p.mustAccept(p.Default)
	return p
}

// Bool declares a boolean parameter.
func Bool(name string, def bool, doc string) Param {
	return Param{Name: name, Kind: KindBool, Default: strconv.FormatBool(def), Doc: doc}
}

// Choice declares a parameter whose value is one of choices.
func Choice(name, def string, choices []string, doc string) Param {
	p := Param{Name: name, Kind: KindChoice, Default: def, Choices: choices, Doc: doc}
	p.mustAccept(def)
	return p
}

func (p Param) mustAccept(s string) {
	if _, err := p.parse(s); err != nil {
		panic(fmt.Sprintf("lab: default of parameter %s: %v", p.Name, err))
	}
}

// Domain describes the values p accepts, as in "an integer in [1, 64]".
func (p Param) Domain() string {
	switch p.Kind {
	case KindInt:
		return fmt.Sprintf("an integer in [%d, %d]", int64(p.Min), int64(p.Max))
	case KindFloat:
		return fmt.Sprintf("a number in [%s, %s]", formatFloat(p.Min), formatFloat(p.Max))
	case KindBool:
		return "true or false"
	default:
		return "one of " + strings.Join(p.Choices, ", ")
	}
}

// Bounds returns the canonical text of the least and the greatest value
// of an int or float parameter.
func (p Param) Bounds() (min, max string) {
	if p.Kind == KindInt {
		return strconv.FormatInt(int64(p.Min), 10), strconv.FormatInt(int64(p.Max), 10)
	}
	return formatFloat(p.Min), formatFloat(p.Max)
}

// parse checks s against p and returns its canonical form.
func (p Param) parse(s string) (string, error) {
	bad := fmt.Errorf("want %s, got %q", p.Domain(), s)
	switch p.Kind {
	case KindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || float64(n) < p.Min || float64(n) > p.Max {
			return "", bad
		}
		return strconv.FormatInt(n, 10), nil
	case KindFloat:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || x < p.Min || x > p.Max {
			return "", bad
		}
		return formatFloat(x), nil
	case KindBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return "", bad
		}
		return strconv.FormatBool(b), nil
	default:
		if !slices.Contains(p.Choices, s) {
			return "", bad
		}
		return s, nil
	}
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Args are an experiment's parameters after parsing: every declared
// parameter has a canonical value, given or default.
type Args struct {
	exp  *Experiment
	vals map[string]string
}

// A ParamError is a parameter value that an experiment does not accept.
type ParamError struct {
	Param string // the offending name
	Err   error
}

func (e *ParamError) Error() string { return "parameter " + e.Param + ": " + e.Err.Error() }
func (e *ParamError) Unwrap() error { return e.Err }

// Parse checks the given parameter values (name to text) against e's
// declarations and fills in defaults. It returns every problem, one
// *ParamError per offending parameter, in name order.
func (e *Experiment) Parse(given map[string]string) (Args, []error) {
	a := Args{exp: e, vals: make(map[string]string)}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(given)) {
		p, ok := e.Param(name)
		if !ok {
			errs = append(errs, &ParamError{name, fmt.Errorf("experiment %s has no such parameter (it has %s)", e.Name, paramNames(e))})
			continue
		}
		v, err := p.parse(given[name])
		if err != nil {
			errs = append(errs, &ParamError{name, err})
			continue
		}
		a.vals[name] = v
	}
	for _, p := range e.AllParams() {
		if _, ok := a.vals[p.Name]; !ok {
			a.vals[p.Name] = p.Default
		}
	}
	return a, errs
}

// MustParse is Parse for tests and literals: it panics on a bad value.
func (e *Experiment) MustParse(given map[string]string) Args {
	a, errs := e.Parse(given)
	if len(errs) > 0 {
		panic(fmt.Sprintf("lab: %s: %v", e.Name, errs[0]))
	}
	return a
}

func paramNames(e *Experiment) string {
	var names []string
	for _, p := range e.AllParams() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// Experiment returns the experiment these arguments are for.
func (a Args) Experiment() *Experiment { return a.exp }

// Canonical returns the arguments as "name=value" pairs sorted by name and
// separated by spaces; equal arguments have equal canonical forms.
func (a Args) Canonical() string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(a.vals)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k + "=" + a.vals[k])
	}
	return b.String()
}

// String returns the canonical text of the named parameter's value.
func (a Args) String(name string) string {
	v, ok := a.vals[name]
	if !ok {
		panic(fmt.Sprintf("lab: experiment %s has no parameter %s", a.exp.Name, name))
	}
	return v
}

// Int returns the value of an int parameter.
func (a Args) Int(name string) int {
	n, _ := strconv.Atoi(a.typed(name, KindInt))
	return n
}

// Float returns the value of a float parameter.
func (a Args) Float(name string) float64 {
	x, _ := strconv.ParseFloat(a.typed(name, KindFloat), 64)
	return x
}

// Bool returns the value of a bool parameter.
func (a Args) Bool(name string) bool { return a.typed(name, KindBool) == "true" }

// Choice returns the value of a choice parameter.
func (a Args) Choice(name string) string { return a.typed(name, KindChoice) }

// typed returns the named value, panicking if the experiment declared the
// parameter with another kind: a programmer error its test catches.
func (a Args) typed(name string, k Kind) string {
	if p, ok := a.exp.Param(name); ok && p.Kind != k {
		panic(fmt.Sprintf("lab: experiment %s: parameter %s is a %v, not a %v", a.exp.Name, name, p.Kind, k))
	}
	return a.String(name)
}

// Seed returns the seed of the run's random source.
func (a Args) Seed() uint64 { return uint64(a.Int(Seed.Name)) }
