package waiver_test

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

func TestParse(t *testing.T) {
	endOf := func(day string) time.Time {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(24*time.Hour - time.Nanosecond)
	}
	for _, tc := range []struct {
		name, text string
		want       *waiver.Inline
	}{
		{
			name: "full",
			text: `guardrail:ignore GR-PORT-001,GR-PORT-004 reason="bastion, VPN only" expires=2027-01-31 owner=alice ticket=CHG-1234`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001", "GR-PORT-004"}, Reason: "bastion, VPN only", Expires: "2027-01-31",
				Expiry: endOf("2027-01-31"), Owner: "alice", Ticket: "CHG-1234"},
		},
		{
			name: "without the marker",
			text: `GR-PORT-001 reason=temporary`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "temporary"},
		},
		{
			name: "ids separated by commas with spaces around them, duplicates once",
			text: `guardrail:ignore GR-PORT-001, GR-PORT-002 ,GR-PORT-001 , CKV_AWS_24, reason=x`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001", "GR-PORT-002", "CKV_AWS_24"}, Reason: "x"},
		},
		{
			name: "peer ids of every shape",
			text: `guardrail:ignore CKV_K8S_16,AWS-0107,KSV-0017,host-pid,runAsPrivileged,disallow-host-namespaces,AC_AWS_0227,CKV2_AWS_5,x.y reason=peers`,
			want: &waiver.Inline{Rules: []string{"CKV_K8S_16", "AWS-0107", "KSV-0017", "host-pid", "runAsPrivileged", "disallow-host-namespaces",
				"AC_AWS_0227", "CKV2_AWS_5", "x.y"}, Reason: "peers"},
		},
		{
			name: "escaped quotes and backslashes",
			text: `guardrail:ignore GR-PORT-001 reason="say \"hi\" to C:\\temp" owner="a b"`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: `say "hi" to C:\temp`, Owner: "a b"},
		},
		{
			name: "other escapes keep the escaped character",
			text: `guardrail:ignore GR-PORT-001 reason="tab\t and \n"`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "tabt and n"},
		},
		{
			name: "quoted value with = and ; inside",
			text: `guardrail:ignore GR-PORT-001 reason="a=b; c=d" ticket="X=1"`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "a=b; c=d", Ticket: "X=1"},
		},
		{
			name: "unquoted value holding =",
			text: `guardrail:ignore GR-PORT-001 reason=ok ticket=a=b`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "ok", Ticket: "a=b"},
		},
		{
			name: "keys in any case and order, spaces around",
			text: "  guardrail:ignore\tGR-PORT-001\t\tTicket=T-1   REASON=\"why\"   Expires=2026-12-01  ",
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "why", Ticket: "T-1", Expires: "2026-12-01", Expiry: endOf("2026-12-01")},
		},
		{
			name: "reason trimmed, empty reason allowed here and refused when applied",
			text: `guardrail:ignore GR-PORT-001 reason="  "`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}},
		},
		{
			name: "no reason at all",
			text: `guardrail:ignore GR-PORT-001`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}},
		},
		{
			name: "a block comment spanning lines",
			text: "guardrail:ignore GR-PORT-001\n   reason=\"bastion\"\r\n   expires=2027-01-31",
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "bastion", Expires: "2027-01-31", Expiry: endOf("2027-01-31")},
		},
		{
			name: "a leap day",
			text: `GR-PORT-001 reason=x expires=2028-02-29`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "x", Expires: "2028-02-29", Expiry: endOf("2028-02-29")},
		},
		{
			name: "quoted value followed at once by the next key",
			text: `GR-PORT-001 reason="a"owner=b`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "a", Owner: "b"},
		},
		{
			name: "unicode in values",
			text: `GR-PORT-001 reason="Zugriff nur über VPN — ✓" owner=zoë`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: "Zugriff nur über VPN — ✓", Owner: "zoë"},
		},
		{
			name: "exactly the longest text allowed",
			text: `GR-PORT-001 reason="` + strings.Repeat("x", waiver.MaxTextBytes-len(`GR-PORT-001 reason=""`)) + `"`,
			want: &waiver.Inline{Rules: []string{"GR-PORT-001"}, Reason: strings.Repeat("x", waiver.MaxTextBytes-len(`GR-PORT-001 reason=""`))},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := waiver.Parse(tc.text)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.text, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%q)\n got  %+v\n want %+v", tc.text, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"empty", ``, "no rule ID"},
		{"marker only", `guardrail:ignore`, "no rule ID"},
		{"no id before the pairs", `guardrail:ignore reason="x" GR-PORT-001`, "no rule ID"},
		{"glob id", `guardrail:ignore GR-PORT-* reason=x`, `"GR-PORT-*" is not a rule ID`},
		{"one-letter id", `guardrail:ignore X reason=x`, `"X" is not a rule ID`},
		{"id with a trailing dash", `guardrail:ignore GR-PORT- reason=x`, "is not a rule ID"},
		{"marker glued to the id", `guardrail:ignoreGR-PORT-001 reason=x`, "is not a rule ID"},
		{"unknown key", `GR-PORT-001 reason=x until=2027-01-01`, `unknown key "until"`},
		{"prose after the pairs", `GR-PORT-001 reason=x because it is fine`, "expected key=value"},
		{"key with a space", `GR-PORT-001 reason=x for now=yes`, `expected key=value, found "for now=yes"`},
		{"ids separated by spaces only", `GR-PORT-001 GR-PORT-002 reason=x`, `found "GR-PORT-002 reason=x": rule IDs are separated by commas`},
		{"a reason written as prose", `guardrail:ignore GR-PORT-001 because we said so`, `found "because we said so": rule IDs are separated by commas, and text goes in reason="..."`},
		{"empty key", `GR-PORT-001 =x`, "expected key=value"},
		{"duplicate key", `GR-PORT-001 reason=a reason=b`, `"reason" is given twice`},
		{"duplicate key in another case", `GR-PORT-001 owner=a Owner=b`, `"owner" is given twice`},
		{"unterminated quote", `GR-PORT-001 reason="open`, `unterminated quoted value of "reason"`},
		{"escaped closing quote", `GR-PORT-001 reason="open\"`, "unterminated"},
		{"bad date", `GR-PORT-001 reason=x expires=31/01/2027`, `expires="31/01/2027" is not a date (YYYY-MM-DD)`},
		{"impossible date", `GR-PORT-001 reason=x expires=2027-02-30`, "is not a date"},
		{"not a leap year", `GR-PORT-001 reason=x expires=2027-02-29`, "is not a date"},
		{"date with a time", `GR-PORT-001 reason=x expires=2027-01-31T00:00:00Z`, "is not a date"},
		{"empty date", `GR-PORT-001 reason=x expires=`, "is not a date"},
		{"too long", `GR-PORT-001 reason="` + strings.Repeat("x", waiver.MaxTextBytes) + `"`, "longer than 4096 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := waiver.Parse(tc.text)
			if err == nil {
				t.Fatalf("Parse(%.60q) = %+v, want an error containing %q", tc.text, w, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%.60q) error %q, want it to contain %q", tc.text, err, tc.want)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error message is %d bytes long; it should quote only the start of the text", len(err.Error()))
			}
		})
	}
}

func TestInlineExpired(t *testing.T) {
	w, err := waiver.Parse(`GR-PORT-001 reason=x expires=2027-01-31`)
	if err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]bool{
		"2027-01-31T00:00:00Z":      false,
		"2027-01-31T23:59:59Z":      false,
		"2027-02-01T00:00:00Z":      true,
		"2027-01-31T20:00:00-05:00": true, // 01:00 UTC on 1 February
	} {
		now, _ := time.Parse(time.RFC3339, at)
		if got := w.Expired(now); got != want {
			t.Errorf("Expired(%s) = %v, want %v", at, got, want)
		}
	}
	if (&waiver.Inline{}).Expired(time.Now()) {
		t.Error("a waiver without an expiry expired")
	}
}

func TestSplitAnnotation(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        []string
	}{
		{"one", `GR-PORT-001 reason="x"`, []string{`GR-PORT-001 reason="x"`}},
		{"semicolons", `GR-PORT-001 reason=a; GR-PORT-002 reason=b;`, []string{`GR-PORT-001 reason=a`, `GR-PORT-002 reason=b`}},
		{"lines", "GR-PORT-001 reason=a\nGR-PORT-002 reason=b\r\n\n", []string{`GR-PORT-001 reason=a`, `GR-PORT-002 reason=b`}},
		{"separators inside quotes", "GR-PORT-001 reason=\"a; b\nc\"; GR-PORT-002 reason=d", []string{"GR-PORT-001 reason=\"a; b\nc\"", `GR-PORT-002 reason=d`}},
		{"escaped quote inside quotes", `GR-PORT-001 reason="say \"x;y\"";GR-PORT-002 reason=z`, []string{`GR-PORT-001 reason="say \"x;y\""`, `GR-PORT-002 reason=z`}},
		{"backslash before a separator outside quotes", `GR-PORT-001 reason=a\;GR-PORT-002 reason=b`, []string{`GR-PORT-001 reason=a\`, `GR-PORT-002 reason=b`}},
		{"unbalanced quote keeps the rest together", `GR-PORT-001 reason="a; GR-PORT-002 reason=b`, []string{`GR-PORT-001 reason="a; GR-PORT-002 reason=b`}},
		{"trailing backslash in quotes", `GR-PORT-001 reason="a\`, []string{`GR-PORT-001 reason="a\`}},
		{"empty", "", nil},
		{"only separators", " ;\n; ", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := waiver.SplitAnnotation(tc.value); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("SplitAnnotation(%q)\n got  %q\n want %q", tc.value, got, tc.want)
			}
		})
	}
	// What SplitAnnotation splits, Parse reads back with the escapes intact.
	parts := waiver.SplitAnnotation(`GR-PORT-001 reason="say \"x;y\""; GR-PORT-002 reason=z`)
	w, err := waiver.Parse(parts[0])
	if err != nil || w.Reason != `say "x;y"` {
		t.Errorf("Parse(%q) = %+v, %v", parts[0], w, err)
	}
}

func TestFromComment(t *testing.T) {
	for _, tc := range []struct {
		comment, want string
		ok            bool
	}{
		{"# guardrail:ignore GR-PORT-001 reason=x\n", "guardrail:ignore GR-PORT-001 reason=x", true},
		{"#guardrail:ignore GR-PORT-001", "guardrail:ignore GR-PORT-001", true},
		{"// guardrail:ignore GR-PORT-001 reason=x", "guardrail:ignore GR-PORT-001 reason=x", true},
		{"/* guardrail:ignore GR-PORT-001 reason=x */", "guardrail:ignore GR-PORT-001 reason=x", true},
		{"/*\n  guardrail:ignore GR-PORT-001\n  reason=x\n*/", "guardrail:ignore GR-PORT-001\n  reason=x", true},
		{"   # guardrail:ignore\tGR-PORT-001", "guardrail:ignore\tGR-PORT-001", true},
		{"# guardrail:ignore", "guardrail:ignore", true},
		{"# guardrail:ignored because the port is closed", "", false},
		{"# guardrail:ignore-next-line", "", false},
		{"# see guardrail:ignore GR-PORT-001", "", false},
		{"## guardrail:ignore GR-PORT-001", "", false},
		{"# Guardrail:Ignore GR-PORT-001", "", false},
		{"guardrail:ignore GR-PORT-001", "", false},
		{"-- guardrail:ignore GR-PORT-001", "", false},
		{"", "", false},
		{"#", "", false},
		{"/*", "", false},
	} {
		got, ok := waiver.FromComment(tc.comment)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FromComment(%q) = %q, %v; want %q, %v", tc.comment, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseErrorsQuoteLittle(t *testing.T) {
	long := strings.Repeat("\x1e", 1000)
	for _, text := range []string{
		"GR-PORT-001 " + long + "=x",
		"GR-PORT-001 " + long + "=\"open",
		"GR-PORT-001 " + long + "=a " + long + "=b",
		"GR-PORT-001 expires=" + long,
		"GR-PORT-001 a" + strings.Repeat("ü", 500),
		"GR-PORT-001," + long,
	} {
		_, err := waiver.Parse(text)
		if err == nil {
			t.Fatalf("Parse(%.30q...) succeeded", text)
		}
		if len(err.Error()) > 300 || !utf8.ValidString(err.Error()) {
			t.Errorf("error of %d bytes, valid UTF-8 %v: %.100s", len(err.Error()), utf8.ValidString(err.Error()), err)
		}
	}
}
