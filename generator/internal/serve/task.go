package serve

import (
	"context"
	"time"

	"github.com/nonconvex/explainer/generator/internal/site"
)

// A task is work the server runs beside its loop, such as a build, so
// that the loop goes on watching and can cancel it. Its result arrives on
// a channel, cancelled or not.
type task[R any] struct {
	stop   context.CancelFunc
	result chan R
}

// startTask runs work in the background with a context of its own.
func startTask[R any](ctx context.Context, work func(ctx context.Context) R) *task[R] {
	ctx, cancel := context.WithCancel(ctx)
	t := &task[R]{stop: cancel, result: make(chan R, 1)}
	go func() {
		defer cancel()
		t.result <- work(ctx)
	}()
	return t
}

// results returns the channel the result arrives on; for no task, a nil
// channel, which a select never chooses.
func (t *task[R]) results() <-chan R {
	if t == nil {
		return nil
	}
	return t.result
}

// cancel asks the task to stop; its result still arrives.
func (t *task[R]) cancel() {
	if t != nil {
		t.stop()
	}
}

// wait cancels the task and waits for its result.
func (t *task[R]) wait() R {
	t.stop()
	return <-t.result
}

// A buildResult is what became of one build of the site.
type buildResult struct {
	report    *site.Report
	err       error
	cancelled bool // stopped by a newer change or by shutdown; nothing was published
}

// startBuild rebuilds the site in the background.
func (s *Server) startBuild(ctx context.Context) {
	s.siteTask = startTask(ctx, func(ctx context.Context) buildResult {
		r, err := s.builder.Build(ctx)
		return buildResult{report: r, err: err, cancelled: err != nil && ctx.Err() != nil}
	})
}

// stopBuild cancels the build under way, if any, and waits for it to
// stop. Its changes are built again by the next build.
func (s *Server) stopBuild() {
	if s.siteTask != nil {
		s.siteTask.wait()
		s.siteTask = nil
		s.contentDirty = true
	}
}

// built tells the pages what became of a build. A cancelled build is no
// news: its changes are built again.
func (s *Server) built(r buildResult) {
	s.siteTask = nil
	if r.cancelled {
		s.contentDirty = true
		return
	}
	defer s.builds.Add(1)
	defer s.announce()
	if r.err != nil {
		s.siteProblems = problemsOf(r.err)
		s.logf("%v\nthe build failed; serving the last good site", r.err)
		s.publish()
		return
	}
	m, err := s.manifest.update(s.out, r.report.Changed)
	if err != nil {
		if m, err = scanManifest(s.out); err != nil {
			s.logf("reading the output: %v", err)
			m = manifest{}
		}
	}
	s.manifest = m
	if len(r.report.Changed) > 0 {
		s.lastChanged = r.report.Changed
	}
	s.siteProblems = nil
	s.logf("built in %v: %d files changed, %d experiments run",
		r.report.Duration.Round(time.Millisecond), len(r.report.Changed), r.report.Runs)
	s.publish()
}

// announce says where the site is served, once, after the first build.
func (s *Server) announce() {
	if !s.announced {
		s.announced = true
		s.logf("serving %s", s.URL())
	}
}
