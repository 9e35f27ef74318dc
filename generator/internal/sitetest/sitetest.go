// Package sitetest provides what tests of the generator share: content
// trees written from txtar archives, and a registry of small, fast fake
// experiments that count their runs and can misbehave on purpose.
package sitetest

import (
	"context"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nonconvex/explainer/figures/lab"
	"golang.org/x/tools/txtar"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Write writes the files of a txtar archive into dir.
func Write(t testing.TB, dir, archive string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Site is a small valid content tree: settings, a home page, two articles
// with figures, values, checks, references and citations, and a
// bibliography. Tests change it to make the cases they need.
const Site = `
-- site.yaml --
title: Test site
description: A site for tests.
url: https://example.org
author: Tester
-- index.md --
---
title: Home
description: The home page.
---
Welcome. The slope is :val[first/fig-line.slope].
-- first.md --
---
title: First article
description: The first one.
order: 1
date: 2026-01-02
---
## Start {#sec-start}

:::figure{#fig-line experiment=line slope=2 alt="A rising line."}
A line of slope $2$.
:::

The slope is :val[fig-line.slope] and :check[fig-line.rises], see @fig-line,
@sec-start and @second/fig-wave [@boyd2004].
-- second.md --
---
title: Second article
description: The second one.
order: 2
date: 2026-01-03
---
:::figure{#fig-wave experiment=wave}
A wave.
:::

::run{#run-sum experiment=numbers n=4}

The sum is :val[run-sum.sum]; compare @first/fig-line [@boyd2004, §3.2]. So :check[run-sum.formula].
-- references.bib --
@book{boyd2004,
  author = {Boyd, Stephen and Vandenberghe, Lieven},
  title = {Convex Optimization},
  publisher = {Cambridge University Press},
  year = {2004},
}
`

// Fakes is a registry of fake experiments that counts their runs.
type Fakes struct {
	Registry *lab.Registry

	mu     sync.Mutex
	runs   map[string]int
	prints map[string]string
}

// NewFakes returns the fake experiments:
//
//	line     draws y = slope·x; value slope; check rises (slope > 0)
//	wave     draws a sine; describes itself, so alt= is optional
//	numbers  draws nothing; value sum = 1 + … + n
//	panics   panics
//	nan      computes a NaN value
//	slow     waits for its context to end
func NewFakes() *Fakes {
	f := &Fakes{runs: make(map[string]int), prints: make(map[string]string)}
	line := &lab.Experiment{
		Name:   "line",
		Doc:    "A straight line.",
		Params: []lab.Param{lab.Float("slope", 1, -10, 10, "the slope"), lab.Int("points", 11, 2, 1000, "points drawn")},
		Run: f.counted("line", func(a lab.Args) (*lab.Result, error) {
			s, n := a.Float("slope"), a.Int("points")
			r := &lab.Result{Data: lab.Table{Header: []string{"x", "y"}}}
			var xys plotter.XYs
			for i := range n {
				x := float64(i) / float64(n-1)
				xys = append(xys, plotter.XY{X: x, Y: s * x})
				r.Data.Add(x, s*x)
			}
			p := lab.NewPlot("", "x", "y")
			l, err := lab.Series(xys, 0, false)
			if err != nil {
				return nil, err
			}
			p.Add(l)
			r.Plots = append(r.Plots, p)
			r.Float("slope", "%.2f", s)
			r.Check("rises", "the line rises", s > 0, "slope %g", s)
			return r, nil
		}),
	}
	wave := &lab.Experiment{
		Name:   "wave",
		Doc:    "A sine wave.",
		Params: []lab.Param{lab.Float("freq", 1, 0.1, 10, "the frequency")},
		Alt:    func(a lab.Args) string { return "A sine wave." },
		Run: f.counted("wave", func(a lab.Args) (*lab.Result, error) {
			var xys plotter.XYs
			for i := range 50 {
				x := float64(i) / 49
				xys = append(xys, plotter.XY{X: x, Y: math.Sin(2 * math.Pi * a.Float("freq") * x)})
			}
			p := lab.NewPlot("", "x", "sin")
			l, _ := lab.Series(xys, 1, true)
			p.Add(l)
			r := &lab.Result{Plots: []*plot.Plot{p}}
			r.Float("freq", "%g", a.Float("freq"))
			return r, nil
		}),
	}
	numbers := &lab.Experiment{
		Name:   "numbers",
		Doc:    "Sums the first n integers.",
		Params: []lab.Param{lab.Int("n", 3, 1, 100, "how many")},
		Run: f.counted("numbers", func(a lab.Args) (*lab.Result, error) {
			r := &lab.Result{}
			n := a.Int("n")
			r.Int("sum", n*(n+1)/2)
			r.Check("formula", "the sum is n(n+1)/2", true, "n = %d", n)
			return r, nil
		}),
	}
	panics := &lab.Experiment{Name: "panics", Doc: "Panics.", Run: f.counted("panics", func(a lab.Args) (*lab.Result, error) {
		var m map[string]int
		m["x"]++
		return nil, nil
	})}
	nan := &lab.Experiment{Name: "nan", Doc: "Computes a NaN.", Run: f.counted("nan", func(a lab.Args) (*lab.Result, error) {
		r := &lab.Result{}
		r.Float("ratio", "%.3f", math.Inf(1)-math.Inf(1))
		return r, nil
	})}
	slow := &lab.Experiment{Name: "slow", Doc: "Takes forever.", Run: func(ctx context.Context, a lab.Args, _ *rand.Rand) (*lab.Result, error) {
		f.count("slow")
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Minute):
			return &lab.Result{}, nil
		}
	}}
	f.Registry = lab.NewRegistry(line, wave, numbers, panics, nan, slow)
	f.Registry.Fingerprint = func(e *lab.Experiment) string {
		f.mu.Lock()
		defer f.mu.Unlock()
		if fp, ok := f.prints[e.Name]; ok {
			return fp
		}
		return "v1"
	}
	return f
}

func (f *Fakes) counted(name string, run func(lab.Args) (*lab.Result, error)) func(context.Context, lab.Args, *rand.Rand) (*lab.Result, error) {
	return func(_ context.Context, a lab.Args, _ *rand.Rand) (*lab.Result, error) {
		f.count(name)
		return run(a)
	}
}

func (f *Fakes) count(name string) {
	f.mu.Lock()
	f.runs[name]++
	f.mu.Unlock()
}

// Runs returns how many times the named experiment has run.
func (f *Fakes) Runs(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[name]
}

// Edit changes the named experiment's fingerprint, as an edit to its code
// would.
func (f *Fakes) Edit(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prints[name] += "+"
}

// Tree reads the files below dir into a map from slash path to content.
func Tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
