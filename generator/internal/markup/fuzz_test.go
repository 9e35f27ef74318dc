package markup

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/diag"
	"golang.org/x/tools/txtar"
)

// FuzzParse checks that no input makes the parser or the renderer panic,
// and that every error it reports has a position inside the file.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(section(ar, "in.md"))
	}
	f.Add([]byte(front + ":::figure{#fig-a experiment=x alt=\"\n::run{\n$\\frac{$ @fig- [@ :val[ $$\n"))
	p := NewParser()
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := p.Parse("f.md", src)
		lines := strings.Count(string(src), "\n") + 1
		if list, ok := err.(diag.List); ok {
			for _, e := range list {
				if e.Pos.File != "f.md" || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
					t.Errorf("error outside the file: %v", e)
				}
			}
		} else if err != nil {
			t.Errorf("error of type %T: %v", err, err)
		}
		if err == nil {
			if rerr := p.Render(io.Discard, doc, stubResolver{}); rerr != nil {
				t.Errorf("Render: %v", rerr)
			}
		}
	})
}
