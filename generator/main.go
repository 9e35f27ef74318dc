// Command generator builds the explainer site: it compiles the Markdown
// articles in content/ into HTML, runs the experiments behind their figures
// and writes the site into public/.
//
// Usage:
//
//	generator build   [flags]  build the site once
//	generator figures          list every experiment and its parameters
//
// Run "generator <command> -h" for a command's flags. The exit status is 0
// on success, 1 for errors in the content or the experiments, 2 for usage.
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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a command-line mistake, already explained to the user.
var errUsage = errors.New("usage")

const usage = `usage: generator <command> [flags]

commands:
  build     build the site into the output folder
  figures   list every experiment with its parameters

Run "generator <command> -h" for a command's flags.
`

// run executes the command in args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "build":
		err = buildCmd(ctx, args[1:], stdout, stderr)
	case "figures":
		err = figuresCmd(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "generator: unknown command %q\n\n%s", args[0], usage)
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
	fmt.Fprintln(stderr, err)
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
