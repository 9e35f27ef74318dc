package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The decision itself: which saves leave the program's code as it was.
func TestSameCode(t *testing.T) {
	const half = "package x\n\n// Half halves x.\nfunc Half(x float64) float64 {\n\treturn x / 2 // exact\n}\n"
	for _, c := range []struct {
		name    string
		edit    func(code string) // changes files under code
		changed []string          // the paths the watcher reports, relative to code
		same    bool
	}{
		{"a comment reworded", func(code string) {
			rewrite(t, filepath.Join(code, "x.go"), "Half halves x.", "Half returns half of x.")
		}, []string{"x.go"}, true},
		{"a comment removed", func(code string) {
			rewrite(t, filepath.Join(code, "x.go"), " // exact", "")
		}, []string{"x.go"}, true},
		{"reformatted", func(code string) {
			rewrite(t, filepath.Join(code, "x.go"), "x / 2", "x/2")
		}, []string{"x.go"}, true},
		{"saved as it was", func(code string) {}, []string{"x.go"}, true},
		{"a file created and removed", func(code string) {}, []string{"tmp.go"}, true},
		{"a constant changed", func(code string) {
			rewrite(t, filepath.Join(code, "x.go"), "x / 2", "x / 3")
		}, []string{"x.go"}, false},
		{"a directive added", func(code string) {
			rewrite(t, filepath.Join(code, "x.go"), "func Half", "//go:noinline\nfunc Half")
		}, []string{"x.go"}, false},
		{"one of two files changed", func(code string) {
			rewrite(t, filepath.Join(code, "x.go"), "x / 2", "x / 3")
		}, []string{"sub/y.go", "x.go"}, false},
		{"a file removed", func(code string) {
			os.Remove(filepath.Join(code, "sub", "y.go"))
		}, []string{"sub/y.go"}, false},
		{"a file added", func(code string) {
			writeFile(t, filepath.Join(code, "z.go"), "package x\n")
		}, []string{"z.go"}, false},
		{"an embedded file", func(code string) {
			writeFile(t, filepath.Join(code, "page.html"), "<!-- a comment to Go, not to the template -->")
		}, []string{"page.html"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code := filepath.Join(dir, "code")
			writeFile(t, filepath.Join(code, "x.go"), half)
			writeFile(t, filepath.Join(code, "sub", "y.go"), "package sub\n\nconst Y = 1\n")
			writeFile(t, filepath.Join(code, "x_test.go"), "package x\n")
			p := &Program{Dir: dir, Watch: []string{"code"}}
			hashes := p.hashCode()
			if len(hashes) != 2 {
				t.Fatalf("hashed %d files, want x.go and sub/y.go", len(hashes))
			}
			c.edit(code)
			var paths []string
			for _, rel := range c.changed {
				paths = append(paths, filepath.Join(code, filepath.FromSlash(rel)))
			}
			if got := hashes.sameCode(paths); got != c.same {
				t.Errorf("sameCode = %v, want %v", got, c.same)
			}
		})
	}
}

// rewrite replaces old by new in the file name, which must hold old.
func rewrite(t testing.TB, name, old, new string) {
	t.Helper()
	src := readFile(t, name)
	if !strings.Contains(src, old) {
		t.Fatalf("%s holds no %q", name, old)
	}
	writeFile(t, name, strings.Replace(src, old, new, 1))
}

// A save that changes only comments or layout builds the same program:
// the server neither rebuilds nor restarts it, and the page stays as it
// is. A save that changes the code rebuilds and restarts, as ever.
func TestCommentEditKeepsProgram(t *testing.T) {
	t.Parallel()
	const code = "package x\n\n// Half halves x.\nfunc Half(x float64) float64 {\n\treturn x / 2\n}\n"
	fake := &fakeProgram{initial: code, log: &logLines{}}
	ts := fakeServer(t, fake)
	x := filepath.Join(fake.code, "x.go")
	st := ts.openStream(t, "a/index.html")
	for i, edit := range []struct{ old, new string }{
		{"Half halves x.", "Half returns half of x."},
		{"return x / 2", "return x/2"},
		{"func Half", "// Used everywhere.\nfunc Half"},
	} {
		rewrite(t, x, edit.old, edit.new)
		fake.log.waitCount(t, "code/x.go: only comments or layout changed: the program is not rebuilt", i+1)
		if n := fake.builds.Load(); n != 0 {
			t.Fatalf("%d program builds after replacing %q by %q, want 0", n, edit.old, edit.new)
		}
	}
	st.quiet(t, 100*time.Millisecond)

	rewrite(t, x, "x/2", "x/3")
	if ran := fake.restartedWith(t, ts); ran != readFile(t, x) {
		t.Errorf("the new program was built from %q, want the edited code", ran)
	}
	if n := fake.builds.Load(); n != 1 {
		t.Errorf("%d program builds, want 1", n)
	}
}

// TestNodeModulesAreNotTheProgram installs npm packages beside the
// program's code, as generator/tools holds the browser tools: the server
// neither watches them nor rebuilds the program for them, and still
// rebuilds it for an edit of its code.
func TestNodeModulesAreNotTheProgram(t *testing.T) {
	t.Parallel()
	const code = "package x\n\nfunc Half(x float64) float64 {\n\treturn x / 2\n}\n"
	fake := &fakeProgram{initial: code, log: &logLines{}}
	ts := fakeServer(t, fake)
	st := ts.openStream(t, "a/index.html")
	pkg := filepath.Join(fake.code, "node_modules", "axe-core")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		writeFile(t, filepath.Join(pkg, "axe.js"), fmt.Sprintf("// version %d\n", i))
		writeFile(t, filepath.Join(pkg, "shim.go"), fmt.Sprintf("package shim // %d\n", i))
	}
	st.quiet(t, 300*time.Millisecond)
	if n := fake.builds.Load(); n != 0 {
		t.Fatalf("%d program builds after npm packages changed, want 0", n)
	}
	x := filepath.Join(fake.code, "x.go")
	rewrite(t, x, "x / 2", "x / 3")
	if ran := fake.restartedWith(t, ts); ran != readFile(t, x) {
		t.Errorf("the new program was built from %q, want the edited code", ran)
	}
}

// While a problem shows, a comment edit rebuilds the program: the
// errors' positions may have moved with the comment's lines.
func TestCommentEditAfterFailedBuild(t *testing.T) {
	t.Parallel()
	const code = "package x\n\nfunc Half(x float64) float64 {\n\treturn x / 2\n}\n"
	fake := &fakeProgram{initial: code, log: &logLines{}}
	ts := fakeServer(t, fake)
	x := filepath.Join(fake.code, "x.go")
	st := ts.openStream(t, "a/index.html")

	fake.fail.Store(true)
	rewrite(t, x, "x / 2", "x / y")
	st.expect(t, "problems")
	rewrite(t, x, "func Half", "// Half halves x.\nfunc Half")
	eventually(t, "a second program build", func() bool { return fake.builds.Load() == 2 })

	fake.fail.Store(false)
	rewrite(t, x, "Half halves x.", "Half divides x by y.")
	if ran := fake.restartedWith(t, ts); ran != readFile(t, x) {
		t.Errorf("the new program was built from %q, want the edited code", ran)
	}
	if n := fake.log.count("only comments or layout changed"); n != 0 {
		t.Errorf("%d saves skipped while the program had problems, want 0", n)
	}
}
