package approval

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// DigestPrefix starts every digest: "sha256:" and 64 lower-case hex digits.
const DigestPrefix = "sha256:"

// maxDepth bounds the nesting Canonical follows.
const maxDepth = 128

// UnknownMarker stands for a Terraform value known only after apply in the
// canonical form of a plan: the object {"$unknown":true}.
var UnknownMarker = map[string]any{"$unknown": true}

// Canonical encodes v in guardrail's canonical JSON form, the form digests
// and signatures are computed over. It follows RFC 8785 (JSON
// Canonicalization Scheme):
//
//   - object members sorted by their names compared as UTF-16 code units;
//   - no white space between tokens;
//   - strings with only `"`, `\` and control characters escaped, the latter
//     as \b \t \n \f \r or \u00xx (lower-case hex), all else as UTF-8;
//   - numbers in their shortest round-tripping form, as ECMAScript prints them.
//
// It departs from RFC 8785 in one way: a number with an integral value is
// written as an integer, never with an exponent, however large (3.0 is 3,
// 1e21 is 1000000000000000000000, 1.5e300 is 15 and 299 zeros): the
// shortest digits that read back as the same float64, then zeros. YAML and
// JSON spellings of the same number therefore encode alike. Integers read
// as Go integers (YAML) are exact; a json.Number literal is read exactly
// too. Integers beyond 2^53 read as float64 (JSON decoded by encoding/json)
// are as exact as a float64 is.
//
// v may hold map[string]any, []any, string, bool, nil, the Go integer and
// float types, json.Number and resource.UnknownValue (written as
// UnknownMarker). Strings must be valid UTF-8 and numbers finite.
func Canonical(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := encode(&b, v, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Digest returns "sha256:<hex>" of the canonical form of v.
func Digest(v any) (string, error) {
	c, err := Canonical(v)
	if err != nil {
		return "", err
	}
	return DigestBytes(c), nil
}

// DigestBytes returns "sha256:<hex>" of b.
func DigestBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return DigestPrefix + hex.EncodeToString(sum[:])
}

// ValidDigest reports whether d is "sha256:" and 64 lower-case hex digits.
func ValidDigest(d string) bool {
	h, ok := strings.CutPrefix(d, DigestPrefix)
	if !ok || len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func encode(b *bytes.Buffer, v any, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case string:
		return encodeString(b, t)
	case map[string]any:
		keys := make([]string, 0, len(t))
		ascii := true
		for k := range t {
			keys = append(keys, k)
			ascii = ascii && isASCII(k)
		}
		if ascii {
			slices.Sort(keys) // byte order is UTF-16 order for ASCII
		} else {
			slices.SortFunc(keys, compareUTF16)
		}
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeString(b, k); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := encode(b, t[k], depth+1); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encode(b, e, depth+1); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		b.WriteByte(']')
	case []string:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeString(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, s := range t {
			m[k] = s
		}
		return encode(b, m, depth)
	case *resource.UnknownValue:
		return encode(b, UnknownMarker, depth)
	case int:
		b.WriteString(strconv.FormatInt(int64(t), 10))
	case int32:
		b.WriteString(strconv.FormatInt(int64(t), 10))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(t, 10))
	case float32:
		return encodeFloat(b, float64(t))
	case float64:
		return encodeFloat(b, t)
	case json.Number:
		return encodeNumber(b, string(t))
	default:
		return fmt.Errorf("a %T cannot be written as JSON", v)
	}
	return nil
}

// encodeFloat writes f as RFC 8785 does, but integral values as integers.
func encodeFloat(b *bytes.Buffer, f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%v is not a JSON number", f)
	}
	if f == 0 {
		b.WriteByte('0') // -0 too
		return nil
	}
	if f == math.Trunc(f) {
		if math.Abs(f) <= 1<<53 {
			b.WriteString(strconv.FormatInt(int64(f), 10))
			return nil
		}
		// The shortest digits that read back as f, then zeros: 1.5e300 is
		// 15 and 299 zeros, as the literal 1.5e300 reads.
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		e, _ := strconv.Atoi(exp)
		neg := strings.HasPrefix(mant, "-")
		mant = strings.TrimPrefix(mant, "-")
		digits := strings.Replace(mant, ".", "", 1)
		if neg {
			b.WriteByte('-')
		}
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", e+1-len(digits)))
		return nil
	}
	abs := math.Abs(f)
	if abs >= 1e-6 && abs < 1e21 {
		b.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
		return nil
	}
	// ECMAScript's exponent form: 1.5e-7, 1e+21 (no leading zeros in the exponent).
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	b.WriteString(mant)
	b.WriteByte('e')
	b.WriteByte(sign)
	b.WriteString(exp)
	return nil
}

// maxExponent bounds the exponent of a number literal read from text, so
// that 1e999999999 cannot make an integer of a billion digits.
const maxExponent = 400

// encodeNumber writes a JSON number literal: integral values exactly as
// integers, others as the nearest float64.
func encodeNumber(b *bytes.Buffer, lit string) error {
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(lit[i+1:], "+"))
		if err != nil || e > maxExponent || e < -maxExponent {
			return fmt.Errorf("number %q is out of range", clip(lit, 40))
		}
	}
	if len(lit) > 2*maxExponent {
		return fmt.Errorf("number %q is out of range", clip(lit, 40))
	}
	r, ok := new(big.Rat).SetString(lit)
	if !ok {
		return fmt.Errorf("%q is not a number", clip(lit, 40))
	}
	if r.IsInt() {
		b.WriteString(r.Num().String())
		return nil
	}
	f, _ := r.Float64()
	return encodeFloat(b, f)
}

func encodeString(b *bytes.Buffer, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("string %q is not valid UTF-8", clip(s, 40))
	}
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			const hexDigits = "0123456789abcdef"
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
	return nil
}

// compareUTF16 orders strings by their UTF-16 code units, as RFC 8785 sorts
// member names. ASCII and other BMP-only strings sort as their bytes do,
// except for the surrogate range, so the slow path is rare.
func compareUTF16(a, b string) int {
	if isASCII(a) && isASCII(b) {
		return strings.Compare(a, b)
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	return slices.Compare(ua, ub)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
