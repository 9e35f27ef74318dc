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
	yamlType    = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\w+)$")
)

// YAML splits an error of yaml.v3's decoder into its messages, each with
// its line, reworded for an author: an unknown key is named with the keys
// that are known, a value of the wrong type with the type wanted.
func YAML(err error, known []string) []LineError {
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
			out = append(out, LineError{0, strings.TrimPrefix(msg, "yaml: ")})
			continue
		}
		line, _ := strconv.Atoi(m[1])
		out = append(out, LineError{line, explainYAML(m[2], known)})
	}
	return out
}

func explainYAML(msg string, known []string) string {
	if m := yamlUnknown.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown field %s (known fields: %s)", m[1], strings.Join(known, ", "))
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
