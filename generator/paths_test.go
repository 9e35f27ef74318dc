package main

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// pathInputs break the site through its files' names and kinds, and
// through the settings: what TestBadInput runs besides the Markdown.
var pathInputs = []badInput{
	// Every output file has one owner.
	{name: "article beside a folder of the same name", files: article("dup.md") + article("dup/index.md"),
		want: `content/dup.md:1:1: dup/index.html would be written twice: as the page of content/dup.md and as the page of content/dup/index.md; rename or remove one of them`},
	{name: "article named like the experiments catalogue", files: article("experiments.md"),
		want: `content/experiments.md:1:1: experiments/index.html would be written twice: as the page of content/experiments.md and by the build (the experiments catalogue); rename or remove content/experiments.md`},
	{name: "robots.txt in the content", files: "-- robots.txt --\nUser-agent: *\n",
		want: `content/robots.txt:1:1: robots.txt would be written twice: as a copy of content/robots.txt and by the build (robots.txt, which points crawlers at the sitemap); rename or remove content/robots.txt`},
	{name: "404.html in the content", files: "-- 404.html --\n<p>Lost.\n",
		want: `content/404.html:1:1: 404.html would be written twice: as a copy of content/404.html and by the build (the page for addresses that do not exist); rename or remove content/404.html`},
	{name: "index.html in the content", files: "-- index.html --\n<p>Home.\n",
		want: `content/index.html:1:1: index.html would be written twice: as a copy of content/index.html and as the page of content/index.md; rename or remove one of them`},
	{name: "feed.xml in the content", files: "-- feed.xml --\n<feed/>\n",
		want: `content/feed.xml:1:1: feed.xml would be written twice: as a copy of content/feed.xml and by the build (the feed); rename or remove content/feed.xml`},
	{name: "sitemap.xml in the content", files: "-- sitemap.xml --\n<urlset/>\n",
		want: `content/sitemap.xml:1:1: sitemap.xml would be written twice: as a copy of content/sitemap.xml and by the build (the sitemap); rename or remove content/sitemap.xml`},
	{name: "a page in the content", files: "-- first/index.html --\n<p>First.\n",
		want: `content/first/index.html:1:1: first/index.html would be written twice: as a copy of content/first/index.html and as the page of content/first.md; rename or remove one of them`},
	{name: "a figure in the content", files: "-- first/fig-line.svg --\n<svg/>\n",
		want: `content/first/fig-line.svg:1:1: first/fig-line.svg would be written twice: as a copy of content/first/fig-line.svg and as the plot of figure fig-line (content/first.md:9:1); rename or remove one of them`},
	{name: "a figure's data in the content", files: "-- first/fig-line.csv --\nx,y\n",
		want: `content/first/fig-line.csv:1:1: first/fig-line.csv would be written twice: as a copy of content/first/fig-line.csv and as the data of figure fig-line (content/first.md:9:1); rename or remove one of them`},
	{name: "the stylesheet in the content", setup: copyStylesheet,
		want: `content/STYLE:1:1: STYLE would be written twice: as a copy of content/STYLE and by the build (the stylesheet); rename or remove content/STYLE`},
	{name: "a file where a page needs a folder", files: "-- first --\nplain\n",
		want: `content/first:1:1: first would be both a file, written as a copy of content/first, and the folder of first/index.html, written as the page of content/first.md; rename or remove one of them`},
	{name: "names that differ only in case", files: "-- Feed.xml --\n<feed/>\n",
		want: `content/Feed.xml:1:1: Feed.xml, written as a copy of content/Feed.xml, and feed.xml, written by the build (the feed), differ only in case, which a disk that ignores case cannot keep apart; rename or remove content/Feed.xml`},

	// Article paths are slugs.
	{name: "question mark in a file name", files: article("what?.md"),
		want: `content/what?.md: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it content/what.md`},
	{name: "space in a file name", files: article("my article.md"),
		want: `content/my article.md: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it content/my-article.md`},
	{name: "percent sign in a file name", files: article("100%.md"),
		want: `content/100%.md: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it content/100.md`},
	{name: "upper case", files: article("Upper.MD"),
		want: `content/Upper.MD: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it content/upper.md`},
	{name: "upper case in a folder name", files: article("Notes/intro.md"),
		want: `content/Notes/intro.md: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it content/notes/intro.md`},
	{name: "accents", files: article("über-café.md"),
		want: `content/über-café.md: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it content/uber-cafe.md`},
	{name: "nothing a slug can use", files: article("日本.md"),
		want: `content/日本.md: an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens: rename it`},
	{name: "long Markdown extension", files: article("notes.markdown"),
		want: `content/notes.markdown: an article's file name ends in .md: rename it content/notes.md`},
	{name: "base path with a space", args: []string{"-base", "/my site/"},
		want: `base path must be folder names of letters, digits and - . _ ~ between slashes, such as /explainer/, got "/my site/"`},

	// Only regular files inside the content folder are read.
	{name: "link to the content folder itself", setup: link("content/loop", "."),
		want: `content/loop: a link to the folder content: links to folders are not followed (move or copy the folder in instead)`},
	{name: "link out of the content folder", setup: outside("content/x.txt"),
		want: `content/x.txt: a link to DIR/secret.txt, outside the content folder: only files inside it are published (copy the file in instead)`},
	{name: "named pipe as a data file", setup: fifo("content/data.csv"),
		want: `content/data.csv: a named pipe, not a file: the content folder may hold only files, folders and links to files inside it`},
	{name: "named pipe as an article", setup: fifo("content/zz.md"),
		want: `content/zz.md: a named pipe, not a file: the content folder may hold only files, folders and links to files inside it`},
	{name: "named pipe as the settings", setup: fifo("content/site.yaml"),
		want: `content/site.yaml: a named pipe, not a file: the content folder may hold only files, folders and links to files inside it`},
	{name: "link in a loop", setup: link("content/c.md", "c.md"),
		want: `content/c.md: a link to content/c.md, which leads round in a loop of links`},
	{name: "settings as a folder", setup: folder("content/site.yaml"),
		want: `content/site.yaml: a folder: the site's settings are a file`},
	{name: "bibliography as a folder", setup: folder("content/references.bib"),
		want: "content/first.md:14:34: citation [@boyd2004]: there is no content/references.bib\n" +
			"content/references.bib: a folder: the bibliography is a file\n" +
			"content/second.md:13:56: citation [@boyd2004]: there is no content/references.bib"},
	{name: "no content folder", args: []string{"-content", "nothing"},
		want: `nothing: no such folder (the content folder; choose another with -content)`},
	{name: "output folder is the content folder", args: []string{"-out", "content"},
		want: `output folder content is the content folder: each build replaces the output folder whole; choose another with -out`},
	{name: "output folder is a file", setup: write("notes.txt", "notes\n"), args: []string{"-out", "notes.txt"},
		want: `output folder notes.txt is a file: each build replaces the output folder whole; choose another with -out`},
	{name: "output folder holds the content", args: []string{"-out", "."},
		want: `output folder . holds the content folder (content): each build replaces the output folder whole; choose another with -out`},

	// Messages say what is wrong and how to fix it.
	{name: "empty settings", files: "-- site.yaml --\n",
		want: `content/site.yaml: empty: the site's settings need a title: and a url:, and may have a description:, an author:, a language:, a repository: and parts:`},
	{name: "settings as a list", files: "-- site.yaml --\n- title: T\n- url: https://example.org\n",
		want: `content/site.yaml:1: the settings are lines of the form key: value, with the keys title, description, url, author, language, repository, parts`},
	{name: "site url with a path that is no base path", files: "-- site.yaml --\ntitle: T\nurl: https://example.org/my explainer/\n",
		want: `content/site.yaml:2: url's path must be folder names of letters, digits and - . _ ~, such as /explainer; got "https://example.org/my explainer/"`},
	{name: "site url missing", files: "-- site.yaml --\ntitle: T\n",
		want: `content/site.yaml: missing url: the site's address, such as https://example.org, for the feed and the sitemap`},
	{name: "site url with a query", files: "-- site.yaml --\ntitle: T\nurl: https://example.org/?lang=en\n",
		want: `content/site.yaml:2: url must be the site's address, such as https://example.org or https://user.github.io/explainer, without a user, query or fragment; got "https://example.org/?lang=en"`},
	{name: "origin as the base path", args: []string{"-base", "https://example.org/explainer/"},
		want: `base path is a path, such as /explainer/, got "https://example.org/explainer/": the origin, https://..., is the url in site.yaml`},
	{name: "unclosed quote in the settings", files: "-- site.yaml --\ntitle: \"T\nurl: https://example.org\n",
		want: `content/site.yaml:3: a quoted value is never closed: close its quote`},
	{name: "settings value starting with @", files: "-- site.yaml --\ntitle: T\nurl: https://example.org\nauthor: @me\n",
		want: `content/site.yaml:3: a value cannot start with this character: quote the value`},
	{name: "reference to a mistyped article", files: third("See @secnd/fig-wave.\n"),
		want: `content/third.md:5:5: reference @secnd/fig-wave: no article secnd (did you mean second?)`},
	{name: "unknown language", files: "-- site.yaml --\ntitle: T\nurl: https://example.org\nlanguage: english\n",
		want: `content/site.yaml:3: language must be a language tag such as en or en-GB, got "english"`},
	{name: "home page as a draft", files: "-- index.md --\n---\ntitle: Home\ndescription: Home.\ndraft: true\n---\nHome.\n",
		want: `content/index.md:4:1: the home page cannot be a draft: remove draft: true, or build with -drafts`},
	{name: "front matter not closed", files: "-- third.md --\n---\ntitle: Third\ndescription: The third.\n\nProse.\n",
		want: `content/third.md:1:1: front matter is not closed: end it with a line --- after its last field`},
	{name: "reference into a draft", files: "-- second.md --\n---\ntitle: Second\ndescription: D.\ndraft: true\n---\n:::figure{#fig-wave experiment=wave}\nA wave.\n:::\n",
		want: `content/first.md:14:16: reference @second/fig-wave: content/second.md is a draft, left out of this build: publish it (draft: false) or build with -drafts`},
	{name: "list for a title", files: "-- third.md --\n---\ntitle: [Third]\ndescription: D.\n---\n",
		want: `content/third.md:2:1: front matter: want text, got a list`},
	{name: "front matter key given twice", files: "-- third.md --\n---\ntitle: Third\ndescription: D.\ntitle: Again\n---\n",
		want: `content/third.md:4:1: front matter: mapping key "title" already defined at line 2`},
	{name: "colon in a front matter value", files: "-- third.md --\n---\ntitle: Third: the sequel\ndescription: D.\n---\n",
		want: `content/third.md:2:1: front matter: unexpected colon: a value that holds ": " needs quotes, and each key: value starts a line of its own, not indented`},
}

// article returns a txtar file of a valid article named name.
func article(name string) string {
	return "-- " + name + " --\n" + front + "Prose.\n"
}

// link makes name a link to target, as written.
func link(name, target string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// outside makes name a link to a file outside the content folder.
func outside(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("secret\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		link(name, "../secret.txt")(t, dir)
	}
}

// write writes a file into the project folder.
func write(name, data string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		writeFile(t, filepath.Join(dir, name), []byte(data))
	}
}

// folder replaces the file name with an empty folder.
func folder(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// fifo makes name a named pipe, which nothing ever writes.
func fifo(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, name)
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyStylesheet copies the built stylesheet into the content folder,
// under the same name.
func copyStylesheet(t *testing.T, dir string) {
	name := stylesheet(t, dir)
	data, err := os.ReadFile(filepath.Join(dir, "public", name))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "content", name), data)
}

func writeFile(t *testing.T, p string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// stylesheet returns the stylesheet's path in the public folder of the
// project dir.
func stylesheet(t *testing.T, dir string) string {
	names, err := filepath.Glob(filepath.Join(dir, "public", "assets", "style.*.css"))
	if err != nil || len(names) != 1 {
		t.Fatalf("no single stylesheet: %v %v", names, err)
	}
	return path.Join("assets", filepath.Base(names[0]))
}

func (p *project) stylesheet(t *testing.T) string { return stylesheet(t, p.dir) }

// realDir returns the project folder with links followed, as messages
// show paths outside the content folder.
func (p *project) realDir(t *testing.T) string {
	dir, err := filepath.EvalSymlinks(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(dir, "/")
}

// The content folder may be a link, and a link inside it may lead to a
// file inside it; a file copied as it is may have any name.
func TestContentFolderMayBeALink(t *testing.T) {
	p := newProject(t)
	real := filepath.Join(p.dir, "elsewhere", "content")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(p.dir, "content"), real); err != nil {
		t.Fatal(err)
	}
	link("content", filepath.Join("elsewhere", "content"))(t, p.dir)
	sitetest.Write(t, real, "-- notes/My photo (1).png --\npixels\n")
	link("content/photo.png", filepath.Join("notes", "My photo (1).png"))(t, p.dir)
	if code, _, stderr := p.run(t, "build"); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	site := sitetest.Tree(t, filepath.Join(p.dir, "public"))
	for _, name := range []string{"index.html", "first/index.html", "notes/My photo (1).png", "photo.png"} {
		if _, ok := site[name]; !ok {
			t.Errorf("public/ lacks %s", name)
		}
	}
	if site["photo.png"] != "pixels\n" {
		t.Errorf("the linked file was published as %q", site["photo.png"])
	}
}
