package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// asCommand, set in the environment, makes the test binary run as the
// command itself, with the fake experiments and one more, "stuck", which
// never returns and ignores its context: a process of its own to send a
// signal to. The value is a file to create once stuck has started.
const asCommand = "GENERATOR_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if started := os.Getenv(asCommand); started != "" {
		os.Exit(command(stuckRegistry(started)))
	}
	os.Exit(m.Run())
}

// stuckRegistry returns the fake experiments plus stuck, which creates
// the file started and then sleeps, deaf to any cancellation.
func stuckRegistry(started string) *lab.Registry {
	stuck := &lab.Experiment{Name: "stuck", Doc: "Never returns.", Run: func(context.Context, lab.Args, *rand.Rand) (*lab.Result, error) {
		os.WriteFile(started, nil, 0o644)
		time.Sleep(time.Hour)
		return nil, errors.New("woke up")
	}}
	return lab.NewRegistry(append(sitetest.NewFakes().Registry.Experiments, stuck)...)
}

// stopped starts cmd, sends it sig once ready, given what it has written
// to standard error so far, says so, and returns its exit status and
// standard error. The test fails if the command does not stop soon after.
func stopped(t *testing.T, cmd *exec.Cmd, sig os.Signal, ready func(stderr string) bool) (int, string) {
	t.Helper()
	var mu sync.Mutex
	var stderr bytes.Buffer
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	done := make(chan error, 1)
	go func() {
		lines := bufio.NewScanner(pipe)
		for lines.Scan() {
			mu.Lock()
			stderr.WriteString(lines.Text() + "\n")
			mu.Unlock()
		}
		done <- cmd.Wait()
	}()
	so := func() string {
		mu.Lock()
		defer mu.Unlock()
		return stderr.String()
	}
	for deadline := time.Now().Add(time.Minute); !ready(so()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the build was not ready for the signal within a minute:\n%s", so())
		}
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatalf("the build ended before the signal: %v\n%s", err, so())
	}
	// Promptly means at once; the bound only keeps a build that does not
	// stop from hanging the tests.
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), so()
	case <-time.After(20 * time.Second):
		t.Fatalf("the build did not stop within 20s of %v:\n%s", sig, so())
	}
	return 0, ""
}

// An interrupt stops a build in the middle of an experiment, even one
// that ignores its cancellation, and leaves public/ as it was.
func TestInterruptStopsABuildMidExperiment(t *testing.T) {
	p := newProject(t)
	before := sitetest.Tree(t, filepath.Join(p.dir, "public"))
	sitetest.Write(t, filepath.Join(p.dir, "content"), third("::run{#run-stuck experiment=stuck}\n"))
	started := filepath.Join(t.TempDir(), "started")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "build", "-budget", "1h")
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), asCommand+"="+started)
	code, stderr := stopped(t, cmd, os.Interrupt, func(string) bool {
		_, err := os.Stat(started)
		return err == nil
	})
	if code != 1 || stderr != "build stopped (interrupt signal received): public is as it was\n" {
		t.Errorf("exit status %d, stderr:\n%s", code, stderr)
	}
	if !maps.Equal(before, sitetest.Tree(t, filepath.Join(p.dir, "public"))) {
		t.Error("the stopped build changed public/")
	}
}

// The real command, built as a user builds it, stops building the real
// explainer when it receives SIGINT or SIGTERM between two experiments
// or in one, and leaves public/ as it was.
func TestSignalStopsTheRealCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator and runs the explainer's experiments")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "generator")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	content, err := filepath.Abs(filepath.Join("..", "content"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			sitetest.Write(t, filepath.Join(dir, "public"), "-- index.html --\nthe last good site\n")
			before := sitetest.Tree(t, filepath.Join(dir, "public"))
			// One experiment at a time, none cached: once the first has
			// run, the next is under way.
			cmd := exec.Command(bin, "build", "-content", content, "-cache", "-", "-j", "1", "-v")
			cmd.Dir = dir
			code, stderr := stopped(t, cmd, sig, func(stderr string) bool { return strings.Contains(stderr, "ran ") })
			want := "build stopped (" + sig.String() + " signal received): public is as it was\n"
			if code != 1 || !strings.HasSuffix(stderr, want) {
				t.Errorf("exit status %d, stderr:\n%s\nwant it to end with %q", code, stderr, want)
			}
			if !maps.Equal(before, sitetest.Tree(t, filepath.Join(dir, "public"))) {
				t.Error("the stopped build changed public/")
			}
		})
	}
}
