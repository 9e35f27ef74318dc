package diag

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// A LineError is a message about a line of a YAML document; Line is 0
// when the message names none.
type LineError struct {
	Line int
	Msg  string
}

var (
	yamlLine    = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnknown = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	yamlDefined = regexp.MustCompile(`defined at line \d+`)
	yamlType    = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\w+)$")
	// yamlKind is a value of the wrong kind: a list or a mapping where a
	// scalar belongs, or the other way round.
	yamlKind = regexp.MustCompile(`^cannot unmarshal !!(\w+) into (\S+)$`)
)

// yamlKinds name YAML's kinds of value, and the Go types decoded into,
// for an author.
var yamlKinds = map[string]string{
	"seq": "a list", "map": "key: value lines", "str": "text", "int": "an integer",
	"bool": "true or false", "float": "a number", "null": "nothing", "timestamp": "a date",
	"string": "text", "float64": "a number",
}

// yamlSyntax rewords the parser's messages an author meets most.
var yamlSyntax = map[string]string{
	"found unexpected end of stream":                        "a quoted value is never closed: close its quote",
	"mapping values are not allowed in this context":        "unexpected colon: a value that holds \": \" needs quotes, and each key: value starts a line of its own, not indented",
	"could not find expected ':'":                           "a line lacks the colon after its key (write key: value)",
	"did not find expected key":                             "unexpected text: every line is key: value, indented like the others",
	"found character that cannot start any token":           "a value cannot start with this character: quote the value",
	"found a tab character that violates indentation":       "a tab indents a line here: indent with spaces",
	"did not find expected alphabetic or numeric character": "a value cannot start with * or &: quote the value",
}

// YAML splits an error of yaml.v3's decoder into its messages, each with
// its line, reworded for an author: an unknown key is named with the keys
// that are known, a value of the wrong type with the type wanted. The
// YAML starts on line first of its file (1 for a file of its own, 2 for
// front matter after its ---); lines, in positions and in messages, are
// the file's.
func YAML(err error, known []string, first int) []LineError {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out []LineError
	for _, msg := range msgs {
		m := yamlLine.FindStringSubmatch(strings.TrimSpace(msg))
		if m == nil {
			msg = strings.TrimPrefix(msg, "yaml: ")
			line := 0
			if _, syntax := yamlSyntax[msg]; syntax {
				line = first // yaml.v3 leaves out the line when it is the first
			}
			out = append(out, LineError{line, explainYAML(msg, known)})
			continue
		}
		line, _ := strconv.Atoi(m[1])
		msg := yamlDefined.ReplaceAllStringFunc(m[2], func(s string) string {
			n, _ := strconv.Atoi(strings.TrimPrefix(s, "defined at line "))
			return fmt.Sprintf("defined at line %d", n+first-1)
		})
		out = append(out, LineError{line + first - 1, explainYAML(msg, known)})
	}
	return out
}

func explainYAML(msg string, known []string) string {
	if m := yamlUnknown.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown field %s (known fields: %s)", m[1], strings.Join(known, ", "))
	}
	if m := yamlKind.FindStringSubmatch(msg); m != nil {
		want := yamlKinds[m[2]]
		if want == "" { // a struct: the whole document
			want = "key: value lines"
		}
		return fmt.Sprintf("want %s, got %s", want, yamlKinds[m[1]])
	}
	if strings.HasPrefix(msg, "unknown anchor ") {
		return "a value that starts with * refers to an anchor: quote the value"
	}
	if s, ok := yamlSyntax[msg]; ok {
		return s
	}
	if m := yamlType.FindStringSubmatch(msg); m != nil {
		want := map[string]string{"int": "an integer", "bool": "true or false", "string": "text"}[m[3]]
		if want == "" {
			want = m[3]
		}
		return fmt.Sprintf("want %s, got %q", want, m[2])
	}
	return msg
}
