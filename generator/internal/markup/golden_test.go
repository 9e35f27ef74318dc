package markup

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// stubResolver answers every directive with a fixed, readable form, so the
// golden files show what markup itself writes.
type stubResolver struct{}

func (stubResolver) Figure(f *Figure, setting int) (string, string) {
	if f.Run {
		return "", "computed by " + f.Experiment
	}
	if f.Vary != nil {
		v := f.Vary.Values[setting]
		return fmt.Sprintf(`<img src="%s.%s-%s.svg" alt="%s">`, f.ID, v.Key, v.Value, f.Alt), `<p class="figure-links">links</p>` + "\n"
	}
	return fmt.Sprintf(`<img src="%s.svg" alt="%s">`, f.ID, f.Alt), `<p class="figure-links">links</p>` + "\n"
}

// Shown is the value written as the figure's own parameter.
func (stubResolver) Shown(f *Figure) int {
	for _, p := range f.Params {
		for i, v := range f.Vary.Values {
			if p.Key == v.Key && p.Value == v.Value {
				return i
			}
		}
	}
	return 0
}

func (stubResolver) Inline(d *Directive, in Setting) string {
	if in.Figure != nil && d.Target == in.Figure.ID {
		v := in.Figure.Vary.Values[in.Index]
		return fmt.Sprintf("[%s %s.%s at %s=%s]", d.Name, d.Target, d.Key, v.Key, v.Value)
	}
	return fmt.Sprintf("[%s %s.%s]", d.Name, d.Target, d.Key)
}
func (stubResolver) Ref(r *Ref) (string, string) {
	return "ref " + r.Target, "#" + r.Target
}
func (stubResolver) Cite(c *Cite) string {
	return fmt.Sprintf(`<a href="#ref-%s">%s</a>`, c.Key, c.Key)
}
func (stubResolver) CiteNote(c *Cite) string {
	return "the work " + c.Key
}

// TestGolden renders each testdata/golden/*.txtar's in.md and compares the
// HTML and a listing of what the parser reported with the archive's files.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	p := NewParser()
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			in := section(ar, "in.md")
			doc, err := p.Parse("in.md", in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var html bytes.Buffer
			if err := p.Render(&html, doc, stubResolver{}); err != nil {
				t.Fatal(err)
			}
			if ids := htmlIDs(html.String()); !slices.Equal(ids, slices.Sorted(slices.Values(doc.IDs))) {
				t.Errorf("the HTML has the ids %q; Doc.IDs says %q", ids, doc.IDs)
			}
			got := map[string][]byte{"out.html": html.Bytes(), "doc.txt": []byte(describe(doc))}
			if *update {
				for i := range ar.Files {
					if g, ok := got[ar.Files[i].Name]; ok {
						ar.Files[i].Data = g
						delete(got, ar.Files[i].Name)
					}
				}
				for _, name := range []string{"out.html", "doc.txt"} {
					if g, ok := got[name]; ok {
						ar.Files = append(ar.Files, txtar.File{Name: name, Data: g})
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for name, g := range got {
				if want := section(ar, name); !bytes.Equal(g, want) {
					t.Errorf("%s differs (rerun with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", name, g, want)
				}
			}
		})
	}
}

var idAttr = regexp.MustCompile(` id="([^"]*)"`)

// htmlIDs returns the ids in HTML, sorted.
func htmlIDs(html string) []string {
	var ids []string
	for _, m := range idAttr.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	slices.Sort(ids)
	return ids
}

func section(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// describe lists what a parse reported, one item a line, with positions.
func describe(d *Doc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "meta %+v\n", d.Meta)
	for _, f := range d.Figures {
		fmt.Fprintf(&b, "%s figure id=%s run=%v experiment=%s (%s) number=%d alt=%q\n", f.Pos, f.ID, f.Run, f.Experiment, f.ExperimentPos, f.Number, f.Alt)
		for _, p := range f.Params {
			fmt.Fprintf(&b, "%s   param %s=%s\n", p.Pos, p.Key, p.Value)
		}
		if v := f.Vary; v != nil {
			fmt.Fprintf(&b, "%s   vary %s (%s)\n", v.Pos, v.Key, v.KeyPos)
			for _, p := range v.Values {
				fmt.Fprintf(&b, "%s     %s=%s\n", p.Pos, p.Key, p.Value)
			}
		}
	}
	for _, v := range d.Inlines {
		fmt.Fprintf(&b, "%s %s %s.%s\n", v.Pos, v.Name, v.Target, v.Key)
	}
	for _, r := range d.Refs {
		fmt.Fprintf(&b, "%s ref %s\n", r.Pos, r.Target)
	}
	for _, c := range d.Cites {
		fmt.Fprintf(&b, "%s cite %s %q\n", c.Pos, c.Key, c.Locator)
	}
	for _, id := range slices.Sorted(maps.Keys(d.Targets)) {
		t := d.Targets[id]
		fmt.Fprintf(&b, "target %s: %s %s %q\n", id, t.Kind, t.Number, t.Title)
	}
	fmt.Fprintf(&b, "ids %s\n", strings.Join(d.IDs, " "))
	for _, l := range d.Links {
		fmt.Fprintf(&b, "%s link %s image=%v\n", l.Pos, l.Dest, l.Image)
	}
	var toc func(hs []*Heading, indent string)
	toc = func(hs []*Heading, indent string) {
		for _, h := range hs {
			fmt.Fprintf(&b, "toc %s%s %s %q", indent, h.Number, h.ID, h.Title)
			if h.Verdict != "" {
				fmt.Fprintf(&b, " verdict %q", h.Verdict)
			}
			b.WriteString("\n")
			toc(h.Sub, indent+"  ")
		}
	}
	toc(d.TOC, "")
	return b.String()
}
func (stubResolver) Link(l *Link) string {
	if strings.HasPrefix(l.Dest, "/") {
		return "/base" + l.Dest // as the site gives links from the root its base path
	}
	return l.Dest
}
