// Package jsonscan finds the structure of JSON text without decoding it:
// where a value ends, and which keys an object has. It is a fast structural
// scanner, not a validator: callers validate the values they keep (with
// encoding/json, which they decode them with) and the ones they skip (with
// json.Valid), so that every byte of an input is checked exactly once.
package jsonscan

import "bytes"

// SkipSpace returns the offset of the first byte at or after i that is not
// JSON white space.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// SkipString returns the offset just past the string that starts with the
// quote at data[i], and false when the string is not terminated.
func SkipString(data []byte, i int) (int, bool) {
	j := i + 1
	for {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return len(data), false
		}
		q := j + k
		n := 0
		for p := q - 1; p > i && data[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// structural marks the bytes SkipValue stops at inside a container.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// delimiter marks the bytes that end a number or literal.
var delimiter = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ',': true, ':': true, '}': true, ']': true, '{': true, '[': true, '"': true}

// SkipValue returns the offset just past the value that starts at data[i]
// (which must not be white space), and false when the value is not
// complete. For valid JSON the end is exact; for invalid JSON it is a
// guess that the caller's validation of the value then rejects.
func SkipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return i, false
	}
	switch data[i] {
	case '"':
		return SkipString(data, i)
	case '{', '[':
	case '}', ']', ',', ':':
		return i, false
	default:
		j := i
		for j < len(data) && !delimiter[data[j]] {
			j++
		}
		return j, j > i
	}
	depth := 0
	for i < len(data) {
		c := data[i]
		if !structural[c] {
			i++
			continue
		}
		switch c {
		case '"':
			end, ok := SkipString(data, i)
			if !ok {
				return end, false
			}
			i = end
			continue
		case '{', '[':
			depth++
		default: // '}', ']'
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
		i++
	}
	return i, false
}

// Kind names the JSON type of the value starting at data[i], for messages:
// "object", "list", "string", "number", "boolean", "null", or "" when no
// value starts there.
func Kind(data []byte, i int) string {
	if i >= len(data) {
		return ""
	}
	switch c := data[i]; {
	case c == '{':
		return "object"
	case c == '[':
		return "list"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	}
	return ""
}

// TopLevelKeys returns the keys of the object data holds, in order, up to
// max keys (0 for all), reading keys without escapes only. ok is false when
// data does not start with an object or its structure breaks before the
// end; the keys found until then are still returned. Values are skipped,
// not validated, so this is a cheap way to tell kinds of JSON documents
// apart.
func TopLevelKeys(data []byte, max int) (keys []string, ok bool) {
	i := SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, true
	}
	for i < len(data) {
		if data[i] != '"' {
			return keys, false
		}
		end, ok := SkipString(data, i)
		if !ok {
			return keys, false
		}
		keys = append(keys, string(data[i+1:end-1]))
		if max > 0 && len(keys) >= max {
			return keys, true
		}
		i = SkipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return keys, false
		}
		i = SkipSpace(data, i+1)
		if i, ok = SkipValue(data, i); !ok {
			return keys, false
		}
		i = SkipSpace(data, i)
		if i >= len(data) {
			return keys, false
		}
		switch data[i] {
		case ',':
			i = SkipSpace(data, i+1)
		case '}':
			return keys, true
		default:
			return keys, false
		}
	}
	return keys, false
}
