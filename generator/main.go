// Command generator builds the explainer site: it compiles the Markdown
// articles in content/ into HTML, runs the experiments behind their figures
// and writes the site into public/.
//
// Usage:
//
//	generator build   [flags]  build the site once
//	generator serve   [flags]  serve the site and rebuild it while you edit
//	generator figures          list every experiment and its parameters
//	generator publish [flags]  build the site for its address and commit it
//	                           to the gh-pages branch of a git remote
//
// Run "generator <command> -h" for a command's flags. The exit status is 0
// on success, 1 for errors in the content or the experiments or for a
// build stopped by a signal, 2 for usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nonconvex/explainer/figures"
	"github.com/nonconvex/explainer/figures/lab"
)

func main() {
	os.Exit(command(figures.Default()))
}

// command runs the command line with the experiments of reg and returns
// the exit status. An interrupt or a SIGTERM cancels what it does: a build
// stops, even in the middle of an experiment, and leaves the output as it
// was; a second signal ends the program at once.
func command(reg *lab.Registry) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	c := &cli{stdout: os.Stdout, stderr: os.Stderr, registry: reg}
	return c.run(ctx, os.Args[1:])
}

// cli is the command's environment: where it writes and which experiments
// it knows. Tests give it their own.
type cli struct {
	stdout, stderr io.Writer
	registry       *lab.Registry
}

// errUsage marks a command-line mistake, already explained to the user.
var errUsage = errors.New("usage")

const usage = `usage: generator <command> [flags]

commands:
  build     build the site into the output folder
  serve     serve the site on 127.0.0.1 and rebuild it while you edit
  figures   list every experiment with its parameters
  publish   build the site for the url in site.yaml and commit it to the
            gh-pages branch of a git remote

Run "generator <command> -h" for a command's flags.
`

// run executes the command in args and returns the exit status.
func (c *cli) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "build":
		err = c.build(ctx, args[1:])
	case "serve":
		err = c.serve(ctx, args[1:])
	case "figures":
		err = c.figures(args[1:])
	case "publish":
		err = c.publish(ctx, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.stdout, usage)
		return 0
	default:
		fmt.Fprintf(c.stderr, "generator: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(c.stderr, err)
	return 1
}

// parseFlags parses args with fs, turning flag errors into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "generator %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}
