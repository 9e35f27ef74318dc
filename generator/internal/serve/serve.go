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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nonconvex/explainer/generator/internal/diag"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// Config describes a dev server. The zero value serves ./content, built
// into ./public, on 127.0.0.1:8080, without watching Go code.
type Config struct {
	// Site is the build; its output folder is what the server serves.
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
}

// A Server serves a site while rebuilding it. Create it with [New], then
// call [Server.Run].
type Server struct {
	cfg     Config
	site    site.Config // cfg.Site with defaults filled in
	base    string      // the site's base path
	out     string      // the output folder, absolute
	content string      // the content folder, absolute
	cache   string      // the cache folder, absolute; "" for none
	ln      *keepListener
	builder *site.Builder
	hub     *hub
	history history

	// status is what the pages are told: read by every request, replaced
	// after each build.
	status atomic.Pointer[status]
	builds atomic.Int64 // builds finished, for tests

	// lastChanged is the last good build's Report.Changed, for tests,
	// which read it after seeing builds grow.
	lastChanged []string

	// Owned by Run's goroutine.
	manifest     manifest
	siteProblems []problem
	goProblems   []problem
	http         *http.Server
	httpDone     chan struct{}
	mu           sync.Mutex // guards http and httpDone against Shutdown
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
	s.builder = site.NewBuilder(cfg.Site)
	s.site = s.builder.Config()
	s.base = s.site.Base
	var err error
	if s.out, err = filepath.Abs(s.site.Out); err != nil {
		return nil, err
	}
	if s.content, err = filepath.Abs(s.site.Content); err != nil {
		return nil, err
	}
	if s.site.Cache != "" {
		if s.cache, err = filepath.Abs(s.site.Cache); err != nil {
			return nil, err
		}
	}
	ln := cfg.Listener
	if ln == nil {
		if ln, err = listen(cfg.Addr); err != nil {
			return nil, err
		}
	}
	s.ln = &keepListener{Listener: ln}
	// The folder may hold the site as the previous server left it: that
	// is the version pages already open in a browser show.
	if s.manifest, err = scanManifest(s.out); err != nil {
		s.manifest = manifest{}
	}
	s.status.Store(&status{version: s.history.add(s.manifest), problems: []problem{}})
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// URL returns the address of the site's home page.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + s.base }

// Run serves the site, builds it, and rebuilds it whenever its sources
// change, until ctx is done. If the Go code changes and builds, Run hands
// the listener to the new program and does not return.
func (s *Server) Run(ctx context.Context) error {
	defer s.ln.closeForGood()
	w, err := newWatcher(s.roots(), s.skip, s.logf)
	if err != nil {
		return err
	}
	defer w.close()
	s.startHTTP()
	defer s.stopHTTP()

	s.build(ctx)
	s.logf("serving %s", s.URL())
	for w.debounce(ctx.Done()) {
		b := w.take()
		content, code := s.classify(b)
		if code && s.cfg.Program != nil && s.rebuildProgram(ctx) {
			return nil // replaced: only a stand-in for exec gets here
		}
		if content {
			s.build(ctx)
		}
	}
	return nil
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
// lie inside a watched folder: the server's own writes are no edits.
func (s *Server) skip(p string) bool {
	// The build writes its fresh output beside the output folder.
	if strings.HasPrefix(filepath.Base(p), "."+filepath.Base(s.out)+".new-") {
		return true
	}
	return within(p, s.out) || s.cache != "" && within(p, s.cache)
}

// classify tells whether a batch touches the content, the Go code, or both.
func (s *Server) classify(b batch) (content, code bool) {
	if b.overflow {
		return true, true
	}
	for _, p := range b.paths {
		switch {
		case within(p, s.content):
			content = true
		case s.cfg.Program != nil && s.cfg.Program.affects(p):
			code = true
		}
	}
	return content, code
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

// build rebuilds the site and tells the pages what became of it.
func (s *Server) build(ctx context.Context) {
	r, err := s.builder.Build(ctx)
	defer s.builds.Add(1)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		s.siteProblems = problemsOf(err)
		s.logf("%v\nthe build failed; serving the last good site", err)
		s.publish()
		return
	}
	m, err := s.manifest.update(s.out, r.Changed)
	if err != nil {
		if m, err = scanManifest(s.out); err != nil {
			s.logf("reading the output: %v", err)
			m = manifest{}
		}
	}
	s.manifest = m
	s.lastChanged = r.Changed
	s.siteProblems = nil
	s.logf("built in %v: %d files changed, %d experiments run", r.Duration.Round(time.Millisecond), len(r.Changed), r.Runs)
	s.publish()
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
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
	}
	srv.RegisterOnShutdown(s.hub.close)
	done := make(chan struct{})
	s.http, s.httpDone = srv, done
	go func() {
		defer close(done)
		if err := srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
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
