package hclsource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// maxEvalDepth bounds how long a chain of references (a local referring to
// a local referring to ...) is followed before the rest is taken as unknown.
const maxEvalDepth = 1000

// forBudget bounds the total number of elements for expressions iterate
// over in one load, so nested for expressions cannot run for hours.
const forBudget = 1_000_000

// LoadModule loads the Terraform root module in dir, and the local modules it
// calls, into a resource.Set: one resource.Resource for each resource
// instance (managed resources and data sources), with the diagnostics met on
// the way and the source of every file read.
//
// The error is non-nil only when dir cannot be used as a module directory or
// ctx ends; every problem with the configuration itself is a diagnostic.
func LoadModule(ctx context.Context, dir string, opts Options) (set *resource.Set, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("hclsource: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("hclsource: %s is not a directory", dir)
	}
	if _, err := os.ReadDir(dir); err != nil {
		return nil, fmt.Errorf("hclsource: %w", err)
	}
	dir = filepath.Clean(dir)
	l := &loader{
		ctx:     ctx,
		opts:    opts,
		lim:     opts.Limits.withDefaults(),
		rootDir: dir,
		set:     &resource.Set{Sources: map[string][]byte{}},
		configs: map[string]*moduleConfig{},
		budget:  forBudget,
	}
	l.absRoot, _ = filepath.Abs(dir)
	l.cwd = l.absRoot
	l.workspace = workspaceOf(dir, opts.Workspace)
	l.funcs = l.functions()
	defer func() {
		if p := recover(); p != nil {
			l.diag(resource.ErrorAt(resource.Location{File: dir}, "Internal error while loading the module",
				fmt.Sprintf("%v; the resources loaded before it are kept. Please report this with the input.\n%s", p, debug.Stack())))
			set, err = l.finish()
		}
	}()
	cfg := l.loadConfig(dir)
	if len(cfg.files) == 0 && !l.set.Diagnostics.HasErrors() {
		l.diag(resource.WarningAt(resource.Location{File: dir}, "No configuration files",
			"The directory holds no .tf or .tf.json files, so there is nothing to load."))
	}
	root := l.newRoot(cfg)
	l.emit(root)
	return l.finish()
}

func (l *loader) finish() (*resource.Set, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	l.set.Diagnostics = dedupe(l.set.Diagnostics)
	return l.set, nil
}

func workspaceOf(dir, given string) string {
	if given != "" {
		return given
	}
	f, err := os.Open(filepath.Join(dir, ".terraform", "environment"))
	if err == nil {
		defer f.Close()
		buf := make([]byte, 256)
		n, _ := f.Read(buf)
		if ws := strings.TrimSpace(string(buf[:n])); ws != "" && !strings.ContainsAny(ws, "\x00\n") {
			return ws
		}
	}
	return "default"
}

// loader is the state of one LoadModule call. It is used by one goroutine.
type loader struct {
	ctx       context.Context
	opts      Options
	lim       Limits
	rootDir   string
	absRoot   string
	cwd       string
	workspace string
	set       *resource.Set
	curFile   string // the file being read, for diagnostics without a range
	configs   map[string]*moduleConfig
	// moduleDirs are the real paths of the module directories loaded; file()
	// reads only below them.
	moduleDirs []string
	facts      map[hclsyntax.Expression]*exprFacts
	funcs      map[string]function.Function
	stack      []*node
	budget     int

	moduleInstances   int
	resourceInstances int
}

func (l *loader) diag(d resource.Diagnostic) {
	l.set.Diagnostics = append(l.set.Diagnostics, d)
}

// hclDiags records hcl diagnostics; those without a source range are placed
// in the file being read.
func (l *loader) hclDiags(diags hcl.Diagnostics, sev resource.DiagnosticSeverity) {
	l.hclDiagsAt(diags, sev, hcl.Range{Filename: l.curFile})
}

func (l *loader) hclDiagsAt(diags hcl.Diagnostics, sev resource.DiagnosticSeverity, fallback hcl.Range) {
	for _, d := range diags {
		if d.Subject == nil || d.Subject.Filename == "" {
			d.Subject = &fallback
		}
		l.diag(fromHCL(d, sev))
	}
}

// fromHCL converts an hcl diagnostic; errors take severity sev, warnings
// stay warnings.
func fromHCL(d *hcl.Diagnostic, sev resource.DiagnosticSeverity) resource.Diagnostic {
	out := resource.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail}
	if d.Severity == hcl.DiagWarning {
		out.Severity = resource.DiagWarning
	}
	if d.Subject != nil && d.Subject.Filename != "" {
		out.Location = locOf(*d.Subject)
	}
	return out
}

func locOf(r hcl.Range) resource.Location {
	loc := resource.Location{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
	if r.End.Line > 0 && (r.End.Line != r.Start.Line || r.End.Column != r.Start.Column) {
		loc.EndLine, loc.EndColumn = r.End.Line, r.End.Column
	}
	return loc
}

// guard runs f, turning a panic into an error diagnostic at rng. It reports
// whether f completed.
func (l *loader) guard(rng hcl.Range, what string, f func()) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			l.diag(resource.ErrorAt(locOf(rng), "Internal error while "+what,
				fmt.Sprintf("%v; this part of the configuration is not loaded. Please report this with the input.", p)))
			ok = false
		}
	}()
	f()
	return true
}

func dedupe(ds resource.Diagnostics) resource.Diagnostics {
	seen := make(map[resource.Diagnostic]bool, len(ds))
	out := ds[:0]
	for _, d := range ds {
		if seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, d)
	}
	return out
}

// emit evaluates every resource of module instance m and of the module
// instances it calls, appending them to the set.
func (l *loader) emit(m *modInst) {
	for _, name := range m.cfg.localOrder {
		m.local(name)
	}
	for _, rd := range m.cfg.resources {
		if l.ctx.Err() != nil {
			return
		}
		re := m.resource(rd.key)
		if re == nil {
			continue
		}
		for _, inst := range re.instances {
			l.set.Resources = append(l.set.Resources, m.toResource(re, inst))
		}
	}
	for _, name := range m.cfg.outputOrder {
		m.output(name)
	}
	for _, mc := range m.cfg.modules {
		if l.ctx.Err() != nil {
			return
		}
		ce := m.moduleCall(mc.name)
		if ce == nil {
			continue
		}
		for _, child := range ce.instances {
			l.emit(child)
		}
	}
}

// toResource builds the resource.Resource of one instance.
func (m *modInst) toResource(re *resEval, inst *resInst) *resource.Resource {
	rd := re.decl
	r := &resource.Resource{
		Format:     resource.FormatTerraform,
		Address:    m.prefix() + rd.key + inst.key,
		Type:       rd.typ,
		Name:       rd.name,
		Module:     m.path,
		Mode:       rd.mode,
		Action:     resource.ActionCreate,
		Attributes: inst.goAttrs,
		Refs:       inst.refs,
		Waivers:    rd.waivers,
		Unit:       m.l.rootDir,
		Location:   resource.Location{File: rd.defRange.Filename, Line: rd.defRange.Start.Line, Column: rd.defRange.Start.Column},
	}
	loc := inst.loc
	r.Locator = resource.LocatorFunc(func(p resource.Path) resource.Location { return loc.locate(p) })
	r.Provider = rd.provider
	if r.Provider == "" {
		r.Provider = impliedProvider(rd.typ)
	}
	prov := m.provider(r.Provider)
	r.Origin = resource.Origin{Workspace: m.l.workspace, Account: prov.account, Project: prov.project,
		Subscription: prov.subscription, Region: prov.region}
	if s, ok := knownString(inst.attrs["project"]); ok && s != "" {
		r.Origin.Project = s
	}
	if s, ok := knownString(inst.attrs["region"]); ok && s != "" {
		r.Origin.Region = s
	}
	labels := map[string]string{}
	for k, v := range prov.defaultTags {
		labels[k] = v
	}
	for _, key := range []string{"labels", "tags"} {
		if mp, ok := inst.goAttrs[key].(map[string]any); ok {
			for k, v := range mp {
				if s, ok := v.(string); ok {
					labels[k] = s
				}
			}
		}
	}
	if len(labels) > 0 {
		r.Labels = labels
	}
	return r
}

func impliedProvider(typ string) string {
	if i := strings.IndexByte(typ, '_'); i > 0 {
		return typ[:i]
	}
	return typ
}

func knownString(v cty.Value) (string, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// provInfo is what a provider configuration says about where its resources go.
type provInfo struct {
	region, account, project, subscription string
	defaultTags                            map[string]string
}

var noProvider = &provInfo{}

// provider resolves a provider configuration address (aws, aws.prod) in m:
// the module's own provider block, else the configuration the calling
// module passes in its providers map, else the caller's default
// configuration of the same name.
func (m *modInst) provider(addr string) *provInfo {
	if p, ok := m.providers[addr]; ok {
		return p
	}
	m.providers[addr] = noProvider // guards against re-entry
	var p *provInfo
	switch {
	case m.cfg.providers[addr] != nil:
		p = m.evalProvider(m.cfg.providers[addr])
	case m.parent != nil && m.call.providers[addr] != "":
		p = m.parent.provider(m.call.providers[addr])
	case m.parent != nil && !strings.Contains(addr, "."):
		p = m.parent.provider(addr)
	default:
		p = noProvider
	}
	m.providers[addr] = p
	return p
}

func (m *modInst) evalProvider(pd *providerDecl) *provInfo {
	sc := m.rootScope()
	_, goObj, _ := sc.evalBody(pd.body, nil, nil, false)
	p := &provInfo{}
	str := func(k string) string {
		s, _ := goObj[k].(string)
		return s
	}
	p.region = str("region")
	p.project = str("project")
	p.subscription = str("subscription_id")
	if ids, ok := goObj["allowed_account_ids"].([]any); ok && len(ids) == 1 {
		p.account, _ = ids[0].(string)
	}
	if p.account == "" {
		if roles := blockList(goObj["assume_role"]); len(roles) > 0 {
			if arn, ok := roles[0]["role_arn"].(string); ok {
				if parts := strings.Split(arn, ":"); len(parts) >= 6 && strings.HasPrefix(arn, "arn:") {
					p.account = parts[4]
				}
			}
		}
	}
	for _, dt := range blockList(goObj["default_tags"]) {
		if tags, ok := dt["tags"].(map[string]any); ok {
			p.defaultTags = map[string]string{}
			for k, v := range tags {
				if s, ok := v.(string); ok {
					p.defaultTags[k] = s
				}
			}
		}
	}
	return p
}

// blockList reads a nested block value, written as a list of objects or (in
// JSON) a single object.
func blockList(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		var out []map[string]any
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
