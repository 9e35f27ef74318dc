package markup

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/nonconvex/explainer/generator/internal/diag"
	"go.abhg.dev/goldmark/frontmatter"
	"gopkg.in/yaml.v3"
)

// Meta is an article's front matter.
type Meta struct {
	// Title is the article's title (required).
	Title string `yaml:"title"`
	// Description is a sentence or two for the home page, the feed and
	// search engines (required).
	Description string `yaml:"description"`
	// Order places the article among the others: ascending, then by title.
	Order int `yaml:"order"`
	// Draft articles are left out of the build.
	Draft bool `yaml:"draft"`
	// Date is the publication date, YYYY-MM-DD, used by the feed.
	Date string `yaml:"date"`
}

// strictYAML decodes front matter, rejecting keys Meta does not declare.
var strictYAML = frontmatter.Format{
	Name:  "YAML",
	Delim: '-',
	Unmarshal: func(data []byte, v any) error {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		err := dec.Decode(v)
		if errors.Is(err, io.EOF) {
			return nil // empty front matter: the missing title is reported
		}
		return err
	},
}

// meta decodes the front matter and checks its fields.
func (b *builder) meta(data *frontmatter.Data) {
	if data == nil {
		addError(b.pc, 0, "missing front matter: start the file with ---, a title: and a description:, and ---")
		return
	}
	if delim, closed := frontMatterClosed(b.src); !closed {
		addError(b.pc, 0, "front matter is not closed: end it with a line %s after its last field", delim)
		return
	}
	m := &b.doc.Meta
	if err := data.Decode(m); err != nil {
		b.yamlErrors(err)
		return
	}
	if strings.TrimSpace(m.Title) == "" {
		addError(b.pc, 0, "front matter: missing title")
	}
	if strings.TrimSpace(m.Description) == "" {
		addError(b.pc, 0, "front matter: missing description")
	}
	m.Title, m.Description = SmartPunctuation(m.Title), SmartPunctuation(m.Description)
	// YAML reads order: 1.5 into an int as 1, without a word: the value
	// as written must be a whole number.
	if off := b.keyOffset("order"); off > 0 {
		v, _, _ := bytes.Cut(b.src[off+len("order:"):], []byte("\n"))
		v, _, _ = bytes.Cut(v, []byte(" #"))
		if v := strings.TrimSpace(string(v)); !wholeNumber.MatchString(v) {
			addError(b.pc, off, "front matter: want an integer, got %q", v)
		}
	}
	if m.Date != "" {
		if _, err := time.Parse(time.DateOnly, m.Date); err != nil {
			addError(b.pc, b.keyOffset("date"), "front matter: date %q is not a date of the form 2006-01-02", m.Date)
		}
	}
}

// wholeNumber is a whole number as YAML writes one in decimal.
var wholeNumber = regexp.MustCompile(`^[-+]?[0-9]+$`)

// yamlErrors reports YAML errors at file lines: the front matter's first
// line is the file's second, after the opening ---.
func (b *builder) yamlErrors(err error) {
	for _, e := range diag.YAML(err, metaFields, 2) {
		off := 0
		if e.Line > 0 {
			off = b.lineOffset(e.Line)
		}
		addError(b.pc, off, "front matter: %s", e.Msg)
	}
}

// lineOffset returns the byte offset of the first non-blank byte of a line.
func (b *builder) lineOffset(line int) int {
	if line-1 >= len(b.lines.starts) {
		return 0
	}
	off := b.lines.starts[line-1]
	for off < len(b.src) && (b.src[off] == ' ' || b.src[off] == '\t') {
		off++
	}
	return off
}

// keyOffset returns the offset of the front matter line defining key.
func (b *builder) keyOffset(key string) int {
	for line := 2; line < len(b.lines.starts); line++ {
		off := b.lineOffset(line)
		if bytes.HasPrefix(b.src[off:], []byte(key+":")) {
			return off
		}
		if bytes.HasPrefix(b.src[off:], []byte("---")) {
			break
		}
	}
	return 0
}

// MetaPos returns the position of the front matter line that sets key,
// or the start of the file if none does: where an error about the
// field's value belongs.
func (d *Doc) MetaPos(key string) diag.Pos {
	if pos, ok := d.metaPos[key]; ok {
		return pos
	}
	return diag.Pos{File: d.Name, Line: 1, Col: 1}
}

// metaFields are the front matter's keys.
var metaFields = []string{"title", "description", "order", "draft", "date"}

// metaPositions finds where the front matter sets each of its keys, for
// MetaPos: the source is not kept once parsed.
func (b *builder) metaPositions() map[string]diag.Pos {
	m := make(map[string]diag.Pos)
	for _, key := range metaFields {
		if off := b.keyOffset(key); off > 0 {
			m[key] = b.pos(off)
		}
	}
	return m
}

// frontMatterClosed reports whether front matter that src opens with a
// line of dashes is closed by the same line later; the front matter
// extension would otherwise take the whole file for it. It also returns
// the opening line.
func frontMatterClosed(src []byte) (delim string, closed bool) {
	for rest := src; len(rest) > 0; {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, " \t\r")
		switch {
		case delim == "" && len(line) > 0:
			delim = string(line) // blank lines may come first
		case delim != "" && string(line) == delim:
			return delim, true
		}
	}
	return delim, false
}

// dashes are the typographer's dashes.
var dashes = strings.NewReplacer("---", "—", "--", "–")

// SmartPunctuation gives plain text (front matter, an experiment's claims)
// the typography the Markdown body gets from goldmark's typographer: curly
// quotes and apostrophes, en and em dashes.
func SmartPunctuation(s string) string {
	s = dashes.Replace(s)
	if !strings.ContainsAny(s, `'"`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	open := false
	for i, r := range s {
		switch r {
		case '\'':
			if i > 0 && !unicode.IsSpace(rune(s[i-1])) {
				b.WriteRune('’')
			} else {
				b.WriteRune('‘')
			}
		case '"':
			if open {
				b.WriteRune('”')
			} else {
				b.WriteRune('“')
			}
			open = !open
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
