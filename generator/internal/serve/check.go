package serve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Before a restart the server runs the new program once, as a check: with
// the same arguments, and envCheck naming a scratch folder, the program
// starts as a server would but builds the site once into that folder and
// exits. Only a program that gets through its start and a build takes
// over the socket; one that panics at init (a duplicated line in a
// registry, say) or in the build leaves the old one serving, with the
// reason over the page. Errors in the content are no failure of the
// program: the old one reports them too. The check's build fills the
// experiment cache, so the new program's first build finds its results.
const (
	envCheck     = "EXPLAINER_SERVE_CHECK"
	checkTimeout = 2 * time.Minute
)

// check runs binary as the check before a restart and returns its output
// and, if it failed, why.
func (p *Program) check(ctx context.Context, binary string) ([]byte, error) {
	dir, err := os.MkdirTemp("", tempPattern(previewDir))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	argv := append([]string{binary}, p.Args...)
	env := environ(envCheck + "=" + dir)
	var out []byte
	if p.Check != nil {
		out, err = p.Check(ctx, argv, env)
	} else {
		cmd := exec.CommandContext(ctx, binary, p.Args...)
		cmd.Env = env
		killGroup(cmd)
		out, err = cmd.CombinedOutput()
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("it did not finish a build within %v", checkTimeout)
	}
	return out, err
}

// killGroup makes cmd run in a process group of its own, all of which a
// cancellation kills: go build's compilers as well as go build.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
}

// goFrame is a line of a Go stack trace naming a source line.
var goFrame = regexp.MustCompile(`^\t(/\S+\.go):(\d+)`)

// checkProblems explains a failed check: the panic or the last words of
// the new program, at the first line of the module's code in its stack.
func (p *Program) checkProblems(out []byte, err error) []problem {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	from, to := max(0, len(lines)-5), len(lines)
	for i, line := range lines {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			from, to = i, len(lines)
			for j := i; j < len(lines); j++ {
				if strings.HasPrefix(lines[j], "goroutine ") {
					to = j
					break
				}
			}
			break
		}
	}
	pr := problem{Source: "go", Msg: strings.TrimSpace(strings.Join(lines[from:to], "\n"))}
	if pr.Msg == "" {
		pr.Msg = err.Error()
	}
	pr.Msg = "the new program failed its check, so the old one goes on serving: " + pr.Msg
	if dir, aerr := filepath.Abs(p.dir()); aerr == nil {
		for _, line := range lines[to:] {
			if m := goFrame.FindStringSubmatch(line); m != nil && within(m[1], dir) {
				rel, _ := filepath.Rel(dir, m[1])
				pr.Pos = filepath.ToSlash(rel) + ":" + m[2]
				break
			}
		}
	}
	return []problem{pr}
}

// runCheck is the check on the new program's side: one build of the site
// into the folder it was given. Only a crash fails it.
func (s *Server) runCheck(ctx context.Context) error {
	r, err := s.builder.Build(ctx)
	if err != nil {
		s.logf("the check's build: %v", err)
		return nil
	}
	s.logf("the check built %d pages in %v", r.Pages, r.Duration.Round(time.Millisecond))
	return nil
}
