package resource

import (
	"errors"
	"reflect"
	"testing"
)

func TestPathStringParseRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		path Path
		want string
	}{
		{"empty", nil, ""},
		{"one key", Path{Key("spec")}, "spec"},
		{"nested with indexes", Path{Key("spec"), Key("containers"), Index(0), Key("ports"), Index(1), Key("hostPort")}, "spec.containers[0].ports[1].hostPort"},
		{"leading index", Path{Index(3), Key("a")}, "[3].a"},
		{"consecutive indexes", Path{Key("allowedMixes"), Index(0), Index(1)}, "allowedMixes[0][1]"},
		{"plain key characters", Path{Key("metadata"), Key("labels"), Key("app_kubernetes-io/name")}, "metadata.labels.app_kubernetes-io/name"},
		{"key with dots", Path{Key("metadata"), Key("labels"), Key("app.kubernetes.io/name")}, `metadata.labels."app.kubernetes.io/name"`},
		{"key with brackets", Path{Key("tags"), Key("a[0]"), Key("b]")}, `tags."a[0]"."b]"`},
		{"key with quotes and backslash", Path{Key(`say "hi"\`)}, `"say \"hi\"\\"`},
		{"unicode key", Path{Key("données"), Key("größe"), Index(2)}, `"données"."größe"[2]`},
		{"empty key", Path{Key(""), Key("x")}, `"".x`},
		{"numeric key", Path{Key("0"), Key("1")}, "0.1"},
		{"key with space and star", Path{Key("spec"), Key("rules"), Key("GR-TLS-*")}, `spec.rules."GR-TLS-*"`},
		{"key with newline", Path{Key("a\nb")}, `"a\nb"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.path.String()
			if got != tt.want {
				t.Fatalf("String() = %q, want %q", got, tt.want)
			}
			back, err := ParsePath(got)
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", got, err)
			}
			if len(back) != len(tt.path) || (len(back) > 0 && !reflect.DeepEqual(back, tt.path)) {
				t.Fatalf("ParsePath(%q) = %#v, want %#v", got, back, tt.path)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	tests := []struct {
		in, reason string
	}{
		{"a[0", "unclosed '['"},
		{"a[x]", "list index must be a non-negative integer"},
		{"a[-1]", "list index must be a non-negative integer"},
		{"a[]", "list index must be a non-negative integer"},
		{`a."unterminated`, "bad quoted key"},
		{`"\q"`, "bad quoted key"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParsePath(tt.in)
			var pe *PathError
			if !errors.As(err, &pe) {
				t.Fatalf("ParsePath(%q) error = %v, want a *PathError", tt.in, err)
			}
			if pe.Reason != tt.reason || pe.Path != tt.in {
				t.Fatalf("ParsePath(%q) = %+v, want reason %q", tt.in, pe, tt.reason)
			}
		})
	}
}

func TestParsePathLenient(t *testing.T) {
	// Forms String never produces still parse to what they plainly mean.
	tests := []struct {
		in   string
		want Path
	}{
		{"a..b", Path{Key("a"), Key("b")}},
		{".a", Path{Key("a")}},
		{"a[0]b", Path{Key("a"), Index(0), Key("b")}},
		{`"a".b`, Path{Key("a"), Key("b")}},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePath(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
}

func TestPathAppendDoesNotAlias(t *testing.T) {
	base := make(Path, 1, 8)
	base[0] = Key("spec")
	a := base.Append(Key("a"))
	b := base.Append(Key("b"))
	if a.String() != "spec.a" || b.String() != "spec.b" || base.String() != "spec" {
		t.Fatalf("Append shares storage: base %s, a %s, b %s", base, a, b)
	}
}

func TestStepIsIndex(t *testing.T) {
	for _, tt := range []struct {
		s    Step
		want bool
	}{
		{Key("a"), false},
		{Key(""), false},
		{Index(0), true},
		{Index(7), true},
		{Step{Key: "a", Index: 0}, false},
	} {
		if got := tt.s.IsIndex(); got != tt.want {
			t.Errorf("%#v.IsIndex() = %v, want %v", tt.s, got, tt.want)
		}
	}
}
