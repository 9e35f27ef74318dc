package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
)

// Fingerprints returns the fingerprint of each experiment of exps whose run
// is defined in a file at the root of src, a tree of Go source laid out like
// the folder dir it was embedded from (so "x.go" is dir's own file and
// "lab/plot.go" a file of a package below it). An experiment's fingerprint
// hashes versions, the file that defines its run, and every other non-test
// Go file of src that defines no experiment's run: editing one experiment's
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
	h.Write([]byte(name + "\x00"))
	h.Write(data)
	h.Write([]byte{0})
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
