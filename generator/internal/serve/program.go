package serve

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// A programResult is what became of one rebuild of the program.
type programResult struct {
	binary    string     // the new program, built and checked; "" if none
	problems  []problem  // why there is none: the compiler's errors, or the check's
	log       string     // the same for the log
	unchanged bool       // the program built is the one running
	code      codeHashes // of the Go files as they were before the build
	cancelled bool       // stopped by a newer change or by shutdown
	took      time.Duration
}

// startProgram rebuilds the program in the background, and checks that
// the new one starts and builds the site (see [Program.check]).
func (s *Server) startProgram(ctx context.Context) {
	p := s.cfg.Program
	s.logf("Go code changed: rebuilding the program")
	s.progTask = startTask(ctx, func(ctx context.Context) programResult {
		start := time.Now()
		code := p.hashCode() // before go build reads the files
		binary, out, err := p.build(ctx)
		if ctx.Err() != nil {
			if err == nil {
				os.RemoveAll(filepath.Dir(binary))
			}
			return programResult{cancelled: true}
		}
		if err != nil {
			return programResult{problems: goProblems(out, err),
				log: fmt.Sprintf("%s\nthe program did not build; the server goes on as it was", bytes.TrimSpace(out))}
		}
		if sameProgram(binary) {
			os.RemoveAll(filepath.Dir(binary))
			return programResult{unchanged: true, code: code}
		}
		if out, err := p.check(ctx, binary); err != nil {
			os.RemoveAll(filepath.Dir(binary))
			if ctx.Err() != nil {
				return programResult{cancelled: true}
			}
			ps := p.checkProblems(out, err)
			return programResult{problems: ps,
				log: fmt.Sprintf("%s\n%s", bytes.TrimSpace(out), ps[0].Msg)}
		}
		return programResult{binary: binary, took: time.Since(start)}
	})
}

// stopProgram cancels the rebuild of the program under way, if any, and
// waits for it to stop.
func (s *Server) stopProgram() {
	if s.progTask != nil {
		if r := s.progTask.wait(); r.binary != "" {
			os.RemoveAll(filepath.Dir(r.binary))
		}
		s.progTask = nil
	}
}

// programBuilt acts on a rebuilt program: a failure shows over the page
// and the server goes on; a new program that checked out replaces this
// process, unless the Go code changed again meanwhile. It reports whether
// the process was replaced.
func (s *Server) programBuilt(r programResult) (replaced bool) {
	s.progTask = nil
	switch {
	case r.cancelled:
		return false
	case r.problems != nil:
		s.goProblems = r.problems
		s.logf("%s", r.log)
		s.publish()
		return false
	case r.unchanged:
		// The running program is built from this code as well.
		s.code = r.code
		s.goProblems = nil
		s.logf("the program is unchanged")
		s.publish()
		return false
	}
	// Changes seen while the program was built call for another build:
	// those taken already, and those waiting to be. Later ones are the
	// successor's to find (see [Server.changedSince]).
	since := time.Now()
	if s.codeDirty || s.codePending() {
		os.RemoveAll(filepath.Dir(r.binary))
		s.logf("the Go code changed during the build; building it again")
		return false
	}
	s.goProblems = nil
	s.logf("built and checked the program in %v; restarting", r.took.Round(time.Millisecond))
	s.stopBuild()
	stopped, err := s.handOver(r.binary, since)
	if err != nil {
		os.RemoveAll(filepath.Dir(r.binary))
		s.goProblems = []problem{{Source: "go", Msg: "restarting: " + err.Error()}}
		s.logf("restarting: %v; the server goes on as it was", err)
		s.publish()
		if stopped {
			// Pages reconnecting now find the problem already published.
			s.ln.resume()
			s.hub.reopen()
			s.startHTTP()
		}
		return false
	}
	return true
}

// codePending reports whether changes not yet taken from the watcher
// touch the program.
func (s *Server) codePending() bool {
	paths, overflow := s.watch.pendingPaths()
	if overflow {
		return true
	}
	for _, p := range paths {
		if s.cfg.Program.affects(p) {
			return true
		}
	}
	return false
}

// changedSince reports whether the program's code changed after the
// predecessor last looked, between its last check and this program's
// watch: a restarted server asks at start. A file's time can lag the
// clock by a tick, hence the margin; an edit within it costs a build that
// finds the program unchanged.
func (s *Server) changedSince() bool {
	if s.since.IsZero() || s.cfg.Program == nil {
		return false
	}
	after := s.since.Add(-sinceMargin)
	changed := false
	for _, root := range s.cfg.Program.watch() {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || changed {
				return filepath.SkipAll
			}
			if d.IsDir() || !s.cfg.Program.affects(p) {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(after) {
				s.logf("%s changed during the restart", p)
				changed = true
			}
			return nil
		})
	}
	return changed
}

const sinceMargin = 50 * time.Millisecond
