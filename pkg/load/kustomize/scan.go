package kustomize

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// FileNames are the names kustomize recognises for a kustomization file,
// in the order it looks for them.
var FileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// FileIn returns the kustomization file in dir (dir joined with its name),
// and false when dir holds none.
func FileIn(dir string) (string, bool) {
	for _, n := range FileNames {
		name := path.Join(dir, n)
		if fi, err := os.Stat(filepath.FromSlash(name)); err == nil && fi.Mode().IsRegular() {
			return name, true
		}
	}
	return "", false
}

// kfile is one kustomization file as the scan read it.
type kfile struct {
	dir, name string // display names of the directory and the file
	real      string // the directory's absolute path, symbolic links resolved
	data      []byte
	root      *yaml.Node // the top mapping; nil for an empty file
	component bool
	secrets   bool // holds a secretGenerator, whose literals must not reach a report

	refs       []ref    // local resources, bases and components
	children   []*kfile // kustomizations listed under resources and bases
	components []*kfile
	patches    []*patch
	generators []generator
	fields     map[string]field // transformer fields: namespace, namePrefix, images...
}

// ref is a local entry of resources, bases or components.
type ref struct {
	field  string
	target string // display name of the file or directory
	dir    bool
	node   *yaml.Node
}

// field is a top-level field of a kustomization: its key and value nodes.
type field struct{ key, value *yaml.Node }

// generator is an entry of configMapGenerator or secretGenerator.
type generator struct {
	kind, name string
	node       *yaml.Node
}

// patch is one patch of a kustomization: a strategic merge patch (an object)
// or a list of JSON 6902 operations.
type patch struct {
	file     string // display name of the file holding its text
	doc      int
	json6902 bool
	node     *yaml.Node // the object (strategic merge) or the list of operations
	target   *selector  // the explicit target; nil when the patch names its object
}

// selector is a patch target.
type selector struct {
	group, version, kind string
	name                 *regexp.Regexp
	labels, annotations  map[string]string
	invalid              bool // a selector guardrail cannot evaluate matches nothing
}

// scanner reads the kustomization files an overlay reaches.
type scanner struct {
	limits   yamldoc.Limits
	maxBytes int64
	byReal   map[string]*kfile
	stack    []*kfile
	all      []*kfile
	diags    resource.Diagnostics
	// texts holds the files read for locations (sources and patches), by display name.
	texts map[string]*text
}

// text is a YAML file read for locations: its documents.
type text struct {
	data   []byte
	docs   []yamldoc.Document
	secret bool // holds a Secret
}

func newScanner(limits yamldoc.Limits, maxBytes int64) *scanner {
	return &scanner{limits: limits, maxBytes: maxBytes, byReal: map[string]*kfile{}, texts: map[string]*text{}}
}

func (s *scanner) errorf(file string, n *yaml.Node, summary, format string, args ...any) {
	loc := resource.Location{File: file}
	if n != nil && n.Line > 0 {
		loc.Line, loc.Column = n.Line, n.Column
	}
	s.diags = append(s.diags, resource.ErrorAt(loc, summary, fmt.Sprintf(format, args...)))
}

// scan reads the kustomization in dir and, recursively, those it reaches.
// from and entry name the kustomization entry that leads to dir, for errors.
func (s *scanner) scan(dir string, from *kfile, entry *yaml.Node, what string) *kfile {
	where := func() (string, *yaml.Node) {
		if from != nil {
			return from.name, entry
		}
		return dir, nil
	}
	real, err := realDir(dir)
	if err != nil {
		f, n := where()
		s.errorf(f, n, "kustomization could not be read", "%s %s: %v", what, dir, errText(err))
		return nil
	}
	for i, k := range s.stack {
		if k.real == real {
			var cycle []string
			for _, c := range s.stack[i:] {
				cycle = append(cycle, c.name)
			}
			cycle = append(cycle, k.name)
			f, n := where()
			s.errorf(f, n, "kustomization cycle", "%s %s leads back to a kustomization being built: %s; kustomize cannot build a cycle",
				what, entryValue(entry), strings.Join(cycle, " -> "))
			return nil
		}
	}
	if k, ok := s.byReal[real]; ok {
		return k
	}
	var found []string
	for _, n := range FileNames {
		if fi, err := os.Stat(filepath.Join(real, n)); err == nil && fi.Mode().IsRegular() {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		f, n := where()
		s.errorf(f, n, "kustomization not found", "%s %s is a directory without a kustomization file (%s)", what, dir, strings.Join(FileNames, ", "))
		return nil
	case 1:
	default:
		s.errorf(path.Join(dir, found[0]), nil, "several kustomization files",
			"%s holds %s; kustomize refuses to choose: keep one", dir, strings.Join(found, " and "))
		return nil
	}
	k := &kfile{dir: dir, name: path.Join(dir, found[0]), real: real, fields: map[string]field{}}
	s.byReal[real] = k
	data, err := s.read(k.name)
	if err != nil {
		s.errorf(k.name, nil, "kustomization could not be read", "%s", errText(err))
		return nil
	}
	k.data = data
	if !s.parse(k) {
		return nil
	}
	s.stack = append(s.stack, k)
	s.fieldsOf(k)
	s.stack = s.stack[:len(s.stack)-1]
	s.all = append(s.all, k)
	return k
}

// parse reads the kustomization's YAML; false when it cannot be used.
func (s *scanner) parse(k *kfile) bool {
	docs, err := yamldoc.Parse(k.data, s.limits)
	if err != nil {
		line := 1
		var ye *yamldoc.Error
		if errors.As(err, &ye) && ye.Line > 0 {
			line = ye.Line
		}
		s.diags = append(s.diags, resource.ErrorAt(resource.Location{File: k.name, Line: line}, "invalid kustomization", err.Error()))
		return false
	}
	if len(docs) > 1 {
		s.errorf(k.name, &yaml.Node{Line: docs[1].Line}, "invalid kustomization", "a kustomization file holds one YAML document, this one holds %d", len(docs))
		return false
	}
	if len(docs) == 1 && docs[0].Err != nil {
		d := docs[0]
		s.diags = append(s.diags, resource.ErrorAt(resource.Location{File: k.name, Line: max(d.Err.Line, 1), Column: d.Err.Column}, "invalid kustomization", d.Err.Reason))
		return false
	}
	if len(docs) == 0 || docs[0].Root == nil {
		return true // an empty kustomization builds nothing
	}
	d := docs[0]
	if d.Root.Kind != yaml.MappingNode {
		s.errorf(k.name, d.Root, "invalid kustomization", "a kustomization is a YAML mapping of fields (resources, patches...)")
		return false
	}
	k.root = d.Root
	if kind := stringField(k.root, "kind"); kind == "Component" {
		k.component = true
	} else if kind != "" && kind != "Kustomization" {
		s.errorf(k.name, valueNode(k.root, "kind"), "invalid kustomization", "kind %q: want Kustomization or Component", kind)
		return false
	}
	return true
}

// read reads a file up to the size limit.
func (s *scanner) read(name string) ([]byte, error) {
	f, err := os.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > s.maxBytes {
		return nil, fmt.Errorf("%s is over the size limit of %d bytes", name, s.maxBytes)
	}
	return data, nil
}

// fieldsOf checks and records the fields of a kustomization.
func (s *scanner) fieldsOf(k *kfile) {
	if k.root == nil {
		return
	}
	for i := 0; i+1 < len(k.root.Content); i += 2 {
		key, val := k.root.Content[i], k.root.Content[i+1]
		switch name := key.Value; name {
		case "resources", "bases", "components":
			for _, n := range s.list(k, name, val) {
				target, isDir, ok := s.local(k, name, n)
				if !ok {
					continue
				}
				k.refs = append(k.refs, ref{field: name, target: target, dir: isDir, node: n})
				if !isDir {
					s.source(target)
					continue
				}
				child := s.scan(target, k, n, strings.TrimSuffix(name, "s"))
				if child == nil {
					continue
				}
				if name == "components" {
					k.components = append(k.components, child)
				} else {
					k.children = append(k.children, child)
				}
			}
		case "crds", "configurations":
			for _, n := range s.list(k, name, val) {
				s.local(k, name, n)
			}
		case "transformers", "generators", "validators":
			for _, n := range s.list(k, name, val) {
				if strings.Contains(n.Value, "\n") {
					if root, err := parseInline(k, n); err == nil && root != nil {
						s.pluginConfig(k.name, root)
					}
					continue
				}
				target, isDir, ok := s.local(k, name, n)
				switch {
				case !ok:
				case isDir:
					s.scan(target, k, n, name+" entry")
				default:
					if t := s.source(target); t != nil {
						for _, d := range t.docs {
							if d.Root != nil {
								s.pluginConfig(target, d.Root)
							}
						}
					}
				}
			}
		case "patchesStrategicMerge":
			for _, n := range s.list(k, name, val) {
				if strings.Contains(n.Value, "\n") || strings.HasPrefix(strings.TrimSpace(n.Value), "{") {
					s.inlinePatch(k, n, nil, false)
					continue
				}
				if target, isDir, ok := s.local(k, name, n); ok && !isDir {
					s.patchFile(k, target, n, nil, false)
				}
			}
		case "patches", "patchesJson6902":
			s.patchEntries(k, name, val)
		case "replacements":
			for _, e := range s.maps(k, name, val) {
				if p := valueNode(e, "path"); p != nil {
					s.local(k, name+" path", p)
				}
			}
		case "configMapGenerator", "secretGenerator":
			if name == "secretGenerator" {
				k.secrets = true
			}
			kind := strings.ToUpper(name[:1]) + name[1:]
			for _, e := range s.maps(k, name, val) {
				k.generators = append(k.generators, generator{kind: kind, name: stringField(e, "name"), node: e})
				for _, f := range []string{"files", "envs"} {
					for _, n := range s.list(k, name+" "+f, valueNode(e, f)) {
						file := n.Value
						if _, after, ok := strings.Cut(file, "="); ok {
							file = after
						}
						s.local(k, name+" "+f, &yaml.Node{Value: file, Line: n.Line, Column: n.Column})
					}
				}
				if n := valueNode(e, "env"); n != nil && n.Kind == yaml.ScalarNode {
					s.local(k, name+" env", n)
				}
			}
		case "openapi":
			if p := valueNode(val, "path"); p != nil {
				s.local(k, "openapi path", p)
			}
		case "helmCharts", "helmChartInflationGenerator", "helmGlobals":
			s.errorf(k.name, key, "Helm chart in a kustomization",
				"kustomize's %s runs the helm binary and may download charts, which guardrail never does; "+
					"lint the chart itself with --helm CHART (and --values), and the rest of the overlay with -k", name)
		case "namespace", "namePrefix", "nameSuffix", "images", "replicas", "commonLabels", "labels", "commonAnnotations":
			k.fields[name] = field{key, val}
		}
	}
}

// pluginFileKeys are the fields of kustomize's builtin plugin configurations
// that name files the plugin loads.
var pluginFileKeys = map[string]bool{"path": true, "paths": true, "files": true, "envs": true, "env": true, "file": true}

// pluginConfig checks a builtin transformer or generator configuration: it
// may not run Helm, nor load a remote file.
func (s *scanner) pluginConfig(file string, n *yaml.Node) {
	n = deref(n)
	if n == nil {
		return
	}
	if kind := stringField(n, "kind"); strings.HasPrefix(kind, "HelmChart") {
		s.errorf(file, n, "Helm chart in a kustomization",
			"%s runs the helm binary and may download charts, which guardrail never does; lint the chart itself with --helm CHART", kind)
		return
	}
	var check func(n *yaml.Node, key string, depth int)
	check = func(n *yaml.Node, key string, depth int) {
		n = deref(n)
		if n == nil || depth > 32 {
			return
		}
		switch n.Kind {
		case yaml.ScalarNode:
			v := n.Value
			if _, after, ok := strings.Cut(v, "="); ok && key == "files" {
				v = after
			}
			if pluginFileKeys[key] && IsRemote(v) {
				s.errorf(file, n, "remote file not fetched",
					"%s %q is remote; guardrail never downloads (no git clone, no HTTP): vendor it and refer to it by a relative path", key, v)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				check(c, key, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				check(n.Content[i+1], n.Content[i].Value, depth+1)
			}
		}
	}
	check(n, "", 0)
}

// list returns the scalar entries of a list field; other entries are errors.
func (s *scanner) list(k *kfile, name string, val *yaml.Node) []*yaml.Node {
	if val == nil || val.Kind == 0 || val.Tag == "!!null" {
		return nil
	}
	if val.Kind != yaml.SequenceNode {
		s.errorf(k.name, val, "invalid kustomization", "%s is a list of paths", name)
		return nil
	}
	var out []*yaml.Node
	for _, n := range val.Content {
		if n.Kind != yaml.ScalarNode || n.Value == "" {
			s.errorf(k.name, n, "invalid kustomization", "each entry of %s is a path", name)
			continue
		}
		out = append(out, n)
	}
	return out
}

// maps returns the mapping entries of a list field; other entries are errors.
func (s *scanner) maps(k *kfile, name string, val *yaml.Node) []*yaml.Node {
	if val == nil || val.Kind == 0 || val.Tag == "!!null" {
		return nil
	}
	if val.Kind != yaml.SequenceNode {
		s.errorf(k.name, val, "invalid kustomization", "%s is a list", name)
		return nil
	}
	var out []*yaml.Node
	for _, n := range val.Content {
		if n.Kind != yaml.MappingNode {
			s.errorf(k.name, n, "invalid kustomization", "each entry of %s is a mapping", name)
			continue
		}
		out = append(out, n)
	}
	return out
}

// local checks an entry naming a file or directory: it must be local (never
// fetched) and exist. It returns the entry's display name.
func (s *scanner) local(k *kfile, what string, n *yaml.Node) (target string, isDir, ok bool) {
	v := strings.TrimSpace(n.Value)
	if IsRemote(v) {
		s.errorf(k.name, n, "remote "+singular(what)+" not fetched",
			"%s entry %q is remote; guardrail never downloads (no git clone, no HTTP): vendor it into the repository and refer to it by a relative path",
			what, v)
		return "", false, false
	}
	target = v
	if !path.IsAbs(v) && !filepath.IsAbs(v) {
		target = path.Join(k.dir, filepath.ToSlash(v))
	}
	fi, err := os.Stat(filepath.FromSlash(target))
	if err != nil {
		s.errorf(k.name, n, "missing "+singular(what), "%s entry %q: %s (looked for %s)", what, v, errText(err), target)
		return "", false, false
	}
	return target, fi.IsDir(), true
}

// IsRemote reports whether a kustomization entry names a remote resource:
// what kustomize would clone with git or fetch over HTTP. It errs on the side
// of remote: a URL with any scheme, a git:: prefix, an scp-style user@host:
// address, a github.com path or a ?ref= query.
func IsRemote(entry string) bool {
	e := strings.ToLower(strings.TrimSpace(entry))
	if strings.HasPrefix(e, "git::") || strings.Contains(e, "://") || strings.Contains(e, "?ref=") {
		return true
	}
	if strings.HasPrefix(e, "github.com/") || strings.HasPrefix(e, "github.com:") {
		return true
	}
	first, _, _ := strings.Cut(e, "/")
	return strings.Contains(first, "@")
}

// source records a resource file, for locating the objects it holds.
func (s *scanner) source(name string) *text {
	if t, ok := s.texts[name]; ok {
		return t
	}
	t := &text{}
	s.texts[name] = t
	data, err := s.read(name)
	if err != nil {
		return t // kustomize reports the file it cannot read
	}
	t.data = data
	t.docs, _ = yamldoc.Parse(data, s.limits)
	for _, d := range t.docs {
		if m, ok := d.Value.(map[string]any); ok && m["kind"] == "Secret" {
			t.secret = true
		}
	}
	return t
}

// patchEntries reads the entries of patches or patchesJson6902.
func (s *scanner) patchEntries(k *kfile, name string, val *yaml.Node) {
	for _, e := range s.maps(k, name, val) {
		target := s.selector(k, valueNode(e, "target"))
		json6902 := name == "patchesJson6902"
		p, inline := valueNode(e, "path"), valueNode(e, "patch")
		switch {
		case p != nil && inline != nil:
			s.errorf(k.name, e, "invalid patch", "a patch has a path or an inline patch, not both")
		case inline != nil:
			s.inlinePatch(k, inline, target, json6902)
		case p != nil:
			if file, isDir, ok := s.local(k, name+" path", p); ok {
				if isDir {
					s.errorf(k.name, p, "invalid patch", "patch path %q is a directory", p.Value)
					continue
				}
				s.patchFile(k, file, p, target, json6902)
			}
		default:
			s.errorf(k.name, e, "invalid patch", "a patch needs a path or an inline patch")
		}
	}
}

// selector reads a patch target; nil when there is none.
func (s *scanner) selector(k *kfile, n *yaml.Node) *selector {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	sel := &selector{group: stringField(n, "group"), version: stringField(n, "version"), kind: stringField(n, "kind")}
	if name := stringField(n, "name"); name != "" {
		re, err := regexp.Compile("^(?:" + name + ")$")
		if err != nil {
			re = regexp.MustCompile("^" + regexp.QuoteMeta(name) + "$")
		}
		sel.name = re
	}
	var ok bool
	if sel.labels, ok = parseSelector(stringField(n, "labelSelector")); !ok {
		sel.invalid = true
	}
	if sel.annotations, ok = parseSelector(stringField(n, "annotationSelector")); !ok {
		sel.invalid = true
	}
	return sel
}

// parseSelector reads an equality-based selector ("app=web,tier=front").
func parseSelector(s string) (map[string]string, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, true
	}
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(strings.TrimPrefix(v, "="))
		if !ok || k == "" || strings.ContainsAny(k, "!<>() ") {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

// patchFile reads a patch file: one or more strategic merge patches, or a
// list of JSON 6902 operations.
func (s *scanner) patchFile(k *kfile, file string, entry *yaml.Node, target *selector, json6902 bool) {
	t := s.source(file)
	if t.data == nil {
		return
	}
	docs, err := yamldoc.Parse(t.data, s.limits)
	if err != nil {
		var ye *yamldoc.Error
		line := 1
		if errors.As(err, &ye) && ye.Line > 0 {
			line = ye.Line
		}
		s.diags = append(s.diags, resource.ErrorAt(resource.Location{File: file, Line: line}, "invalid patch", err.Error()))
		return
	}
	for _, d := range docs {
		if d.Err != nil {
			s.diags = append(s.diags, resource.ErrorAt(resource.Location{File: file, Line: max(d.Err.Line, 1), Column: d.Err.Column},
				"invalid patch", d.Err.Reason+" (patch of "+k.name+")"))
			continue
		}
		if d.Root == nil {
			continue
		}
		s.addPatch(k, file, d.Index, d.Root, target, json6902)
	}
}

// inlinePatch reads a patch written in the kustomization itself.
func (s *scanner) inlinePatch(k *kfile, n *yaml.Node, target *selector, json6902 bool) {
	if n.Kind != yaml.ScalarNode {
		s.errorf(k.name, n, "invalid patch", "an inline patch is a string holding YAML or JSON")
		return
	}
	root, err := parseInline(k, n)
	if err != nil {
		s.diags = append(s.diags, resource.ErrorAt(resource.Location{File: k.name, Line: max(err.Line, n.Line), Column: n.Column},
			"invalid patch", "the inline patch is not valid YAML: "+err.Reason))
		return
	}
	if root == nil {
		s.errorf(k.name, n, "invalid patch", "the inline patch is empty")
		return
	}
	s.addPatch(k, k.name, 0, root, target, json6902)
}

// parseInline parses YAML written in a string of a kustomization, with the
// lines and columns of the kustomization file (exact for block scalars).
func parseInline(k *kfile, n *yaml.Node) (*yaml.Node, *yamldoc.Error) {
	lineOff, colOff := n.Line-1, n.Column-1
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		lineOff, colOff = n.Line, indentOf(k.data, n.Line+1)
	} else if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		colOff++
	}
	root, err := yamldoc.ParseNode([]byte(n.Value), lineOff)
	if err == nil && root != nil && colOff > 0 {
		shiftColumns(root, colOff, map[*yaml.Node]bool{})
	}
	return root, err
}

// addPatch checks one patch document and records it.
func (s *scanner) addPatch(k *kfile, file string, doc int, root *yaml.Node, target *selector, json6902 bool) {
	root = deref(root)
	switch {
	case root.Kind == yaml.SequenceNode:
		for _, op := range root.Content {
			if problem := checkOperation(op); problem != "" {
				s.errorf(file, op, "invalid patch", "JSON 6902 operation: %s", problem)
				return
			}
		}
		k.patches = append(k.patches, &patch{file: file, doc: doc, json6902: true, node: root, target: target})
	case root.Kind == yaml.MappingNode:
		if json6902 {
			s.errorf(file, root, "invalid patch", "a JSON 6902 patch is a list of operations (- op: replace, path: /spec/...)")
			return
		}
		if target == nil && (stringField(root, "kind") == "" || stringField(valueNode(root, "metadata"), "name") == "") {
			s.errorf(file, root, "invalid patch", "a strategic merge patch without a target names its object: kind and metadata.name")
			return
		}
		k.patches = append(k.patches, &patch{file: file, doc: doc, node: root, target: target})
	default:
		s.errorf(file, root, "invalid patch", "a patch is a YAML object (strategic merge) or a list of JSON 6902 operations")
	}
}

var ops = map[string]bool{"add": true, "remove": true, "replace": true, "move": true, "copy": true, "test": true}

// checkOperation says what is wrong with a JSON 6902 operation, or "".
func checkOperation(op *yaml.Node) string {
	op = deref(op)
	if op.Kind != yaml.MappingNode {
		return "each operation is a mapping with op and path"
	}
	name := stringField(op, "op")
	switch {
	case name == "":
		return "op is missing"
	case !ops[name]:
		return fmt.Sprintf("op %q: want add, remove, replace, move, copy or test", name)
	}
	p := valueNode(op, "path")
	if p == nil || p.Kind != yaml.ScalarNode {
		return "path is missing"
	}
	if !strings.HasPrefix(p.Value, "/") {
		return fmt.Sprintf("path %q is not a JSON pointer (it starts with /)", p.Value)
	}
	if (name == "add" || name == "replace" || name == "test") && valueNode(op, "value") == nil {
		return fmt.Sprintf("%s %s has no value", name, p.Value)
	}
	if (name == "move" || name == "copy") && valueNode(op, "from") == nil {
		return fmt.Sprintf("%s %s has no from", name, p.Value)
	}
	return ""
}

// indentOf returns the indentation of a 1-based line of data.
func indentOf(data []byte, line int) int {
	for l := 1; l < line && len(data) > 0; l++ {
		i := strings.IndexByte(string(data), '\n')
		if i < 0 {
			return 0
		}
		data = data[i+1:]
	}
	n := 0
	for n < len(data) && data[n] == ' ' {
		n++
	}
	return n
}

func shiftColumns(n *yaml.Node, off int, seen map[*yaml.Node]bool) {
	if seen[n] {
		return
	}
	seen[n] = true
	n.Column += off
	for _, c := range n.Content {
		shiftColumns(c, off, seen)
	}
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// valueNode returns the value of key in mapping n, or nil.
func valueNode(n *yaml.Node, key string) *yaml.Node {
	_, v := keyValue(n, key)
	return v
}

func keyValue(n *yaml.Node, key string) (k, v *yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], deref(n.Content[i+1])
		}
	}
	return nil, nil
}

func stringField(n *yaml.Node, key string) string {
	if v := valueNode(n, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(filepath.FromSlash(dir))
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	return real, nil
}

// errText is an error without the path an fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return "no such file or directory"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

func entryValue(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// References returns the local files and directories the kustomization in
// dir lists under resources, bases and components, joined with dir; remote
// entries are left out. It reads that kustomization only, not its bases,
// and returns nil when it cannot be read (Load reports why).
func References(dir string) []string {
	file, ok := FileIn(dir)
	if !ok {
		return nil
	}
	s := newScanner(yamldoc.Limits{}, manifest.DefaultMaxBytes)
	data, err := s.read(file)
	if err != nil {
		return nil
	}
	k := &kfile{dir: path.Clean(dir), name: file, data: data}
	if !s.parse(k) || k.root == nil {
		return nil
	}
	var out []string
	for _, f := range []string{"resources", "bases", "components"} {
		n := valueNode(k.root, f)
		if n == nil || n.Kind != yaml.SequenceNode {
			continue
		}
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode || e.Value == "" || IsRemote(e.Value) {
				continue
			}
			v := filepath.ToSlash(strings.TrimSpace(e.Value))
			if !path.IsAbs(v) {
				v = path.Join(k.dir, v)
			}
			out = append(out, v)
		}
	}
	return out
}

// singular names the thing a kustomization field lists, for summaries.
func singular(field string) string {
	switch f := strings.Fields(field)[0]; f {
	case "resources", "bases", "components", "crds", "configurations", "transformers", "generators", "validators":
		return strings.TrimSuffix(f, "s")
	case "patches", "patchesJson6902", "patchesStrategicMerge":
		return "patch"
	case "configMapGenerator", "secretGenerator", "replacements", "openapi":
		return "file"
	default:
		return f
	}
}
