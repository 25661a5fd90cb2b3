package kustomize

import (
	"math"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	kresource "sigs.k8s.io/kustomize/api/resource"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// tree is the scanned overlay: its kustomizations, how deep each is from
// the top, and which include which.
type tree struct {
	scan    *scanner
	top     *kfile
	depth   map[*kfile]int
	parents map[*kfile][]*kfile // kustomizations listing each one under resources, bases or components
	owner   map[string][]*kfile // resource files to the kustomizations listing them
}

func newTree(s *scanner, top *kfile) *tree {
	t := &tree{scan: s, top: top, depth: map[*kfile]int{top: 0}, parents: map[*kfile][]*kfile{}, owner: map[string][]*kfile{}}
	queue := []*kfile{top}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		for _, r := range k.refs {
			if !r.dir {
				t.owner[r.target] = append(t.owner[r.target], k)
			}
		}
		for _, c := range append(append([]*kfile{}, k.children...), k.components...) {
			t.parents[c] = append(t.parents[c], k)
			if _, seen := t.depth[c]; !seen {
				t.depth[c] = t.depth[k] + 1
				queue = append(queue, c)
			}
		}
	}
	return t
}

// object is one rendered object and what locates its attributes.
type object struct {
	attrs   map[string]any
	loc     resource.Location // the object itself: the overlay's entry that brings it in
	name    string            // metadata.name as rendered
	orig    string            // metadata.name as written in its source (or generator)
	kind    string
	group   string
	version string
	src     *yaml.Node // the object's mapping in its source file, when found
	srcFile string
	srcDoc  int
	chain   []*kfile // kustomizations whose patches and transformers apply, last applied first
}

// newObject works out where a rendered object came from.
func (t *tree) newObject(attrs map[string]any, origin *kresource.Origin) *object {
	o := &object{attrs: attrs, loc: resource.Location{File: t.top.name, Line: 1}}
	o.kind, _ = attrs["kind"].(string)
	av, _ := attrs["apiVersion"].(string)
	if g, v, ok := strings.Cut(av, "/"); ok {
		o.group, o.version = g, v
	} else {
		o.version = av
	}
	meta, _ := attrs["metadata"].(map[string]any)
	o.name, _ = meta["name"].(string)
	o.orig = o.name
	if root := t.top.root; root != nil {
		o.loc.Line, o.loc.Column = root.Line, root.Column
	}
	var owners []*kfile
	var file string    // the file the object came from: its source, or its generator's kustomization
	var gen *generator // the generator that made it, in the top kustomization
	switch {
	case origin != nil && origin.Path != "":
		o.srcFile = path.Join(t.top.dir, filepath.ToSlash(origin.Path))
		file = o.srcFile
		owners = t.owner[o.srcFile]
		o.findSource(t.scan.texts[o.srcFile])
	case origin != nil && origin.ConfiguredIn != "":
		file = path.Join(t.top.dir, filepath.ToSlash(origin.ConfiguredIn))
		for _, k := range t.scan.all {
			if k.name != file {
				continue
			}
			owners = append(owners, k)
			if g, ok := k.generator(origin.ConfiguredBy.Kind, o.name); ok {
				o.orig = g.name
				if k == t.top {
					gen = &g
				}
			}
		}
	}
	if len(owners) == 0 {
		owners = []*kfile{t.top}
	}
	ns, _ := meta["namespace"].(string)
	o.chain = t.chain(owners, ns, o.name)
	switch {
	case gen != nil:
		o.loc = resource.Location{File: t.top.name, Line: gen.node.Line, Column: gen.node.Column}
	case file != "":
		if r, ok := t.entryFor(file, o.chain); ok {
			o.loc = r
		}
	}
	return o
}

// entryFor returns the location of the top kustomization's entry (resource,
// base or component) that leads to file, through the kustomizations of chain.
func (t *tree) entryFor(file string, chain []*kfile) (resource.Location, bool) {
	inChain := map[string]bool{}
	for _, k := range chain {
		inChain[k.dir] = true
	}
	best := -1
	var loc resource.Location
	for _, r := range t.top.refs {
		if r.target == file || r.dir && strings.HasPrefix(file, r.target+"/") {
			if len(r.target) > best {
				best = len(r.target)
				loc = resource.Location{File: t.top.name, Line: r.node.Line, Column: r.node.Column}
			}
		}
	}
	if best < 0 {
		// Reached through a base: find the entry whose kustomization reaches the file.
		for _, r := range t.top.refs {
			if !r.dir {
				continue
			}
			for _, k := range t.scan.all {
				if k.dir == r.target && inChain[k.dir] && t.reaches(k, file, map[*kfile]bool{}) {
					return resource.Location{File: t.top.name, Line: r.node.Line, Column: r.node.Column}, true
				}
			}
		}
	}
	return loc, best >= 0
}

// reaches reports whether kustomization k lists file, itself or through its bases.
func (t *tree) reaches(k *kfile, file string, seen map[*kfile]bool) bool {
	if seen[k] {
		return false
	}
	seen[k] = true
	if k.name == file {
		return true
	}
	for _, r := range k.refs {
		if r.target == file {
			return true
		}
	}
	for _, c := range append(append([]*kfile{}, k.children...), k.components...) {
		if t.reaches(c, file, seen) {
			return true
		}
	}
	return false
}

// chain returns the kustomizations that apply their patches and transformers
// to an object of owners, rendered in namespace ns with name name: those on
// the routes from the top down to an owner, and their components, the last
// applied (nearest the top) first. When a base is reached by several routes
// (an overlay of overlays), only the routes whose namespace and name
// prefixes and suffixes agree with the rendered object count.
func (t *tree) chain(owners []*kfile, ns, name string) []*kfile {
	var routes [][]*kfile
	for _, k := range owners {
		t.routes(k, nil, &routes)
	}
	var fit [][]*kfile
	for _, r := range routes {
		if consistent(r, ns, name) {
			fit = append(fit, r)
		}
	}
	if len(fit) == 0 {
		fit = routes
	}
	in := map[*kfile]bool{}
	var add func(k *kfile)
	add = func(k *kfile) {
		if in[k] {
			return
		}
		in[k] = true
		for _, c := range k.components {
			add(c)
		}
	}
	for _, r := range fit {
		for _, k := range r {
			add(k)
		}
	}
	out := make([]*kfile, 0, len(in))
	for k := range in {
		if _, ok := t.depth[k]; ok {
			out = append(out, k)
		}
	}
	// Nearest the top first; a kustomization's own patches apply after its
	// components', so a component sorts after the kustomization listing it.
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := t.depth[out[i]], t.depth[out[j]]
		if di != dj {
			return di < dj
		}
		return out[i].name < out[j].name
	})
	return out
}

// maxRoutes bounds the routes followed from a base up to the top.
const maxRoutes = 64

// routes appends the routes from k up to the top: k first, the top last.
func (t *tree) routes(k *kfile, acc []*kfile, out *[][]*kfile) {
	if len(*out) >= maxRoutes || len(acc) > len(t.scan.all) {
		return
	}
	acc = append(acc, k)
	if k == t.top {
		*out = append(*out, append([]*kfile{}, acc...))
		return
	}
	for _, p := range t.parents[k] {
		t.routes(p, acc, out)
	}
}

// consistent reports whether a route (base first, top last) renders an
// object in namespace ns named name: the namespace of the kustomization
// nearest the top that sets one is ns, and every name prefix and suffix
// on the way is in name.
func consistent(route []*kfile, ns, name string) bool {
	want := ""
	for _, k := range route {
		if f, ok := k.fields["namespace"]; ok && f.value.Value != "" {
			want = f.value.Value
		}
		for _, fix := range []string{"namePrefix", "nameSuffix"} {
			if f, ok := k.fields[fix]; ok && !strings.Contains(name, f.value.Value) {
				return false
			}
		}
	}
	return want == "" || want == ns
}

// generator finds the generator entry of kind that produced an object named name.
func (k *kfile) generator(kind, name string) (generator, bool) {
	var best generator
	found := false
	for _, g := range k.generators {
		if g.kind != kind || g.name == "" || !strings.Contains(name, g.name) {
			continue
		}
		if !found || len(g.name) > len(best.name) {
			best, found = g, true
		}
	}
	return best, found
}

// findSource finds the object's document in its source file: the one of its
// kind whose name the rendered name contains (prefixes and suffixes added),
// the longest such name winning.
func (o *object) findSource(t *text) {
	if t == nil {
		return
	}
	var cands []candidate
	for _, d := range t.docs {
		if d.Err != nil || d.Root == nil {
			continue
		}
		cands = appendCandidates(cands, d.Root, d.Index, 0)
	}
	best := -1
	for _, c := range cands {
		if c.kind != o.kind {
			continue
		}
		if c.name != "" && !strings.Contains(o.name, c.name) {
			continue
		}
		if len(c.name) > best {
			best = len(c.name)
			o.src, o.srcDoc, o.orig = c.node, c.doc, c.name
		}
	}
	if o.orig == "" {
		o.orig = o.name
	}
}

type candidate struct {
	kind, name string
	node       *yaml.Node
	doc        int
}

// appendCandidates adds the object n, or the items of n when it is a List.
func appendCandidates(out []candidate, n *yaml.Node, doc, depth int) []candidate {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 4 {
		return out
	}
	kind := stringField(n, "kind")
	if items := valueNode(n, "items"); strings.HasSuffix(kind, "List") && items != nil && items.Kind == yaml.SequenceNode {
		for _, it := range items.Content {
			out = appendCandidates(out, it, doc, depth+1)
		}
		return out
	}
	return append(out, candidate{kind: kind, name: stringField(valueNode(n, "metadata"), "name"), node: n, doc: doc})
}

// Locate implements resource.Locator.
func (o *object) Locate(p resource.Path) resource.Location {
	for depth := 0; len(p) > 0 && depth < 64; depth++ {
		if loc, ok := o.locate(p); ok {
			return loc
		}
		p = p[:len(p)-1]
	}
	return resource.Location{}
}

// locate finds where the attribute at p was written, or removed.
func (o *object) locate(p resource.Path) (resource.Location, bool) {
	v, exists := valueAt(o.attrs, p)
	if !exists {
		// Removed by a JSON 6902 operation on it or a parent, by a strategic
		// merge patch setting it to null, or, for a field missing under p
		// (an Ingress without tls, reported at spec), by a remove under p.
		if loc, ok := o.patchSetting(p, v, false, true); ok {
			return loc, true
		}
		return o.removal(p)
	}
	_, isMap := v.(map[string]any)
	_, isList := v.([]any)
	if !isMap && !isList {
		// A value: the last patch setting it to what was rendered, else the
		// source writing it so, else the transformer that set it.
		if loc, ok := o.patchSetting(p, v, true, true); ok {
			return loc, true
		}
		if loc, ok := o.source(p, v); ok {
			return loc, true
		}
		return o.locateTransformer(p)
	}
	// A map or list: replaced whole by a JSON 6902 operation, else missing
	// a field an operation removed (findings about a missing field are
	// reported at its parent), else written in the source, else brought in
	// by a strategic merge patch.
	if loc, ok := o.patchSetting(p, v, true, false); ok {
		return loc, true
	}
	if loc, ok := o.removal(p); ok {
		return loc, true
	}
	if loc, ok := o.source(p, v); ok {
		return loc, true
	}
	if loc, ok := o.patchSetting(p, v, true, true); ok {
		return loc, true
	}
	return o.locateTransformer(p)
}

// source locates p in the object's source document.
func (o *object) source(p resource.Path, v any) (resource.Location, bool) {
	if o.src == nil {
		return resource.Location{}, false
	}
	key, _, ok := walk(o.src, p, o.attrs, v, true)
	if !ok {
		return resource.Location{}, false
	}
	return resource.Location{File: o.srcFile, Line: key.Line, Column: key.Column, Document: o.srcDoc}, true
}

// identity is what a strategic merge patch writes to name its object, not
// to change it.
var identity = map[string]bool{"apiVersion": true, "kind": true, "metadata.name": true, "metadata.namespace": true}

// identifies reports whether a strategic merge patch writes the attribute at
// p to name what it patches: the object, or a list element by its merge key
// (a container's name, a port's containerPort).
func identifies(p resource.Path) bool {
	if identity[p.String()] {
		return true
	}
	n := len(p)
	if n < 2 || !p[n-2].IsIndex() {
		return false
	}
	for _, k := range mergeKeys {
		if p[n-1].Key == k {
			return true
		}
	}
	return false
}

// patchSetting finds the last patch that set the attribute at p (rendered
// as v when exists) or removed it: a JSON 6902 operation on p or a parent,
// and when smp is set a strategic merge patch writing p with that value (or
// null, for a removal).
func (o *object) patchSetting(p resource.Path, v any, exists, smp bool) (resource.Location, bool) {
	smp = smp && !identifies(p)
	for _, k := range o.chain {
		for i := len(k.patches) - 1; i >= 0; i-- {
			pt := k.patches[i]
			if !pt.json6902 && !smp || !o.matches(pt) {
				continue
			}
			var n *yaml.Node
			if pt.json6902 {
				n = operationOn(pt.node, p)
			} else if key, val, ok := walk(pt.node, p, o.attrs, v, exists); ok && (exists || val.Tag == "!!null") {
				n = key
			}
			if n != nil {
				return resource.Location{File: pt.file, Line: n.Line, Column: n.Column, Document: pt.doc}, true
			}
		}
	}
	return resource.Location{}, false
}

// removal finds a JSON 6902 remove operation under p whose path is gone
// from the rendered object.
func (o *object) removal(p resource.Path) (resource.Location, bool) {
	for _, k := range o.chain {
		for i := len(k.patches) - 1; i >= 0; i-- {
			pt := k.patches[i]
			if !pt.json6902 || !o.matches(pt) {
				continue
			}
			if n := removalUnder(pt.node, p, o.attrs); n != nil {
				return resource.Location{File: pt.file, Line: n.Line, Column: n.Column, Document: pt.doc}, true
			}
		}
	}
	return resource.Location{}, false
}

// removalUnder returns the last remove operation of ops whose path lies
// under p and is gone from the rendered object.
func removalUnder(ops *yaml.Node, p resource.Path, rendered map[string]any) *yaml.Node {
	for i := len(ops.Content) - 1; i >= 0; i-- {
		op := deref(ops.Content[i])
		if stringField(op, "op") != "remove" {
			continue
		}
		target := pointer(stringField(op, "path"))
		if len(target) <= len(p) || !under(target, p) {
			continue
		}
		tp := make(resource.Path, len(target))
		for j, seg := range target {
			if n, err := strconv.Atoi(seg); err == nil && n >= 0 {
				tp[j] = resource.Index(n)
			} else {
				tp[j] = resource.Key(seg)
			}
		}
		if _, exists := valueAt(rendered, tp); exists {
			continue
		}
		if k, _ := keyValue(op, "op"); k != nil {
			return k
		}
	}
	return nil
}

// under reports whether the pointer segments start with path p.
func under(segs []string, p resource.Path) bool {
	for j, s := range p {
		if s.IsIndex() && segs[j] != strconv.Itoa(s.Index) || !s.IsIndex() && segs[j] != s.Key {
			return false
		}
	}
	return true
}

// matches reports whether a patch applies to the object.
func (o *object) matches(pt *patch) bool {
	if s := pt.target; s != nil {
		if s.invalid || s.kind != "" && s.kind != o.kind || s.group != "" && s.group != o.group || s.version != "" && s.version != o.version {
			return false
		}
		if s.name != nil && !s.name.MatchString(o.orig) && !s.name.MatchString(o.name) {
			return false
		}
		meta, _ := o.attrs["metadata"].(map[string]any)
		return subset(s.labels, meta["labels"]) && subset(s.annotations, meta["annotations"])
	}
	if stringField(pt.node, "kind") != o.kind {
		return false
	}
	name := stringField(valueNode(pt.node, "metadata"), "name")
	return name == o.orig || name == o.name || strings.Contains(o.name, name) && strings.Contains(name, o.orig)
}

func subset(want map[string]string, have any) bool {
	m, _ := have.(map[string]any)
	for k, v := range want {
		if s, _ := m[k].(string); s != v {
			return false
		}
	}
	return true
}

// locateTransformer finds the kustomization field of the transformer that
// sets the attribute at p: namespace, namePrefix or nameSuffix, images,
// replicas, commonLabels, labels, commonAnnotations.
func (o *object) locateTransformer(p resource.Path) (resource.Location, bool) {
	s := p.String()
	last := p[len(p)-1]
	for _, k := range o.chain {
		at := func(n *yaml.Node) (resource.Location, bool) {
			return resource.Location{File: k.name, Line: n.Line, Column: n.Column}, true
		}
		switch {
		case s == "metadata.namespace":
			if f, ok := k.fields["namespace"]; ok {
				return at(f.key)
			}
		case s == "metadata.name":
			for _, name := range []string{"namePrefix", "nameSuffix"} {
				if f, ok := k.fields[name]; ok && f.value.Value != "" && strings.Contains(o.name, f.value.Value) {
					return at(f.key)
				}
			}
		case last.Key == "image" && len(p) >= 3 && p[len(p)-2].IsIndex():
			image, _ := o.valueString(p)
			if n := imageEntry(k.fields["images"].value, image); n != nil {
				return at(n)
			}
		case s == "spec.replicas":
			if n := namedEntry(k.fields["replicas"].value, o.orig, o.name); n != nil {
				return at(n)
			}
		case len(p) >= 2 && !last.IsIndex() && (p[len(p)-2].Key == "labels" || p[len(p)-2].Key == "matchLabels" || p[len(p)-2].Key == "selector"):
			if n := labelKey(k, last.Key); n != nil {
				return at(n)
			}
		case len(p) >= 2 && !last.IsIndex() && p[len(p)-2].Key == "annotations":
			if f, ok := k.fields["commonAnnotations"]; ok {
				if key, _ := keyValue(f.value, last.Key); key != nil {
					return at(key)
				}
			}
		}
	}
	return resource.Location{}, false
}

func (o *object) valueString(p resource.Path) (string, bool) {
	v, ok := valueAt(o.attrs, p)
	s, isString := v.(string)
	return s, ok && isString
}

// imageEntry finds the images entry that rewrites image.
func imageEntry(list *yaml.Node, image string) *yaml.Node {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	repo := image
	if i := strings.IndexAny(repo, "@"); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	for _, e := range list.Content {
		if stringField(e, "name") == repo || stringField(e, "newName") == repo {
			return e
		}
	}
	return nil
}

// namedEntry finds the entry of list whose name is one of names.
func namedEntry(list *yaml.Node, names ...string) *yaml.Node {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	for _, e := range list.Content {
		for _, n := range names {
			if stringField(e, "name") == n {
				return e
			}
		}
	}
	return nil
}

// labelKey finds key among a kustomization's commonLabels and labels[].pairs.
func labelKey(k *kfile, key string) *yaml.Node {
	if f, ok := k.fields["commonLabels"]; ok {
		if kn, _ := keyValue(f.value, key); kn != nil {
			return kn
		}
	}
	if f, ok := k.fields["labels"]; ok && f.value.Kind == yaml.SequenceNode {
		for _, e := range f.value.Content {
			if kn, _ := keyValue(valueNode(e, "pairs"), key); kn != nil {
				return kn
			}
		}
	}
	return nil
}

// valueAt returns the value at p in a rendered attribute tree.
func valueAt(v any, p resource.Path) (any, bool) {
	for _, s := range p {
		switch c := v.(type) {
		case map[string]any:
			if s.IsIndex() {
				return nil, false
			}
			var ok bool
			if v, ok = c[s.Key]; !ok {
				return nil, false
			}
		case []any:
			if !s.IsIndex() || s.Index >= len(c) {
				return nil, false
			}
			v = c[s.Index]
		default:
			return nil, false
		}
	}
	return v, true
}

// mergeKeys are the strategic merge keys of the lists of Kubernetes objects:
// a list element of the rendered object is found in a patch or a source by
// the value of the first of these keys it has, else by its index.
var mergeKeys = []string{"name", "containerPort", "mountPath", "devicePath", "ip", "port", "topologyKey", "type"}

// walk follows p from n, a YAML object, alongside the rendered attribute
// tree. List elements are matched by merge key. It returns the node of the
// last step (the key of a map entry, the element of a list) and the value
// node, ok when the path is written in n and, for a scalar, its value equals
// want (when have is set).
func walk(n *yaml.Node, p resource.Path, rendered, want any, have bool) (key, val *yaml.Node, ok bool) {
	cur := rendered
	val = deref(n)
	for _, s := range p {
		if val == nil {
			return nil, nil, false
		}
		if s.IsIndex() {
			list, _ := cur.([]any)
			if val.Kind != yaml.SequenceNode || s.Index >= len(list) {
				return nil, nil, false
			}
			elem := elementFor(val, list[s.Index], s.Index)
			if elem == nil {
				return nil, nil, false
			}
			key, val, cur = elem, deref(elem), list[s.Index]
			continue
		}
		k, v := lookup(val, s.Key)
		if v == nil {
			return nil, nil, false
		}
		m, _ := cur.(map[string]any)
		key, val, cur = k, v, m[s.Key]
	}
	if val == nil || key == nil {
		return nil, nil, false
	}
	if have && val.Kind == yaml.ScalarNode && !scalarEqual(val, want) {
		return nil, nil, false
	}
	return key, val, true
}

// lookup finds key in mapping n, following merge keys one level.
func lookup(n *yaml.Node, key string) (k, v *yaml.Node) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Tag == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if n.Content[i].Value == key {
			return n.Content[i], deref(n.Content[i+1])
		}
	}
	for _, m := range merges {
		if m = deref(m); m.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == key {
					return m.Content[i], deref(m.Content[i+1])
				}
			}
		}
	}
	return nil, nil
}

// elementFor finds the element of list node seq matching a rendered element.
func elementFor(seq *yaml.Node, rendered any, index int) *yaml.Node {
	if m, ok := rendered.(map[string]any); ok {
		for _, mk := range mergeKeys {
			want, ok := m[mk]
			if !ok {
				continue
			}
			for _, e := range seq.Content {
				if _, v := lookup(e, mk); v != nil && v.Kind == yaml.ScalarNode && scalarEqual(v, want) {
					return e
				}
			}
			return nil
		}
	}
	if index < len(seq.Content) {
		return seq.Content[index]
	}
	return nil
}

// scalarEqual reports whether a YAML scalar holds the value v of a rendered tree.
func scalarEqual(n *yaml.Node, v any) bool {
	switch x := v.(type) {
	case string:
		return n.Value == x && n.Tag != "!!null"
	case bool:
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			switch strings.ToLower(n.Value) {
			case "yes", "on", "y":
				b, err = true, nil
			case "no", "off", "n":
				b, err = false, nil
			}
		}
		return err == nil && b == x
	case nil:
		return n.Tag == "!!null" || n.Value == "" || n.Value == "~" || n.Value == "null"
	}
	f, ok := number(v)
	if !ok {
		return false
	}
	g, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil {
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			g = float64(i)
		} else {
			return false
		}
	}
	return g == f || math.Abs(g-f) < 1e-9
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// operationOn returns the JSON 6902 operation (its op key) of ops that
// changes the attribute at p or one of its parents, the last one first.
func operationOn(ops *yaml.Node, p resource.Path) *yaml.Node {
	for i := len(ops.Content) - 1; i >= 0; i-- {
		op := deref(ops.Content[i])
		if stringField(op, "op") == "test" {
			continue
		}
		target := pointer(stringField(op, "path"))
		if len(target) == 0 || len(target) > len(p) {
			continue
		}
		match := true
		for j, seg := range target {
			s := p[j]
			switch {
			case seg == "-":
				match = s.IsIndex()
			case s.IsIndex():
				match = seg == strconv.Itoa(s.Index)
			default:
				match = seg == s.Key
			}
			if !match {
				break
			}
		}
		if match {
			if k, _ := keyValue(op, "op"); k != nil {
				return k
			}
			return op
		}
	}
	return nil
}

// pointer splits a JSON pointer (RFC 6901) into its unescaped segments.
func pointer(s string) []string {
	if !strings.HasPrefix(s, "/") {
		return nil
	}
	parts := strings.Split(s[1:], "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}
