package waiver_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

// render writes w back in canonical waiver syntax, every value quoted.
func render(w *waiver.Inline) string {
	quote := func(s string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	}
	var b strings.Builder
	b.WriteString(waiver.Marker + " " + strings.Join(w.Rules, ","))
	for _, kv := range [][2]string{{"reason", w.Reason}, {"expires", w.Expires}, {"owner", w.Owner}, {"ticket", w.Ticket}, {"approved-by", w.ApprovedBy}} {
		if kv[1] != "" {
			b.WriteString(" " + kv[0] + "=" + quote(kv[1]))
		}
	}
	return b.String()
}

// FuzzParse checks that Parse never panics, that what it accepts is
// well-formed, and that a waiver rendered back in canonical form parses to
// the same waiver. It also runs SplitAnnotation and FromComment over the
// same text.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`guardrail:ignore GR-PORT-001,GR-PORT-004 reason="bastion, VPN only" expires=2027-01-31 owner=alice ticket=CHG-1234`,
		`GR-PORT-001 reason="say \"hi\" to C:\\temp" owner="a b"`,
		"guardrail:ignore GR-PORT-001\n reason=\"x\"\r\n expires=2028-02-29",
		`GR-PORT-001 reason="a"owner=b`,
		`GR-PORT-001 reason="a; b"; GR-PORT-002 reason=c`,
		`GR-PORT-001 reason=a reason=b`,
		`GR-PORT-001 reason="open\"`,
		`GR-PORT-* reason=x`,
		`guardrail:ignore`,
		`CKV_AWS_24 =x`,
		`GR-PORT-001 expires=2027-02-30`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, part := range waiver.SplitAnnotation(text) {
			if part == "" || part != strings.TrimSpace(part) {
				t.Fatalf("SplitAnnotation(%q) returned %q", text, part)
			}
		}
		if c, ok := waiver.FromComment("# " + text); ok && !strings.HasPrefix(c, waiver.Marker) {
			t.Fatalf("FromComment returned %q without the marker", c)
		}
		w, err := waiver.Parse(text)
		if err != nil {
			if len(err.Error()) > 300 {
				t.Fatalf("error message is %d bytes long", len(err.Error()))
			}
			return
		}
		if len(w.Rules) == 0 {
			t.Fatalf("Parse(%q) accepted a waiver without rules", text)
		}
		for _, id := range w.Rules {
			if id == "" || strings.ContainsAny(id, " \t\r\n,=\"") {
				t.Fatalf("Parse(%q) returned rule ID %q", text, id)
			}
		}
		if (w.Expires == "") != w.Expiry.IsZero() {
			t.Fatalf("Parse(%q): Expires %q but Expiry %v", text, w.Expires, w.Expiry)
		}
		if w.Reason != strings.TrimSpace(w.Reason) {
			t.Fatalf("Parse(%q): reason %q is not trimmed", text, w.Reason)
		}
		canon := render(w)
		if len(canon) > waiver.MaxTextBytes {
			return
		}
		again, err := waiver.Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) = %+v, rendered as %q, which does not parse: %v", text, w, canon, err)
		}
		if !reflect.DeepEqual(w, again) {
			t.Fatalf("round trip changed the waiver:\n text   %q\n first  %+v\n canon  %q\n second %+v", text, w, canon, again)
		}
	})
}
