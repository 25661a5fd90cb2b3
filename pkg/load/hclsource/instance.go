package hclsource

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// node is one named value of a module instance (a variable, local, output,
// resource or module call), evaluated at most once, on first use.
type node struct {
	name   string // as written in messages: local.a, module.net.local.a
	rng    hcl.Range
	state  uint8 // 0 new, 1 in progress, 2 done
	cyclic bool
	val    cty.Value
	reason string   // why val is (partly) unknown
	refs   []string // resources the value was computed from
}

const (
	stateNew uint8 = iota
	stateBusy
	stateDone
)

// enter starts evaluating n. It returns false when n is already done, is on
// the stack (a cycle: the members are marked and reported), or the chain of
// references is too long; n then holds the value to use.
func (l *loader) enter(n *node) bool {
	switch n.state {
	case stateDone:
		return false
	case stateBusy:
		l.cycle(n)
		return false
	}
	if len(l.stack) >= maxEvalDepth {
		n.state = stateDone
		n.val = cty.DynamicVal
		n.reason = fmt.Sprintf("references are nested more than %d deep", maxEvalDepth)
		l.diag(resource.WarningAt(locOf(n.rng), "References nested too deeply",
			fmt.Sprintf("Following %s needs a chain of more than %d references; it is taken as unknown.", n.name, maxEvalDepth)))
		return false
	}
	n.state = stateBusy
	l.stack = append(l.stack, n)
	return true
}

// protect runs f, the evaluation of n, turning a panic into an error
// diagnostic and an unknown value, and unwinding the evaluation stack to n.
func (l *loader) protect(n *node, f func()) {
	depth := len(l.stack)
	if l.guard(n.rng, "evaluating "+n.name, f) {
		return
	}
	for _, m := range l.stack[depth:] {
		m.state, m.val, m.reason = stateDone, cty.DynamicVal, "an internal error stopped its evaluation"
	}
	l.stack = l.stack[:depth]
	n.val, n.reason = cty.DynamicVal, "an internal error stopped its evaluation"
}

func (l *loader) leave(n *node) {
	l.stack = l.stack[:len(l.stack)-1]
	n.state = stateDone
	if n.cyclic {
		n.val = cty.DynamicVal
		n.reason = n.name + " is part of a dependency cycle"
		n.refs = nil
	}
}

// current returns the value of n for a reader: DynamicVal while n is still
// being evaluated (only in a cycle).
func (n *node) current() (cty.Value, string) {
	if n.state != stateDone || n.val == cty.NilVal {
		return cty.DynamicVal, n.name + " is part of a dependency cycle"
	}
	return n.val, n.reason
}

func (l *loader) cycle(n *node) {
	i := len(l.stack) - 1
	for i >= 0 && l.stack[i] != n {
		i--
	}
	if i < 0 {
		return
	}
	members := l.stack[i:]
	fresh := false
	names := make([]string, 0, len(members)+1)
	for _, m := range members {
		if !m.cyclic {
			fresh = true
		}
		m.cyclic = true
		names = append(names, m.name)
	}
	if !fresh {
		return
	}
	names = append(names, n.name)
	l.diag(resource.ErrorAt(locOf(n.rng), "Dependency cycle",
		fmt.Sprintf("%s refer to each other in a cycle (%s), so none of them can be evaluated; they are taken as unknown. Break the cycle.",
			listNames(members), strings.Join(names, " -> "))))
}

func listNames(ns []*node) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = n.name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// modInst is one instance of a module: the root, or one instance of a
// module call. Its values are evaluated lazily.
type modInst struct {
	l      *loader
	cfg    *moduleConfig
	path   string // module.a["x"].module.b; "" at the root
	base   string // module.a.module.b
	parent *modInst
	call   *moduleCall
	// callScope evaluates the call's arguments: the parent's scope with the
	// count.index or each of this instance.
	callScope *scope
	realDirs  []string // real paths of the module directories up to the root
	depth     int

	vars      map[string]*node
	locals    map[string]*node
	outputs   map[string]*node
	resources map[string]*resEval
	modules   map[string]*callEval
	providers map[string]*provInfo
	root      *scope
}

func (l *loader) newInst(cfg *moduleConfig, path, base string) *modInst {
	m := &modInst{l: l, cfg: cfg, path: path, base: base,
		vars: map[string]*node{}, locals: map[string]*node{}, outputs: map[string]*node{},
		resources: map[string]*resEval{}, modules: map[string]*callEval{}, providers: map[string]*provInfo{}}
	m.root = &scope{m: m}
	for name, v := range cfg.variables {
		m.vars[name] = &node{name: m.qualify("var." + name), rng: v.defRange}
	}
	for name, d := range cfg.locals {
		m.locals[name] = &node{name: m.qualify("local." + name), rng: d.rng}
	}
	for name, d := range cfg.outputs {
		m.outputs[name] = &node{name: m.qualify("output." + name), rng: d.rng}
	}
	return m
}

func (m *modInst) qualify(s string) string {
	if m.path == "" {
		return s
	}
	return m.path + "." + s
}

// prefix is the module path followed by a dot, or "" at the root.
func (m *modInst) prefix() string {
	if m.path == "" {
		return ""
	}
	return m.path + "."
}

func (m *modInst) rootScope() *scope { return m.root }

// newRoot creates the root module instance and sets its variables from
// defaults, variable files and Options.Vars.
func (l *loader) newRoot(cfg *moduleConfig) *modInst {
	m := l.newInst(cfg, "", "")
	if real, err := filepath.EvalSymlinks(l.absRoot); err == nil {
		m.realDirs = []string{real}
	} else {
		m.realDirs = []string{l.absRoot}
	}
	l.setRootVars(m)
	return m
}

// variable returns the node of var.name, evaluated.
func (m *modInst) variable(name string) *node {
	n := m.vars[name]
	if n == nil || !m.l.enter(n) {
		return n
	}
	defer m.l.leave(n)
	decl := m.cfg.variables[name]
	if m.call != nil {
		if a := m.call.args[name]; a != nil {
			r := m.callScope.eval(a.expr)
			n.val, n.reason, n.refs = r.val, r.reason, r.refs
			m.l.convertVar(n, decl, a.expr.Range())
			return n
		}
	}
	m.l.defaultVar(n, decl)
	return n
}

func (l *loader) defaultVar(n *node, decl *variableDecl) {
	if decl.def == nil {
		n.val = cty.DynamicVal
		n.reason = fmt.Sprintf("variable %q has no value", decl.name)
		return
	}
	v, diags := safeValue(decl.def, nil)
	if diags.HasErrors() {
		l.hclDiagsAt(diags, resource.DiagWarning, decl.def.Range())
		n.val, n.reason = cty.DynamicVal, fmt.Sprintf("the default of variable %q cannot be evaluated", decl.name)
		return
	}
	n.val = v
	l.convertVar(n, decl, decl.def.Range())
}

// convertVar applies the variable's type constraint and optional attribute
// defaults to n's value.
func (l *loader) convertVar(n *node, decl *variableDecl, rng hcl.Range) {
	if !decl.hasType {
		return
	}
	v := n.val
	if decl.defaults != nil {
		func() {
			defer func() { _ = recover() }()
			v = decl.defaults.Apply(v)
		}()
	}
	out, err := safeConvert(v, decl.ty)
	if err != nil {
		l.diag(resource.WarningAt(locOf(rng), "Invalid value for variable",
			fmt.Sprintf("The value of variable %q does not fit its type %s: %v. It is taken as unknown.", decl.name, typeString(decl.ty), err)))
		n.val = cty.DynamicVal
		n.reason = fmt.Sprintf("the value of variable %q does not fit its type", decl.name)
		return
	}
	n.val = out
}

func safeConvert(v cty.Value, ty cty.Type) (out cty.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("conversion failed: %v", p)
		}
	}()
	return convert.Convert(v, ty)
}

// local returns the node of local.name, evaluated.
func (m *modInst) local(name string) *node {
	n := m.locals[name]
	if n == nil || !m.l.enter(n) {
		return n
	}
	defer m.l.leave(n)
	m.l.protect(n, func() {
		r := m.root.eval(m.cfg.locals[name].expr)
		n.val, n.reason, n.refs = r.val, r.reason, r.refs
		m.l.capValue(n, m.cfg.locals[name].rng)
	})
	return n
}

// output returns the node of output.name, evaluated.
func (m *modInst) output(name string) *node {
	n := m.outputs[name]
	if n == nil || !m.l.enter(n) {
		return n
	}
	defer m.l.leave(n)
	d := m.cfg.outputs[name]
	if d.expr == nil {
		n.val = cty.NullVal(cty.DynamicPseudoType)
		return n
	}
	r := m.root.eval(d.expr)
	n.val, n.reason, n.refs = r.val, r.reason, r.refs
	return n
}

// maxValueElems bounds the size of one value; larger values become unknown.
const maxValueElems = 1 << 20

// capValue replaces a value too large to handle with unknown.
func (l *loader) capValue(n *node, rng hcl.Range) {
	budget := maxValueElems
	if !withinSize(n.val, &budget) {
		n.val = cty.DynamicVal
		n.reason = n.name + " is too large to evaluate statically"
		l.diag(resource.WarningAt(locOf(rng), "Value too large",
			fmt.Sprintf("%s has more than %d elements or bytes; it is taken as unknown.", n.name, maxValueElems)))
	}
}

func withinSize(v cty.Value, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	if !v.IsKnown() || v.IsNull() {
		return true
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		*budget -= len(v.AsString())
		return *budget >= 0
	case ty.IsPrimitiveType():
		return true
	case ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !withinSize(e, budget) {
				return false
			}
		}
	}
	return true
}

// resEval is a resource (or data) block evaluated in a module instance.
type resEval struct {
	node
	decl      *resourceDecl
	keyed     keying
	unknownN  bool // instances cannot be known: judged once
	instances []*resInst
}

type keying uint8

const (
	keySingle keying = iota
	keyCount
	keyForEach
)

// resInst is one instance of a resource.
type resInst struct {
	key     string    // [0], ["a"], or ""
	keyVal  cty.Value // the count index or for_each key
	attrs   map[string]cty.Value
	reasons map[string]string
	goAttrs map[string]any
	loc     *locNode
	refs    []resource.Ref
}

// resource returns the evaluated resource with the given key (aws_vpc.main,
// data.aws_ami.x), or nil when the module declares none.
func (m *modInst) resource(key string) *resEval {
	re := m.resources[key]
	if re == nil {
		rd := m.cfg.resByKey[key]
		if rd == nil {
			return nil
		}
		re = &resEval{node: node{name: m.qualify(key), rng: rd.defRange}, decl: rd}
		m.resources[key] = re
	}
	if !m.l.enter(&re.node) {
		return re
	}
	defer m.l.leave(&re.node)
	m.l.protect(&re.node, func() { m.evalResource(re) })
	return re
}

func (m *modInst) evalResource(re *resEval) {
	rd := re.decl
	addr := m.prefix() + rd.key
	exp := m.root.expand(addr, rd.count, rd.forEach, rd.defRange, false)
	re.keyed, re.unknownN, re.reason = exp.keyed, exp.unknown, exp.reason
	if n := len(exp.insts); n > 0 {
		if m.l.resourceInstances+n > 10*m.l.lim.MaxInstances {
			m.l.diag(resource.ErrorAt(locOf(rd.defRange), "Too many resource instances",
				fmt.Sprintf("Loading %s would bring the module past %d resource instances in all; it is judged once, with unknown count.index/each values.", addr, 10*m.l.lim.MaxInstances)))
			exp = m.root.unknownExpansion(addr, "the module has too many resource instances", exp.refs)
			re.unknownN = true
		}
		m.l.resourceInstances += len(exp.insts)
	}
	for _, in := range exp.insts {
		if m.l.ctx.Err() != nil {
			return
		}
		sc := in.scope
		inst := &resInst{key: in.key, keyVal: in.keyVal, reasons: map[string]string{}}
		sc.inst = inst
		inst.attrs, inst.goAttrs, inst.loc = sc.evalBody(rd.body, nil, inst, true)
		inst.loc.rng = rd.defRange
		for _, ref := range exp.refs {
			inst.addRef(resource.Path{resource.Key(exp.metaName)}, ref)
		}
		for _, t := range rd.dependsOn {
			if to := m.refTarget(t); to != "" {
				inst.addRef(resource.Path{resource.Key("depends_on")}, to)
			}
		}
		re.instances = append(re.instances, inst)
	}
}

func (inst *resInst) addRef(from resource.Path, to string) {
	if inst == nil {
		return
	}
	for _, r := range inst.refs {
		if r.To == to && pathEqual(r.From, from) {
			return
		}
	}
	inst.refs = append(inst.refs, resource.Ref{From: from, To: to})
}

func pathEqual(a, b resource.Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// refTarget returns the module-qualified base address a depends_on entry
// names, when it names a resource.
func (m *modInst) refTarget(t hcl.Traversal) string {
	switch root := t.RootName(); {
	case root == "data":
		if ty, name := attrStep(t, 1), attrStep(t, 2); ty != "" && name != "" {
			return m.basePrefix() + "data." + ty + "." + name
		}
	case m.cfg.resTypes[root]:
		if name := attrStep(t, 1); name != "" {
			return m.basePrefix() + root + "." + name
		}
	}
	return ""
}

func (m *modInst) basePrefix() string {
	if m.base == "" {
		return ""
	}
	return m.base + "."
}

// value returns the cty value references to the resource see: an object of
// its configured attributes, with names (attributes the referring
// expression reads) that are not configured as unknown; a tuple or object of
// those for count and for_each.
func (re *resEval) value(names map[string]bool) cty.Value {
	if re.state != stateDone || re.cyclic {
		return cty.DynamicVal
	}
	if re.unknownN {
		return cty.DynamicVal
	}
	objs := make([]cty.Value, len(re.instances))
	for i, inst := range re.instances {
		attrs := make(map[string]cty.Value, len(inst.attrs)+len(names))
		for k, v := range inst.attrs {
			if !v.IsNull() { // null in configuration: the provider may compute it
				attrs[k] = v
			}
		}
		for n := range names {
			if _, ok := attrs[n]; !ok {
				attrs[n] = cty.DynamicVal
			}
		}
		objs[i] = cty.ObjectVal(attrs)
	}
	switch re.keyed {
	case keyCount:
		return cty.TupleVal(objs)
	case keyForEach:
		m := make(map[string]cty.Value, len(objs))
		for i, inst := range re.instances {
			m[inst.keyVal.AsString()] = objs[i]
		}
		return cty.ObjectVal(m)
	}
	if len(objs) == 1 {
		return objs[0]
	}
	return cty.DynamicVal
}

// callEval is a module call evaluated in a module instance.
type callEval struct {
	node
	call      *moduleCall
	cfg       *moduleConfig // nil when the module is not followed
	keyed     keying
	unknownN  bool
	instances []*modInst
}

// moduleCall returns the evaluated module call name, or nil.
func (m *modInst) moduleCall(name string) *callEval {
	ce := m.modules[name]
	if ce == nil {
		mc := m.cfg.modByName[name]
		if mc == nil {
			return nil
		}
		ce = &callEval{node: node{name: m.qualify("module." + name), rng: mc.defRange}, call: mc}
		m.modules[name] = ce
	}
	if !m.l.enter(&ce.node) {
		return ce
	}
	defer m.l.leave(&ce.node)
	m.l.protect(&ce.node, func() { m.evalCall(ce) })
	return ce
}

func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || strings.HasPrefix(s, ".\\") || strings.HasPrefix(s, "..\\")
}

func (m *modInst) evalCall(ce *callEval) {
	mc := ce.call
	l := m.l
	unfollowed := func(sev resource.DiagnosticSeverity, summary, detail, reason string) {
		l.diag(resource.Diagnostic{Severity: sev, Summary: summary, Detail: detail, Location: locOf(mc.sourceRange)})
		ce.reason = reason
	}
	switch {
	case mc.source == "":
		ce.reason = fmt.Sprintf("module %s has no usable source", mc.name)
		return
	case !isLocalSource(mc.source):
		unfollowed(resource.DiagWarning, "Module not followed",
			fmt.Sprintf("module %s: source %q is not local and is not followed; its resources are not judged. Load that module's source on its own, or vendor it under a local path.", mc.name, mc.source),
			fmt.Sprintf("module %s: source %q is not local and is not followed", mc.name, mc.source))
		return
	case m.depth+1 > l.lim.MaxModuleDepth:
		unfollowed(resource.DiagError, "Modules nested too deeply",
			fmt.Sprintf("module %s would be nested %d deep; modules are followed at most %d deep, so its resources are not judged.", mc.name, m.depth+1, l.lim.MaxModuleDepth),
			fmt.Sprintf("module %s is nested too deeply to be followed", mc.name))
		return
	}
	dir := filepath.Join(m.cfg.dir, filepath.FromSlash(strings.ReplaceAll(mc.source, "\\", "/")))
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		why := "does not exist"
		if err == nil {
			why = "is not a directory"
		}
		unfollowed(resource.DiagError, "Module directory missing",
			fmt.Sprintf("module %s: source directory %s %s, so its resources are not judged.", mc.name, dir, why),
			fmt.Sprintf("module %s: source directory %s %s", mc.name, dir, why))
		return
	}
	real, err := filepath.EvalSymlinks(dir)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		unfollowed(resource.DiagError, "Module directory unreadable",
			fmt.Sprintf("module %s: %v", mc.name, err), fmt.Sprintf("module %s: source directory cannot be read", mc.name))
		return
	}
	for _, anc := range m.realDirs {
		if anc == real {
			unfollowed(resource.DiagError, "Module cycle",
				fmt.Sprintf("module %s: source %q leads back to a module that is already being loaded (%s), which would recurse forever; it is not followed.", mc.name, mc.source, dir),
				fmt.Sprintf("module %s sources itself", mc.name))
			return
		}
	}
	if l.ctx.Err() != nil {
		ce.reason = "loading was cancelled"
		return
	}
	cfg := l.loadConfig(dir)
	ce.cfg = cfg
	addr := m.prefix() + "module." + mc.name
	exp := m.root.expand(addr, mc.count, mc.forEach, mc.defRange, true)
	ce.keyed, ce.unknownN = exp.keyed, exp.unknown
	if ce.unknownN {
		ce.reason = exp.reason
	}
	if l.moduleInstances+len(exp.insts) > l.lim.MaxInstances {
		l.diag(resource.ErrorAt(locOf(mc.defRange), "Too many module instances",
			fmt.Sprintf("Loading module %s would bring the load past %d module instances; it is not followed.", mc.name, l.lim.MaxInstances)))
		ce.cfg, ce.reason = nil, fmt.Sprintf("module %s has too many instances to load", mc.name)
		return
	}
	l.moduleInstances += len(exp.insts)
	base := m.basePrefix() + "module." + mc.name
	for _, in := range exp.insts {
		child := l.newInst(cfg, addr+in.key, base)
		child.parent, child.call, child.callScope, child.depth = m, mc, in.scope, m.depth+1
		child.realDirs = append(append([]string(nil), m.realDirs...), real)
		ce.instances = append(ce.instances, child)
	}
}

// value returns the cty value references to the module call see: objects of
// the outputs named in names.
func (ce *callEval) value(names map[string]bool) (cty.Value, []string) {
	if ce.state != stateDone || ce.cyclic || ce.cfg == nil || ce.unknownN {
		return cty.DynamicVal, nil
	}
	var refs []string
	objs := make([]cty.Value, len(ce.instances))
	for i, inst := range ce.instances {
		attrs := map[string]cty.Value{}
		for n := range names {
			if o := inst.output(n); o != nil {
				attrs[n], _ = o.current()
				refs = appendUnique(refs, o.refs...)
			}
		}
		objs[i] = cty.ObjectVal(attrs)
	}
	switch ce.keyed {
	case keyCount:
		return cty.TupleVal(objs), refs
	case keyForEach:
		m := make(map[string]cty.Value, len(objs))
		for i, inst := range ce.instances {
			m[inst.callScope.eachKey.AsString()] = objs[i]
		}
		return cty.ObjectVal(m), refs
	}
	if len(objs) == 1 {
		return objs[0], refs
	}
	return cty.DynamicVal, refs
}

func appendUnique(dst []string, src ...string) []string {
outer:
	for _, s := range src {
		for _, d := range dst {
			if d == s {
				continue outer
			}
		}
		dst = append(dst, s)
	}
	return dst
}
