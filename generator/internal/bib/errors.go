package bib

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in a bibliography file, positioned so that
// editors and terminals can jump to it.
type Error struct {
	File      string // display path given to Parse
	Line, Col int    // 1-based; Col counts bytes, as the Go toolchain does
	Msg       string // lower case, without a trailing period
}

// Error formats e as "file:line:col: message".
func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ErrorList is every problem Parse found, sorted by position. It is a
// slice so that callers can append errors from other inputs to it.
type ErrorList []*Error

// Error returns the errors one per line.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap exposes the individual errors to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort orders the list by file, line and column. Errors at the same
// position keep their order, which is the order they were found in.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
