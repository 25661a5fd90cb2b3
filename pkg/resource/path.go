package resource

import (
	"strconv"
	"strings"
)

// Step is one step of a Path: a map key, or a list index when Key is empty
// and Index is not negative.
type Step struct {
	Key   string
	Index int
}

// Path addresses an attribute inside a resource, for example
// spec.template.spec.containers[0].ports[1].hostPort or ingress[0].cidr_blocks.
type Path []Step

// Key returns a step into a map.
func Key(k string) Step { return Step{Key: k, Index: -1} }

// Index returns a step into a list.
func Index(i int) Step { return Step{Index: i} }

// IsIndex reports whether the step is a list index.
func (s Step) IsIndex() bool { return s.Key == "" && s.Index >= 0 }

// Append returns a new path with the steps added; p itself is not changed.
func (p Path) Append(steps ...Step) Path {
	out := make(Path, len(p), len(p)+len(steps))
	copy(out, p)
	return append(out, steps...)
}

// String renders the path in dotted form with [i] for list indexes.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		if s.IsIndex() {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.Index))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		if needsQuoting(s.Key) {
			b.WriteString(strconv.Quote(s.Key))
		} else {
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

func needsQuoting(k string) bool {
	if k == "" {
		return true
	}
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '/':
		default:
			return true
		}
	}
	return false
}

// ParsePath parses the dotted form String produces. Keys containing dots or
// brackets must be quoted, as String quotes them.
func ParsePath(s string) (Path, error) {
	var p Path
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '.':
			i++
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, &PathError{Path: s, Reason: "unclosed '['"}
			}
			n, err := strconv.Atoi(s[i+1 : i+end])
			if err != nil || n < 0 {
				return nil, &PathError{Path: s, Reason: "list index must be a non-negative integer"}
			}
			p = append(p, Index(n))
			i += end + 1
		case c == '"':
			q, err := strconv.QuotedPrefix(s[i:])
			if err != nil {
				return nil, &PathError{Path: s, Reason: "bad quoted key"}
			}
			k, _ := strconv.Unquote(q)
			p = append(p, Key(k))
			i += len(q)
		default:
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			p = append(p, Key(s[i:j]))
			i = j
		}
	}
	return p, nil
}

// PathError reports a malformed path.
type PathError struct {
	Path, Reason string
}

// Error names the path and what is wrong with it.
func (e *PathError) Error() string { return "path " + strconv.Quote(e.Path) + ": " + e.Reason }
