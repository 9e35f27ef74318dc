package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nonconvex/explainer/figures/lab"
)

// figures lists the experiments.
func (c *cli) figures(args []string) error {
	fs := flag.NewFlagSet("figures", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	printExperiments(c.stdout, c.registry)
	return nil
}

// printExperiments lists each experiment with its parameters.
func printExperiments(w io.Writer, reg *lab.Registry) {
	for i, e := range reg.Experiments {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  (%s)\n", e.Name, lab.SourceFile(e))
		fmt.Fprintf(w, "    %s\n", wrap(e.Doc, 76, "    "))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, p := range e.AllParams() {
			cost := ""
			if p.Cost {
				cost = " (the run's time grows with it)"
			}
			fmt.Fprintf(tw, "    %s\t%s\t= %s\t%s; %s%s\n", p.Name, p.Kind, p.Default, p.Domain(), p.Doc, cost)
		}
		tw.Flush()
	}
}

// wrap breaks text into lines of at most width bytes, indenting all but
// the first with indent.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		if i > 0 && n+1+len(word) > width {
			b.WriteString("\n" + indent)
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}
