package site

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/cache"
	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/markup"
)

// A job is one distinct (experiment, parameters) pair; every directive
// asking for it shares its output.
type job struct {
	args lab.Args
	key  string // the memory-cache key: name, canonical arguments, fingerprint
	disk string // the disk-cache key; "" if the code is unknown
	out  *lab.Output
	err  error
	ran  bool // computed in this build, not found in a cache
}

// A use is a directive bound to the jobs it asked for.
type use struct {
	art *article
	fig *markup.Figure
	job *job // the setting shown first, whose numbers the prose quotes
	// settings are what the figure draws: one, or a varied figure's, in
	// the order written (see vary.go).
	settings []*setting
	shown    int // the index of job in settings
}

// collect resolves every figure and run directive to a job.
func (b *Builder) collect(c *content) ([]*use, []*job, diag.List) {
	var errs diag.List
	var uses []*use
	jobs := make(map[string]*job)
	reg := b.cfg.Registry
	for _, a := range c.all() {
		for _, f := range a.doc.Figures {
			if f.ID == "" || f.Experiment == "" {
				continue // reported by the parser
			}
			what := directiveName(f)
			e, ok := reg.Lookup(f.Experiment)
			if !ok {
				errs.Add(f.ExperimentPos, "%s: unknown experiment %q (%s)", what, f.Experiment, suggest(f.Experiment, reg.Names()))
				continue
			}
			given := make(map[string]string)
			pos := make(map[string]diag.Pos)
			for _, p := range f.Params {
				given[p.Key], pos[p.Key] = p.Value, p.Pos
			}
			args, perrs := e.Parse(given)
			for _, err := range perrs {
				var pe *lab.ParamError
				errors.As(err, &pe)
				errs.Add(pos[pe.Param], "%s: %v", what, err)
			}
			if len(perrs) > 0 {
				continue
			}
			fp := reg.FingerprintOf(e)
			jobFor := func(args lab.Args) *job {
				key := e.Name + " " + args.Canonical() + " " + fp
				j := jobs[key]
				if j == nil {
					j = &job{args: args, key: key, disk: cache.Key(e.Name, args.Canonical(), fp)}
					jobs[key] = j
				}
				return j
			}
			u := &use{art: a, fig: f}
			if f.Vary == nil {
				u.settings = []*setting{{job: jobFor(args), file: f.ID, pos: f.Pos}}
			} else {
				var verrs diag.List
				u.settings, u.shown, verrs = settings(f, e, given, args, jobFor)
				if len(verrs) > 0 {
					errs = append(errs, verrs...)
					continue
				}
			}
			u.job = u.settings[u.shown].job
			uses = append(uses, u)
		}
	}
	list := make([]*job, 0, len(jobs))
	for _, k := range slices.Sorted(maps.Keys(jobs)) {
		list = append(list, jobs[k])
	}
	return uses, list, errs
}

// directiveName names a figure or run directive in messages.
func directiveName(f *markup.Figure) string {
	if f.Run {
		return "run " + f.ID
	}
	return "figure " + f.ID
}

// run computes every job not found in a cache, Jobs at a time. Outputs
// are stored by job, never by completion order, so the build does not
// depend on scheduling. Once ctx is done, no further job starts, and
// those running are told to stop.
func (b *Builder) run(ctx context.Context, jobs []*job) {
	b.forget(jobs)
	var todo []*job
	for _, j := range jobs {
		b.mu.Lock()
		j.out = b.outputs[j.key]
		b.mu.Unlock()
		if j.out != nil {
			continue
		}
		out, err := b.cache.Get(j.disk)
		if err == nil {
			j.out = out
			b.remember(j)
			continue
		}
		if errors.Is(err, cache.ErrCorrupt) {
			b.logf("cache: %v; recomputing", err)
		}
		todo = append(todo, j)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, b.cfg.Jobs)
	for _, j := range todo {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break // the build is cancelled: start nothing more
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			start := time.Now()
			j.out, j.err = lab.Execute(ctx, j.args, b.cfg.Budget)
			j.ran = true
			b.logf("ran %s %s in %v", j.args.Experiment().Name, j.args.Canonical(), time.Since(start).Round(time.Millisecond))
			if j.err != nil {
				return
			}
			b.remember(j)
			if err := b.cache.Put(j.disk, j.out); err != nil {
				b.logf("%v", err)
			}
		}()
	}
	wg.Wait()
}

// forget drops the outputs held in memory that none of jobs, this
// build's, needs: memory holds what the content uses now, not every
// parameter value tried while editing (the disk cache keeps those, within
// its bound).
func (b *Builder) forget(jobs []*job) {
	keep := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		keep[j.key] = true
	}
	b.mu.Lock()
	maps.DeleteFunc(b.outputs, func(key string, _ *lab.Output) bool { return !keep[key] })
	b.mu.Unlock()
}

func (b *Builder) remember(j *job) {
	b.mu.Lock()
	b.outputs[j.key] = j.out
	b.mu.Unlock()
}

// suggest names the closest known name, or lists them all.
func suggest(name string, known []string) string {
	best, bestDist := "", len(name)/3+1
	for _, k := range known {
		if d := editDistance(name, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return "did you mean " + best + "?"
	}
	if len(known) == 0 {
		return "no experiments are registered"
	}
	return "known: " + strings.Join(known, ", ")
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
