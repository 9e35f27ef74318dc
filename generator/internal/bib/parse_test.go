package bib

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Entry // Key, Type, Fields, Line and Col are compared
	}{{
		name: "value forms",
		src: `@string{ml = "Machine Learning"}
@Article{Doe2015,
  Author  = {Doe, Jane},
  TITLE   = {A {Nested {Brace}} Title},
  journal = "Journal of " # ml # {, Series } # 2,
  year    = 2015,
  month   = jan,
}`,
		want: []Entry{{Key: "Doe2015", Type: "article", Line: 2, Col: 1, Fields: map[string]string{
			"author":  "Doe, Jane",
			"title":   "A Nested Brace Title",
			"journal": "Journal of Machine Learning, Series 2",
			"year":    "2015",
			"month":   "January",
		}}},
	}, {
		name: "parentheses, no trailing comma, indented",
		src:  "\n  @MISC( k2 , title = \"T\" , note={a \"quoted\" word} )",
		want: []Entry{{Key: "k2", Type: "misc", Line: 2, Col: 3, Fields: map[string]string{
			"title": "T", "note": `a "quoted" word`,
		}}},
	}, {
		name: "quote inside braces of a quoted value",
		src:  `@misc{q, title = "A {"}quoted{"} word"}`,
		want: []Entry{{Key: "q", Type: "misc", Line: 1, Col: 1, Fields: map[string]string{
			"title": `A "quoted" word`,
		}}},
	}, {
		name: "comments, preamble and text between entries",
		src: `This file is maintained by hand.
% mail me@example.com with corrections
@comment{ @article{old, title = {gone}} }
@comment this bare word is ignored too
@preamble{ "\newcommand{\noop}[1]{}" # "x" }
@misc{only, title = {Kept}}
trailing words`,
		want: []Entry{{Key: "only", Type: "misc", Line: 6, Col: 1, Fields: map[string]string{"title": "Kept"}}},
	}, {
		name: "latex and whitespace",
		src: `@misc{tex, title = {Sch{\"o}n and Caf\'e --- na\"{\i}ve~test
     \& {\ss} \o{} \v{c} \'{\i} ` + "``q''" + ` 1--2 $O(n^{-1})$ \emph{x}},
  note = {  A	multi-line
            note },
  url = {https://example.com/~user/a--b\_c},
  doi = { 10.1000/a\_b }}`,
		want: []Entry{{Key: "tex", Type: "misc", Line: 1, Col: 1, Fields: map[string]string{
			"title": "Schön and Café — naïve\u00a0test & ß ø č í “q” 1–2 $O(n^{-1})$ x",
			"note":  "A multi-line note",
			"url":   "https://example.com/~user/a--b_c",
			"doi":   "10.1000/a_b",
		}}},
	}, {
		name: "abbreviations ignore case, later definition wins",
		src: `@string{Conf = "old"}
@STRING(conf = {NeurIPS})
@misc{c, title = CONF, year = "20" # 24}`,
		want: []Entry{{Key: "c", Type: "misc", Line: 3, Col: 1, Fields: map[string]string{
			"title": "NeurIPS", "year": "2024",
		}}},
	}, {
		name: "entry without fields of an unchecked type",
		src:  `@unpublished{u}`,
		want: []Entry{{Key: "u", Type: "unpublished", Line: 1, Col: 1, Fields: map[string]string{}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse("refs.bib", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []Entry
			for _, k := range b.Keys() {
				e, _ := b.Lookup(k)
				got = append(got, Entry{Key: e.Key, Type: e.Type, Fields: e.Fields, Line: e.Line, Col: e.Col})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // err.Error() without the "refs.bib:" prefixes
	}{
		{"missing title", "@article{a,\n  author = {X},\n  year = 2015,\n}",
			"1:1: entry a: missing field title"},
		{"missing author and year", "\n  @article{a, title = {T}}",
			"2:3: entry a: missing field author or editor\n2:3: entry a: missing field year"},
		{"empty field counts as missing", "@book{a, editor = {E}, title = { }, year = 2004}",
			"1:1: entry a: missing field title"},
		{"misc needs a title", "@misc{m, note = {x}}",
			"1:1: entry m: missing field title"},
		{"unterminated entry at end of file", "@article{a, title = {T}, year = 2015",
			"1:1: entry a: unterminated entry, missing }"},
		{"unterminated entry before the next", "@misc{a, title = {T}\n\n@misc(b, title = {U}",
			"1:1: entry a: unterminated entry, missing }\n3:1: entry b: unterminated entry, missing )"},
		{"value swallowing the entry closer", "@misc{a, title = {The {Loss Surfaces},\n  year = 2015}\n\n@misc{b, title = {U}}",
			"1:18: entry a: unterminated entry, probably unbalanced braces in field title"},
		{"quoted value swallowing the entry closer", "@misc{a, title = \"The {Loss\",\n  year = 2015}\"\n\n@misc{b, title = {U}}",
			"1:18: entry a: unterminated entry, probably unbalanced braces in field title"},
		{"unbalanced braces in value", "@misc{a, title = {The {Loss Surfaces,\n  year = 2015}\n\n@misc{b, title = {U}}\n@misc{b, title = {V}}",
			"1:18: entry a: unterminated value of field title, missing }\n5:7: entry b: duplicate key, first defined on line 4"},
		{"unterminated quote", `@misc{a, title = "T`,
			`1:18: entry a: unterminated value of field title, missing "`},
		{"unbalanced brace in quotes", `@misc{a, title = "T}", year = 1}`,
			"1:20: entry a: unbalanced } in value of field title"},
		{"missing key", "@article{\n  title = {T},\n}",
			"2:3: @article: missing key"},
		{"empty key", "@misc{, title = {T}}",
			"1:7: @misc: missing key"},
		{"missing comma after key", "@misc{a b, title = {T}}",
			"1:9: entry a: missing comma after key"},
		{"missing comma between fields", "@misc{a,\n  title = {T}\n  note = {N},\n}",
			"3:3: entry a: missing comma before field note"},
		{"junk after value", "@misc{a, title = {T}; note = {N}}",
			`1:21: entry a: unexpected ";" after field title`},
		{"junk instead of field name", "@misc{a, ;title = {T}}",
			`1:10: entry a: unexpected ";", expected field name`},
		{"missing equals", "@misc{a, title {T}}",
			"1:16: entry a: expected = after field title"},
		{"missing value", "@misc{a, title = , note = {N}}",
			"1:18: entry a: missing value for field title"},
		{"missing value after #", "@misc{a, title = {T} # }",
			"1:24: entry a: missing value after # in field title"},
		{"bare non-number", "@misc{a, title = {T}, pages = 12-15}",
			"1:31: entry a: value 12-15 of field pages must be in braces or quotes"},
		{"duplicate key", "@misc{a, title = {T}}\n@misc{a, title = {U}}",
			"2:7: entry a: duplicate key, first defined on line 1"},
		{"duplicate key differing in case", "@misc{a, title = {T}}\n\n@misc{A, title = {U}}",
			"3:7: entry A: duplicate key, first defined as a on line 1"},
		{"duplicate field", "@misc{a,\n title = {T},\n Title = {U}}",
			"3:2: entry a: duplicate field title, first set on line 2"},
		{"unknown abbreviation", "@misc{a, title = foo # {bar}}",
			"1:18: entry a: unknown @string abbreviation foo"},
		{"abbreviation used before its definition", "@misc{a, title = later}\n@string{later = {L}}",
			"1:18: entry a: unknown @string abbreviation later"},
		{"string without value", "@string{foo = }",
			"1:15: @string: missing value for abbreviation foo"},
		{"invalid UTF-8, once per line", "@misc{a, title = {\xff\xfe},\n note = {\xff}}",
			"1:19: invalid UTF-8 encoding\n2:10: invalid UTF-8 encoding"},
		{"no entry type", "@{a, title = {T}}",
			"1:2: expected entry type after @"},
		{"no delimiter", "@misc a",
			"1:7: expected { or ( after @misc"},
		{"unterminated comment", "@comment{ {x}\n@misc{a, title = {T}}",
			"1:1: unterminated @comment, missing }"},
		{"unterminated preamble", `@preamble{ "x" `,
			"1:1: @preamble: unterminated entry, missing }"},
		{"errors sorted by position", "@article{a,\n  title = {T},\n  title = {U},\n  year = nope,\n}",
			"1:1: entry a: missing field author or editor\n3:3: entry a: duplicate field title, first set on line 2\n4:10: entry a: unknown @string abbreviation nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("refs.bib", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want\n%s", tt.want)
			}
			want := "refs.bib:" + strings.ReplaceAll(tt.want, "\n", "\nrefs.bib:")
			if got := err.Error(); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// After an error the entries that could be read stay available, so the
// generator can go on to check citations in the same run.
func TestParseRecovers(t *testing.T) {
	src := `@misc{a, title = {The {Loss}

@misc{b, title = {B}}
@misc{c, title = {C}
@misc{d, title = {D} year = 1}`
	b, err := Parse("refs.bib", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("want an ErrorList of 3, got %v", err)
	}
	if got, want := b.Keys(), []string{"b", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	if e, ok := b.Lookup("d"); !ok || e.Fields["year"] != "1" {
		t.Errorf("Lookup(d) = %+v, %v", e, ok)
	}
}

func TestErrorList(t *testing.T) {
	_, err := Parse("content/references.bib", []byte("@misc{a}\n@misc{a, title = {T}}"))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %T is not an ErrorList", err)
	}
	var first *Error
	if !errors.As(err, &first) || first.Line != 1 || first.Col != 1 || first.File != "content/references.bib" {
		t.Errorf("errors.As(*Error) gave %+v", first)
	}
	want := "content/references.bib:1:1: entry a: missing field title\n" +
		"content/references.bib:2:7: entry a: duplicate key, first defined on line 1"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	if got := (&Error{Line: 3, Col: 4, Msg: "m"}).Error(); got != "3:4: m" {
		t.Errorf("without a file: %q", got)
	}
}

func TestLookup(t *testing.T) {
	b, err := Parse("refs.bib", []byte("@misc{Zed, title={Z}} @misc{alpha, title={A}}"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Keys(), []string{"Zed", "alpha"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	if _, ok := b.Lookup("zed"); ok {
		t.Error("Lookup should match keys exactly")
	}
	var nilBib *Bibliography
	if _, ok := nilBib.Lookup("a"); ok || nilBib.Keys() != nil {
		t.Error("a nil Bibliography should be empty")
	}
}
