package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits bound the work one input may cause. Zero fields take the defaults.
type Limits struct {
	// MaxDocumentBytes is the largest single document. Default 16 MiB.
	MaxDocumentBytes int
	// MaxDocuments is the most documents in one stream. Default 100,000.
	MaxDocuments int
	// MaxDepth is the deepest nesting of maps and lists. Default 128.
	MaxDepth int
	// MaxNodes is the most values one document may expand to, aliases
	// included. Default 2,000,000.
	MaxNodes int
}

// Default limits.
const (
	DefaultMaxDocumentBytes = 16 << 20
	DefaultMaxDocuments     = 100_000
	DefaultMaxDepth         = 128
	DefaultMaxNodes         = 2_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxDocumentBytes <= 0 {
		l.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if l.MaxDocuments <= 0 {
		l.MaxDocuments = DefaultMaxDocuments
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	return l
}

// Document is one document of a stream.
type Document struct {
	// Index is the 0-based position of the document in the stream.
	Index int
	// Line is the 1-based line of the file the document starts on.
	Line int
	// Root is the document's top node (a mapping for a Kubernetes object), nil when empty.
	Root *yaml.Node
	// Value is the document converted to an attribute tree.
	Value any
	// Err is set when the document could not be read; Value is then nil.
	Err *Error
}

// Error is a problem with one document, at a position in the file.
type Error struct {
	Line, Column int
	Reason       string
}

// Error returns the problem, prefixed with its line when known.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// Chunk is the raw text of one document and the line it starts on.
type Chunk struct {
	Index int
	Line  int
	Data  []byte
}

// Split splits a YAML stream on document separators ("---" at the start of a
// line, optionally followed by a comment or by content) and end markers
// ("..."). Documents holding only whitespace, comments and directives are
// dropped; Index counts the documents kept.
func Split(data []byte) []Chunk {
	var chunks []Chunk
	start, startLine, line := 0, 1, 1
	inline := false // the document starts with content on its "---" line
	emit := func(end int) {
		if !hasContent(data[start:end]) {
			return
		}
		d := data[start:end]
		if inline {
			// Blank out the marker so that columns on the first line are the file's.
			d = append([]byte("   "), data[start+3:end]...)
		}
		chunks = append(chunks, Chunk{Index: len(chunks), Line: startLine, Data: d})
	}
	for pos := 0; pos < len(data); {
		next := nextLine(data, pos)
		l := data[pos:next]
		switch {
		case isMarker(l, "---"):
			emit(pos)
			// Content after "--- " on the same line belongs to the new document.
			rest := bytes.TrimLeft(l[3:], " \t")
			if len(rest) > 0 && rest[0] != '#' && rest[0] != '\n' && rest[0] != '\r' {
				start, startLine, inline = pos, line, true
			} else {
				start, startLine, inline = next, line+1, false
			}
		case isMarker(l, "...") && !hasContent(stripComment(l[3:])):
			emit(pos)
			start, startLine, inline = next, line+1, false
			// Content after "..." is not YAML; it stays in the document
			// before, where the parser reports it, rather than vanish.
		}
		pos = next
		line++
	}
	emit(len(data))
	return chunks
}

// nextLine returns the start of the line after the one starting at pos. Lines
// end with "\n", "\r\n" or, as YAML also counts them, a lone "\r".
func nextLine(data []byte, pos int) int {
	eol := bytes.IndexAny(data[pos:], "\r\n")
	if eol < 0 {
		return len(data)
	}
	next := pos + eol + 1
	if data[pos+eol] == '\r' && next < len(data) && data[next] == '\n' {
		next++
	}
	return next
}

// stripComment drops a comment that starts the text (after blanks).
func stripComment(b []byte) []byte {
	if t := bytes.TrimLeft(b, " \t"); len(t) > 0 && t[0] == '#' {
		return nil
	}
	return b
}

func isMarker(line []byte, m string) bool {
	if !bytes.HasPrefix(line, []byte(m)) {
		return false
	}
	rest := line[len(m):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

func hasContent(b []byte) bool {
	for pos := 0; pos < len(b); {
		next := nextLine(b, pos)
		l := bytes.TrimSpace(b[pos:next])
		if len(l) > 0 && l[0] != '#' && l[0] != '%' {
			return true
		}
		pos = next
	}
	return false
}

// Parse splits data into documents and converts each one. Problems are kept
// on the document they belong to.
func Parse(data []byte, limits Limits) ([]Document, error) {
	limits = limits.withDefaults()
	if !utf8.Valid(data) {
		bad, line := firstInvalidUTF8(data), 1
		for pos := nextLine(data, 0); pos <= bad && pos < len(data); pos = nextLine(data, pos) {
			line++
		}
		return nil, &Error{Line: line, Reason: "not valid UTF-8 text (binary file, or another encoding such as UTF-16)"}
	}
	chunks := Split(data)
	if len(chunks) > limits.MaxDocuments {
		return nil, &Error{Reason: fmt.Sprintf("%d documents exceed the limit of %d", len(chunks), limits.MaxDocuments)}
	}
	docs := make([]Document, len(chunks))
	for i, c := range chunks {
		docs[i] = parseChunk(c, limits)
	}
	return docs, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func parseChunk(c Chunk, limits Limits) Document {
	doc := Document{Index: c.Index, Line: c.Line}
	if len(c.Data) > limits.MaxDocumentBytes {
		doc.Err = &Error{Line: c.Line, Reason: fmt.Sprintf("document of %d bytes exceeds the limit of %d bytes", len(c.Data), limits.MaxDocumentBytes)}
		return doc
	}
	root, err := ParseNode(c.Data, c.Line-1)
	if err != nil {
		doc.Err = err
		return doc
	}
	if root == nil {
		return doc
	}
	doc.Root = root
	v, cerr := Convert(root, limits)
	if cerr != nil {
		doc.Err = cerr
		return doc
	}
	doc.Value = v
	return doc
}

var lineRE = []byte("line ")

// ParseNode parses one document into a node tree. lineOffset is added to the
// node lines, so they are lines of the whole file.
func ParseNode(data []byte, lineOffset int) (root *yaml.Node, err *Error) {
	defer func() {
		if r := recover(); r != nil { // the YAML library must never take the process down
			root, err = nil, &Error{Line: lineOffset + 1, Reason: fmt.Sprintf("YAML parser failed: %v", r)}
		}
	}()
	var n yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if e := dec.Decode(&n); e != nil && e != io.EOF {
		return nil, yamlError(e, lineOffset)
	}
	// Split should have cut the stream where the parser sees a new document;
	// if it did not, say so rather than silently read only the first.
	var more yaml.Node
	switch e := dec.Decode(&more); {
	case e == io.EOF:
	case e != nil:
		return nil, yamlError(e, lineOffset)
	default:
		return nil, &Error{Line: lineOffset + max(more.Line, 1), Reason: "another YAML document starts here; separate documents with a line holding only ---"}
	}
	if n.Kind == 0 || len(n.Content) == 0 {
		return nil, nil
	}
	r := n.Content[0]
	if lineOffset != 0 {
		shiftLines(r, lineOffset, make(map[*yaml.Node]bool))
	}
	return r, nil
}

func shiftLines(n *yaml.Node, off int, seen map[*yaml.Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	n.Line += off
	for _, c := range n.Content {
		shiftLines(c, off, seen)
	}
}

// yamlError turns the YAML library's "yaml: line 12: did not find expected key"
// into an Error with the file line.
func yamlError(e error, lineOffset int) *Error {
	msg := strings.TrimPrefix(e.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(e, &te) && len(te.Errors) > 0 {
		msg = strings.Join(te.Errors, "; ")
	}
	line := 0
	if i := bytes.Index([]byte(msg), lineRE); i >= 0 {
		rest := msg[i+len(lineRE):]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(rest[:j]); err == nil {
			line = n + lineOffset
			msg = strings.TrimPrefix(strings.TrimPrefix(msg[:i]+rest[j:], ":"), " ")
			msg = strings.TrimSpace(strings.TrimPrefix(msg, ":"))
		}
	}
	if line == 0 {
		line = lineOffset + 1
	}
	return &Error{Line: line, Reason: msg}
}

// Convert turns a node tree into an attribute tree: map[string]any, []any,
// string, int64, float64, bool and nil. A nil root (an empty document) is nil.
func Convert(root *yaml.Node, limits Limits) (any, *Error) {
	if root == nil {
		return nil, nil
	}
	c := converter{limits: limits.withDefaults()}
	return c.convert(root, 0)
}

type converter struct {
	limits Limits
	nodes  int
}

func (c *converter) convert(n *yaml.Node, depth int) (any, *Error) {
	c.nodes++
	if c.nodes > c.limits.MaxNodes {
		return nil, &Error{Line: n.Line, Column: n.Column, Reason: fmt.Sprintf("document expands to more than %d values (an alias bomb?)", c.limits.MaxNodes)}
	}
	if depth > c.limits.MaxDepth {
		return nil, &Error{Line: n.Line, Column: n.Column, Reason: fmt.Sprintf("nesting deeper than %d levels", c.limits.MaxDepth)}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.convert(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, &Error{Line: n.Line, Column: n.Column, Reason: "unknown anchor"}
		}
		return c.convert(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, e := range n.Content {
			v, err := c.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil, &Error{Line: n.Line, Column: n.Column, Reason: "unexpected YAML node"}
}

func (c *converter) mapping(n *yaml.Node, depth int) (any, *Error) {
	out := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key, err := keyString(k)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, &Error{Line: k.Line, Column: k.Column, Reason: fmt.Sprintf("duplicate key %q", key)}
		}
		val, cerr := c.convert(v, depth+1)
		if cerr != nil {
			return nil, cerr
		}
		out[key] = val
	}
	// Merge keys ("<<: *base") fill in keys the mapping does not set itself.
	for _, m := range merges {
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			v, err := c.convert(src, depth+1)
			if err != nil {
				return nil, err
			}
			mm, ok := v.(map[string]any)
			if !ok {
				return nil, &Error{Line: src.Line, Column: src.Column, Reason: "merge key (<<) needs a mapping"}
			}
			for k, val := range mm {
				if _, set := out[k]; !set {
					out[k] = val
				}
			}
		}
	}
	return out, nil
}

// keyString is the key a mapping key becomes, as Kubernetes' YAML to JSON
// conversion makes it: plain scalars resolve first, so `on:` is the key "true"
// and `0x1F:` the key "31".
func keyString(k *yaml.Node) (string, *Error) {
	for i := 0; k.Kind == yaml.AliasNode && k.Alias != nil && i < 64; i++ {
		k = k.Alias
	}
	if k.Kind != yaml.ScalarNode {
		return "", &Error{Line: k.Line, Column: k.Column, Reason: "mapping keys must be scalars"}
	}
	v, err := scalar(k)
	if err != nil {
		return "", err
	}
	switch t := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(t), nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case float64:
		switch s := strconv.FormatFloat(t, 'g', -1, 32); s {
		case "+Inf":
			return ".inf", nil
		case "-Inf":
			return "-.inf", nil
		case "NaN":
			return ".nan", nil
		default:
			return s, nil
		}
	}
	return k.Value, nil
}

// yaml11Bools are the plain scalars YAML 1.1 (and so Kubernetes' YAML
// decoding) reads as booleans but YAML 1.2 reads as strings.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

func scalar(n *yaml.Node) (any, *Error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			if v, ok := yaml11Bools[n.Value]; ok {
				return v, nil
			}
			return nil, &Error{Line: n.Line, Column: n.Column, Reason: fmt.Sprintf("%q is not a boolean", n.Value)}
		}
		return b, nil
	case "!!int":
		s := strings.ReplaceAll(n.Value, "_", "")
		if strings.HasPrefix(s, "0o") {
			s = "0" + s[2:]
		}
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return i, nil
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, nil
		}
		return nil, &Error{Line: n.Line, Column: n.Column, Reason: fmt.Sprintf("%q is not an integer", n.Value)}
	case "!!float":
		switch strings.ToLower(n.Value) {
		case ".inf", "+.inf":
			return math.Inf(1), nil
		case "-.inf":
			return math.Inf(-1), nil
		case ".nan":
			return math.NaN(), nil
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			return nil, &Error{Line: n.Line, Column: n.Column, Reason: fmt.Sprintf("%q is not a number", n.Value)}
		}
		return f, nil
	case "!!str":
		if n.Style == 0 {
			if v, ok := yaml11Bools[n.Value]; ok {
				return v, nil
			}
		}
		return n.Value, nil
	}
	// Timestamps, binary and custom tags keep their text, as JSON would carry them.
	return n.Value, nil
}
