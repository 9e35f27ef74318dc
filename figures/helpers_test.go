package figures

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/lab/labtest"
)

// A run is one execution of an experiment, shared by the tests that ask
// for the same parameters.
type run struct {
	once sync.Once
	out  *lab.Output
	err  error
	took time.Duration // how long the run took, not the wait for it
}

// runs holds every run the package's tests have made, by experiment and
// canonical parameters, seed included.
var runs sync.Map // string → *run

// execute runs the experiment of a within lab.DefaultBudget, as
// lab.Execute does, once for the whole package: a run is a function of
// its parameters and seed (the build relies on it), so the tests at an
// experiment's defaults, the sweeps and the tests of one experiment, which
// often ask for the same parameters, share one run instead of repeating
// it. It also returns how long the run took. The output is shared: read
// it, never change it.
func execute(a lab.Args) (*lab.Output, time.Duration, error) {
	v, _ := runs.LoadOrStore(a.Experiment().Name+" "+a.Canonical(), new(run))
	r := v.(*run)
	r.once.Do(func() {
		start := time.Now()
		r.out, r.err = lab.Execute(context.Background(), a, lab.DefaultBudget)
		r.took = time.Since(start)
	})
	return r.out, r.took, r.err
}

// mustExecute runs e with the given parameters (once for the package, see
// execute), failing the test on an error or a failed check. With
// FIGURES_WRITE set to a folder, it also writes the figure there and logs
// the values and checks, for looking at.
func mustExecute(t testing.TB, e *lab.Experiment, given map[string]string) *lab.Output {
	t.Helper()
	args := e.MustParse(given)
	out, _, err := execute(args)
	if err != nil {
		t.Fatalf("%s %v: %v", e.Name, given, err)
	}
	for _, c := range out.Checks {
		if !c.Passed {
			t.Errorf("%s %v: check %s failed: %s: %s", e.Name, given, c.Name, c.Claim, c.Detail)
		}
	}
	if dir := os.Getenv("FIGURES_WRITE"); dir != "" && out.SVG != "" {
		name := e.Name + "_" + strings.ReplaceAll(args.Canonical(), " ", "_") + ".svg"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out.SVG), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, v := range out.Values {
			t.Logf("%s %s = %s", e.Name, v.Name, v.Text)
		}
		for _, c := range out.Checks {
			t.Logf("%s check %s: %s", e.Name, c.Name, c.Detail)
		}
	}
	return out
}

// mustDraw is mustExecute for a figure, which needs a drawing, the data
// behind it and a text alternative.
func mustDraw(t testing.TB, e *lab.Experiment, given map[string]string) *lab.Output {
	t.Helper()
	out := mustExecute(t, e, given)
	if out.SVG == "" || out.CSV == "" || out.Alt == "" {
		t.Errorf("%s %v: missing figure, data or alt text", e.Name, given)
	}
	return out
}

// valueOf returns the number of the named value of out.
func valueOf(t testing.TB, out *lab.Output, name string) float64 {
	t.Helper()
	v, ok := out.Value(name)
	if !ok {
		t.Fatalf("no value %s", name)
	}
	return v.Number
}

// TestEveryExperimentChecksWhatItShows runs every registered experiment at
// its defaults: each must verify at least one claim and compute a value
// for the prose, so that no figure goes unchecked, and its figure must
// follow the house style: every label inside the canvas, text legible on
// a phone, legends clear of the data, heat maps with colour bars, a dark
// scheme (see package labtest).
func TestEveryExperimentChecksWhatItShows(t *testing.T) {
	for _, e := range Default().Experiments {
		out := mustExecute(t, e, nil)
		if len(out.Checks) == 0 || len(out.Values) == 0 {
			t.Errorf("%s: %d checks and %d values, want at least one of each", e.Name, len(out.Checks), len(out.Values))
		}
		if out.SVG != "" {
			for _, p := range labtest.Check([]byte(out.SVG)) {
				t.Errorf("%s: %s", e.Name, p)
			}
		}
		if e.Doc == "" {
			t.Errorf("%s has no documentation", e.Name)
		}
	}
}
