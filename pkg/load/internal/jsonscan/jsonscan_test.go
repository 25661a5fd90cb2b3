package jsonscan

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestSkipValue(t *testing.T) {
	tests := []struct {
		in  string
		end int
		ok  bool
	}{
		{`"abc" x`, 5, true},
		{`"a\"b" x`, 6, true},
		{`"a\\" x`, 5, true},
		{`"a\\\"" x`, 7, true},
		{`"abc`, 4, false},
		{`123,`, 3, true},
		{`-1.5e3]`, 6, true},
		{`true}`, 4, true},
		{`null`, 4, true},
		{`{"a":[1,{"b":"}"}]} ,`, 19, true},
		{`[[],[{}]]x`, 9, true},
		{`{"a":1`, 6, false},
		{`}`, 0, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		end, ok := SkipValue([]byte(tt.in), 0)
		if end != tt.end || ok != tt.ok {
			t.Errorf("SkipValue(%q) = %d, %v; want %d, %v", tt.in, end, ok, tt.end, tt.ok)
		}
	}
}

func TestTopLevelKeys(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		keys []string
		ok   bool
	}{
		{`{"a":1,"b":{"c":[1,2]},"d":"x"}`, 0, []string{"a", "b", "d"}, true},
		{` {} `, 0, nil, true},
		{`{"a":1,"b":2,"c":3}`, 2, []string{"a", "b"}, true},
		{`[1]`, 0, nil, false},
		{`{"a":1 "b":2}`, 0, []string{"a"}, false},
		{`{"a":{"b":1}`, 0, []string{"a"}, false},
	}
	for _, tt := range tests {
		keys, ok := TopLevelKeys([]byte(tt.in), tt.max)
		if !reflect.DeepEqual(keys, tt.keys) || ok != tt.ok {
			t.Errorf("TopLevelKeys(%q) = %q, %v; want %q, %v", tt.in, keys, ok, tt.keys, tt.ok)
		}
	}
}

// FuzzSkipValue checks that on valid JSON SkipValue finds exactly the value's end.
func FuzzSkipValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,"\\\""]}`, `"x"`, `[{},[]]`, `12.5`, `{"k":"}{"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		i := SkipSpace(data, 0)
		end, ok := SkipValue(data, i)
		if end < i || end > len(data) {
			t.Fatalf("end %d out of range", end)
		}
		if json.Valid(data) && (!ok || SkipSpace(data, end) != len(data)) {
			t.Fatalf("valid JSON %q: end %d ok %v", data, end, ok)
		}
	})
}
