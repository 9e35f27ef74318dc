package lab

import (
	"context"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
)

// runA and runB stand for two experiments' runs; both are defined in this
// file, so both belong to lab/source_test.go.
func runA(context.Context, Args, *rand.Rand) (*Result, error) { return nil, nil }
func runB(context.Context, Args, *rand.Rand) (*Result, error) { return nil, nil }

func TestSourceFileNamesFolderAndFile(t *testing.T) {
	if got := SourceFile(&Experiment{Run: runA}); got != "lab/source_test.go" {
		t.Errorf("SourceFile() = %q, want lab/source_test.go", got)
	}
}

func TestFingerprintFollowsExactlyTheEditedFile(t *testing.T) {
	a := &Experiment{Name: "a", Run: runA}
	b := &Experiment{Name: "b", Run: runB}
	tree := fstest.MapFS{
		"source_test.go": {Data: []byte("package lab // a and b")},
		"plot.go":        {Data: []byte("package lab // shared")},
		"nn/net.go":      {Data: []byte("package nn")},
	}
	exps := []*Experiment{a, b}
	base := Fingerprints(tree, "lab", exps, "go1")
	if base["a"] == "" || base["a"] != base["b"] {
		t.Fatalf("experiments in one file should share a fingerprint: %v", base)
	}
	edit := func(name, data string) map[string]string {
		t2 := maps.Clone(tree)
		t2[name] = &fstest.MapFile{Data: []byte(data)}
		return Fingerprints(t2, "lab", exps, "go1")
	}
	for _, name := range []string{"plot.go", "nn/net.go", "source_test.go"} {
		if got := edit(name, "package lab\n\nvar edited = 1\n"); got["a"] == base["a"] {
			t.Errorf("editing %s left the fingerprint unchanged", name)
		}
	}
	if got := Fingerprints(tree, "lab", exps, "go2"); got["a"] == base["a"] {
		t.Error("a new toolchain left the fingerprint unchanged")
	}
	if got := edit("notes_test.go", "package lab"); got["a"] != base["a"] {
		t.Error("adding a test file changed the fingerprint")
	}
	if got := Fingerprints(tree, "figures", exps, "go1"); len(got) != 0 {
		t.Errorf("experiments defined outside the embedded folder got fingerprints %v", got)
	}
	if got := Fingerprints(fstest.MapFS{"plot.go": tree["plot.go"]}, "lab", exps, "go1"); len(got) != 0 {
		t.Errorf("experiments whose file is not embedded got fingerprints %v", got)
	}
}

func TestFingerprintFollowsCodeNotCommentsOrLayout(t *testing.T) {
	const code = `package lab

import "math"

// half returns x/2.
func half(x float64) float64 {
	return x / 2 // exact
}

var table = []float64{1, 2, math.Pi}
`
	for _, c := range []struct {
		name, old, new string
		changes        bool
	}{
		{"a comment reworded", "// half returns x/2.", "// half halves x.", false},
		{"a comment added", "func half", "/* Used by everyone. */\nfunc half", false},
		{"a comment removed", " // exact", "", false},
		{"reformatted", "return x / 2", "return x/2", false},
		{"an explicit semicolon", "return x / 2 // exact", "return x / 2;", false},
		{"a list rewrapped", "{1, 2, math.Pi}", "{\n\t1,\n\t2,\n\tmath.Pi,\n}", true}, // a new trailing comma
		{"a constant changed", "x / 2", "x / 3", true},
		{"a string changed", `"math"`, `"math/big"`, true},
		{"a directive added", "func half", "//go:noinline\nfunc half", true},
		{"a build constraint added", "package lab", "//go:build linux\n\npackage lab", true},
		{"a line directive added", "func half", "/*line other.go:1*/ func half", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(code, c.old) {
				t.Fatalf("the code has no %q", c.old)
			}
			fp := func(src string) string {
				tree := fstest.MapFS{"source_test.go": {Data: []byte(src)}, "plot.go": {Data: []byte(src)}}
				return Fingerprints(tree, "lab", []*Experiment{{Name: "a", Run: runA}}, "go1")["a"]
			}
			edited := strings.Replace(code, c.old, c.new, 1)
			if changed := fp(edited) != fp(code); changed != c.changes {
				t.Errorf("fingerprint changed = %v, want %v; the edited code:\n%s", changed, c.changes, edited)
			}
		})
	}
}

// In a file that uses cgo, the comment above import "C" is C code, and
// //export lines are directives: every comment counts.
func TestCodeHashKeepsCgoComments(t *testing.T) {
	const cgo = "package lab\n\n// #include <math.h>\nimport \"C\"\n\nfunc root(x float64) float64 { return float64(C.sqrt(C.double(x))) }\n"
	for _, edit := range []struct{ old, new string }{
		{"<math.h>", "<stdlib.h>"},
		{"func root", "//export root\nfunc root"},
	} {
		if !strings.Contains(cgo, edit.old) {
			t.Fatalf("the code has no %q", edit.old)
		}
		if CodeHash([]byte(cgo)) == CodeHash([]byte(strings.Replace(cgo, edit.old, edit.new, 1))) {
			t.Errorf("replacing %q by %q in a cgo file left its hash as it was", edit.old, edit.new)
		}
	}
}
