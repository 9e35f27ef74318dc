package lab

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func experiment(name string, run func(ctx context.Context, a Args, rng *rand.Rand) (*Result, error)) *Experiment {
	return &Experiment{Name: name, Run: run}
}

func TestExecuteTurnsFailuresIntoErrors(t *testing.T) {
	var nilMap map[string]int
	for _, c := range []struct {
		name string
		run  func(ctx context.Context, a Args, rng *rand.Rand) (*Result, error)
		want string // a regular expression
	}{
		{"panic", func(context.Context, Args, *rand.Rand) (*Result, error) {
			nilMap["x"] = 1
			return nil, nil
		}, `^panic: assignment to entry in nil map \(at lab/execute_test.go:\d+\)$`},
		{"nan", func(context.Context, Args, *rand.Rand) (*Result, error) {
			r := &Result{}
			r.Float("height", "%.3f", math.NaN())
			return r, nil
		}, `^value height is NaN$`},
		{"error", func(context.Context, Args, *rand.Rand) (*Result, error) {
			return nil, errors.New("did not converge")
		}, `^did not converge$`},
		{"nil", func(context.Context, Args, *rand.Rand) (*Result, error) { return nil, nil }, `^run returned no result$`},
		{"ignores its context", func(context.Context, Args, *rand.Rand) (*Result, error) {
			time.Sleep(2 * time.Second)
			return &Result{}, nil
		}, `^ran longer than its time budget of 50ms$`},
		{"honours its context", func(ctx context.Context, _ Args, _ *rand.Rand) (*Result, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, `^ran longer than its time budget of 50ms$`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := experiment("broken", c.run)
			_, err := Execute(context.Background(), e.MustParse(nil), 50*time.Millisecond)
			if err == nil || !regexp.MustCompile(c.want).MatchString(err.Error()) {
				t.Errorf("Execute() error = %v, want a match for %s", err, c.want)
			}
		})
	}
}

func TestOverrunNamesWhatDrivesTheCost(t *testing.T) {
	e := &Experiment{
		Name: "slow",
		Params: []Param{
			Int("samples", 100, 1, 1000, "how many samples").Costly(),
			Float("rate", 0.1, 0, 1, "a rate that costs nothing"),
			Choice("model", "big", []string{"small", "big"}, "which model").Costly(),
		},
		Run: func(ctx context.Context, _ Args, _ *rand.Rand) (*Result, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		},
	}
	_, err := Execute(context.Background(), e.MustParse(map[string]string{"samples": "1000"}), 50*time.Millisecond)
	const want = "ran longer than its time budget of 50ms; its time grows with model=big, samples=1000"
	if err == nil || err.Error() != want {
		t.Errorf("Execute() error = %v, want %q", err, want)
	}
}

func TestExecuteStopsWhenCancelled(t *testing.T) {
	e := experiment("waits", func(ctx context.Context, _ Args, _ *rand.Rand) (*Result, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Execute(ctx, e.MustParse(nil), time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("Execute() on a cancelled context = %v, want context.Canceled", err)
	}
}

func TestExecuteSeedsTheRandomSourceFromTheSeedParameter(t *testing.T) {
	e := experiment("draws", func(_ context.Context, _ Args, rng *rand.Rand) (*Result, error) {
		r := &Result{}
		r.Float("x", "%.17g", rng.Float64())
		return r, nil
	})
	draw := func(seed string) string {
		out, err := Execute(context.Background(), e.MustParse(map[string]string{"seed": seed}), 0)
		if err != nil {
			t.Fatal(err)
		}
		return out.Values[0].Text
	}
	if draw("7") != draw("7") {
		t.Error("the same seed gave different draws")
	}
	if draw("7") == draw("8") {
		t.Error("different seeds gave the same draw")
	}
}

func TestExecuteDrawsDeterministicSVG(t *testing.T) {
	e := experiment("draws", func(_ context.Context, _ Args, rng *rand.Rand) (*Result, error) {
		r := &Result{Data: Table{Header: []string{"x", "y"}}}
		var xys plotter.XYs
		for i := range 20 {
			x, y := float64(i), rng.NormFloat64()
			xys = append(xys, plotter.XY{X: x, Y: y})
			r.Data.Add(x, y)
		}
		p := NewPlot("A walk", "step", "value")
		l, err := Series(xys, 0, false)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		r.Plots = []*plot.Plot{p}
		return r, nil
	})
	run := func() *Output {
		out, err := Execute(context.Background(), e.MustParse(nil), 0)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := run(), run()
	if a.SVG != b.SVG || a.CSV != b.CSV {
		t.Error("two runs with the same arguments differ")
	}
	if !strings.HasPrefix(a.SVG, "<svg ") || !strings.Contains(a.SVG, "sans-serif") {
		t.Errorf("the SVG does not look like a figure with font fallbacks: %.200s", a.SVG)
	}
}

func TestPNGRunsTheExperimentAndDrawsItsFigure(t *testing.T) {
	e := experiment("line", func(context.Context, Args, *rand.Rand) (*Result, error) {
		l, err := Series(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}, 0, false)
		if err != nil {
			return nil, err
		}
		p := NewPlot("", "x", "y")
		p.Add(l)
		return &Result{Plots: []*plot.Plot{p}}, nil
	})
	data, err := PNG(context.Background(), e.MustParse(nil), 0, 1200, 630)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
		t.Errorf("the card is %d × %d, want 1200 × 630", b.Dx(), b.Dy())
	}
	broken := experiment("broken", func(context.Context, Args, *rand.Rand) (*Result, error) {
		var p *plot.Plot
		p.Add()
		return nil, nil
	})
	if _, err := PNG(context.Background(), broken.MustParse(nil), 0, 600, 0); err == nil || !strings.HasPrefix(err.Error(), "panic: ") {
		t.Errorf("a panicking run gave %v, want a panic turned into an error", err)
	}
}
