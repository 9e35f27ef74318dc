package serve

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nonconvex/explainer/figures/lab"
)

// Comments and layout are no part of the program: an edit that changes
// only them builds the same code, so the server neither rebuilds nor
// restarts for it. The server keeps the hash of the code ([lab.CodeHash])
// of each Go file the running program was built from, and a change to Go
// files whose code hashes as before is skipped.
//
// The hashes are taken before the program is built, and before the
// watch starts: a save made after they were taken shows as a difference
// and is built, never the reverse. Anything else the program embeds
// (templates, stylesheets, scripts) is compared by no hash: any change
// to it rebuilds, as do a Go file that appears or goes.

// codeHashes maps the absolute path of each Go file of the program to the
// hash of its code.
type codeHashes map[string][sha256.Size]byte

// hashCode hashes the code of every Go file of the program as it is now.
// A file that cannot be read is left out, and so counts as changed when
// it is next seen.
func (p *Program) hashCode() codeHashes {
	hashes := make(codeHashes)
	for _, root := range p.watch() {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(path, ".go") || !p.affects(path) {
				return nil
			}
			if src, err := os.ReadFile(path); err == nil {
				hashes[path] = lab.CodeHash(src)
			}
			return nil
		})
	}
	return hashes
}

// sameCode reports whether every file of paths, Go files of the program,
// holds the code it had when hashes were taken: it exists now if and only
// if it existed then, and its code hashes the same.
func (hashes codeHashes) sameCode(paths []string) bool {
	for _, path := range paths {
		if !strings.HasSuffix(path, ".go") {
			return false
		}
		was, existed := hashes[path]
		src, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if existed {
				return false
			}
		case err != nil, !existed, lab.CodeHash(src) != was:
			return false
		}
	}
	return true
}
