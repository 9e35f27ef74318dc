package figures

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
)

// sources is the package's own code, the ground truth for fingerprints.
//
//go:embed *.go nn/*.go
var sources embed.FS

// SourceFingerprint returns a hash of the code that determines e's output:
// the file that defines e's run, every file of this package that defines no
// experiment, the nn toolkit, and the versions of Go and the numerical
// modules. It returns "" for an experiment defined outside this package.
func SourceFingerprint(e *Experiment) string {
	fingerprintsOnce.Do(func() {
		fingerprints = fingerprintAll(sources, defaultRegistry.Experiments, buildVersions())
	})
	if d, ok := Lookup(e.Name); !ok || d != e {
		return "" // a stand-in of the same name, as in tests
	}
	return fingerprints[e.Name]
}

var (
	fingerprintsOnce sync.Once
	fingerprints     map[string]string
)

// fingerprintAll computes the fingerprint of each experiment from src, a
// tree laid out like this package's folder.
func fingerprintAll(src fs.FS, exps []*Experiment, versions string) map[string]string {
	owned := make(map[string]bool)
	for _, e := range exps {
		owned[SourceFile(e)] = true
	}
	shared := sha256.New()
	shared.Write([]byte(versions))
	for _, name := range goFiles(src) {
		if owned[name] {
			continue
		}
		writeFile(shared, src, name)
	}
	base := shared.Sum(nil)

	fps := make(map[string]string)
	for _, e := range exps {
		file := SourceFile(e)
		if _, err := fs.Stat(src, file); err != nil {
			continue // defined elsewhere: no trustworthy fingerprint
		}
		h := sha256.New()
		h.Write(base)
		writeFile(h, src, file)
		fps[e.Name] = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return fps
}

// SourceFile returns the path, relative to this package's folder, of the
// file that defines e's run.
func SourceFile(e *Experiment) string {
	fn := runtime.FuncForPC(reflect.ValueOf(e.Run).Pointer())
	if fn == nil {
		return ""
	}
	file, _ := fn.FileLine(fn.Entry())
	return path.Base(file)
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

func writeFile(h interface{ Write([]byte) (int, error) }, src fs.FS, name string) {
	data, _ := fs.ReadFile(src, name)
	h.Write([]byte(name + "\x00"))
	h.Write(data)
	h.Write([]byte{0})
}

// buildVersions names the toolchain and numerical modules, whose changes
// can change results as surely as an edit can.
func buildVersions() string {
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
