package resource

import (
	"fmt"
	"strconv"
)

// Location is a position in an input file. Line and Column are 1-based; zero
// means unknown. Document is the 0-based index of the YAML document within a
// multi-document file, or -1 when the file is not a document stream.
type Location struct {
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
	Document  int    `json:"document,omitempty"`
}

// String renders the location as file:line:column, leaving out what is unknown.
func (l Location) String() string {
	s := l.File
	if s == "" {
		s = "<input>"
	}
	if l.Line > 0 {
		s += ":" + strconv.Itoa(l.Line)
		if l.Column > 0 {
			s += ":" + strconv.Itoa(l.Column)
		}
	}
	if l.Document > 0 {
		s += fmt.Sprintf(" (document %d)", l.Document+1)
	}
	return s
}

// IsZero reports whether nothing is known about the location.
func (l Location) IsZero() bool { return l.File == "" && l.Line == 0 }

// A Locator maps an attribute path of a resource to where that attribute is
// written. Implementations fall back to the nearest enclosing element they know,
// and finally to the resource itself.
type Locator interface {
	Locate(p Path) Location
}

// LocatorFunc adapts a function to a Locator.
type LocatorFunc func(p Path) Location

// Locate calls f.
func (f LocatorFunc) Locate(p Path) Location { return f(p) }
