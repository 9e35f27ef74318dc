package figures

import (
	"context"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
)

// BenchmarkExperiments runs every registered experiment at its defaults,
// drawing included: the budget is about two seconds each on one core.
func BenchmarkExperiments(b *testing.B) {
	for _, e := range Default().Experiments {
		b.Run(e.Name, func(b *testing.B) {
			args := e.MustParse(nil)
			for b.Loop() {
				if _, err := lab.Execute(context.Background(), args, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
