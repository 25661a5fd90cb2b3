package waiver

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Marker starts an inline waiver in a comment.
const Marker = "guardrail:ignore"

// AnnotationKey is the Kubernetes annotation, and Terraform tag, holding inline waivers.
const AnnotationKey = "guardrail.dev/ignore"

// MaxTextBytes bounds one waiver's text.
const MaxTextBytes = 4096

// Inline is one parsed inline waiver.
type Inline struct {
	// Rules are the rule IDs (or peer IDs) the waiver names.
	Rules   []string
	Reason  string
	Expires string
	// Expiry is the end of the Expires day in UTC; zero when none.
	Expiry time.Time
	Owner  string
	Ticket string
	// ApprovedBy names who approved the waiver (approved-by=), which counts
	// only in HCL comments, as an unsigned approval: a waiver in a Kubernetes
	// annotation or a plan's tag is approved with the change that carries it.
	ApprovedBy string
}

// Expired reports whether the waiver is past its expiry at now.
func (w *Inline) Expired(now time.Time) bool { return !w.Expiry.IsZero() && now.After(w.Expiry) }

var ruleIDRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]$`)

// Parse parses waiver text: rule IDs separated by commas, then key=value
// pairs (reason, expires, owner, ticket, approved-by); values with spaces are quoted with
// double quotes and may use \" and \\ escapes. A leading "guardrail:ignore"
// marker is accepted and skipped. Keys compare without case, and each may be
// given once; expires is a date, YYYY-MM-DD, through the end of which (UTC)
// the waiver applies.
func Parse(text string) (*Inline, error) {
	if len(text) > MaxTextBytes {
		return nil, fmt.Errorf("waiver text is longer than %d bytes", MaxTextBytes)
	}
	s := strings.TrimSpace(text)
	if rest, ok := strings.CutPrefix(s, Marker); ok && (rest == "" || spaceAt(rest) == 0) {
		s = strings.TrimSpace(rest)
	}
	w := &Inline{}
	// Rule IDs: one comma-separated list, with spaces allowed next to the
	// commas, so that a reason written as prose is an error rather than
	// more rule IDs.
	more := true
	for s != "" {
		end := spaceAt(s)
		tok := s
		if end >= 0 {
			tok = s[:end]
		}
		if strings.Contains(tok, "=") || !more && !strings.HasPrefix(tok, ",") {
			break
		}
		more = strings.HasSuffix(tok, ",")
		for _, id := range strings.Split(tok, ",") {
			if id == "" || slices.Contains(w.Rules, id) {
				continue
			}
			if !ruleIDRE.MatchString(id) {
				return nil, fmt.Errorf("%q is not a rule ID", cut(id))
			}
			w.Rules = append(w.Rules, id)
		}
		s = strings.TrimSpace(s[len(tok):])
	}
	if len(w.Rules) == 0 {
		return nil, fmt.Errorf("no rule ID: write %s GR-XXX-NNN reason=\"...\"", Marker)
	}
	seen := map[string]bool{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || spaceAt(s[:eq]) >= 0 {
			return nil, fmt.Errorf(`expected key=value, found %q: rule IDs are separated by commas, and text goes in reason="..."`, cut(s))
		}
		key := strings.ToLower(s[:eq])
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated quoted value of %q", cut(key))
			}
			val, s = b.String(), s[i+1:]
		} else {
			end := spaceAt(s)
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
		}
		s = strings.TrimSpace(s)
		if seen[key] {
			return nil, fmt.Errorf("%q is given twice", cut(key))
		}
		seen[key] = true
		switch key {
		case "reason":
			w.Reason = strings.TrimSpace(val)
		case "expires":
			t, err := time.Parse(time.DateOnly, val)
			if err != nil {
				return nil, fmt.Errorf("expires=%q is not a date (YYYY-MM-DD)", cut(val))
			}
			w.Expires, w.Expiry = val, t.Add(24*time.Hour-time.Nanosecond)
		case "owner":
			w.Owner = val
		case "ticket":
			w.Ticket = val
		case "approved-by":
			w.ApprovedBy = strings.TrimSpace(val)
		default:
			return nil, fmt.Errorf("unknown key %q (want reason, expires, owner, ticket or approved-by)", cut(key))
		}
	}
	return w, nil
}

// spaceAt returns the index of the first white space byte in s, or -1.
// Waivers in block comments span lines, so line breaks separate too.
func spaceAt(s string) int { return strings.IndexAny(s, " \t\r\n\v\f") }

// cut clips text quoted in an error to its first 40 bytes, at a rune boundary.
func cut(s string) string {
	if len(s) <= 40 {
		return s
	}
	n := 40
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// SplitAnnotation splits an annotation or tag value holding several waivers,
// one a line or separated by semicolons outside quotes.
func SplitAnnotation(v string) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && inQuote && i+1 < len(v):
			cur.WriteByte(c)
			i++
			c = v[i]
		case c == '"':
			inQuote = !inQuote
		case (c == ';' || c == '\n') && !inQuote:
			flush()
			continue
		}
		cur.WriteByte(c)
	}
	flush()
	return out
}

// FromComment extracts the waiver text from a comment token ("# ...", "// ...",
// "/* ... */"); ok is false when the comment holds no waiver marker.
func FromComment(comment string) (text string, ok bool) {
	c := strings.TrimSpace(comment)
	switch {
	case strings.HasPrefix(c, "#"):
		c = c[1:]
	case strings.HasPrefix(c, "//"):
		c = c[2:]
	case strings.HasPrefix(c, "/*"):
		c = strings.TrimSuffix(c[2:], "*/")
	default:
		return "", false
	}
	c = strings.TrimSpace(c)
	rest, ok := strings.CutPrefix(c, Marker)
	if !ok || rest != "" && spaceAt(rest) != 0 {
		// guardrail:ignored, guardrail:ignore-next-line... are prose, not waivers.
		return "", false
	}
	return c, true
}
