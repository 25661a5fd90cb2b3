package hclsource

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// setRootVars gives the root module's variables their values, in
// Terraform's order of precedence, lowest first: defaults,
// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) by name,
// Options.VarFiles, Options.Vars.
func (l *loader) setRootVars(m *modInst) {
	values := map[string]varAssign{}
	var files []string
	for _, name := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if fi, err := os.Stat(filepath.Join(l.rootDir, name)); err == nil && !fi.IsDir() {
			files = append(files, filepath.Join(l.rootDir, name))
		}
	}
	if entries, err := os.ReadDir(l.rootDir); err == nil {
		var auto []string
		for _, e := range entries {
			if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")) {
				auto = append(auto, n)
			}
		}
		sort.Strings(auto)
		for _, n := range auto {
			files = append(files, filepath.Join(l.rootDir, n))
		}
	}
	files = append(files, l.opts.VarFiles...)
	for _, f := range files {
		if l.ctx.Err() != nil {
			return
		}
		for name, a := range l.readVarFile(m.cfg, f) {
			values[name] = a
		}
	}
	names := make([]string, 0, len(l.opts.Vars))
	for name := range l.opts.Vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		decl := m.cfg.variables[name]
		at := hcl.Range{Filename: "-var " + name}
		if decl == nil {
			l.diag(resource.WarningAt(resource.Location{File: at.Filename}, "Value for undeclared variable",
				fmt.Sprintf("A value is given for variable %q, which the root module does not declare; it is ignored.", name)))
			continue
		}
		values[name] = varAssign{cliValue(l.opts.Vars[name], decl), at}
	}
	for _, name := range m.cfg.varOrder {
		n := m.vars[name]
		decl := m.cfg.variables[name]
		n.state = stateDone
		if a, ok := values[name]; ok {
			n.val = a.val
			if !n.val.IsWhollyKnown() {
				n.reason = fmt.Sprintf("the value given for variable %q cannot be evaluated", name)
			}
			l.convertVar(n, decl, a.rng)
			continue
		}
		l.defaultVar(n, decl)
	}
}

// cliValue interprets a -var value: a literal string for a variable with no
// type or a primitive type, an HCL expression otherwise (or the literal
// string when it is not one).
func cliValue(raw string, decl *variableDecl) cty.Value {
	if !decl.hasType || decl.ty.IsPrimitiveType() {
		return cty.StringVal(raw)
	}
	if _, ok := scanNesting([]byte(raw), DefaultMaxNesting); !ok {
		return cty.StringVal(raw)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), "-var "+decl.name, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.StringVal(raw)
	}
	v, diags := safeValue(expr, nil)
	if diags.HasErrors() {
		return cty.StringVal(raw)
	}
	return v
}

type varAssign struct {
	val cty.Value
	rng hcl.Range
}

// readVarFile reads a .tfvars or .tfvars.json file. Values must be constants.
func (l *loader) readVarFile(cfg *moduleConfig, path string) map[string]varAssign {
	src, d := readSource(path, l.lim)
	if d != nil {
		l.diag(*d)
		return nil
	}
	// Variable files often hold the values of sensitive variables: their
	// text is not kept for report snippets.
	l.curFile = path
	out := map[string]varAssign{}
	l.guard(hcl.Range{Filename: path, Start: hcl.InitialPos}, "reading a variables file", func() {
		var file *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(path, ".json") {
			file, diags = hcljson.Parse(src, path)
		} else {
			file, diags = hclsyntax.ParseConfig(src, path, hcl.InitialPos)
		}
		l.hclDiags(diags, resource.DiagError)
		if file == nil || file.Body == nil {
			return
		}
		attrs, diags := file.Body.JustAttributes()
		l.hclDiags(diags, resource.DiagError)
		for _, a := range jsonAttrs(attrs) {
			if cfg.variables[a.name] == nil {
				l.diag(resource.WarningAt(locOf(a.rng), "Value for undeclared variable",
					fmt.Sprintf("A value is given for variable %q, which the root module does not declare; it is ignored.", a.name)))
				continue
			}
			v, diags := safeValue(a.expr, nil)
			if diags.HasErrors() {
				l.hclDiags(diags, resource.DiagWarning)
				v = cty.DynamicVal
			}
			out[a.name] = varAssign{v, a.expr.Range()}
		}
	})
	return out
}
