package manifest

import (
	"bytes"
	"cmp"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// maxListDepth bounds how deep Lists of Lists are expanded.
const maxListDepth = 4

type loader struct {
	name   string
	opts   Options
	set    *resource.Set
	scopes scopes
	// secretLines are the lines of the file holding Secret values, which
	// the text kept for report snippets must not show.
	secretLines [][2]int
}

// object is one Kubernetes object found in a document: its attribute tree,
// its node (for locations) and the document it is in.
type object struct {
	attrs map[string]any
	node  *yaml.Node
	doc   int
	path  string // "items[3]" for an item of a List, for messages
}

func (l *loader) load(data []byte) {
	docs, err := yamldoc.Parse(data, l.opts.Limits.Limits)
	if err != nil {
		line := 0
		if e, ok := err.(*yamldoc.Error); ok {
			line = e.Line
		}
		l.errorf(resource.Location{File: l.name, Line: max(line, 1)}, "manifest could not be read", err.Error())
		return
	}
	if len(docs) == 0 {
		l.set.Diagnostics = append(l.set.Diagnostics, resource.WarningAt(resource.Location{File: l.name, Line: 1},
			"no Kubernetes objects", "the file holds no YAML documents, only comments or white space"))
		return
	}
	var chunks []yamldoc.Chunk // the raw text of documents, split only when one fails
	var objs []object
	for i, doc := range docs {
		var raw []byte
		if doc.Err != nil {
			if chunks == nil {
				chunks = yamldoc.Split(data)
			}
			if i < len(chunks) && chunks[i].Index == doc.Index {
				raw = chunks[i].Data
			}
		}
		objs = l.document(doc, raw, objs)
	}
	l.scopes = builtinScopes
	if crds := crdScopes(objs); crds != nil {
		l.scopes = *crds
	}
	before := len(l.set.Diagnostics)
	for _, o := range objs {
		l.object(o)
	}
	// Report in document order: problems found while reading the objects
	// come after the ones found while splitting the stream.
	diags := l.set.Diagnostics[before:]
	if len(diags) > 0 {
		slices.SortStableFunc(l.set.Diagnostics, func(a, b resource.Diagnostic) int {
			return cmp.Or(cmp.Compare(a.Location.Document, b.Location.Document), cmp.Compare(a.Location.Line, b.Location.Line))
		})
	}
}

// document checks one document and appends the objects it holds.
func (l *loader) document(doc yamldoc.Document, raw []byte, objs []object) []object {
	loc := resource.Location{File: l.name, Line: doc.Line, Document: doc.Index}
	if doc.Err != nil {
		loc.Line, loc.Column = max(doc.Err.Line, doc.Line), doc.Err.Column
		if isTemplate(raw) {
			l.errorf(loc, "unrendered template", "the document uses Go template syntax ({{ }}) and is not valid YAML: "+doc.Err.Reason+
				"; render it first (helm template, or the tool that fills the template) and lint the output")
			return objs
		}
		l.errorf(loc, "invalid YAML", doc.Err.Reason)
		return objs
	}
	if doc.Root == nil || doc.Value == nil {
		return objs // an empty document, such as a lone "---" or "~"
	}
	loc.Line, loc.Column = doc.Root.Line, doc.Root.Column
	m, ok := doc.Value.(map[string]any)
	if !ok {
		l.errorf(loc, "not a Kubernetes object", fmt.Sprintf("the document is a %s; a Kubernetes object is a mapping with apiVersion and kind", kindOf(doc.Value)))
		return objs
	}
	return l.expand(object{attrs: m, node: doc.Root, doc: doc.Index}, objs, 0)
}

// expand appends o, or the items of o when it is a List.
func (l *loader) expand(o object, objs []object, depth int) []object {
	kind, _ := o.attrs["kind"].(string)
	items, hasItems := o.attrs["items"]
	if !strings.HasSuffix(kind, "List") || !hasItems || depth >= maxListDepth {
		return append(objs, o)
	}
	if items == nil {
		return objs
	}
	list, ok := items.([]any)
	if !ok {
		l.errorf(l.locate(o, resource.Path{resource.Key("items")}), "invalid List", fmt.Sprintf("%s.items is a %s, not a list of objects", kind, kindOf(items)))
		return objs
	}
	itemsNode := nodeAt(o.node, "items")
	for i, it := range list {
		var node *yaml.Node
		if itemsNode != nil && itemsNode.Kind == yaml.SequenceNode && i < len(itemsNode.Content) {
			node = deref(itemsNode.Content[i])
		}
		item := object{node: node, doc: o.doc, path: fmt.Sprintf("%sitems[%d]", prefix(o.path), i)}
		if node == nil {
			item.node = o.node
		}
		m, ok := it.(map[string]any)
		if !ok {
			l.errorf(l.locate(item, nil), "not a Kubernetes object", fmt.Sprintf("%s is a %s; List items must be objects", item.path, kindOf(it)))
			continue
		}
		item.attrs = m
		objs = l.expand(item, objs, depth+1)
	}
	return objs
}

func prefix(p string) string {
	if p == "" {
		return ""
	}
	return p + "."
}

// object turns one object into a resource, or reports why it cannot be judged.
func (l *loader) object(o object) {
	defer func() {
		if p := recover(); p != nil {
			l.errorf(l.locate(o, nil), "object could not be read",
				fmt.Sprintf("internal error: %v; please report it with the manifest\n%s", p, debug.Stack()))
		}
	}()
	loc := l.locate(o, nil)
	what := "the object"
	if o.path != "" {
		what = o.path
	}
	apiVersion, avOK := o.attrs["apiVersion"].(string)
	kind, kindOK := o.attrs["kind"].(string)
	switch {
	case o.attrs["apiVersion"] == nil && o.attrs["kind"] == nil:
		l.errorf(loc, "not a Kubernetes object", what+" has no apiVersion and no kind (a Helm values file, or other YAML that is not a manifest?)")
		return
	case o.attrs["apiVersion"] == nil || apiVersion == "" && avOK:
		l.errorf(loc, "invalid Kubernetes object", what+" has no apiVersion")
		return
	case o.attrs["kind"] == nil || kind == "" && kindOK:
		l.errorf(loc, "invalid Kubernetes object", what+" has no kind")
		return
	case !avOK:
		l.errorf(l.locate(o, resource.Path{resource.Key("apiVersion")}), "invalid Kubernetes object", fmt.Sprintf("apiVersion is a %s, not a string", kindOf(o.attrs["apiVersion"])))
		return
	case !kindOK:
		l.errorf(l.locate(o, resource.Path{resource.Key("kind")}), "invalid Kubernetes object", fmt.Sprintf("kind is a %s, not a string", kindOf(o.attrs["kind"])))
		return
	}
	meta, metaOK := o.attrs["metadata"].(map[string]any)
	if !metaOK && o.attrs["metadata"] != nil {
		l.errorf(l.locate(o, resource.Path{resource.Key("metadata")}), "invalid Kubernetes object", fmt.Sprintf("metadata is a %s, not a mapping", kindOf(o.attrs["metadata"])))
		return
	}
	if kind == "Secret" {
		// Before validation: a malformed Secret is not judged, but its
		// values must stay out of snippets all the same.
		l.secretLines = append(l.secretLines, secretValueLines(o.node)...)
	}
	if ok := l.validate(o, apiVersion, kind); !ok {
		return
	}
	if kind == "Secret" && apiVersion == "v1" {
		o.attrs = redactSecret(o.attrs)
	}
	r := &resource.Resource{
		Format:     resource.FormatKubernetes,
		Type:       kind,
		APIVersion: apiVersion,
		Action:     resource.ActionCreate,
		Attributes: o.attrs,
		Unit:       l.name,
		Location:   loc,
	}
	name, _ := meta["name"].(string)
	if name == "" {
		if gen, _ := meta["generateName"].(string); gen != "" {
			name = gen + "*"
		}
	}
	r.Name = name
	if !l.scopes.clusterScoped(apiVersion, kind) {
		r.Namespace, _ = meta["namespace"].(string)
		if r.Namespace == "" {
			r.Namespace = l.opts.Namespace
		}
	}
	r.Address = address(kind, r.Namespace, name)
	r.Labels = stringMap(meta["labels"])
	r.Annotations = stringMap(meta["annotations"])
	if text, ok := r.Annotations[waiver.AnnotationKey]; ok {
		wloc := l.locate(o, resource.Path{resource.Key("metadata"), resource.Key("annotations"), resource.Key(waiver.AnnotationKey)})
		for _, w := range waiver.SplitAnnotation(text) {
			r.Waivers = append(r.Waivers, resource.InlineWaiver{Text: w, Location: wloc})
		}
	}
	if o.node != nil {
		node, file, doc, fallback := o.node, l.name, o.doc, loc
		r.Locator = resource.LocatorFunc(func(p resource.Path) resource.Location {
			line, col := yamldoc.Locate(node, p)
			if line == 0 {
				return fallback
			}
			return resource.Location{File: file, Line: line, Column: col, Document: doc}
		})
	}
	l.set.Resources = append(l.set.Resources, r)
}

// locate returns where the attribute at p of o is written (o itself for an empty path).
func (l *loader) locate(o object, p resource.Path) resource.Location {
	loc := resource.Location{File: l.name, Document: o.doc}
	if o.node != nil {
		loc.Line, loc.Column = yamldoc.Locate(o.node, p)
	}
	return loc
}

func (l *loader) errorf(loc resource.Location, summary, detail string) {
	if loc.Line == 0 {
		loc.Line = 1
	}
	l.set.Diagnostics = append(l.set.Diagnostics, resource.ErrorAt(loc, summary, detail))
}

func (l *loader) warnf(loc resource.Location, summary, detail string) {
	l.set.Diagnostics = append(l.set.Diagnostics, resource.WarningAt(loc, summary, detail))
}

// stringMap returns the string values of a map (labels, annotations).
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// isTemplate reports whether a document's text uses Go template actions.
func isTemplate(raw []byte) bool {
	i := bytes.Index(raw, []byte("{{"))
	return i >= 0 && bytes.Contains(raw[i:], []byte("}}"))
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "mapping"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64, int:
		return "number"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// nodeAt returns the value node of key in mapping n, or nil.
func nodeAt(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if deref(n.Content[i]).Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// Redacted replaces the values of Secrets: guardrail judges Secrets by
// reference only, and their values must never reach a finding, a report, a
// log or an event.
const Redacted = "(redacted)"

// redactSecret returns a copy of a Secret with every value of data and
// stringData replaced by Redacted; the keys stay, rules may name them.
func redactSecret(attrs map[string]any) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		out[k] = v
	}
	for _, field := range []string{"data", "stringData"} {
		m, ok := attrs[field].(map[string]any)
		if !ok {
			if attrs[field] != nil {
				out[field] = Redacted
			}
			continue
		}
		red := make(map[string]any, len(m))
		for k := range m {
			red[k] = Redacted
		}
		out[field] = red
	}
	return out
}

// secretValueLines returns the line ranges of a Secret's data and
// stringData, from the key's line to the last line of its value.
func secretValueLines(obj *yaml.Node) [][2]int {
	obj = deref(obj)
	if obj == nil || obj.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]int
	for i := 0; i+1 < len(obj.Content); i += 2 {
		k, v := obj.Content[i], obj.Content[i+1]
		if k.Value != "data" && k.Value != "stringData" {
			continue
		}
		out = append(out, [2]int{k.Line, max(k.Line, lastLine(v, 0))})
	}
	return out
}

// lastLine is the last line a node's text reaches, multi-line scalars included.
func lastLine(n *yaml.Node, depth int) int {
	if n == nil || depth > 64 {
		return 0
	}
	end := n.Line
	if n.Kind == yaml.ScalarNode {
		extra := strings.Count(strings.TrimRight(n.Value, "\n"), "\n")
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			extra++ // the indicator line comes before the text
		}
		end += extra
	}
	for _, c := range n.Content {
		end = max(end, lastLine(c, depth+1))
	}
	return end
}

// redactLines returns a copy of data with the given line ranges replaced,
// keeping the line count so that locations still match.
func redactLines(data []byte, spans [][2]int) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, sp := range spans {
		for l := sp[0]; l <= sp[1] && l-1 < len(lines); l++ {
			if l < 1 {
				continue
			}
			line := lines[l-1]
			indent := len(line) - len(bytes.TrimLeft(line, " \t"))
			nl := ""
			if bytes.HasSuffix(line, []byte("\n")) {
				nl = "\n"
			}
			lines[l-1] = []byte(string(line[:indent]) + "# " + Redacted + " by guardrail: Secret values are not shown" + nl)
		}
	}
	return bytes.Join(lines, nil)
}
