package lab

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path"
	"runtime"
	"strings"
	"time"
)

// DefaultBudget is how long one run may take before it counts as overrun.
// Experiments aim at two seconds on one core; the margin absorbs slow or
// busy machines, so only a runaway computation trips it.
const DefaultBudget = 20 * time.Second

// An Output is a finished run: everything a page needs from it, in a form
// that can be cached.
type Output struct {
	SVG    string  `json:"svg"` // the figure; empty if the run drew nothing
	CSV    string  `json:"csv"` // the data behind it
	Alt    string  `json:"alt"` // the experiment's description, if it has one
	Values []Value `json:"values"`
	Checks []Check `json:"checks"`
}

// Value returns the named value.
func (o *Output) Value(name string) (Value, bool) {
	for _, v := range o.Values {
		if v.Name == name {
			return v, true
		}
	}
	return Value{}, false
}

// Check returns the named check.
func (o *Output) Check(name string) (Check, bool) {
	for _, c := range o.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

// Execute runs the experiment a belongs to, with a random source seeded
// from a's seed, and draws its figure. A run that panics, produces a NaN or
// takes longer than budget (DefaultBudget if zero) returns an error instead.
// Checks that fail are not errors here: the caller decides what they mean.
func Execute(ctx context.Context, a Args, budget time.Duration) (*Output, error) {
	return guarded(ctx, a, budget, func(r *Result) (*Output, error) {
		svg, err := r.SVG()
		if err != nil {
			return nil, err
		}
		out := &Output{SVG: string(svg), Values: r.Values, Checks: r.Checks}
		if len(r.Data.Header) > 0 {
			out.CSV = string(r.Data.CSV())
		}
		if e := a.Experiment(); e.Alt != nil {
			out.Alt = e.Alt(a)
		}
		return out, nil
	})
}

// PNG runs the experiment a belongs to, as Execute does, and draws its
// figure as a PNG image for places that cannot show the SVG, such as the
// picture of a page shared on social media: width pixels wide and, with
// height 0, as tall as the figure's proportions make it, or else width ×
// height pixels with the figure centred (see [Result.PNG]). The run is
// the same as Execute's, so its figure is too, but nothing is cached:
// call it for the few figures that need an image.
func PNG(ctx context.Context, a Args, budget time.Duration, width, height int) ([]byte, error) {
	return guarded(ctx, a, budget, func(r *Result) ([]byte, error) { return r.PNG(width, height) })
}

// guarded runs the experiment a belongs to and finishes its result, under
// the time budget, turning a panic into an error.
func guarded[T any](ctx context.Context, a Args, budget time.Duration, finish func(*Result) (T, error)) (T, error) {
	var zero T
	if budget <= 0 {
		budget = DefaultBudget
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	type outcome struct {
		out T
		err error
	}
	done := make(chan outcome, 1) // buffered: an abandoned run must not block
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- outcome{err: fmt.Errorf("panic: %v%s", v, panicSite())}
			}
		}()
		r, err := run(ctx, a)
		if err != nil {
			done <- outcome{err: err}
			return
		}
		out, err := finish(r)
		done <- outcome{out, err}
	}()
	select {
	case o := <-done:
		if errors.Is(o.err, context.DeadlineExceeded) && ctx.Err() == context.DeadlineExceeded {
			return zero, overrun(budget, a)
		}
		return o.out, o.err
	case <-ctx.Done():
		// An experiment that ignores its context keeps its goroutine until
		// it returns; the build goes on without it.
		if ctx.Err() == context.DeadlineExceeded {
			return zero, overrun(budget, a)
		}
		return zero, ctx.Err()
	}
}

// overrun is the error of a run that took too long. It names the
// parameters the experiment declared costly, with their values, which are
// the ones to lower.
func overrun(budget time.Duration, a Args) error {
	var costly []string
	for _, p := range a.Experiment().AllParams() {
		if p.Cost {
			costly = append(costly, p.Name+"="+a.String(p.Name))
		}
	}
	if len(costly) == 0 {
		return fmt.Errorf("ran longer than its time budget of %v", budget)
	}
	return fmt.Errorf("ran longer than its time budget of %v; its time grows with %s", budget, strings.Join(costly, ", "))
}

// run runs the experiment and checks its result.
func run(ctx context.Context, a Args) (*Result, error) {
	rng := rand.New(rand.NewPCG(a.Seed(), 0x9e3779b97f4a7c15))
	r, err := a.Experiment().Run(ctx, a, rng)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New("run returned no result")
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// panicSite names the source line that panicked, such as
// " (at figures/barrier.go:42)", so the author can find it without a trace.
func panicSite() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.File != "" && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf(" (at %s/%s:%d)", path.Base(path.Dir(f.File)), path.Base(f.File), f.Line)
		}
		if !more {
			return ""
		}
	}
}
