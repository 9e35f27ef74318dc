package figures

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/figures/lab/labtest"
)

// mustExecute runs e with the given parameters, failing the test on an
// error or a failed check. With FIGURES_WRITE set to a folder, it also
// writes the figure there and logs the values and checks, for looking at.
func mustExecute(t testing.TB, e *lab.Experiment, given map[string]string) *lab.Output {
	t.Helper()
	args := e.MustParse(given)
	out, err := lab.Execute(context.Background(), args, 0)
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
