package figures

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nonconvex/explainer/figures/lab"
)

func TestEveryExperimentHasAFingerprint(t *testing.T) {
	for _, e := range Default().Experiments {
		if Default().FingerprintOf(e) == "" {
			t.Errorf("%s has no fingerprint: is it defined in package figures?", e.Name)
		}
	}
	stranger := &lab.Experiment{Name: Default().Experiments[0].Name, Run: func(context.Context, lab.Args, *rand.Rand) (*lab.Result, error) { return nil, nil }}
	if Default().FingerprintOf(stranger) != "" {
		t.Error("an experiment defined outside the registry borrowed a registered fingerprint")
	}
}

// embedded returns a copy of the embedded source that a test may edit.
func embedded(t *testing.T) fstest.MapFS {
	tree := fstest.MapFS{}
	err := fs.WalkDir(sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sources, p)
		tree[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// ownFile returns the embedded path of the file that defines e's run.
func ownFile(e *lab.Experiment) string { return strings.TrimPrefix(lab.SourceFile(e), "figures/") }

// TestEditingOneFileReachesExactlyItsExperiments edits, in turn, every
// embedded file: an experiment's file must change the fingerprints of the
// experiments it defines and no other, any other file (the runtime in lab,
// the nn toolkit, a shared file here) every fingerprint.
func TestEditingOneFileReachesExactlyItsExperiments(t *testing.T) {
	exps := Default().Experiments
	tree := embedded(t)
	base := lab.Fingerprints(tree, "figures", exps, "go1")
	var labFiles, nnFiles int
	for _, name := range slices.Sorted(maps.Keys(tree)) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		switch {
		case strings.HasPrefix(name, "lab/"):
			labFiles++
		case strings.HasPrefix(name, "nn/"):
			nnFiles++
		}
		edited := maps.Clone(tree)
		edited[name] = &fstest.MapFile{Data: append(slices.Clone(tree[name].Data), "\nvar edited = 1\n"...)}
		got := lab.Fingerprints(edited, "figures", exps, "go1")
		owns := slices.ContainsFunc(exps, func(e *lab.Experiment) bool { return ownFile(e) == name })
		for _, e := range exps {
			changed := got[e.Name] != base[e.Name]
			if want := !owns || ownFile(e) == name; changed != want {
				t.Errorf("editing %s: fingerprint of %s changed = %v, want %v", name, e.Name, changed, want)
			}
		}
	}
	if labFiles == 0 || nnFiles == 0 {
		t.Errorf("the embedded source holds %d files of lab and %d of nn; want both", labFiles, nnFiles)
	}
}

// TestCommentsAndLayoutRerunNothing edits every experiment's file as an
// author tidying it would, a new comment and every tab doubled, and
// expects no fingerprint to move.
func TestCommentsAndLayoutRerunNothing(t *testing.T) {
	exps := Default().Experiments
	tree := embedded(t)
	base := lab.Fingerprints(tree, "figures", exps, "go1")
	for _, e := range exps {
		name := ownFile(e)
		edited := maps.Clone(tree)
		src := strings.ReplaceAll(string(tree[name].Data), "\t", "\t\t")
		src = strings.Replace(src, "\nfunc ", "\n// A comment an author added.\nfunc ", 1)
		edited[name] = &fstest.MapFile{Data: []byte(src)}
		if got := lab.Fingerprints(edited, "figures", exps, "go1"); !maps.Equal(got, base) {
			t.Errorf("a comment and a re-indentation of %s changed fingerprints", name)
		}
	}
}

// TestExperimentFilesAreSelfContained guards the fingerprint's soundness:
// an experiment file that used a helper from another experiment's file
// would not be rerun when that helper changed.
func TestExperimentFilesAreSelfContained(t *testing.T) {
	fset := token.NewFileSet()
	owner := make(map[string]string) // top-level name to experiment file
	files := make(map[string]*ast.File)
	var expFiles []string
	for _, e := range Default().Experiments {
		if f := ownFile(e); !slices.Contains(expFiles, f) {
			expFiles = append(expFiles, f)
		}
	}
	for _, name := range expFiles {
		src, err := fs.ReadFile(sources, name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
		for _, d := range f.Decls {
			for _, n := range declNames(d) {
				owner[n] = name
			}
		}
	}
	for _, name := range expFiles {
		ast.Inspect(files[name], func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			if o, ok := owner[id.Name]; ok && o != name && id.Obj == nil {
				t.Errorf("%s: %s uses %s, defined in another experiment's file %s; move it to a shared file",
					fset.Position(id.Pos()), name, id.Name, o)
			}
			return true
		})
	}
}

func declNames(d ast.Decl) []string {
	var names []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			names = append(names, d.Name.Name)
		} else {
			return nil // methods are reached through their types
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.Name != "_" {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names
}

// TestRegistryTableIsSorted keeps registry.go a table a reader can scan:
// one experiment a line, sorted by experiment name.
func TestRegistryTableIsSorted(t *testing.T) {
	fset := token.NewFileSet()
	names := make(map[string]string) // variable to experiment name
	var table []string
	files, _ := fs.Glob(sources, "*.go")
	for _, file := range files {
		src, _ := fs.ReadFile(sources, file)
		f, err := parser.ParseFile(fset, file, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok || len(spec.Values) != 1 {
				return true
			}
			if call, ok := spec.Values[0].(*ast.CallExpr); ok && file == "registry.go" {
				for _, arg := range call.Args {
					if id, ok := arg.(*ast.Ident); ok {
						table = append(table, id.Name)
					}
				}
			}
			if lit, ok := spec.Values[0].(*ast.UnaryExpr); ok {
				if cl, ok := lit.X.(*ast.CompositeLit); ok {
					for _, el := range cl.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "Name" {
							if bl, ok := kv.Value.(*ast.BasicLit); ok {
								names[spec.Names[0].Name] = strings.Trim(bl.Value, `"`)
							}
						}
					}
				}
			}
			return true
		})
	}
	if len(table) != len(Default().Experiments) {
		t.Fatalf("registry.go lists %d experiments; the registry has %d", len(table), len(Default().Experiments))
	}
	for i, v := range table {
		if got, want := names[v], Default().Experiments[i].Name; got != want {
			t.Errorf("registry.go entry %d is %s (experiment %q); sorted by name it should be the experiment %q", i+1, v, got, want)
		}
	}
}
