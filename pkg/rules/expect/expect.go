// Package expect states what a rule expects of one setting of a resource
// type, as data: where the setting is (through nested blocks), what value is
// wrong, and what it means when the setting is left out. Rules made of such
// expectations are a table plus one call to Judge.
package expect

import (
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Setting is one expectation.
type Setting struct {
	// Type is the Terraform resource type.
	Type string
	// Path leads through nested blocks to the attribute; every block on the
	// way may repeat, and each repetition is judged.
	Path []string
	// Wrong returns a message when the value breaks the expectation.
	Wrong func(v resource.Value) (msg string, wrong bool)
	// Missing is the message when the attribute (or a block on the way) is
	// absent; empty means absence is fine (the provider's default is safe).
	Missing string
	// MissingBlock, when set, is the message when a block on the way is
	// absent, and Missing then concerns the attribute alone. It is for
	// settings whose block left out leaves an unsafe service default while
	// the attribute left out of a present block takes a safe provider default.
	MissingBlock string
	// What says what is being decided, for "cannot be decided statically".
	What string
	// When limits the expectation to resources where it returns true.
	When func(r *resource.Resource) bool
}

// Types returns the resource types of settings, for a rule's Types.
func Types(settings []Setting) []string {
	var out []string
	for _, s := range settings {
		if !slices.Contains(out, s.Type) {
			out = append(out, s.Type)
		}
	}
	return out
}

// Judge applies the settings of r's type to r.
func Judge(p *rule.Pass, r *resource.Resource, settings []Setting) {
	for i := range settings {
		s := &settings[i]
		if s.Type != r.Type || (s.When != nil && !s.When(r)) {
			continue
		}
		judge(p, r, s, r.Value(), s.Path)
	}
}

func judge(p *rule.Pass, r *resource.Resource, s *Setting, v resource.Value, path []string) {
	next := v.Get(path[0])
	if next.IsUnknown() {
		p.Undecidable(r, next, s.What)
		return
	}
	if len(path) == 1 {
		if next.IsNull() {
			if s.Missing != "" {
				p.ReportValue(r, v, "%s", s.Missing)
			}
			return
		}
		if msg, wrong := s.Wrong(next); wrong {
			p.ReportValue(r, next, "%s", msg)
		}
		return
	}
	blocks := next.List()
	if len(blocks) == 0 {
		msg := s.Missing
		if s.MissingBlock != "" {
			msg = s.MissingBlock
		}
		if msg != "" {
			p.ReportValue(r, v, "%s", msg)
		}
		return
	}
	for _, b := range blocks {
		judge(p, r, s, b, path[1:])
	}
}

// IsFalse is wrong when the value is false (or "false").
func IsFalse(msg string) func(resource.Value) (string, bool) {
	return func(v resource.Value) (string, bool) {
		b, ok := v.Bool()
		return msg, ok && !b
	}
}

// IsTrue is wrong when the value is true (or "true").
func IsTrue(msg string) func(resource.Value) (string, bool) {
	return func(v resource.Value) (string, bool) {
		b, ok := v.Bool()
		return msg, ok && b
	}
}

// OneOf is wrong when the value, compared without case, is one of bad.
func OneOf(msg string, bad ...string) func(resource.Value) (string, bool) {
	return func(v resource.Value) (string, bool) {
		s, ok := v.Str()
		if !ok {
			return "", false
		}
		for _, b := range bad {
			if strings.EqualFold(s, b) {
				return strings.ReplaceAll(msg, "%v", s), true
			}
		}
		return "", false
	}
}

// NoneOf is wrong when the value, compared without case, is not one of good.
func NoneOf(msg string, good ...string) func(resource.Value) (string, bool) {
	return func(v resource.Value) (string, bool) {
		s, ok := v.Str()
		if !ok {
			return "", false
		}
		for _, g := range good {
			if strings.EqualFold(s, g) {
				return "", false
			}
		}
		return strings.ReplaceAll(msg, "%v", s), true
	}
}
