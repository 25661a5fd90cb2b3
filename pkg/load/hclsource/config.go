package hclsource

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

// moduleConfig is one module directory, parsed and decoded but not evaluated.
type moduleConfig struct {
	dir   string // as joined from the root directory
	files []*srcFile

	variables   map[string]*variableDecl
	varOrder    []string
	locals      map[string]*localDecl
	localOrder  []string
	outputs     map[string]*outputDecl
	outputOrder []string
	resources   []*resourceDecl
	resByKey    map[string]*resourceDecl
	resTypes    map[string]bool
	modules     []*moduleCall
	modByName   map[string]*moduleCall
	providers   map[string]*providerDecl
}

type srcFile struct {
	name     string
	json     bool
	src      []byte
	comments []comment
}

type comment struct {
	text     string
	rng      hcl.Range
	ownLine  bool // nothing but blanks before it on its line
	lastLine int  // the last line the comment's text is on
}

type variableDecl struct {
	name     string
	defRange hcl.Range
	def      hcl.Expression // nil when there is no default
	ty       cty.Type       // cty.DynamicPseudoType when there is no type
	hasType  bool
	defaults *typeexpr.Defaults
}

type localDecl struct {
	name string
	expr hcl.Expression
	rng  hcl.Range
}

type outputDecl struct {
	name string
	expr hcl.Expression
	rng  hcl.Range
}

type resourceDecl struct {
	mode, typ, name string
	key             string // aws_vpc.main or data.aws_ami.x, as references write it
	defRange        hcl.Range
	count, forEach  hcl.Expression
	provider        string // explicit provider meta-argument, or ""
	dependsOn       []hcl.Traversal
	body            *bodyView
	waivers         []resource.InlineWaiver
}

type moduleCall struct {
	name           string
	defRange       hcl.Range
	source         string
	sourceRange    hcl.Range
	count, forEach hcl.Expression
	args           map[string]*attrView
	providers      map[string]string // child local address -> parent address
	dependsOn      []hcl.Traversal
}

type providerDecl struct {
	addr     string
	body     *bodyView
	defRange hcl.Range
}

// bodyView is a block body in source order, the same for native syntax and
// JSON, with nested blocks kept apart from attributes.
type bodyView struct {
	attrs  []*attrView
	blocks []*blockView
}

type attrView struct {
	name string
	expr hcl.Expression
	rng  hcl.Range // the whole "name = expr"
}

type blockView struct {
	typ      string
	labels   []string
	body     *bodyView
	defRange hcl.Range
}

func (b *bodyView) attr(name string) *attrView {
	for _, a := range b.attrs {
		if a.name == name {
			return a
		}
	}
	return nil
}

// take removes and returns the attribute called name.
func (b *bodyView) take(name string) *attrView {
	for i, a := range b.attrs {
		if a.name == name {
			b.attrs = append(b.attrs[:i:i], b.attrs[i+1:]...)
			return a
		}
	}
	return nil
}

func viewSyntax(b *hclsyntax.Body) *bodyView {
	v := &bodyView{attrs: make([]*attrView, 0, len(b.Attributes))}
	for _, a := range b.Attributes {
		v.attrs = append(v.attrs, &attrView{name: a.Name, expr: a.Expr, rng: a.SrcRange})
	}
	sortAttrs(v.attrs)
	for _, blk := range b.Blocks {
		v.blocks = append(v.blocks, &blockView{typ: blk.Type, labels: blk.Labels, body: viewSyntax(blk.Body), defRange: blk.DefRange()})
	}
	return v
}

var jsonNestedSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "dynamic", LabelNames: []string{"type"}}}}
var jsonTopSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "dynamic", LabelNames: []string{"type"}},
	{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}, {Type: "connection"},
}}
var jsonDynamicSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "content"}}}

// viewJSON builds a view of a JSON body. JSON cannot tell a nested block from
// an attribute without a schema, so nested blocks stay attributes (objects or
// arrays of objects), except dynamic blocks and, at the top of a resource,
// the meta-argument blocks.
func viewJSON(b hcl.Body, top bool) (*bodyView, hcl.Diagnostics) {
	schema := jsonNestedSchema
	if top {
		schema = jsonTopSchema
	}
	content, remain, diags := b.PartialContent(schema)
	v := &bodyView{}
	for _, blk := range content.Blocks {
		bv := &blockView{typ: blk.Type, labels: blk.Labels, defRange: blk.DefRange}
		if blk.Type == "dynamic" {
			dc, drem, d := blk.Body.PartialContent(jsonDynamicSchema)
			diags = append(diags, d...)
			bv.body = &bodyView{}
			attrs, d := drem.JustAttributes()
			diags = append(diags, d...)
			bv.body.attrs = jsonAttrs(attrs)
			for _, cb := range dc.Blocks {
				cv, d := viewJSON(cb.Body, false)
				diags = append(diags, d...)
				bv.body.blocks = append(bv.body.blocks, &blockView{typ: "content", body: cv, defRange: cb.DefRange})
			}
		} else {
			bv.body = &bodyView{}
		}
		v.blocks = append(v.blocks, bv)
	}
	attrs, d := remain.JustAttributes()
	diags = append(diags, d...)
	v.attrs = jsonAttrs(attrs)
	return v, diags
}

func jsonAttrs(attrs hcl.Attributes) []*attrView {
	out := make([]*attrView, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, &attrView{name: a.Name, expr: a.Expr, rng: a.Range})
	}
	sortAttrs(out)
	return out
}

func sortAttrs(a []*attrView) {
	sort.Slice(a, func(i, j int) bool { return a[i].rng.Start.Byte < a[j].rng.Start.Byte })
}

// forExprRE finds what may start a for expression, to skip walking files
// without one.
var forExprRE = regexp.MustCompile(`[\[{]\s*for\s`)

var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "terraform"},
	{Type: "moved"},
	{Type: "import"},
	{Type: "check", LabelNames: []string{"name"}},
	{Type: "removed"},
	{Type: "ephemeral", LabelNames: []string{"type", "name"}},
}}

var topLabels = func() map[string]int {
	m := map[string]int{}
	for _, b := range topSchema.Blocks {
		m[b.Type] = len(b.LabelNames)
	}
	return m
}()

// isConfigFile reports whether Terraform reads name as configuration, and
// whether it is JSON.
func isConfigFile(name string) (ok, isJSON bool) {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || (strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")) {
		return false, false
	}
	switch {
	case strings.HasSuffix(name, ".tf.json"):
		return true, true
	case strings.HasSuffix(name, ".tf"):
		return true, false
	}
	return false, false
}

func isOverride(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// loadConfig reads and decodes the module in dir. Problems become
// diagnostics; the returned config holds whatever could be read.
func (l *loader) loadConfig(dir string) *moduleConfig {
	if c, ok := l.configs[dir]; ok {
		return c
	}
	cfg := &moduleConfig{
		dir:       dir,
		variables: map[string]*variableDecl{},
		locals:    map[string]*localDecl{},
		outputs:   map[string]*outputDecl{},
		resByKey:  map[string]*resourceDecl{},
		resTypes:  map[string]bool{},
		modByName: map[string]*moduleCall{},
		providers: map[string]*providerDecl{},
	}
	l.configs[dir] = cfg
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if abs, err := filepath.Abs(real); err == nil {
			l.moduleDirs = append(l.moduleDirs, abs)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		l.diag(resource.ErrorAt(resource.Location{File: dir}, "Cannot read module directory", err.Error()))
		return cfg
	}
	var names []string
	for _, e := range entries {
		if ok, _ := isConfigFile(e.Name()); ok {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) > l.lim.MaxFiles {
		l.diag(resource.ErrorAt(resource.Location{File: dir}, "Too many configuration files",
			fmt.Sprintf("The directory holds %d configuration files; only the first %d (by name) are read.", len(names), l.lim.MaxFiles)))
		names = names[:l.lim.MaxFiles]
	}
	for _, name := range names {
		if l.ctx.Err() != nil {
			return cfg
		}
		path := filepath.Join(dir, name)
		if isOverride(name) {
			l.diag(resource.WarningAt(resource.Location{File: path}, "Override file not merged",
				"Override files are not merged by static loading; this file is skipped, so the configuration judged is the one without it."))
			continue
		}
		_, isJSON := isConfigFile(name)
		src, d := readSource(path, l.lim)
		if d != nil {
			l.diag(*d)
			continue
		}
		l.set.Sources[path] = forSnippets(src)
		l.curFile = path
		f := &srcFile{name: path, json: isJSON, src: src}
		cfg.files = append(cfg.files, f)
		l.decodeFile(cfg, f)
	}
	return cfg
}

func (l *loader) decodeFile(cfg *moduleConfig, f *srcFile) {
	var blocks []topBlock
	ok := l.guard(hcl.Range{Filename: f.name, Start: hcl.InitialPos}, "parsing the file", func() {
		if f.json {
			file, diags := hcljson.Parse(f.src, f.name)
			l.hclDiags(diags, resource.DiagError)
			if file == nil || file.Body == nil {
				return
			}
			content, _, diags := file.Body.PartialContent(topSchema)
			l.hclDiags(diags, resource.DiagError)
			for _, b := range content.Blocks {
				blocks = append(blocks, topBlock{Block: b})
			}
			return
		}
		file, diags := hclsyntax.ParseConfig(f.src, f.name, hcl.InitialPos)
		l.hclDiags(diags, resource.DiagError)
		body, _ := file.Body.(*hclsyntax.Body)
		if body == nil {
			return
		}
		if forExprRE.Match(f.src) {
			l.limitForExprs(body)
		}
		if bytes.Contains(f.src, []byte(waiver.Marker)) {
			f.comments = lexComments(f.src, f.name) // lexing again costs as much as parsing
		}
		for _, a := range sortedSyntaxAttrs(body) {
			rng := a.NameRange
			l.diag(resource.ErrorAt(locOf(rng), "Unsupported argument",
				fmt.Sprintf("An argument named %q is not expected at the top level of a module; only blocks are.", a.Name)))
		}
		for _, b := range body.Blocks {
			blocks = append(blocks, topBlock{Block: b.AsHCLBlock(), syn: b})
		}
	})
	if !ok {
		return
	}
	var jsonWaivers map[string][]resource.InlineWaiver
	if f.json {
		jsonWaivers = l.jsonWaivers(f)
	}
	for _, b := range blocks {
		want, known := topLabels[b.Type]
		if !known {
			l.diag(resource.WarningAt(locOf(b.DefRange), "Unsupported block type",
				fmt.Sprintf("Blocks of type %q are not expected at the top level of a module; this one is ignored.", b.Type)))
			continue
		}
		if len(b.Labels) != want {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Wrong number of labels",
				fmt.Sprintf("A %s block takes %d label(s), but this one has %d; it is ignored.", b.Type, want, len(b.Labels))))
			continue
		}
		l.guard(b.DefRange, "decoding a "+b.Type+" block", func() {
			l.decodeBlock(cfg, f, b, jsonWaivers)
		})
	}
}

type topBlock struct {
	*hcl.Block
	syn *hclsyntax.Block // nil for JSON
}

func (b topBlock) view(top bool) (*bodyView, hcl.Diagnostics) {
	if b.syn != nil {
		return viewSyntax(b.syn.Body), nil
	}
	return viewJSON(b.Body, top)
}

func sortedSyntaxAttrs(b *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

func (l *loader) decodeBlock(cfg *moduleConfig, f *srcFile, b topBlock, jsonWaivers map[string][]resource.InlineWaiver) {
	switch b.Type {
	case "resource", "data":
		v, diags := b.view(true)
		l.hclDiags(diags, resource.DiagError)
		rd := &resourceDecl{mode: "managed", typ: b.Labels[0], name: b.Labels[1], defRange: b.DefRange, body: v}
		rd.key = rd.typ + "." + rd.name
		if b.Type == "data" {
			rd.mode, rd.key = "data", "data."+rd.key
		}
		if prev, dup := cfg.resByKey[rd.key]; dup {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Duplicate resource",
				fmt.Sprintf("%s is also declared at %s; only the first is loaded.", rd.key, locOf(prev.defRange))))
			return
		}
		if a := v.take("count"); a != nil {
			rd.count = a.expr
		}
		if a := v.take("for_each"); a != nil {
			rd.forEach = a.expr
		}
		if a := v.take("provider"); a != nil {
			rd.provider = l.providerRef(a.expr)
		}
		if a := v.take("depends_on"); a != nil {
			rd.dependsOn = l.traversalList(a.expr)
		}
		kept := v.blocks[:0]
		for _, blk := range v.blocks {
			switch blk.typ {
			case "lifecycle", "provisioner", "connection":
			default:
				kept = append(kept, blk)
			}
		}
		v.blocks = kept
		if rd.count != nil && rd.forEach != nil {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Invalid combination of count and for_each",
				"count and for_each may not both be set; for_each is ignored."))
			rd.forEach = nil
		}
		if b.syn != nil {
			rd.waivers = blockWaivers(f, b.syn)
		} else if b.Type == "resource" {
			rd.waivers = jsonWaivers[rd.key]
		}
		cfg.resources = append(cfg.resources, rd)
		cfg.resByKey[rd.key] = rd
		if rd.mode == "managed" {
			cfg.resTypes[rd.typ] = true
		}
	case "module":
		v, diags := b.view(false)
		l.hclDiags(diags, resource.DiagError)
		mc := &moduleCall{name: b.Labels[0], defRange: b.DefRange, args: map[string]*attrView{}, sourceRange: b.DefRange}
		if _, dup := cfg.modByName[mc.name]; dup {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Duplicate module call",
				fmt.Sprintf("A module call named %q is already declared; only the first is loaded.", mc.name)))
			return
		}
		for _, a := range v.attrs {
			switch a.name {
			case "source":
				mc.sourceRange = a.expr.Range()
				val, d := a.expr.Value(nil)
				if d.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
					l.diag(resource.ErrorAt(locOf(a.expr.Range()), "Invalid module source",
						"The source of a module call must be a literal string."))
					continue
				}
				mc.source = val.AsString()
			case "version":
			case "count":
				mc.count = a.expr
			case "for_each":
				mc.forEach = a.expr
			case "providers":
				mc.providers = l.providersMap(a.expr)
			case "depends_on":
				mc.dependsOn = l.traversalList(a.expr)
			default:
				mc.args[a.name] = a
			}
		}
		if mc.count != nil && mc.forEach != nil {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Invalid combination of count and for_each",
				"count and for_each may not both be set; for_each is ignored."))
			mc.forEach = nil
		}
		cfg.modules = append(cfg.modules, mc)
		cfg.modByName[mc.name] = mc
	case "variable":
		v, diags := b.view(false)
		l.hclDiags(diags, resource.DiagError)
		vd := &variableDecl{name: b.Labels[0], defRange: b.DefRange, ty: cty.DynamicPseudoType}
		if a := v.attr("default"); a != nil {
			vd.def = a.expr
		}
		if a := v.attr("type"); a != nil {
			ty, defaults, d := typeexpr.TypeConstraintWithDefaults(a.expr)
			if d.HasErrors() {
				l.hclDiags(d, resource.DiagWarning)
			} else {
				vd.ty, vd.defaults, vd.hasType = ty, defaults, true
			}
		}
		if _, dup := cfg.variables[vd.name]; dup {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Duplicate variable",
				fmt.Sprintf("A variable named %q is already declared; only the first is loaded.", vd.name)))
			return
		}
		cfg.variables[vd.name] = vd
		cfg.varOrder = append(cfg.varOrder, vd.name)
	case "locals":
		attrs, diags := b.Body.JustAttributes()
		l.hclDiags(diags, resource.DiagError)
		for _, a := range jsonAttrs(attrs) {
			if prev, dup := cfg.locals[a.name]; dup {
				l.diag(resource.ErrorAt(locOf(a.rng), "Duplicate local value",
					fmt.Sprintf("local.%s is also defined at %s; only the first is used.", a.name, locOf(prev.rng))))
				continue
			}
			cfg.locals[a.name] = &localDecl{name: a.name, expr: a.expr, rng: a.rng}
			cfg.localOrder = append(cfg.localOrder, a.name)
		}
	case "output":
		v, diags := b.view(false)
		l.hclDiags(diags, resource.DiagError)
		od := &outputDecl{name: b.Labels[0], rng: b.DefRange}
		if a := v.attr("value"); a != nil {
			od.expr = a.expr
		}
		if _, dup := cfg.outputs[od.name]; dup {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Duplicate output",
				fmt.Sprintf("An output named %q is already declared; only the first is used.", od.name)))
			return
		}
		cfg.outputs[od.name] = od
		cfg.outputOrder = append(cfg.outputOrder, od.name)
	case "provider":
		v, diags := b.view(false)
		l.hclDiags(diags, resource.DiagError)
		pd := &providerDecl{addr: b.Labels[0], body: v, defRange: b.DefRange}
		if a := v.take("alias"); a != nil {
			val, d := a.expr.Value(nil)
			if d.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
				l.diag(resource.ErrorAt(locOf(a.expr.Range()), "Invalid provider alias", "alias must be a literal string."))
				return
			}
			pd.addr += "." + val.AsString()
		}
		if _, dup := cfg.providers[pd.addr]; dup {
			l.diag(resource.ErrorAt(locOf(b.DefRange), "Duplicate provider configuration",
				fmt.Sprintf("Provider configuration %s is already declared; only the first is used.", pd.addr)))
			return
		}
		cfg.providers[pd.addr] = pd
	}
}

// providerRef reads a provider meta-argument (aws.prod) as an address.
func (l *loader) providerRef(expr hcl.Expression) string {
	t, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() {
		l.hclDiags(diags, resource.DiagWarning)
		return ""
	}
	return traversalString(t)
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for i, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case hcl.TraverseIndex:
			b.WriteString(instanceKey(s.Key))
		}
	}
	return b.String()
}

func (l *loader) traversalList(expr hcl.Expression) []hcl.Traversal {
	exprs, diags := hcl.ExprList(expr)
	if diags.HasErrors() {
		l.hclDiags(diags, resource.DiagWarning)
		return nil
	}
	var out []hcl.Traversal
	for _, e := range exprs {
		t, d := hcl.AbsTraversalForExpr(e)
		if d.HasErrors() {
			l.hclDiags(d, resource.DiagWarning)
			continue
		}
		out = append(out, t)
	}
	return out
}

func (l *loader) providersMap(expr hcl.Expression) map[string]string {
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		l.hclDiags(diags, resource.DiagWarning)
		return nil
	}
	out := map[string]string{}
	for _, p := range pairs {
		k, d1 := hcl.AbsTraversalForExpr(p.Key)
		v, d2 := hcl.AbsTraversalForExpr(p.Value)
		if d1.HasErrors() || d2.HasErrors() {
			l.hclDiags(append(d1, d2...), resource.DiagWarning)
			continue
		}
		out[traversalString(k)] = traversalString(v)
	}
	return out
}

// lexComments returns the comments of a native-syntax file.
func lexComments(src []byte, name string) []comment {
	toks, _ := hclsyntax.LexConfig(src, name, hcl.InitialPos)
	var out []comment
	for _, t := range toks {
		if t.Type != hclsyntax.TokenComment {
			continue
		}
		c := comment{text: string(t.Bytes), rng: t.Range, lastLine: t.Range.End.Line}
		if strings.HasSuffix(c.text, "\n") && t.Range.End.Line > t.Range.Start.Line {
			c.lastLine--
		}
		start := t.Range.Start.Byte
		ls := start
		for ls > 0 && src[ls-1] != '\n' {
			ls--
		}
		c.ownLine = strings.TrimSpace(string(src[ls:start])) == ""
		out = append(out, c)
	}
	return out
}

// blockWaivers returns the waiver comments inside the block, or on the
// unbroken run of comment lines directly above it.
func blockWaivers(f *srcFile, b *hclsyntax.Block) []resource.InlineWaiver {
	rng := b.Range()
	var picked []comment
	// Comments above, walking up from the block's first line.
	idx := sort.Search(len(f.comments), func(i int) bool { return f.comments[i].rng.Start.Byte >= rng.Start.Byte })
	want := rng.Start.Line - 1
	for i := idx - 1; i >= 0; i-- {
		c := f.comments[i]
		if !c.ownLine || c.lastLine != want {
			break
		}
		picked = append(picked, c)
		want = c.rng.Start.Line - 1
	}
	// Reverse, so the waivers come in source order.
	for i, j := 0, len(picked)-1; i < j; i, j = i+1, j-1 {
		picked[i], picked[j] = picked[j], picked[i]
	}
	for i := idx; i < len(f.comments) && f.comments[i].rng.Start.Byte < rng.End.Byte; i++ {
		picked = append(picked, f.comments[i])
	}
	var out []resource.InlineWaiver
	for _, c := range picked {
		if text, ok := waiver.FromComment(c.text); ok {
			out = append(out, resource.InlineWaiver{Text: text, Location: resource.Location{File: f.name, Line: c.rng.Start.Line, Column: c.rng.Start.Column}})
		}
	}
	return out
}

// jsonWaivers finds "//" keys holding the waiver marker in the bodies of
// resource blocks of a JSON file, keyed by type.name.
func (l *loader) jsonWaivers(f *srcFile) map[string][]resource.InlineWaiver {
	out := map[string][]resource.InlineWaiver{}
	l.guard(hcl.Range{Filename: f.name, Start: hcl.InitialPos}, "reading JSON comments", func() {
		root, diags := hcljson.ParseExpression(f.src, f.name)
		if diags.HasErrors() {
			return
		}
		for _, top := range objects(root) {
			for _, kv := range pairs(top) {
				if keyString(kv.Key) != "resource" {
					continue
				}
				for _, types := range objects(kv.Value) {
					for _, tkv := range pairs(types) {
						typ := keyString(tkv.Key)
						for _, names := range objects(tkv.Value) {
							for _, nkv := range pairs(names) {
								key := typ + "." + keyString(nkv.Key)
								for _, body := range objects(nkv.Value) {
									for _, bkv := range pairs(body) {
										if keyString(bkv.Key) != "//" {
											continue
										}
										v, d := bkv.Value.Value(nil)
										if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
											continue
										}
										if text, ok := jsonWaiverText(v.AsString()); ok {
											r := bkv.Key.Range()
											out[key] = append(out[key], resource.InlineWaiver{Text: text,
												Location: resource.Location{File: f.name, Line: r.Start.Line, Column: r.Start.Column}})
										}
									}
								}
							}
						}
					}
				}
			}
		}
	})
	return out
}

func jsonWaiverText(s string) (string, bool) {
	i := strings.Index(s, waiver.Marker)
	if i < 0 {
		return "", false
	}
	return strings.TrimSpace(s[i:]), true
}

// objects returns expr itself when it is an object, or its elements that are
// objects when it is an array, as JSON configuration allows either.
func objects(expr hcl.Expression) []hcl.Expression {
	if list, diags := hcl.ExprList(expr); !diags.HasErrors() {
		return list
	}
	return []hcl.Expression{expr}
}

func pairs(expr hcl.Expression) []hcl.KeyValuePair {
	p, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil
	}
	return p
}

func keyString(expr hcl.Expression) string {
	if kw := hcl.ExprAsKeyword(expr); kw != "" {
		return kw
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}
