package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// Config describes a dev server. The zero value serves ./content, built
// into a temporary folder of its own, on 127.0.0.1:8080, without watching
// Go code.
type Config struct {
	// Site is the build; its output folder is what the server serves. An
	// empty Site.Out means a temporary folder of the server's own, removed
	// when it stops (see [privateFolder]).
	Site site.Config
	// Addr is the address to listen on; "127.0.0.1:8080" if empty. An
	// address without a host, such as ":9000", means the loopback host.
	Addr string
	// Listener, if set, is used instead of listening on Addr.
	Listener net.Listener
	// Program, if set, says how to rebuild and restart the server when
	// its Go code changes; nil means Go code is not watched.
	Program *Program
	// Log receives what the server does: builds, errors, restarts.
	Log io.Writer
	// MaxConns bounds the connections open at once; DefaultMaxConns if
	// zero. At the bound, the connection idle the longest is closed to
	// make room.
	MaxConns int
	// IdleTimeout is how long a kept-alive connection may wait for its
	// next request; DefaultIdleTimeout if zero. Event streams are not
	// idle and stay open.
	IdleTimeout time.Duration
}

// A Server serves a site while rebuilding it. Create it with [New], then
// call [Server.Run].
type Server struct {
	cfg      Config
	site     site.Config // cfg.Site with defaults filled in
	base     string      // the site's base path
	out      string      // the output folder, absolute
	content  string      // the content folder, absolute
	cache    string      // the cache folder, absolute; "" for none
	private  string      // the server's own folder, holding out; "" if out was given
	checkDir string      // set when this program runs as a restart's check
	since    time.Time   // a restart's predecessor last looked for code changes then
	hosts    hostPolicy  // the Host headers answered
	ln       *keepListener
	builder  *site.Builder
	hub      *hub
	history  history

	// status is what the pages are told: read by every request, replaced
	// after each build.
	status atomic.Pointer[status]
	builds atomic.Int64 // builds finished, for tests

	// lastChanged is Report.Changed of the last good build that changed
	// anything, for tests, which read it after seeing builds grow. (A
	// late event of a save may cost a build that changes nothing.)
	lastChanged []string

	// Owned by Run's goroutine.
	watch        *watcher
	siteTask     *task[buildResult]   // the build under way
	progTask     *task[programResult] // the rebuild of the program under way
	contentDirty bool                 // the site needs a build
	codeDirty    bool                 // the program needs a build
	code         codeHashes           // of the Go files the running program was built from; nil if unknown
	announced    bool                 // the address was logged
	manifest     manifest
	siteProblems []problem
	goProblems   []problem
	http         *http.Server
	httpDone     chan struct{}
	conns        *limitListener
	mu           sync.Mutex // guards http, httpDone and conns against Shutdown
}

// status is the published state of the site.
type status struct {
	version  string    // of the output folder's content; "" if empty
	problems []problem // of the last build and the last Go build
	seq      int       // changes whenever problems do
}

// A problem is one error shown over the page.
type problem struct {
	Source string `json:"source"`        // "build" (the site) or "go" (the program)
	Pos    string `json:"pos,omitempty"` // file:line:col, if known
	Msg    string `json:"msg"`
}

// New returns a server for cfg, listening but not yet serving. A restarted
// server takes over the listener its predecessor handed it.
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, hub: newHub()}
	if dir, ok := os.LookupEnv(envCheck); ok {
		// The check before a restart: build once, serve nothing.
		os.Unsetenv(envCheck)
		s.checkDir = dir
		cfg.Site.Out = filepath.Join(dir, "site")
		return s, s.setSite(cfg.Site)
	}
	if v, ok := os.LookupEnv(envSince); ok {
		os.Unsetenv(envSince)
		if ns, err := strconv.ParseInt(v, 10, 64); err == nil {
			s.since = time.Unix(0, ns)
		}
	}
	ln := cfg.Listener
	if ln == nil {
		var err error
		if ln, err = listen(cfg.Addr); err != nil {
			return nil, err
		}
	}
	s.ln = &keepListener{Listener: ln}
	s.hosts = newHostPolicy(ln.Addr())
	if s.hosts.exposed {
		s.logf("warning: serving on %s, which other machines can reach: anyone who can connect reads the preview, drafts and error messages with file paths included", ln.Addr())
	}
	sweepTemp()
	if cfg.Site.Out == "" {
		dir, err := privateFolder()
		if err != nil {
			ln.Close()
			return nil, err
		}
		s.private = dir
		cfg.Site.Out = filepath.Join(dir, "site")
	}
	if err := s.setSite(cfg.Site); err != nil {
		ln.Close()
		s.removePrivate()
		return nil, err
	}
	// The folder may hold the site as the previous server left it: that
	// is the version pages already open in a browser show.
	var err error
	if s.manifest, err = scanManifest(s.out); err != nil {
		s.manifest = manifest{}
	}
	s.status.Store(&status{version: s.history.add(s.manifest), problems: []problem{}})
	return s, nil
}

// setSite makes the builder for cfg and notes its folders.
func (s *Server) setSite(cfg site.Config) error {
	s.cfg.Site = cfg
	s.builder = site.NewBuilder(cfg)
	s.site = s.builder.Config()
	s.base = s.site.Base
	var err error
	if s.out, err = filepath.Abs(s.site.Out); err != nil {
		return err
	}
	if s.content, err = filepath.Abs(s.site.Content); err != nil {
		return err
	}
	if s.site.Cache != "" {
		if s.cache, err = filepath.Abs(s.site.Cache); err != nil {
			return err
		}
	}
	return nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL returns the address of the site's home page.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + s.base }

// Run serves the site, builds it, and rebuilds it whenever its sources
// change, until ctx is done. If the Go code changes and builds, Run hands
// the listener to the new program and does not return.
//
// Builds run beside the loop that watches, so that a new save cancels the
// build under way (experiments included) and starts the next one; a
// cancelled build publishes nothing. The program is rebuilt the same way:
// a Go save during go build starts it again.
func (s *Server) Run(ctx context.Context) error {
	if s.checkDir != "" {
		return s.runCheck(ctx)
	}
	replaced := false
	defer func() {
		if !replaced {
			s.ln.closeForGood()
			s.removePrivate()
		}
	}()
	if s.cfg.Program != nil {
		// Before the watch: an edit made between the two is then built.
		s.code = s.cfg.Program.hashCode()
	}
	w, err := newWatcher(s.roots(), s.skip, s.logf)
	if err != nil {
		return err
	}
	defer w.close()
	s.watch = w
	s.startHTTP()
	defer s.stopHTTP()

	s.contentDirty = true
	s.codeDirty = s.changedSince()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.startWork(ctx)
		ready, wait := w.due(time.Now())
		if ready {
			s.changed(w.take())
			continue
		}
		timer.Stop()
		if wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			s.stopBuild()
			s.stopProgram()
			return nil
		case <-w.notify:
		case <-timer.C:
		case r := <-s.siteTask.results():
			s.built(r)
		case r := <-s.progTask.results():
			if s.programBuilt(r) {
				replaced = true
				return nil // only a stand-in for exec gets here
			}
		}
	}
}

// changed takes note of a batch of changes, cancelling the work they make
// stale.
func (s *Server) changed(b batch) {
	content, code := s.classify(b)
	if content {
		s.contentDirty = true
		s.siteTask.cancel()
	}
	if len(code) > 0 && !b.overflow && s.sameCode(code) {
		s.logf("%s: only comments or layout changed: the program is not rebuilt", s.relNames(code))
		code = nil
	}
	if len(code) > 0 || b.overflow && s.cfg.Program != nil {
		s.codeDirty = true
		s.progTask.cancel()
	}
}

// sameCode reports whether the program files in paths hold the code the
// running program was built from, so that building it again would build
// the same program, but for line numbers. It does not know while the
// program is being rebuilt, and does not say so while a problem shows:
// a compiler's error, or a panic's site, names a line that a comment may
// have moved, and the rebuild corrects it.
func (s *Server) sameCode(paths []string) bool {
	return s.code != nil && s.progTask == nil && !s.codeDirty &&
		len(s.goProblems) == 0 && len(s.siteProblems) == 0 && s.code.sameCode(paths)
}

// relNames lists paths, relative to the program's folder, for the log.
func (s *Server) relNames(paths []string) string {
	dir, _ := filepath.Abs(s.cfg.Program.dir())
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = p
		if rel, err := filepath.Rel(dir, p); err == nil {
			names[i] = rel
		}
	}
	return strings.Join(names, ", ")
}

// startWork starts the builds that changes call for, unless one of the
// same kind is still running (being cancelled, if the changes made it
// stale).
func (s *Server) startWork(ctx context.Context) {
	if s.contentDirty && s.siteTask == nil {
		s.contentDirty = false
		s.startBuild(ctx)
	}
	if s.codeDirty && s.progTask == nil {
		s.codeDirty = false
		s.startProgram(ctx)
	}
}

// roots returns the folders to watch: the content, and the Go code that
// exists.
func (s *Server) roots() []string {
	roots := []string{s.content}
	if p := s.cfg.Program; p != nil {
		for _, d := range p.watch() {
			if _, err := os.Stat(d); err == nil {
				roots = append(roots, d)
			}
		}
	}
	return roots
}

// skip keeps the output and cache folders out of the watch, should they
// lie inside a watched folder: the server's own writes are no edits. It
// keeps out the program's node_modules folders too, thousands of folders
// of npm packages that no change of the program is in.
func (s *Server) skip(p string) bool {
	// The build writes its fresh output beside the output folder.
	if scratch := site.ScratchFolder(s.out); within(p, scratch) || within(p, scratch+".old") {
		return true
	}
	if filepath.Base(p) == "node_modules" && !within(p, s.content) {
		return true
	}
	return within(p, s.out) || s.cache != "" && within(p, s.cache)
}

// classify tells whether a batch touches the content, and which of its
// files are the program's. A batch that lost events touches the content,
// and the program if there is one, whatever its paths.
func (s *Server) classify(b batch) (content bool, code []string) {
	content = b.overflow
	for _, p := range b.paths {
		switch {
		case within(p, s.content):
			content = true
		case s.cfg.Program != nil && s.cfg.Program.affects(p):
			code = append(code, p)
		}
	}
	return content, code
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

// publish replaces the status and wakes the pages' streams.
func (s *Server) publish() {
	old := s.status.Load()
	st := &status{version: s.history.add(s.manifest), seq: old.seq}
	st.problems = append(append([]problem{}, s.siteProblems...), s.goProblems...)
	st.problems = slices.Clip(st.problems)
	if !slices.Equal(st.problems, old.problems) {
		st.seq++
	} else {
		st.problems = old.problems
	}
	s.status.Store(st)
	s.hub.publish()
}

// problemsOf lists a failed build's errors, positioned where possible.
func problemsOf(err error) []problem {
	var list diag.List
	if errors.As(err, &list) {
		ps := make([]problem, len(list))
		for i, e := range list {
			ps[i] = problem{Source: "build", Pos: e.Pos.String(), Msg: e.Msg}
		}
		return ps
	}
	return []problem{{Source: "build", Msg: err.Error()}}
}

// startHTTP serves on the listener in the background.
func (s *Server) startHTTP() {
	s.mu.Lock()
	defer s.mu.Unlock()
	maxConns, idle := s.cfg.MaxConns, s.cfg.IdleTimeout
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	ln := newLimitListener(s.ln, maxConns)
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       idle,
		ConnState:         ln.track,
	}
	srv.RegisterOnShutdown(s.hub.close)
	done := make(chan struct{})
	s.http, s.httpDone, s.conns = srv, done, ln
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("serving: %v", err)
		}
	}()
}

// stopHTTP stops serving, closing the event streams and waiting briefly
// for requests under way, but leaves the listening socket open.
func (s *Server) stopHTTP() {
	s.mu.Lock()
	srv, done := s.http, s.httpDone
	s.mu.Unlock()
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
	<-done
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Log != nil {
		fmt.Fprintf(s.cfg.Log, format+"\n", args...)
	}
}
