package figures

import (
	"embed"
	"sync"

	"github.com/nonconvex/explainer/figures/lab"
)

// sources is the code that can change an experiment's output: this
// package's files, the runtime and the nn toolkit. It is embedded here, not
// in lab, because embedding reaches only a package's own folder and below.
//
//go:embed *.go lab/*.go nn/*.go
var sources embed.FS

// fingerprint returns the fingerprint of a registered experiment's code
// (see [lab.Fingerprints]), or "" for any other experiment, such as a
// stand-in of the same name in a test.
func fingerprint(e *lab.Experiment) string {
	fingerprintsOnce.Do(func() {
		fingerprints = lab.Fingerprints(sources, "figures", defaultRegistry.Experiments, lab.Versions())
	})
	if d, ok := defaultRegistry.Lookup(e.Name); !ok || d != e {
		return ""
	}
	return fingerprints[e.Name]
}

var (
	fingerprintsOnce sync.Once
	fingerprints     map[string]string
)
