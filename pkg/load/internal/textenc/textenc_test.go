package textenc

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		enc  Encoding
	}{
		{"plain", []byte("a: 1"), "a: 1", ""},
		{"utf-8 bom", []byte("\xef\xbb\xbfa: 1"), "a: 1", UTF8BOM},
		{"utf-16le", []byte("\xff\xfea\x00:\x00 \x001\x00"), "a: 1", UTF16LE},
		{"utf-16be", []byte("\xfe\xff\x00a\x00:\x00 \x001"), "a: 1", UTF16BE},
		{"utf-16le odd byte", []byte("\xff\xfea\x00b"), "a\ufffd", UTF16LE},
		{"utf-16le bom only", []byte("\xff\xfe"), "", UTF16LE},
		{"invalid utf-8 untouched", []byte("\xff\x00"), "\xff\x00", ""},
	}
	for _, tt := range tests {
		got, enc := Normalize(tt.in)
		if string(got) != tt.want || enc != tt.enc {
			t.Errorf("%s: %q, %q; want %q, %q", tt.name, got, enc, tt.want, tt.enc)
		}
		if enc.Transcoded() != (enc == UTF16LE || enc == UTF16BE) {
			t.Errorf("%s: Transcoded() = %v", tt.name, enc.Transcoded())
		}
	}
}
