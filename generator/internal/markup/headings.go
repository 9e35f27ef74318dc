package markup

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	"go.abhg.dev/goldmark/anchor"
)

func (b *builder) heading(h *ast.Heading) {
	offset := 0
	if h.Lines().Len() > 0 {
		offset = h.Lines().At(0).Start
	}
	// An ATX heading's text starts after its hashes: point at the line.
	offset = lineStart(b.src, offset)
	verdict := b.headingAttrs(h)
	id, _ := h.AttributeString("id")
	idText := fmt.Sprint(string(id.([]byte)))
	switch h.Level {
	case 1:
		addError(b.pc, offset, "the article's title comes from its front matter: start headings at ##")
		return
	case 2:
		b.h2++
		b.h3 = 0
	case 3:
		if b.h2 == 0 {
			addError(b.pc, offset, "heading ### comes before any ## heading")
			return
		}
		b.h3++
	default:
		nameAnchor(h, "Link to this heading")
		return
	}
	number := fmt.Sprint(b.h2)
	if h.Level == 3 {
		number += fmt.Sprintf(".%d", b.h3)
	}
	if b.define(idText, offset) {
		t := &Target{Kind: "Section", Number: number, Title: titleHTML(h, b.src, b.st.math)}
		b.doc.Targets[idText] = t
		// The table of contents: h2s, each with its h3s.
		entry := &Heading{ID: idText, Number: number, Title: t.Title, Verdict: verdict.badge()}
		if h.Level == 2 {
			b.doc.TOC = append(b.doc.TOC, entry)
		} else if n := len(b.doc.TOC); n > 0 {
			b.doc.TOC[n-1].Sub = append(b.doc.TOC[n-1].Sub, entry)
		}
	}
	if verdict != "" {
		// The heading's attributes are its id and the class that marks
		// a claim; goldmark keeps the verdict among them too.
		h.RemoveAttributes()
		h.SetAttributeString("id", id)
		h.SetAttributeString("class", []byte("claim claim-"+verdict))
		h.InsertBefore(h, h.FirstChild(), &verdictNode{verdict: verdict})
	}
	h.InsertBefore(h, h.FirstChild(), &secNumNode{number: number})
	nameAnchor(h, "Link to section "+number)
}

// nameAnchor names the link to a heading: its text, #, says nothing to a
// screen reader.
func nameAnchor(h *ast.Heading, name string) {
	for c := h.FirstChild(); c != nil; c = c.NextSibling() {
		if a, ok := c.(*anchor.Node); ok {
			a.SetAttributeString("aria-label", []byte(name))
		}
	}
}

// headingAttrs checks the attribute block that may end a heading's line,
// and returns the heading's verdict, if it has one. A heading takes an id,
// {#sec-name}, and a claim's heading a verdict too, {#sec-name
// verdict=false}: goldmark would take classes and other attributes too,
// and leave a block it cannot read in the heading's text.
func (b *builder) headingAttrs(h *ast.Heading) verdict {
	src := b.src
	for c := h.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			if i := bytes.Index(t.Segment.Value(src), []byte("{#")); i >= 0 {
				addError(b.pc, t.Segment.Start+i, "malformed heading attributes: a heading ends with its id, as in ## Title {#sec-name}")
				return ""
			}
		}
	}
	if h.Lines().Len() == 0 {
		return ""
	}
	// Goldmark cut the block it read from the end of the heading's text.
	start := h.Lines().At(h.Lines().Len() - 1).Stop
	for start < len(src) && (src[start] == ' ' || src[start] == '\t') {
		start++
	}
	if start >= len(src) || src[start] != '{' {
		return ""
	}
	end := start + bytes.IndexByte(src[start:], '\n')
	if end < start {
		end = len(src)
	}
	block := bytes.TrimRight(src[start:end], " \t\r")
	attrs, size, err := parseAttrs(block, start)
	var v verdict
	if err == nil && len(attrs.Attrs) == 1 && attrs.Attrs[0].Key == "verdict" {
		a := attrs.Attrs[0]
		if v = verdict(a.Value); v.badge() == "" {
			addError(b.pc, a.Offset, "a claim's verdict must be %s, got %q", verdictNames(), a.Value)
			v = ""
		}
		attrs.Attrs = nil
	}
	switch {
	case err == nil && len(attrs.Attrs) > 0:
		addError(b.pc, attrs.Attrs[0].Offset, "malformed heading attributes %s: a heading takes only an id, and a claim a verdict, as in {#sec-name} or {#sec-claim verdict=false}", block)
	case (err != nil || !validID(attrs.ID, "")) && bytes.HasPrefix(block, []byte("{#")) && !bytes.ContainsAny(block, " \t="):
		addError(b.pc, start, "malformed heading attributes %s: an id uses lower-case letters, digits and hyphens, as in {#sec-name}", block)
	case err != nil || size != len(block) || !validID(attrs.ID, ""):
		addError(b.pc, start, "malformed heading attributes %s: a heading takes only an id, as in {#sec-name}", block)
	}
	return v
}

// titleHTML returns a heading's title as HTML for the table of contents:
// its text, math and code, without emphasis, links or anchors.
func titleHTML(h *ast.Heading, src []byte, math *mathSession) template.HTML {
	var b strings.Builder
	ast.Walk(h, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		switch c := c.(type) {
		case *ast.Text:
			if entering {
				b.WriteString(html.EscapeString(string(c.Segment.Value(src))))
				if c.SoftLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			// The typographer's quotes and dashes are entities, marked
			// as code; anything else is text.
			if entering && c.IsCode() {
				b.Write(c.Value)
			} else if entering {
				b.WriteString(html.EscapeString(string(c.Value)))
			}
		case *ast.CodeSpan:
			if entering {
				b.WriteString("<code>")
			} else {
				b.WriteString("</code>")
			}
		case *mathNode:
			if entering {
				b.WriteString(math.inline(c))
			}
		case *anchor.Node, *secNumNode, *verdictNode:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return template.HTML(strings.TrimSpace(b.String()))
}
