package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestListSortsDedupesAndPrintsEveryError(t *testing.T) {
	var l List
	l.Add(Pos{File: "b.md", Line: 2, Col: 1}, "second file")
	l.Add(Pos{File: "a.md", Line: 10, Col: 3}, "later line")
	l.Add(Pos{File: "a.md", Line: 2, Col: 7}, "later column")
	l.Add(Pos{File: "a.md", Line: 2, Col: 1}, "first")
	l.Add(Pos{File: "a.md", Line: 2, Col: 1}, "first")
	l.Add(Pos{File: "a.md"}, "whole file")
	const want = "a.md: whole file\na.md:2:1: first\na.md:2:7: later column\na.md:10:3: later line\nb.md:2:1: second file"
	if got := l.Err().Error(); got != want {
		t.Errorf("Error() =\n%s\nwant:\n%s", got, want)
	}
	if (List{}).Err() != nil {
		t.Error("an empty list is an error")
	}
}

func TestMerge(t *testing.T) {
	var l List
	l.Merge(Pos{File: "x"}, nil)
	l.Merge(Pos{File: "x"}, List{Errorf(Pos{File: "a", Line: 1}, "one"), Errorf(Pos{File: "a", Line: 2}, "two")})
	l.Merge(Pos{File: "x"}, fmt.Errorf("wrapped: %w", Errorf(Pos{File: "b", Line: 3, Col: 4}, "three")))
	l.Merge(Pos{File: "c"}, errors.New("plain"))
	got := l.Err().Error()
	if got != "a:1: one\na:2: two\nb:3:4: three\nc: plain" {
		t.Errorf("merged:\n%s", got)
	}
}
