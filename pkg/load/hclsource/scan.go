package hclsource

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// readSource reads a configuration or variable file within the limits and
// checks that it is text the parsers can safely be given. It returns the
// bytes, or a diagnostic saying why the file is not read.
func readSource(name string, lim Limits) ([]byte, *resource.Diagnostic) {
	fail := func(loc resource.Location, summary, detail string) ([]byte, *resource.Diagnostic) {
		d := resource.ErrorAt(loc, summary, detail)
		return nil, &d
	}
	at := resource.Location{File: name, Line: 1, Column: 1}
	fi, err := os.Stat(name)
	if err != nil {
		return fail(at, "Cannot read file", err.Error())
	}
	if !fi.Mode().IsRegular() {
		return fail(at, "Not a regular file", "Only regular files (or symbolic links to them) are read as configuration.")
	}
	if fi.Size() > lim.MaxFileBytes {
		return fail(at, "File too large",
			fmt.Sprintf("The file is %d bytes; files over %d bytes are not read. Split it, or raise the limit.", fi.Size(), lim.MaxFileBytes))
	}
	f, err := os.Open(name)
	if err != nil {
		return fail(at, "Cannot read file", err.Error())
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
	if err != nil {
		return fail(at, "Cannot read file", err.Error())
	}
	if int64(len(src)) > lim.MaxFileBytes {
		return fail(at, "File too large", fmt.Sprintf("The file grew past %d bytes while it was read.", lim.MaxFileBytes))
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return fail(posAt(name, src, i), "Binary file",
			"The file holds a NUL byte, so it is not a text file. Remove it from the module directory or give it another extension.")
	}
	if !utf8.Valid(src) {
		return fail(posAt(name, src, firstInvalidUTF8(src)), "Invalid UTF-8",
			"Terraform configuration must be UTF-8 encoded. Re-save the file as UTF-8.")
	}
	if off, ok := scanNesting(src, lim.MaxNesting); !ok {
		return fail(posAt(name, src, off), "Nesting too deep",
			fmt.Sprintf("Brackets, braces, strings, template directives or operators nest deeper than %d levels here; the file is not parsed. Simplify the expression.", lim.MaxNesting))
	}
	return src, nil
}

func firstInvalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(src)
}

// posAt returns the location of byte offset off in src, counting columns in
// characters as HCL does.
func posAt(name string, src []byte, off int) resource.Location {
	if off > len(src) {
		off = len(src)
	}
	line, col := 1, 1
	for i := 0; i < off; {
		if src[i] == '\n' {
			line, col = line+1, 1
			i++
			continue
		}
		_, size := utf8.DecodeRune(src[i:])
		i += size
		col++
	}
	return resource.Location{File: name, Line: line, Column: col}
}

// nestLevel is one open construct seen by scanNesting.
type nestLevel struct {
	kind   byte // 'T' top, '(' '[' '{' brackets, 'I' interpolation, 'S' string, 'H' heredoc
	ops    int  // operators (and template directives) counted at this level
	marker string
	star   int // for '[': 0 nothing seen, 1 only "*" seen, 2 anything else
}

// scanNesting estimates, without parsing, how deeply the HCL (or JSON) parser
// would recurse on src, and reports the offset where the estimate first
// exceeds max. The estimate counts every bracket, brace, parenthesis,
// string, heredoc and interpolation as a level, and every operator, ternary,
// splat and template if/for between two separators as one more, since
// hclsyntax builds a deeper tree for each. It errs towards counting more
// than the parser nests; input it passes cannot overflow the stack.
func scanNesting(src []byte, max int) (int, bool) {
	levels := []nestLevel{{kind: 'T'}}
	weight := 1
	inIdent, inNumber := false, false
	atLineStart := false
	push := func(l nestLevel) {
		levels = append(levels, l)
		weight++
	}
	pop := func() nestLevel {
		top := levels[len(levels)-1]
		levels = levels[:len(levels)-1]
		weight -= 1 + top.ops
		return top
	}
	op := func() {
		levels[len(levels)-1].ops++
		weight++
	}
	reset := func() {
		top := &levels[len(levels)-1]
		weight -= top.ops
		top.ops = 0
	}
	n := len(src)
	for i := 0; i < n; {
		if weight > max {
			return i, false
		}
		top := &levels[len(levels)-1]
		c := src[i]
		switch top.kind {
		case 'S', 'H':
			if top.kind == 'H' && atLineStart {
				atLineStart = false
				j := i
				for j < n && (src[j] == ' ' || src[j] == '\t') {
					j++
				}
				if bytes.HasPrefix(src[j:], []byte(top.marker)) {
					k := j + len(top.marker)
					for k < n && (src[k] == ' ' || src[k] == '\t' || src[k] == '\r') {
						k++
					}
					if k == n || src[k] == '\n' {
						pop()
						i = k
						continue
					}
				}
			}
			switch {
			case c == '\\' && top.kind == 'S':
				i += 2
			case c == '"' && top.kind == 'S':
				pop()
				i++
			case c == '\n':
				if top.kind == 'S' {
					pop() // quoted strings end at the line's end
					continue
				}
				atLineStart = true
				i++
			case (c == '$' || c == '%') && i+2 < n && src[i+1] == c && src[i+2] == '{':
				i += 3 // $${ and %%{ are escapes
			case (c == '$' || c == '%') && i+1 < n && src[i+1] == '{':
				if c == '%' {
					kw := directiveKeyword(src[i+2:])
					switch kw {
					case "if", "for":
						op()
					case "endif", "endfor":
						if top.ops > 0 {
							top.ops--
							weight--
						}
					}
				}
				push(nestLevel{kind: 'I'})
				inIdent, inNumber = false, false
				i += 2
			default:
				i++
			}
			continue
		}
		// Code: the top level, brackets and interpolations.
		isIdentStart := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
		isDigit := c >= '0' && c <= '9'
		if isIdentStart || isDigit {
			if !inIdent && !inNumber {
				inIdent, inNumber = isIdentStart, isDigit
			}
			i++
			continue
		}
		if c == '-' && inIdent {
			i++
			continue
		}
		if c != '.' {
			inIdent, inNumber = false, false
		}
		if top.kind == '[' && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			if c == '*' && top.star == 0 {
				top.star = 1
			} else if c != ']' {
				top.star = 2
			}
		}
		switch c {
		case '#':
			i = skipLine(src, i)
		case '/':
			switch {
			case i+1 < n && src[i+1] == '/':
				i = skipLine(src, i)
			case i+1 < n && src[i+1] == '*':
				end := bytes.Index(src[i+2:], []byte("*/"))
				if end < 0 {
					i = n
				} else {
					i += end + 4
				}
			default:
				op()
				i++
			}
		case '"':
			push(nestLevel{kind: 'S'})
			i++
		case '<':
			if marker, next, ok := heredocStart(src, i); ok {
				push(nestLevel{kind: 'H', marker: marker})
				atLineStart = true
				i = next
				continue
			}
			op()
			i++
			if i < n && (src[i] == '=' || src[i] == '<') {
				i++
			}
		case '(', '[', '{':
			push(nestLevel{kind: c})
			i++
		case ')', ']', '}':
			if len(levels) > 1 {
				closed := pop()
				if closed.kind == '[' && closed.star == 1 {
					op() // a splat: the parser recurses for the rest of the traversal
				}
			}
			i++
		case '\n':
			if top.kind == 'T' || top.kind == '{' {
				reset()
			}
			i++
		case ',':
			reset()
			i++
		case '=':
			switch {
			case i+1 < n && src[i+1] == '=':
				op()
				i += 2
			case i+1 < n && src[i+1] == '>':
				reset()
				i += 2
			default:
				reset()
				i++
			}
		case '!', '>':
			op()
			i++
			if i < n && src[i] == '=' {
				i++
			}
		case '+', '-', '*', '%', '?':
			op()
			i++
		case '&', '|':
			op()
			i++
			if i < n && src[i] == c {
				i++
			}
		default:
			i++
		}
	}
	if weight > max {
		return n, false
	}
	return 0, true
}

func skipLine(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

// directiveKeyword returns the keyword after "%{" (and an optional "~").
func directiveKeyword(b []byte) string {
	i := 0
	if i < len(b) && b[i] == '~' {
		i++
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	j := i
	for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
		j++
	}
	return string(b[i:j])
}

// heredocStart recognises <<MARKER or <<-MARKER followed by a newline at
// src[i:], returning the marker and the offset after the newline.
func heredocStart(src []byte, i int) (string, int, bool) {
	j := i + 2
	if j > len(src) || src[i+1] != '<' {
		return "", 0, false
	}
	if j < len(src) && src[j] == '-' {
		j++
	}
	start := j
	for j < len(src) {
		c := src[j]
		if c == '_' || c == '-' || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9' && j > start) {
			j++
			continue
		}
		break
	}
	if j == start {
		return "", 0, false
	}
	marker := string(src[start:j])
	if j < len(src) && src[j] == '\r' {
		j++
	}
	if j >= len(src) || src[j] != '\n' {
		return "", 0, false
	}
	return marker, j + 1, true
}
