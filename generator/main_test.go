package main

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
	"golang.org/x/tools/txtar"
)

// project is a temporary project folder: content built once into public.
type project struct {
	dir   string
	fakes *sitetest.Fakes
}

func newProject(t *testing.T) *project {
	p := &project{dir: t.TempDir(), fakes: sitetest.NewFakes()}
	sitetest.Write(t, filepath.Join(p.dir, "content"), sitetest.Site)
	if code, _, stderr := p.run(t, "build"); code != 0 {
		t.Fatalf("the valid site does not build: %s", stderr)
	}
	return p
}

// run runs the command in the project folder and returns its exit status,
// standard output and standard error.
func (p *project) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(p.dir)
	var stdout, stderr bytes.Buffer
	c := &cli{stdout: &stdout, stderr: &stderr, registry: p.fakes.Registry}
	code := c.run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// TestBadInput breaks a valid site in one way at a time and checks that the
// build exits with status 1, names every problem at its position and
// leaves the previous site untouched.
func TestBadInput(t *testing.T) {
	line := panicLine(t)
	cases := []badInput{
		{name: "unknown experiment", files: figure("experiment=line", "experiment=lines"),
			want: `content/first.md:9:21: figure fig-line: unknown experiment "lines" (did you mean line?)`},
		{name: "unknown experiment, far from any", files: figure("experiment=line", "experiment=barrier"),
			want: `content/first.md:9:21: figure fig-line: unknown experiment "barrier" (known: line, nan, numbers, panics, slow, wave)`},
		{name: "unknown parameter", files: figure("slope=2", "slopes=2"),
			want: `content/first.md:9:37: figure fig-line: parameter slopes: experiment line has no such parameter (it has points, seed, slope)`},
		{name: "ill-typed parameter", files: figure("slope=2", "slope=2 points=eleven"),
			want: `content/first.md:9:45: figure fig-line: parameter points: want an integer in [2, 1000], got "eleven"`},
		{name: "out-of-range parameter", files: figure("slope=2", "slope=20"),
			want: `content/first.md:9:37: figure fig-line: parameter slope: want a number in [-10, 10], got "20"`},
		{name: "missing id", files: third(":::figure{experiment=line alt=\"x\"}\nA line.\n:::\n"),
			want: `content/third.md:5:1: figure directive needs an id, as in {#fig-name ...}`},
		{name: "duplicate id", files: third("## Start {#sec-start}\n\n::run{#sec-start experiment=numbers}\n"),
			want: "content/third.md:7:7: run id \"sec-start\" must start with run- and use lower-case letters, digits and hyphens"},
		{name: "duplicate figure id", files: third(":::figure{#fig-a experiment=wave}\nA.\n:::\n\n:::figure{#fig-a experiment=wave}\nB.\n:::\n"),
			want: `content/third.md:9:11: duplicate id fig-a (first defined at line 5)`},
		{name: "dangling reference", files: third("See @fig-nothing.\n"),
			want: `content/third.md:5:5: reference @fig-nothing: no figure fig-nothing in content/third.md`},
		{name: "reference to a missing article", files: third("See @fourth/fig-wave.\n"),
			want: `content/third.md:5:5: reference @fourth/fig-wave: no article fourth`},
		{name: "reference to a missing figure of another article", files: third("See @second/fig-line.\n"),
			want: `content/third.md:5:5: reference @second/fig-line: no figure fig-line in content/second.md`},
		{name: "malformed reference, said once", files: third("See @/fig-x.\n"),
			want: `content/third.md:5:5: malformed reference @/fig-x (ids use lower-case letters, digits and hyphens)`},
		{name: "malformed value, said once", files: third("The :val[Bad.x].\n"),
			want: `content/third.md:5:5: directive :val[Bad.x]: want :val[figure-id.name]`},
		{name: "unknown citation key", files: third("As shown [@boyd2005].\n"),
			want: `content/third.md:5:11: citation [@boyd2005]: no entry boyd2005 in content/references.bib`},
		{name: "citation without a bibliography", setup: remove("content/references.bib"),
			want: "content/first.md:14:34: citation [@boyd2004]: there is no content/references.bib\n" +
				"content/second.md:13:56: citation [@boyd2004]: there is no content/references.bib"},
		{name: "unclosed directive", files: third(":::figure{#fig-a experiment=wave}\nA wave.\n"),
			want: `content/third.md:5:1: directive figure is not closed (want a line :::)`},
		{name: "malformed attributes", files: figure("slope=2", `slope="2`),
			want: `content/first.md:9:51: malformed attributes: unexpected 'A' after the quoted value of slope (unbalanced quotes?)`},
		{name: "unknown directive", files: third("::figures{#fig-a experiment=line}\n"),
			want: `content/third.md:5:1: unknown directive ::figures (want :::figure or ::run)`},
		{name: "malformed front matter", files: "-- third.md --\n---\ntitle: [Third\ndescription: D\n---\n",
			want: `content/third.md:2:1: front matter: did not find expected ',' or ']'`},
		{name: "unknown front matter key", files: "-- third.md --\n---\ntitle: Third\ndescription: D\ntags: [a]\n---\n",
			want: `content/third.md:4:1: front matter: unknown field tags (known fields: title, description, order, draft, date)`},
		{name: "ill-typed front matter", files: "-- third.md --\n---\ntitle: Third\ndescription: D\ndraft: perhaps\n---\n",
			want: `content/third.md:4:1: front matter: want true or false, got "perhaps"`},
		{name: "missing front matter", files: "-- third.md --\nJust prose.\n",
			want: `content/third.md:1:1: missing front matter: start the file with ---, a title: and a description:, and ---`},
		{name: "invalid UTF-8", files: third("Na\xefve.\n"),
			want: `content/third.md:5:3: invalid UTF-8 (the file must be UTF-8 text)`},
		{name: "unknown LaTeX command", files: third("The map $x \\mapstoo y$.\n"),
			want: `content/third.md:5:12: math: unknown command \mapstoo`},
		{name: "unbalanced braces in math", files: third("A fraction $\\frac{1}{2$.\n"),
			want: `content/third.md:5:21: math: unbalanced braces: this { is never closed`},
		{name: "failing check", files: figure("slope=2", "slope=-2"),
			want: "content/first.md:9:1: figure fig-line: check rises failed: the line rises: slope −2\n" +
				"content/first.md:13:39: :check[fig-line.rises]: the check failed: the line rises: slope −2"},
		{name: "unknown check", files: third(":check[first/fig-line.falls]\n"),
			want: `content/third.md:5:1: :check[first/fig-line.falls]: experiment line makes no check falls (it makes rises)`},
		{name: "unknown value", files: third(":val[first/fig-line.height]\n"),
			want: `content/third.md:5:1: :val[first/fig-line.height]: experiment line computes no value height (it computes slope)`},
		{name: "value of a missing figure", files: third("The :val[fig-other.slope].\n"),
			want: `content/third.md:5:5: :val[fig-other.slope]: no figure or run fig-other in content/third.md`},
		{name: "missing text alternative", files: third(":::figure{#fig-a experiment=line}\nA line.\n:::\n"),
			want: `content/third.md:5:1: figure fig-a needs alt="...", a text alternative (experiment line has no description)`},
		{name: "figure of an experiment that draws nothing", files: third(":::figure{#fig-sum experiment=numbers alt=\"x\"}\nNumbers.\n:::\n"),
			want: `content/third.md:5:1: figure fig-sum: experiment numbers draws nothing; use ::run for a computation without a figure`},
		{name: "panicking experiment", files: third("::run{#run-p experiment=panics}\n"),
			want: `content/third.md:5:1: run run-p: experiment panics: panic: assignment to entry in nil map (at sitetest/sitetest.go:LINE)`},
		{name: "NaN-producing experiment", files: third("::run{#run-n experiment=nan}\n"),
			want: `content/third.md:5:1: run run-n: experiment nan: value ratio is NaN`},
		{name: "too-slow experiment", files: third("::run{#run-s experiment=slow}\n"), args: []string{"-budget", "100ms"},
			want: `content/third.md:5:1: run run-s: experiment slow: ran longer than its time budget of 100ms`},
		{name: "dangling link", setup: symlink("content/third.md", "content/missing.md"),
			want: `content/third.md: a link to content/missing.md, which does not exist`},
		{name: "level-one heading", files: third("# Third\n"),
			want: `content/third.md:5:1: the article's title comes from its front matter: start headings at ##`},
		{name: "bad bibliography entry", files: "-- references.bib --\n@book{boyd2004,\n  author = {Boyd, Stephen},\n  year = {2004},\n}\n",
			want: `content/references.bib:1:1: entry boyd2004: missing field title`},
		{name: "unknown site setting", files: "-- site.yaml --\ntitle: T\nurl: https://example.org\ntheme: dark\n",
			want: `content/site.yaml:3: unknown field theme (known fields: title, description, url, author, language, repository, parts)`},
		{name: "missing home page", setup: remove("content/index.md"),
			want: `content/index.md: missing: the home page must be index.md in the content folder`},
		{name: "errors in several files, all at once and sorted",
			files: "-- second.md --\n" + front + "See @fig-x and [@nobody].\n" + third("# Third\n\n$\\nope$\n"),
			want: "content/first.md:14:16: reference @second/fig-wave: no figure fig-wave in content/second.md\n" +
				"content/second.md:5:5: reference @fig-x: no figure fig-x in content/second.md\n" +
				"content/second.md:5:17: citation [@nobody]: no entry nobody in content/references.bib\n" +
				"content/third.md:5:1: the article's title comes from its front matter: start headings at ##\n" +
				"content/third.md:7:2: math: unknown command \\nope"},
	}
	for _, c := range slices.Concat(cases, pathInputs, markupInputs, varyInputs) {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			before := sitetest.Tree(t, filepath.Join(p.dir, "public"))
			sitetest.Write(t, filepath.Join(p.dir, "content"), c.files)
			if c.setup != nil {
				c.setup(t, p.dir)
			}
			code, stdout, stderr := p.run(t, append([]string{"build"}, c.args...)...)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			c.want = strings.NewReplacer("LINE", line, "DIR", p.realDir(t), "STYLE", p.stylesheet(t)).Replace(c.want)
			if got := strings.TrimSuffix(stderr, "\n"); got != c.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, c.want)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
			if strings.Contains(stderr, "goroutine ") {
				t.Error("a panic trace reached the author")
			}
			if !maps.Equal(before, sitetest.Tree(t, filepath.Join(p.dir, "public"))) {
				t.Error("the failed build changed public/")
			}
		})
	}
}

// A badInput is one way to break the valid site, and what the build must
// say about it.
type badInput struct {
	name  string
	files string // a txtar archive of files to write over the site
	setup func(t *testing.T, dir string)
	args  []string
	// want is the whole of standard error. LINE stands for the line of
	// the panicking fake experiment, DIR for the project folder (links
	// followed), STYLE for the stylesheet's path in public/.
	want string
}

// front is an article's front matter: its body starts on line 5.
const front = "---\ntitle: Third article\ndescription: The third one.\n---\n"

// third returns a new article, third.md, whose body starts on line 5.
func third(body string) string {
	return "-- third.md --\n" + front + body
}

// figure returns the site's first.md with old replaced by new; its figure
// directive is on line 9.
func figure(old, new string) string {
	for _, f := range txtar.Parse([]byte(sitetest.Site)).Files {
		if f.Name == "first.md" {
			return "-- first.md --\n" + strings.Replace(string(f.Data), old, new, 1)
		}
	}
	panic("no first.md")
}

// panicLine finds the line of the fake experiment that panics.
func panicLine(t *testing.T) string {
	data, err := os.ReadFile("internal/sitetest/sitetest.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, `m["x"]++`) {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatal("sitetest.go has no panicking line")
	return ""
}

func remove(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// symlink makes name a link to target, which does not exist; unlike a
// file without read permission, this stays unreadable when tests run as
// root.
func symlink(name, target string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.Symlink(filepath.Join(dir, target), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUsageErrorsExitWithStatus2(t *testing.T) {
	p := newProject(t)
	for _, args := range [][]string{{}, {"bogus"}, {"build", "-bogus"}, {"build", "extra"}, {"figures", "-j", "2"},
		{"build", "-j", "-1"}, {"build", "-budget", "-1s"}, {"build", "-out", ""}, {"serve", "-content", ""},
		{"publish", "-base", "/x/"}, {"publish", "extra"}, {"publish", "-j", "-1"}, {"publish", "-out", ""}, {"publish", "-branch", ""}} {
		if code, _, _ := p.run(t, args...); code != 2 {
			t.Errorf("%q: exit status %d, want 2", args, code)
		}
	}
	if code, out, _ := p.run(t, "help"); code != 0 || !strings.Contains(out, "usage: generator") {
		t.Errorf("help: status %d, output %q", code, out)
	}
}

func TestFiguresListsEveryExperimentWithItsParameters(t *testing.T) {
	p := newProject(t)
	code, out, _ := p.run(t, "figures")
	if code != 0 {
		t.Fatalf("exit status %d", code)
	}
	for _, s := range []string{"line  (sitetest/sitetest.go)", "slope   float  = 1   a number in [-10, 10]; the slope", "seed    int    = 1"} {
		if !strings.Contains(out, s) {
			t.Errorf("the listing lacks %q:\n%s", s, out)
		}
	}
}

func TestBuildReportsWhatItDid(t *testing.T) {
	p := newProject(t)
	code, out, _ := p.run(t, "build", "-out", "elsewhere", "-j", "1")
	if code != 0 || !strings.HasPrefix(out, "built 5 pages with 3 figures into elsewhere in ") || !strings.HasSuffix(out, "(0 experiments run, 3 cached)\n") {
		t.Errorf("status %d, output %q", code, out)
	}
	if code, _, stderr := p.run(t, "build", "-base", "sub"); code != 1 || !strings.Contains(stderr, "base path must start and end with /") {
		t.Errorf("a bad base: status %d, %q", code, stderr)
	}
}
