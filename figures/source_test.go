package figures

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEveryExperimentHasAFingerprint(t *testing.T) {
	for _, e := range Default().Experiments {
		if SourceFingerprint(e) == "" {
			t.Errorf("%s has no fingerprint: is it defined in package figures?", e.Name)
		}
	}
	stranger := &Experiment{Name: Default().Experiments[0].Name, Run: func(context.Context, Args, *rand.Rand) (*Result, error) { return nil, nil }}
	if SourceFingerprint(stranger) != "" {
		t.Error("an experiment defined outside the registry borrowed a registered fingerprint")
	}
}

// runA and runB stand for two experiments' runs; they are defined in this
// file, so both map to source_test.go, and the test renames them.
func runA(context.Context, Args, *rand.Rand) (*Result, error) { return nil, nil }
func runB(context.Context, Args, *rand.Rand) (*Result, error) { return nil, nil }

func TestFingerprintFollowsExactlyTheEditedFile(t *testing.T) {
	a := &Experiment{Name: "a", Run: runA}
	b := &Experiment{Name: "b", Run: runB}
	// Both runs live in source_test.go, so model the two files by
	// fingerprinting each experiment against a tree where "its" file is
	// source_test.go and the other's file is shared code.
	tree := fstest.MapFS{
		"source_test.go": {Data: []byte("package figures // a and b")},
		"plot.go":        {Data: []byte("package figures // shared")},
		"nn/net.go":      {Data: []byte("package nn")},
	}
	base := fingerprintAll(tree, []*Experiment{a, b}, "go1")
	if base["a"] == "" || base["a"] != base["b"] {
		t.Fatalf("experiments in one file should share a fingerprint: %v", base)
	}
	edit := func(name, data string) map[string]string {
		t2 := fstest.MapFS{}
		for k, v := range tree {
			t2[k] = v
		}
		t2[name] = &fstest.MapFile{Data: []byte(data)}
		return fingerprintAll(t2, []*Experiment{a, b}, "go1")
	}
	for _, name := range []string{"plot.go", "nn/net.go", "source_test.go"} {
		if got := edit(name, "package figures // edited"); got["a"] == base["a"] {
			t.Errorf("editing %s left the fingerprint unchanged", name)
		}
	}
	if got := fingerprintAll(tree, []*Experiment{a, b}, "go2"); got["a"] == base["a"] {
		t.Error("a new toolchain left the fingerprint unchanged")
	}
	tree["notes_test.go"] = &fstest.MapFile{Data: []byte("package figures")}
	if got := fingerprintAll(tree, []*Experiment{a, b}, "go1"); got["a"] != base["a"] {
		t.Error("adding a test file changed the fingerprint")
	}
}

func TestEditingOneExperimentFileChangesOnlyItsFingerprint(t *testing.T) {
	exps := Default().Experiments
	base := fingerprintAll(sources, exps, "go1")
	for _, e := range exps {
		file := SourceFile(e)
		tree := fstest.MapFS{}
		fs.WalkDir(sources, ".", func(p string, d fs.DirEntry, err error) error {
			if !d.IsDir() {
				data, _ := fs.ReadFile(sources, p)
				tree[p] = &fstest.MapFile{Data: data}
			}
			return nil
		})
		tree[file] = &fstest.MapFile{Data: append(tree[file].Data, "\n// edited\n"...)}
		got := fingerprintAll(tree, exps, "go1")
		for _, other := range exps {
			changed := got[other.Name] != base[other.Name]
			if want := SourceFile(other) == file; changed != want {
				t.Errorf("editing %s: fingerprint of %s changed = %v, want %v", file, other.Name, changed, want)
			}
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
		if f := SourceFile(e); !slices.Contains(expFiles, f) {
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
	for _, file := range goFiles(sources) {
		if strings.Contains(file, "/") {
			continue
		}
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
