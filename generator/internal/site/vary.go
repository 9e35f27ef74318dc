package site

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/markup"
)

// A figure with vary="key=v1,v2,..." is drawn once for each value, each
// its own job: cached on its own, so offering one more value runs one
// more experiment. The setting whose value is the figure's own parameter
// (given, or the default) is shown first: its files are the figure's
// plain fig-x.svg and fig-x.csv, and it is the one the prose's :val and
// :check of the figure quote. The others are named after their value,
// fig-x.hidden-16.svg, beside them.

// A setting is one drawing of a figure: the only one of a plain figure, or
// one value of a varied figure's parameter.
type setting struct {
	job  *job
	file string   // the name of its files, without .svg or .csv
	pos  diag.Pos // of its value in vary=; the figure's for a plain one
	// at names the setting in messages, "at hidden=16"; "" for a plain
	// figure.
	at string
}

// settings resolves a varied figure's values against the experiment's
// parameter. given are the figure's own parameters and fixed the
// arguments they make; jobFor returns the job of arguments. It returns
// the settings in the order written and the index of the one shown first.
func settings(f *markup.Figure, e *lab.Experiment, given map[string]string, fixed lab.Args, jobFor func(lab.Args) *job) ([]*setting, int, diag.List) {
	var errs diag.List
	v := f.Vary
	what := directiveName(f)
	if _, ok := e.Param(v.Key); !ok {
		errs.Add(v.KeyPos, "%s: vary %s: experiment %s has no such parameter (it has %s)", what, v.Key, e.Name, paramNames(e))
		return nil, 0, errs
	}
	var list []*setting
	shown := -1
	seen := make(map[string]markup.Param)
	for i, val := range v.Values {
		g := make(map[string]string, len(given)+1)
		for k, x := range given {
			g[k] = x
		}
		g[v.Key] = val.Value
		args, perrs := e.Parse(g)
		bad := false
		for _, err := range perrs {
			// Only this parameter's value is new: any other's error is
			// reported for the figure itself.
			if pe := (*lab.ParamError)(nil); errors.As(err, &pe) && pe.Param == v.Key {
				errs.Add(val.Pos, "%s: vary %s: %v", what, v.Key, pe.Err)
			}
			bad = true
		}
		if bad {
			continue
		}
		value := args.String(v.Key)
		if first, dup := seen[value]; dup {
			errs.Add(val.Pos, "%s: vary %s: %s is offered twice (first as %s at column %d)", what, v.Key, val.Value, first.Value, first.Pos.Col)
			continue
		}
		seen[value] = val
		if value == fixed.String(v.Key) {
			shown = i
		}
		list = append(list, &setting{job: jobFor(args), pos: val.Pos, at: "at " + v.Key + "=" + value,
			file: f.ID + "." + fileSafe(v.Key+"-"+value)})
	}
	if len(errs) > 0 {
		return nil, 0, errs
	}
	if shown < 0 {
		first := fmt.Sprintf("%s=%s", v.Key, fixed.String(v.Key))
		if _, ok := given[v.Key]; !ok {
			first += " (the default)"
		}
		errs.Add(v.Pos, "%s: vary %s: the setting shown first, %s, is not among the values offered: set %s= to one of them, or offer it", what, v.Key, first, v.Key)
		return nil, 0, errs
	}
	list[shown].file = f.ID
	return list, shown, nil
}

// fileSafe keeps a value's characters that need no thought in a file
// name or an address, and replaces the others: an experiment's choices are
// words, but nothing makes them so.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._+", r) {
			return r
		}
		return '_'
	}, s)
}

func paramNames(e *lab.Experiment) string {
	var names []string
	for _, p := range e.AllParams() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// svgPath and csvPath are the files of a figure's setting in the site.
func (u *use) svgPath(s *setting) string { return path.Join(u.art.slug, s.file+".svg") }
func (u *use) csvPath(s *setting) string { return path.Join(u.art.slug, s.file+".csv") }
