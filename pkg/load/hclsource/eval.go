package hclsource

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// scope is where an expression is evaluated: a module instance, plus the
// count.index or each of the instance and the iterators of enclosing dynamic
// blocks.
type scope struct {
	m          *modInst
	hasCount   bool
	countIndex cty.Value
	hasEach    bool
	eachKey    cty.Value
	eachValue  cty.Value
	instReason string   // why count.index or each is unknown
	instRefs   []string // resources the count or for_each came from
	iters      map[string]*iterVal
	inst       *resInst // the resource instance being evaluated, for refs
	// quiet drops evaluation warnings: set for the single instance judged
	// in place of instances that cannot be known, which may not exist at all.
	quiet bool
}

type iterVal struct {
	key, value cty.Value
	reason     string
	refs       []string
}

func (sc *scope) with(name string, it *iterVal) *scope {
	c := *sc
	c.iters = make(map[string]*iterVal, len(sc.iters)+1)
	for k, v := range sc.iters {
		c.iters[k] = v
	}
	c.iters[name] = it
	return &c
}

// evalResult is the value of an expression, why it is unknown where it is,
// and the resources it was computed from.
type evalResult struct {
	val    cty.Value
	reason string
	refs   []string
	ctx    *hcl.EvalContext
}

func safeValue(expr hcl.Expression, ctx *hcl.EvalContext) (v cty.Value, diags hcl.Diagnostics) {
	defer func() {
		if p := recover(); p != nil {
			rng := expr.Range()
			v = cty.DynamicVal
			diags = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Internal error while evaluating an expression",
				Detail: fmt.Sprintf("%v; the value is taken as unknown. Please report this with the input.", p), Subject: &rng}}
		}
	}()
	return expr.Value(ctx)
}

func safeVariables(expr hcl.Expression) (ts []hcl.Traversal) {
	defer func() {
		if recover() != nil {
			ts = nil
		}
	}()
	return expr.Variables()
}

// eval evaluates expr statically. Errors become warnings and an unknown value.
func (sc *scope) eval(expr hcl.Expression) evalResult {
	l := sc.m.l
	info := l.exprInfo(expr)
	travs := info.travs
	ctx, refs := sc.buildCtx(expr, travs)
	if stubs := info.stubs; len(stubs) > 0 {
		ctx = ctx.NewChild()
		ctx.Functions = stubs
	}
	val, diags := safeValue(expr, ctx)
	res := evalResult{val: val, refs: refs, ctx: ctx}
	if diags.HasErrors() {
		res.val = cty.DynamicVal
		for _, d := range diags {
			if x, ok := d.Extra.(hclsyntax.FunctionCallUnknownDiagExtra); ok {
				res.reason = fmt.Sprintf("function %q is not evaluated statically", x.CalledFunctionName())
				continue
			}
			if d.Subject == nil || d.Subject.Filename == "" {
				rng := expr.Range()
				d.Subject = &rng
			}
			if !sc.quiet {
				l.diag(fromHCL(d, resource.DiagWarning))
			}
			if res.reason == "" && d.Severity == hcl.DiagError {
				res.reason = "the expression cannot be evaluated statically: " + d.Summary
			}
		}
	}
	if res.val == cty.NilVal {
		res.val = cty.DynamicVal
	}
	if res.val.IsMarked() {
		res.val, _ = res.val.UnmarkDeep()
	}
	if res.reason == "" && !res.val.IsWhollyKnown() {
		res.reason = sc.reasonFor(expr, travs, ctx)
	}
	return res
}

func attrStep(t hcl.Traversal, i int) string {
	if i < len(t) {
		if a, ok := t[i].(hcl.TraverseAttr); ok {
			return a.Name
		}
	}
	return ""
}

// attrAfter returns the first attribute name at or after step i, skipping
// one instance index.
func attrAfter(t hcl.Traversal, i int) string {
	if i < len(t) {
		if _, ok := t[i].(hcl.TraverseIndex); ok {
			i++
		}
	}
	return attrStep(t, i)
}

// exprFacts are what evaluating an expression needs to know about its
// syntax, worked out once per expression however many instances evaluate it.
type exprFacts struct {
	expr  hcl.Expression
	travs []hcl.Traversal
	stubs map[string]function.Function
	names *nameSets
}

type nameSets struct{ all, rel map[string]bool }

func (f *exprFacts) attrNames() *nameSets {
	if f.names == nil {
		all, rel := attrNames(f.expr, f.travs)
		f.names = &nameSets{all, rel}
	}
	return f.names
}

// exprInfo returns the facts of expr, cached for native-syntax expressions
// (JSON expressions are cheap to inspect and not all comparable).
func (l *loader) exprInfo(expr hcl.Expression) *exprFacts {
	se, cacheable := expr.(hclsyntax.Expression)
	if cacheable {
		if f, ok := l.facts[se]; ok {
			return f
		}
	}
	f := &exprFacts{expr: expr, travs: safeVariables(expr), stubs: l.stubsFor(expr)}
	if cacheable {
		if l.facts == nil {
			l.facts = map[hclsyntax.Expression]*exprFacts{}
		}
		l.facts[se] = f
	}
	return f
}

// attrNames collects every attribute name an expression reads after a
// reference: those of its traversals and, for native syntax, of relative
// traversals such as the .id in aws_instance.web[count.index].id. rel holds
// the latter alone.
func attrNames(expr hcl.Expression, travs []hcl.Traversal) (all, rel map[string]bool) {
	all, rel = map[string]bool{}, map[string]bool{}
	roots := map[string]bool{}
	for _, t := range travs {
		roots[t.RootName()] = true
		for _, s := range t[1:] {
			if a, ok := s.(hcl.TraverseAttr); ok {
				all[a.Name] = true
			}
		}
	}
	if se, ok := expr.(hclsyntax.Expression); ok {
		func() {
			defer func() { _ = recover() }()
			hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
				var trav hcl.Traversal
				switch t := n.(type) {
				case *hclsyntax.RelativeTraversalExpr:
					trav = t.Traversal
				case *hclsyntax.ScopeTraversalExpr:
					// Traversals from for expression symbols (v.id in
					// {for k, v in aws_x.y : k => v.id}) are not among travs.
					if !roots[t.Traversal.RootName()] {
						trav = t.Traversal[1:]
					}
				}
				for _, s := range trav {
					if a, ok := s.(hcl.TraverseAttr); ok {
						all[a.Name] = true
						rel[a.Name] = true
					}
				}
				return nil
			})
		}()
	}
	return all, rel
}

// buildCtx evaluates what expr refers to and returns the evaluation context
// holding it, with the resources the values came from.
func (sc *scope) buildCtx(expr hcl.Expression, travs []hcl.Traversal) (*hcl.EvalContext, []string) {
	m := sc.m
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: m.l.funcs}
	if len(travs) == 0 {
		return ctx, nil
	}
	var refs []string
	var names map[string]bool
	nameSet := func() map[string]bool {
		if names == nil {
			names = m.l.exprInfo(expr).attrNames().all
		}
		return names
	}
	vars := map[string]cty.Value{}
	locals := map[string]cty.Value{}
	modules := map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	res := map[string]map[string]cty.Value{}
	addRes := func(group map[string]map[string]cty.Value, typ, name string, re *resEval) {
		if group[typ] == nil {
			group[typ] = map[string]cty.Value{}
		}
		group[typ][name] = re.value(nameSet())
		refs = appendUnique(refs, m.basePrefix()+re.decl.key)
	}
	for _, t := range travs {
		root := t.RootName()
		switch root {
		case "var", "local":
			name := attrStep(t, 1)
			var names []string
			if name != "" {
				names = []string{name}
			} else if root == "var" {
				names = m.cfg.varOrder
			} else {
				names = m.cfg.localOrder
			}
			for _, name := range names {
				var n *node
				if root == "var" {
					n = m.variable(name)
				} else {
					n = m.local(name)
				}
				if n == nil {
					continue
				}
				v, _ := n.current()
				if root == "var" {
					vars[name] = v
				} else {
					locals[name] = v
				}
				refs = appendUnique(refs, n.refs...)
			}
		case "module":
			name := attrStep(t, 1)
			if name == "" {
				continue
			}
			if ce := m.moduleCall(name); ce != nil {
				v, orefs := ce.value(nameSet())
				modules[name] = v
				refs = appendUnique(refs, orefs...)
			}
		case "data":
			typ, name := attrStep(t, 1), attrStep(t, 2)
			if re := m.resource("data." + typ + "." + name); re != nil {
				addRes(data, typ, name, re)
			}
		case "count":
			idx := sc.countIndex
			if !sc.hasCount {
				continue // an error: count.index outside a counted block
			}
			ctx.Variables["count"] = cty.ObjectVal(map[string]cty.Value{"index": idx})
			refs = appendUnique(refs, sc.instRefs...)
		case "each":
			if !sc.hasEach {
				continue
			}
			ctx.Variables["each"] = cty.ObjectVal(map[string]cty.Value{"key": sc.eachKey, "value": sc.eachValue})
			refs = appendUnique(refs, sc.instRefs...)
		case "self":
			ctx.Variables["self"] = cty.DynamicVal
		case "path":
			mod := "."
			if m.cfg.dir != m.l.rootDir {
				if rel, ok := relPath(m.l.rootDir, m.cfg.dir); ok {
					mod = rel
				}
			}
			ctx.Variables["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(mod), "root": cty.StringVal("."), "cwd": cty.StringVal(m.l.cwd)})
		case "terraform":
			ctx.Variables["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(m.l.workspace)})
		default:
			if it := sc.iters[root]; it != nil {
				ctx.Variables[root] = cty.ObjectVal(map[string]cty.Value{"key": it.key, "value": it.value})
				refs = appendUnique(refs, it.refs...)
				continue
			}
			if m.cfg.resTypes[root] {
				name := attrStep(t, 1)
				if re := m.resource(root + "." + name); re != nil {
					addRes(res, root, name, re)
				}
			}
		}
	}
	if len(vars) > 0 {
		ctx.Variables["var"] = cty.ObjectVal(vars)
	}
	if len(locals) > 0 {
		ctx.Variables["local"] = cty.ObjectVal(locals)
	}
	if len(modules) > 0 {
		ctx.Variables["module"] = cty.ObjectVal(modules)
	}
	if len(data) > 0 {
		obj := map[string]cty.Value{}
		for typ, names := range data {
			obj[typ] = cty.ObjectVal(names)
		}
		ctx.Variables["data"] = cty.ObjectVal(obj)
	}
	for typ, names := range res {
		ctx.Variables[typ] = cty.ObjectVal(names)
	}
	return ctx, refs
}

// reasonFor says why expr's value is (partly) unknown: the first reference
// whose value is unknown, or a function that is not evaluated.
func (sc *scope) reasonFor(expr hcl.Expression, travs []hcl.Traversal, ctx *hcl.EvalContext) string {
	var partial string
	var rel map[string]bool
	for _, t := range travs {
		v, diags := safeTraverse(t, ctx)
		if diags.HasErrors() || v.IsWhollyKnown() {
			continue
		}
		if rel == nil {
			rel = sc.m.l.exprInfo(expr).attrNames().rel
		}
		r := sc.travReason(t, rel)
		if r == "" {
			continue
		}
		if !v.IsKnown() {
			return r
		}
		if partial == "" {
			partial = r
		}
	}
	if f := sc.m.l.unevaluatedFunc(expr); f != "" {
		return fmt.Sprintf("function %q is not evaluated statically", f)
	}
	if partial != "" {
		return partial
	}
	return "the value cannot be determined statically"
}

func safeTraverse(t hcl.Traversal, ctx *hcl.EvalContext) (v cty.Value, diags hcl.Diagnostics) {
	defer func() {
		if recover() != nil {
			v, diags = cty.DynamicVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "traversal failed"}}
		}
	}()
	return t.TraverseAbs(ctx)
}

// travReason says why the value a traversal refers to is unknown.
func (sc *scope) travReason(t hcl.Traversal, rel map[string]bool) string {
	m := sc.m
	switch root := t.RootName(); root {
	case "var":
		if n := m.vars[attrStep(t, 1)]; n != nil {
			_, r := n.current()
			return r
		}
	case "local":
		if n := m.locals[attrStep(t, 1)]; n != nil {
			_, r := n.current()
			return r
		}
	case "count", "each":
		return sc.instReason
	case "self":
		return "self is known only after apply"
	case "module":
		ce := m.modules[attrStep(t, 1)]
		if ce == nil {
			return ""
		}
		if ce.cyclic {
			return ce.name + " is part of a dependency cycle"
		}
		if ce.reason != "" {
			return ce.reason
		}
		out := attrAfter(t, 2)
		for _, inst := range ce.instances {
			if n := inst.outputs[out]; n != nil && n.reason != "" {
				return n.reason
			}
		}
		if out == "" {
			return "the outputs of module " + ce.call.name + " are not all known"
		}
	case "data":
		return sc.resReason(m.resources["data."+attrStep(t, 1)+"."+attrStep(t, 2)], attrAfter(t, 3), rel)
	default:
		if it := sc.iters[root]; it != nil {
			return it.reason
		}
		if m.cfg.resTypes[root] {
			return sc.resReason(m.resources[root+"."+attrStep(t, 1)], attrAfter(t, 2), rel)
		}
	}
	return ""
}

func (sc *scope) resReason(re *resEval, attr string, rel map[string]bool) string {
	if re == nil {
		return ""
	}
	if re.cyclic {
		return re.name + " is part of a dependency cycle"
	}
	if re.unknownN {
		return re.reason
	}
	check := func(attr string) string {
		for _, inst := range re.instances {
			v, ok := inst.attrs[attr]
			if !ok || v.IsNull() {
				return fmt.Sprintf("refers to %s.%s, known only after apply", re.decl.key, attr)
			}
			if !v.IsWhollyKnown() {
				if r := inst.reasons[attr]; r != "" {
					return r
				}
			}
		}
		return ""
	}
	if attr != "" {
		return check(attr)
	}
	names := make([]string, 0, len(rel))
	for n := range rel {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if r := check(n); r != "" {
			return r
		}
	}
	return "refers to " + re.decl.key + ", known only after apply"
}

// expansion is the instances count or for_each give a resource or module call.
type expansion struct {
	keyed    keying
	unknown  bool
	reason   string
	refs     []string
	metaName string
	insts    []expInst
}

type expInst struct {
	key    string
	keyVal cty.Value
	scope  *scope
}

// expand evaluates count or for_each of the block at addr.
func (sc *scope) expand(addr string, countExpr, forEachExpr hcl.Expression, rng hcl.Range, module bool) expansion {
	l := sc.m.l
	if countExpr == nil && forEachExpr == nil {
		return expansion{insts: []expInst{{scope: &scope{m: sc.m}}}}
	}
	what := "count"
	expr := countExpr
	if expr == nil {
		what, expr = "for_each", forEachExpr
	}
	r := sc.eval(expr)
	unknownExp := func(reason string) expansion {
		e := sc.unknownExpansion(addr, reason, r.refs)
		e.metaName = what
		if countExpr != nil {
			e.insts[0].scope.hasEach = false
		} else {
			e.insts[0].scope.hasCount = false
		}
		return e
	}
	invalid := func(detail string) expansion {
		l.diag(resource.ErrorAt(locOf(expr.Range()), "Invalid "+what+" argument",
			fmt.Sprintf("%s; %s is judged once, with unknown count.index/each values.", detail, addr)))
		return unknownExp(fmt.Sprintf("the %s of %s is invalid", what, addr))
	}
	v := r.val
	if !v.IsKnown() || (forEachExpr != nil && v.Type().IsSetType() && !v.IsWhollyKnown()) {
		l.diag(resource.WarningAt(locOf(expr.Range()), "Instances cannot be known statically",
			fmt.Sprintf("instances of %s cannot be known statically; judged once with unknown count.index/each values. (%s)", addr, r.reason)))
		return unknownExp(fmt.Sprintf("the instances of %s cannot be known statically: %s", addr, r.reason))
	}
	if v.IsNull() {
		return invalid(fmt.Sprintf("%s is null", what))
	}
	e := expansion{refs: r.refs, metaName: what}
	if countExpr != nil {
		nv, err := convert.Convert(v, cty.Number)
		if err != nil {
			return invalid("count must be a whole number: " + err.Error())
		}
		if !nv.IsKnown() || nv.IsNull() {
			return invalid("count must be a whole number")
		}
		bf := nv.AsBigFloat()
		n, acc := bf.Int64()
		if acc != big.Exact || n < 0 {
			return invalid(fmt.Sprintf("count must be a whole number not below zero, not %s", bf.Text('g', 10)))
		}
		if n > int64(l.lim.MaxInstances) {
			l.diag(resource.ErrorAt(locOf(expr.Range()), "Too many instances",
				fmt.Sprintf("count is %d; at most %d instances are expanded, so %s is judged once, with unknown count.index.", n, l.lim.MaxInstances, addr)))
			return unknownExp(fmt.Sprintf("%s has too many instances to expand", addr))
		}
		e.keyed = keyCount
		for i := int64(0); i < n; i++ {
			idx := cty.NumberIntVal(i)
			e.insts = append(e.insts, expInst{key: "[" + strconv.FormatInt(i, 10) + "]", keyVal: idx,
				scope: &scope{m: sc.m, hasCount: true, countIndex: idx, instRefs: r.refs}})
		}
		return e
	}
	ty := v.Type()
	switch {
	case ty.IsMapType() || ty.IsObjectType():
	case ty.IsSetType():
		if !ty.ElementType().Equals(cty.String) {
			sv, err := convert.Convert(v, cty.Set(cty.String))
			if err != nil {
				return invalid("for_each must be a map, or a set of strings; this set holds " + ty.ElementType().FriendlyName())
			}
			v = sv
		}
	default:
		return invalid("for_each must be a map, or a set of strings, not " + ty.FriendlyName())
	}
	if n := v.LengthInt(); n > l.lim.MaxInstances {
		l.diag(resource.ErrorAt(locOf(expr.Range()), "Too many instances",
			fmt.Sprintf("for_each has %d elements; at most %d instances are expanded, so %s is judged once, with unknown each values.", n, l.lim.MaxInstances, addr)))
		return unknownExp(fmt.Sprintf("%s has too many instances to expand", addr))
	}
	e.keyed = keyForEach
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		if ty.IsSetType() {
			if k.IsNull() {
				return invalid("for_each holds a null element")
			}
			k = ev
		}
		e.insts = append(e.insts, expInst{key: instanceKey(k), keyVal: k,
			scope: &scope{m: sc.m, hasEach: true, eachKey: k, eachValue: ev, instReason: r.reason, instRefs: r.refs}})
	}
	return e
}

// unknownExpansion is the single instance of a block whose count or
// for_each is not known.
func (sc *scope) unknownExpansion(addr, reason string, refs []string) expansion {
	return expansion{unknown: true, reason: reason, refs: refs, insts: []expInst{{
		scope: &scope{m: sc.m, hasCount: true, countIndex: cty.UnknownVal(cty.Number),
			hasEach: true, eachKey: cty.UnknownVal(cty.String), eachValue: cty.DynamicVal,
			instReason: reason, instRefs: refs, quiet: true},
	}}}
}

// instanceKey renders an instance key as Terraform does: [0] or ["a"].
func instanceKey(k cty.Value) string {
	if !k.IsKnown() || k.IsNull() {
		return "[*]"
	}
	if k.Type() == cty.Number {
		return "[" + k.AsBigFloat().Text('f', -1) + "]"
	}
	if k.Type() != cty.String {
		return "[?]"
	}
	return "[" + hclQuote(k.AsString()) + "]"
}

// hclQuote quotes s as an HCL string literal.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// evalBody evaluates a block body into its attribute tree, as cty values and
// as guardrail's plain values, with a locator for its parts. Nested blocks
// become lists of objects under their type name.
func (sc *scope) evalBody(bv *bodyView, path resource.Path, inst *resInst, top bool) (map[string]cty.Value, map[string]any, *locNode) {
	ctyObj := make(map[string]cty.Value, len(bv.attrs)+len(bv.blocks))
	goObj := make(map[string]any, len(bv.attrs)+len(bv.blocks))
	ln := &locNode{attrs: make(map[string]*locNode, len(bv.attrs))}
	for _, a := range bv.attrs {
		r := sc.eval(a.expr)
		ctyObj[a.name] = r.val
		goObj[a.name] = sc.toGo(r.val, a.expr, r.reason, r.ctx)
		if top && inst != nil && !r.val.IsWhollyKnown() {
			inst.reasons[a.name] = r.reason
		}
		ln.attrs[a.name] = &locNode{rng: a.expr.Range(), expr: a.expr}
		if inst != nil && len(r.refs) > 0 {
			p := path.Append(resource.Key(a.name))
			for _, to := range r.refs {
				inst.addRef(p, to)
			}
		}
	}
	if len(bv.blocks) == 0 {
		return ctyObj, goObj, ln
	}
	type group struct {
		ctys    []cty.Value
		gos     []any
		locs    []*locNode
		unknown string
	}
	groups := map[string]*group{}
	var order []string
	get := func(typ string) *group {
		g := groups[typ]
		if g == nil {
			g = &group{}
			groups[typ] = g
			order = append(order, typ)
		}
		return g
	}
	for _, b := range bv.blocks {
		if b.typ != "dynamic" {
			g := get(b.typ)
			c, o, cl := sc.evalBody(b.body, path.Append(resource.Key(b.typ), resource.Index(len(g.gos))), inst, false)
			cl.rng = b.defRange
			if len(b.labels) > 0 {
				labels := make([]any, len(b.labels))
				for i, s := range b.labels {
					labels[i] = s
				}
				o["__labels"] = labels
			}
			g.ctys, g.gos, g.locs = append(g.ctys, cty.ObjectVal(c)), append(g.gos, o), append(g.locs, cl)
			continue
		}
		if len(b.labels) != 1 {
			sc.m.l.diag(resource.WarningAt(locOf(b.defRange), "Invalid dynamic block", "A dynamic block takes one label, the type of the blocks it generates; it is ignored."))
			continue
		}
		label := b.labels[0]
		g := get(label)
		sc.expandDynamic(b, label, path, inst, func(c map[string]cty.Value, o map[string]any, cl *locNode) {
			g.ctys, g.gos, g.locs = append(g.ctys, cty.ObjectVal(c)), append(g.gos, o), append(g.locs, cl)
		}, func(reason string) {
			if g.unknown == "" {
				g.unknown = reason
			}
		}, func() int { return len(g.gos) })
	}
	if ln.blocks == nil {
		ln.blocks = make(map[string][]*locNode, len(order))
	}
	for _, typ := range order {
		g := groups[typ]
		ln.blocks[typ] = g.locs
		if g.unknown != "" {
			ctyObj[typ] = cty.DynamicVal
			goObj[typ] = resource.Unknown(g.unknown)
			continue
		}
		ctyObj[typ] = cty.TupleVal(g.ctys)
		if len(g.ctys) == 0 {
			ctyObj[typ] = cty.EmptyTupleVal
		}
		if g.gos == nil {
			g.gos = []any{}
		}
		goObj[typ] = g.gos
	}
	return ctyObj, goObj, ln
}

func (sc *scope) expandDynamic(b *blockView, label string, path resource.Path, inst *resInst,
	add func(map[string]cty.Value, map[string]any, *locNode), unknown func(string), count func() int) {
	l := sc.m.l
	fe := b.body.attr("for_each")
	var content *blockView
	for _, cb := range b.body.blocks {
		if cb.typ == "content" {
			content = cb
			break
		}
	}
	if fe == nil || content == nil {
		l.diag(resource.WarningAt(locOf(b.defRange), "Invalid dynamic block", "A dynamic block needs a for_each argument and a content block; it is ignored."))
		return
	}
	iter := label
	if a := b.body.attr("iterator"); a != nil {
		if kw := hcl.ExprAsKeyword(a.expr); kw != "" {
			iter = kw
		}
	}
	r := sc.eval(fe.expr)
	if inst != nil {
		for _, to := range r.refs {
			inst.addRef(path.Append(resource.Key(label)), to)
		}
	}
	v := r.val
	switch {
	case !v.IsKnown() || (v.Type().IsSetType() && !v.IsWhollyKnown()):
		unknown(fmt.Sprintf("the %q blocks generated by a dynamic block cannot be known statically: %s", label, r.reason))
		return
	case v.IsNull() || !v.CanIterateElements():
		l.diag(resource.WarningAt(locOf(fe.expr.Range()), "Invalid dynamic for_each",
			"The for_each of a dynamic block must be a collection; the blocks it would generate are taken as unknown."))
		unknown(fmt.Sprintf("the for_each of the dynamic %q block is not a collection", label))
		return
	}
	n := v.LengthInt()
	if n > l.lim.MaxInstances {
		l.diag(resource.ErrorAt(locOf(fe.expr.Range()), "Too many dynamic blocks",
			fmt.Sprintf("for_each has %d elements; at most %d blocks are generated, so these are taken as unknown.", n, l.lim.MaxInstances)))
		unknown(fmt.Sprintf("the dynamic %q block has too many elements to expand", label))
		return
	}
	if l.budget -= n; l.budget < 0 {
		l.diag(resource.ErrorAt(locOf(fe.expr.Range()), "Evaluation budget exhausted",
			"The configuration expands too many elements in all; the rest is taken as unknown."))
		unknown("the evaluation budget is exhausted")
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		child := sc.with(iter, &iterVal{key: k, value: ev, reason: r.reason, refs: r.refs})
		c, o, cl := child.evalBody(content.body, path.Append(resource.Key(label), resource.Index(count())), inst, false)
		cl.rng = content.defRange
		add(c, o, cl)
	}
}

// toGo converts a cty value to guardrail's attribute tree. Unknown parts
// become resource.UnknownValue; when expr is a literal object or tuple, each
// item's reason is worked out from its own expression.
func (sc *scope) toGo(v cty.Value, expr hcl.Expression, reason string, ctx *hcl.EvalContext) any {
	if v.IsMarked() {
		v, _ = v.UnmarkDeep()
	}
	if v.IsWhollyKnown() {
		return plainGo(v)
	}
	if !v.IsKnown() {
		if reason == "" {
			reason = "the value cannot be determined statically"
		}
		return resource.Unknown(reason)
	}
	if v.IsNull() {
		return nil
	}
	sub := func(e cty.Value, x hcl.Expression) any {
		r := reason
		if x != nil && !e.IsWhollyKnown() && ctx != nil {
			r = sc.reasonFor(x, safeVariables(x), ctx)
		}
		return sc.toGo(e, x, r, ctx)
	}
	ty := v.Type()
	if ty.IsObjectType() || ty.IsMapType() {
		var items map[string]hcl.Expression
		if expr != nil {
			for _, p := range pairs(expr) {
				if k := keyString(p.Key); k != "" {
					if items == nil {
						items = map[string]hcl.Expression{}
					}
					items[k] = p.Value
				}
			}
		}
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			ks := k.AsString()
			out[ks] = sub(e, items[ks])
		}
		return out
	}
	if v.CanIterateElements() {
		var elems []hcl.Expression
		if expr != nil && !ty.IsSetType() {
			if list, diags := hcl.ExprList(expr); !diags.HasErrors() && len(list) == v.LengthInt() {
				elems = list
			}
		}
		out := make([]any, 0, v.LengthInt())
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			var x hcl.Expression
			if elems != nil {
				x = elems[i]
			}
			out = append(out, sub(e, x))
		}
		return out
	}
	return resource.Unknown(reason)
}

// plainGo converts a wholly known cty value.
func plainGo(v cty.Value) any {
	if v.IsNull() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Bool:
		return v.True()
	case ty == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			if i, acc := bf.Int64(); acc == big.Exact {
				return i
			}
		}
		f, _ := bf.Float64()
		return f
	case ty.IsObjectType() || ty.IsMapType():
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = plainGo(e)
		}
		return out
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, plainGo(e))
		}
		return out
	}
	return resource.Unknown("a value of type " + ty.FriendlyName() + " has no plain form")
}

func typeString(ty cty.Type) string {
	defer func() { _ = recover() }()
	return ty.FriendlyName()
}

// stubsFor returns stand-ins for the functions expr calls that are not
// evaluated statically, so that the rest of the expression still evaluates.
func (l *loader) stubsFor(expr hcl.Expression) map[string]function.Function {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil
	}
	var stubs map[string]function.Function
	func() {
		defer func() { _ = recover() }()
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if fc, ok := n.(*hclsyntax.FunctionCallExpr); ok {
				if _, known := l.funcs[fc.Name]; !known {
					if stubs == nil {
						stubs = map[string]function.Function{}
					}
					stubs[fc.Name] = stubFunc
				}
			}
			return nil
		})
	}()
	return stubs
}

// unevaluatedFunc returns the first function expr calls that is not
// evaluated statically, or "".
func (l *loader) unevaluatedFunc(expr hcl.Expression) string {
	se, ok := expr.(hclsyntax.Expression)
	if !ok {
		return ""
	}
	name := ""
	func() {
		defer func() { _ = recover() }()
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if fc, ok := n.(*hclsyntax.FunctionCallExpr); ok && name == "" {
				if _, known := l.funcs[fc.Name]; !known {
					name = fc.Name
				}
			}
			return nil
		})
	}()
	return name
}
