package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// MaxPolicyBytes bounds the size of a policy file.
const MaxPolicyBytes = 4 << 20

// Load reads, parses and compiles a policy file.
func Load(file string) (*Policy, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPolicyBytes+1)) // Parse reports a larger file
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return Parse(file, data)
}

// Parse parses and compiles a policy document from YAML or JSON text. name is
// used in error messages. Unknown fields, wrong types and invalid values are
// all errors, each with its line, column and field path.
func Parse(name string, data []byte) (*Policy, error) {
	if len(data) > MaxPolicyBytes {
		return nil, &Error{File: name, Fields: []FieldError{{Path: "(file)", Line: 1, Column: 1, Message: fmt.Sprintf("larger than the %d byte limit for policy files", MaxPolicyBytes)}}}
	}
	doc, root, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	p, err := Compile(doc)
	var perr *Error
	if errors.As(err, &perr) {
		perr.File = name
		for i := range perr.Fields {
			if path, e := resource.ParsePath(perr.Fields[i].Path); e == nil {
				perr.Fields[i].Line, perr.Fields[i].Column = yamldoc.Locate(root, path)
			}
		}
		sortFields(perr.Fields)
	}
	return p, err
}

// sortFields puts problems in the order of the file.
func sortFields(fs []FieldError) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Column < fs[j].Column
	})
}

var (
	unknownFieldRE = regexp.MustCompile(`(?s)^line (\d+): field (.+) not found in type policy\.(\w+)$`)
	typeErrorRE    = regexp.MustCompile("(?s)^line (\\d+): cannot unmarshal (\\S+)(?: `(.*)`)? into (.+)$")
	yamlLineRE     = regexp.MustCompile(`(?s)^line (\d+): (.*)$`)
)

func decode(name string, data []byte) (Document, *yaml.Node, error) {
	var doc Document
	fail := func(fe FieldError) (Document, *yaml.Node, error) {
		return doc, nil, &Error{File: name, Fields: []FieldError{fe}}
	}
	chunks := yamldoc.Split(data)
	if len(chunks) > 1 {
		return fail(FieldError{Path: "(file)", Line: chunks[1].Line, Column: 1, Message: "a policy file holds one document; found more"})
	}
	root, perr := yamldoc.ParseNode(data, 0)
	if perr != nil {
		return fail(FieldError{Path: "(syntax)", Line: perr.Line, Column: perr.Column, Message: perr.Reason})
	}
	if len(chunks) == 0 || root == nil {
		return fail(FieldError{Path: "(file)", Line: 1, Column: 1, Message: "empty policy document"})
	}
	if _, cerr := yamldoc.Convert(root, yamldoc.Limits{MaxDepth: 32, MaxNodes: 200_000}); cerr != nil {
		fe := FieldError{Path: "(document)", Line: cerr.Line, Column: cerr.Column, Message: cerr.Reason}
		if e, ok := indexNodes(root).at(cerr.Line, cerr.Column); ok && len(e.path) > 0 {
			fe.Path = e.path.String()
		}
		return fail(fe)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return doc, nil, decodeError(name, root, err)
	}
	var fields []FieldError
	for _, f := range []struct{ path, got, want string }{{"apiVersion", doc.APIVersion, APIVersion}, {"kind", doc.Kind, Kind}} {
		switch {
		case f.got == "":
			fields = append(fields, FieldError{Path: f.path, Message: fmt.Sprintf("missing; want %q", f.want)})
		case f.got != f.want:
			fields = append(fields, FieldError{Path: f.path, Message: fmt.Sprintf("got %q, want %q", f.got, f.want)})
		}
	}
	if len(fields) > 0 {
		for i := range fields {
			if p, e := resource.ParsePath(fields[i].Path); e == nil {
				fields[i].Line, fields[i].Column = yamldoc.Locate(root, p)
			}
		}
		return doc, nil, &Error{File: name, Fields: fields}
	}
	return doc, root, nil
}

func decodeError(name string, root *yaml.Node, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		fe := FieldError{Path: "(syntax)", Line: 1, Message: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLineRE.FindStringSubmatch(fe.Message); m != nil {
			fe.Line, _ = strconv.Atoi(m[1])
			fe.Message = m[2]
		}
		return &Error{File: name, Fields: []FieldError{fe}}
	}
	ix := indexNodes(root)
	out := &Error{File: name}
	for _, e := range te.Errors {
		fe := FieldError{Path: "(document)", Message: e}
		if m := unknownFieldRE.FindStringSubmatch(e); m != nil {
			fe.Line, _ = strconv.Atoi(m[1])
			fe.Message = fmt.Sprintf("unknown field %q in %s (want one of %s)", m[2], m[3], strings.Join(fieldsOf(m[3]), ", "))
			n, ok := ix.find(fe.Line, func(n indexed) bool {
				if !n.key || n.node.Value != m[2] {
					return false
				}
				t := typeAt(n.path[:len(n.path)-1])
				return t != nil && t.Name() == m[3]
			})
			if !ok {
				n, ok = ix.find(fe.Line, func(n indexed) bool { return n.key && n.node.Value == m[2] })
			}
			if ok {
				fe.Path, fe.Column = n.path.String(), n.node.Column
			}
		} else if m := typeErrorRE.FindStringSubmatch(e); m != nil {
			fe.Line, _ = strconv.Atoi(m[1])
			fe.Message = "cannot read " + describeNode(m[2], m[3]) + " as " + describeType(m[4])
			tag, val, into := m[2], m[3], m[4]
			match := func(n indexed) bool {
				if n.key || n.node.ShortTag() != tag {
					return false
				}
				if short, ok := strings.CutSuffix(val, "..."); ok {
					return strings.HasPrefix(n.node.Value, short)
				}
				return val == "" || n.node.Value == val
			}
			// Of the nodes on the line, the one whose field has the type the
			// decoder wanted; then any of the right kind; then any at all.
			n, ok := ix.find(fe.Line, func(n indexed) bool {
				t := typeAt(n.path)
				return match(n) && t != nil && (t.String() == into || t.Kind() == reflect.Pointer && t.Elem().String() == into)
			})
			if !ok {
				n, ok = ix.find(fe.Line, match)
			}
			if !ok {
				n, ok = ix.find(fe.Line, func(n indexed) bool { return !n.key })
			}
			if ok {
				fe.Column = n.node.Column
				if len(n.path) > 0 {
					fe.Path = n.path.String()
				}
			}
		} else if m := yamlLineRE.FindStringSubmatch(e); m != nil {
			fe.Line, _ = strconv.Atoi(m[1])
			fe.Message = m[2]
		}
		fe.Line = max(fe.Line, 1)
		out.Fields = append(out.Fields, fe)
	}
	sortFields(out.Fields)
	return out
}

// describeNode says what a YAML node is in the words of a type error.
func describeNode(tag, value string) string {
	switch tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!null":
		return "null"
	case "!!str":
		return "the string `" + value + "`"
	case "!!int", "!!float":
		return "the number " + value
	case "!!bool":
		return "the boolean " + value
	}
	return tag + " `" + value + "`"
}

// describeType names a Go type of the policy document in the policy's terms.
func describeType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	case t == "string":
		return "a string"
	case t == "int":
		return "an integer"
	case t == "bool" || t == "*bool":
		return "true or false"
	case strings.HasPrefix(t, "policy."):
		return "a mapping (" + strings.TrimPrefix(t, "policy.") + ")"
	}
	return t
}

// fieldsOf lists the field names of a document type, by its Go name.
func fieldsOf(typeName string) []string {
	var out []string
	var visit func(t reflect.Type, seen map[reflect.Type]bool)
	visit = func(t reflect.Type, seen map[reflect.Type]bool) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if t.Name() == typeName {
				name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				out = append(out, name)
			}
			visit(f.Type, seen)
		}
	}
	visit(reflect.TypeFor[Document](), map[reflect.Type]bool{})
	return out
}

// typeAt returns the Go type of the document field at path p, or nil when
// the path names no field.
func typeAt(p resource.Path) reflect.Type {
	t := reflect.TypeFor[Document]()
	for _, step := range p {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Struct && !step.IsIndex():
			f, ok := fieldByTag(t, step.Key)
			if !ok {
				return nil
			}
			t = f.Type
		case t.Kind() == reflect.Map && !step.IsIndex(), t.Kind() == reflect.Slice && step.IsIndex():
			t = t.Elem()
		default:
			return nil
		}
	}
	return t
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if n, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// indexed is a node of the document with its path; key is set for mapping keys.
type indexed struct {
	node *yaml.Node
	path resource.Path
	key  bool
}

// nodeIndex lists the nodes of a document by line, in document order.
type nodeIndex map[int][]indexed

func indexNodes(root *yaml.Node) nodeIndex {
	ix := nodeIndex{}
	var walk func(n *yaml.Node, p resource.Path)
	walk = func(n *yaml.Node, p resource.Path) {
		ix[n.Line] = append(ix[n.Line], indexed{node: n, path: p})
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, p)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				kp := p.Append(resource.Key(k.Value))
				ix[k.Line] = append(ix[k.Line], indexed{node: k, path: kp, key: true})
				walk(v, kp)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, p.Append(resource.Index(i)))
			}
		}
	}
	if root != nil {
		walk(root, nil)
	}
	return ix
}

func (ix nodeIndex) find(line int, match func(indexed) bool) (indexed, bool) {
	for _, n := range ix[line] {
		if match(n) {
			return n, true
		}
	}
	return indexed{}, false
}

func (ix nodeIndex) at(line, column int) (indexed, bool) {
	return ix.find(line, func(n indexed) bool { return n.node.Column == column })
}
