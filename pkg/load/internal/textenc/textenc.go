// Package textenc turns the encodings input files arrive in into the UTF-8
// the parsers read: it strips a UTF-8 byte order mark and transcodes UTF-16
// with a byte order mark, which is what Windows PowerShell writes for
// `terraform show -json > plan.json` or `kubectl get -o yaml > x.yaml`.
package textenc

import (
	"bytes"

	"golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// Encoding names an encoding Normalize transcoded from.
type Encoding string

// Encodings Normalize recognises besides plain UTF-8.
const (
	UTF8BOM Encoding = "UTF-8 with byte order mark"
	UTF16LE Encoding = "UTF-16LE"
	UTF16BE Encoding = "UTF-16BE"
)

// Transcoded reports whether the text had to be converted, not just stripped
// of a UTF-8 byte order mark.
func (e Encoding) Transcoded() bool { return e == UTF16LE || e == UTF16BE }

// Normalize returns data as UTF-8 without a byte order mark, and the
// encoding it found ("" for plain UTF-8). Data without a byte order mark is
// returned unchanged, valid UTF-8 or not: validating is the parser's job.
// Invalid UTF-16 (an unpaired surrogate, an odd trailing byte) becomes
// U+FFFD, so that the parser reports a position near it rather than
// Normalize failing the whole file.
func Normalize(data []byte) ([]byte, Encoding) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return data[len(bomUTF8):], UTF8BOM
	case bytes.HasPrefix(data, bomUTF16LE):
		return decode16(data, unicode.LittleEndian), UTF16LE
	case bytes.HasPrefix(data, bomUTF16BE):
		return decode16(data, unicode.BigEndian), UTF16BE
	}
	return data, ""
}

func decode16(data []byte, order unicode.Endianness) []byte {
	out, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(data)
	if err != nil {
		// The decoder replaces bad sequences instead of failing; an error
		// here would be a bug in x/text. Fall back to the raw bytes so the
		// parser reports them as not UTF-8.
		return data
	}
	return out
}
