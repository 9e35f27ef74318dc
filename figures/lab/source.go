package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"go/parser"
	"go/scanner"
	"go/token"
	"hash"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
)

// Fingerprints returns the fingerprint of each experiment of exps whose run
// is defined in a file at the root of src, a tree of Go source laid out like
// the folder dir it was embedded from (so "x.go" is dir's own file and
// "lab/plot.go" a file of a package below it). An experiment's fingerprint
// hashes versions, the code of the file that defines its run, and that of
// every other non-test Go file of src that defines no experiment's run
// (code, not text: see [CodeHash]): editing one experiment's
// file changes exactly the fingerprints of the experiments it defines, and
// editing any shared file changes them all. Experiments defined elsewhere
// get none, so their results are never cached.
func Fingerprints(src fs.FS, dir string, exps []*Experiment, versions string) map[string]string {
	owner := func(e *Experiment) (string, bool) {
		name, ok := strings.CutPrefix(SourceFile(e), dir+"/")
		if !ok || strings.Contains(name, "/") {
			return "", false
		}
		if _, err := fs.Stat(src, name); err != nil {
			return "", false
		}
		return name, true
	}
	owned := make(map[string]bool)
	for _, e := range exps {
		if name, ok := owner(e); ok {
			owned[name] = true
		}
	}
	shared := sha256.New()
	shared.Write([]byte(versions))
	for _, name := range goFiles(src) {
		if !owned[name] {
			writeFile(shared, src, name)
		}
	}
	base := shared.Sum(nil)

	fps := make(map[string]string)
	for _, e := range exps {
		name, ok := owner(e)
		if !ok {
			continue
		}
		h := sha256.New()
		h.Write(base)
		writeFile(h, src, name)
		fps[e.Name] = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return fps
}

// SourceFile returns the file that defines e's run as its folder and name,
// such as "figures/products.go".
func SourceFile(e *Experiment) string {
	fn := runtime.FuncForPC(reflect.ValueOf(e.Run).Pointer())
	if fn == nil {
		return ""
	}
	file, _ := fn.FileLine(fn.Entry())
	return path.Join(path.Base(path.Dir(file)), path.Base(file))
}

// goFiles lists the non-test Go files of src, sorted.
func goFiles(src fs.FS) []string {
	var names []string
	fs.WalkDir(src, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			names = append(names, name)
		}
		return nil
	})
	slices.Sort(names)
	return names
}

func writeFile(h hash.Hash, src fs.FS, name string) {
	data, _ := fs.ReadFile(src, name)
	code := CodeHash(data)
	h.Write([]byte(name + "\x00"))
	h.Write(code[:])
}

// CodeHash returns a hash of Go source that only an edit of its code can
// change: it hashes the tokens the compiler reads, not their layout, and
// leaves out comments, except directives such as //go:build and
// //go:embed, which can change a build. So a comment or a gofmt changes
// no fingerprint, and rerun no experiment. Source that does not parse as
// far as its imports, and source that imports "C", whose comments hold C
// code and cgo directives, are hashed byte for byte, as is source that
// does not scan.
func CodeHash(src []byte) [sha256.Size]byte {
	if importsC(src) {
		return sha256.Sum256(src)
	}
	h := sha256.New()
	var s scanner.Scanner
	fset := token.NewFileSet()
	bad := false
	s.Init(fset.AddFile("", -1, len(src)), src, func(token.Position, string) { bad = true }, scanner.ScanComments)
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch {
		case tok == token.COMMENT && !isDirective(lit):
			continue
		case tok == token.SEMICOLON:
			lit = "" // ";" or an automatic one at a line's end: the same to the compiler
		}
		h.Write([]byte(tok.String()))
		h.Write([]byte{0})
		h.Write([]byte(lit))
		h.Write([]byte{0})
	}
	if bad {
		return sha256.Sum256(src)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// isDirective reports whether a comment is read by the go command or the
// compiler: //go:name, line directives and the old // +build constraints.
func isDirective(comment string) bool {
	for _, prefix := range []string{"//go:", "//line ", "/*line ", "// +build"} {
		if strings.HasPrefix(comment, prefix) {
			return true
		}
	}
	return false
}

// importsC reports whether src uses cgo, or has imports that do not parse.
func importsC(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return true
	}
	for _, imp := range f.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err != nil || path == "C" {
			return true
		}
	}
	return false
}

// Versions names the toolchain and the numerical modules (gonum), whose
// changes can change results as surely as an edit can; pass it to
// [Fingerprints].
func Versions() string {
	v := runtime.Version()
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if strings.HasPrefix(m.Path, "gonum.org/") {
				v += " " + m.Path + "@" + m.Version
			}
		}
	}
	return v
}
