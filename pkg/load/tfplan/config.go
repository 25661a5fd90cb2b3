package tfplan

import (
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// maxModuleDepth bounds the module nesting walked in the configuration section.
const maxModuleDepth = 64

// configIndex is what the plan's configuration section says about each
// resource: the provider configuration it uses and its references.
type configIndex struct {
	providers map[string]*tfjson.ProviderConfig
	variables map[string]*tfjson.PlanVariable
	resources map[string]*configResource // by module-qualified address without instance keys
	resolved  map[string]*providerInfo   // memo of providerFor by provider_config_key and module
}

type configResource struct {
	module      []string // module call names from the root
	providerKey string
	refs        []resource.Ref
}

// providerInfo is the provider configuration a resource resolves to.
type providerInfo struct {
	address string // aws, aws.prod
	origin  resource.Origin
}

func newConfigIndex(cfg *tfjson.Config, vars map[string]*tfjson.PlanVariable) *configIndex {
	ix := &configIndex{variables: vars, resources: map[string]*configResource{}, resolved: map[string]*providerInfo{}}
	if cfg == nil {
		return ix
	}
	ix.providers = cfg.ProviderConfigs
	ix.walk(cfg.RootModule, nil, 0)
	return ix
}

func (ix *configIndex) walk(m *tfjson.ConfigModule, module []string, depth int) {
	if m == nil || depth > maxModuleDepth {
		return
	}
	prefix := modulePrefix(module)
	for _, cr := range m.Resources {
		if cr == nil {
			continue
		}
		addr := cr.Address
		if addr == "" {
			addr = cr.Type + "." + cr.Name
			if cr.Mode == tfjson.DataResourceMode {
				addr = "data." + addr
			}
		}
		if prefix != "" {
			addr = prefix + "." + addr
		}
		c := &configResource{module: module, providerKey: cr.ProviderConfigKey}
		seen := map[string]bool{}
		c.refs = collectRefs(c.refs, cr.Expressions, nil, prefix, seen, 0)
		if cr.CountExpression != nil {
			c.refs = collectRefs(c.refs, map[string]*tfjson.Expression{"count": cr.CountExpression}, nil, prefix, seen, 0)
		}
		if cr.ForEachExpression != nil {
			c.refs = collectRefs(c.refs, map[string]*tfjson.Expression{"for_each": cr.ForEachExpression}, nil, prefix, seen, 0)
		}
		ix.resources[addr] = c
	}
	names := make([]string, 0, len(m.ModuleCalls))
	for name := range m.ModuleCalls {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if call := m.ModuleCalls[name]; call != nil {
			ix.walk(call.Module, append(slices.Clip(module), name), depth+1)
		}
	}
}

func modulePrefix(module []string) string {
	if len(module) == 0 {
		return ""
	}
	return "module." + strings.Join(module, ".module.")
}

// collectRefs appends the references to resources found in exprs, nested
// blocks included, each from the attribute holding it.
func collectRefs(out []resource.Ref, exprs map[string]*tfjson.Expression, from resource.Path, prefix string, seen map[string]bool, depth int) []resource.Ref {
	if depth > maxModuleDepth {
		return out
	}
	keys := make([]string, 0, len(exprs))
	for k := range exprs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := exprs[k]
		if e == nil || e.ExpressionData == nil {
			continue
		}
		p := from.Append(resource.Key(k))
		for _, ref := range e.References {
			to, ok := resourceRef(ref)
			if !ok {
				continue
			}
			if prefix != "" {
				to = prefix + "." + to
			}
			key := p.String() + "\x00" + to
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, resource.Ref{From: p, To: to})
		}
		for i, block := range e.NestedBlocks {
			out = collectRefs(out, block, p.Append(resource.Index(i)), prefix, seen, depth+1)
		}
	}
	return out
}

// notResources are the first names of references that do not name a resource.
var notResources = map[string]bool{
	"var": true, "local": true, "module": true, "each": true, "count": true,
	"path": true, "terraform": true, "self": true, "ephemeral": true,
}

// resourceRef returns the resource address a configuration reference
// names, without attribute or instance key: aws_vpc.main.id and
// aws_vpc.main[0] give aws_vpc.main, data.aws_ami.x.id gives data.aws_ami.x.
func resourceRef(ref string) (string, bool) {
	parts := strings.SplitN(ref, ".", 4)
	for i, p := range parts {
		if j := strings.IndexByte(p, '['); j >= 0 {
			parts[i] = p[:j]
		}
	}
	if len(parts) < 2 || notResources[parts[0]] {
		return "", false
	}
	if parts[0] == "data" {
		if len(parts) < 3 || !isIdent(parts[1]) || !isIdent(parts[2]) {
			return "", false
		}
		return "data." + parts[1] + "." + parts[2], true
	}
	if !isIdent(parts[0]) || !isIdent(parts[1]) {
		return "", false
	}
	return parts[0] + "." + parts[1], true
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// refsFor returns the references of the configuration resource a change
// was planned from.
func (ix *configIndex) refsFor(rc *tfjson.ResourceChange) []resource.Ref {
	if c := ix.resources[baseAddress(rc)]; c != nil {
		return c.refs
	}
	return nil
}

// providerFor resolves the provider configuration of a resource change. A
// module's resources name a provider key such as "net:aws" or
// "module.net:aws" that often has no configuration of its own (the provider
// is inherited), so the lookup walks up to the nearest ancestor whose
// configuration has expressions.
func (ix *configIndex) providerFor(rc *tfjson.ResourceChange) *providerInfo {
	if len(ix.providers) == 0 {
		return nil
	}
	c := ix.resources[baseAddress(rc)]
	var module []string
	var key string
	if c != nil {
		module, key = c.module, c.providerKey
	} else {
		module = moduleNames(rc.ModuleAddress)
		key = providerLocalName(rc)
	}
	memo := strings.Join(module, ".") + "\x00" + key
	if p, ok := ix.resolved[memo]; ok {
		return p
	}
	p := ix.resolve(module, key)
	ix.resolved[memo] = p
	return p
}

func (ix *configIndex) resolve(module []string, key string) *providerInfo {
	prov := key
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		prov = key[i+1:]
	}
	if prov == "" {
		return nil
	}
	candidates := []string{key}
	for i := len(module); i >= 0; i-- {
		anc := module[:i]
		if i == 0 {
			candidates = append(candidates, prov)
			break
		}
		candidates = append(candidates,
			modulePrefix(anc)+":"+prov,
			strings.Join(anc, ".")+":"+prov,
			anc[len(anc)-1]+":"+prov)
	}
	var first, withExprs *tfjson.ProviderConfig
	for _, k := range candidates {
		pc := ix.providers[k]
		if pc == nil {
			continue
		}
		if first == nil {
			first = pc
		}
		if len(pc.Expressions) > 0 {
			withExprs = pc
			break
		}
	}
	if first == nil {
		return nil
	}
	info := &providerInfo{address: providerAddress(first, prov)}
	if withExprs != nil {
		info.origin = ix.origin(withExprs)
	}
	return info
}

func providerAddress(pc *tfjson.ProviderConfig, fallback string) string {
	name := pc.Name
	if name == "" {
		name, _, _ = strings.Cut(fallback, ".")
	}
	if pc.Alias != "" {
		return name + "." + pc.Alias
	}
	return name
}

// moduleNames turns module.a["x"].module.b into [a b].
func moduleNames(addr string) []string {
	var out []string
	for _, part := range strings.Split(addr, ".") {
		if j := strings.IndexByte(part, '['); j >= 0 {
			part = part[:j]
		}
		if part != "" && part != "module" {
			out = append(out, part)
		}
	}
	return out
}

// providerLocalName guesses the provider key of a resource the
// configuration section does not describe: the provider's type name.
func providerLocalName(rc *tfjson.ResourceChange) string {
	name := rc.ProviderName
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name, _, _ = strings.Cut(rc.Type, "_")
	}
	return name
}

// origin reads the account, project, subscription and region a provider
// configuration names with constants, or with root variables whose values
// the plan records.
func (ix *configIndex) origin(pc *tfjson.ProviderConfig) resource.Origin {
	var o resource.Origin
	root := pc.ModuleAddress == ""
	str := func(e *tfjson.Expression) string {
		s, _ := ix.constant(e, root).(string)
		return s
	}
	o.Region = str(pc.Expressions["region"])
	switch providerFamily(pc.FullName, pc.Name) {
	case "aws":
		if ids, ok := ix.constant(pc.Expressions["allowed_account_ids"], root).([]any); ok && len(ids) == 1 {
			if id, ok := ids[0].(string); ok {
				o.Account = id
			}
		}
		if o.Account == "" {
			if ar := pc.Expressions["assume_role"]; ar != nil && ar.ExpressionData != nil && len(ar.NestedBlocks) > 0 {
				o.Account = arnAccount(str(ar.NestedBlocks[0]["role_arn"]))
			}
		}
	case "google":
		o.Project = str(pc.Expressions["project"])
	case "azurerm":
		o.Subscription = str(pc.Expressions["subscription_id"])
	}
	return o
}

// constant returns the value of an expression that is a constant or, in
// the root module, a single reference to a variable.
func (ix *configIndex) constant(e *tfjson.Expression, root bool) any {
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	if e.ConstantValue != nil && e.ConstantValue != tfjson.UnknownConstantValue {
		return e.ConstantValue
	}
	if !root || len(e.References) != 1 {
		return nil
	}
	name, ok := strings.CutPrefix(e.References[0], "var.")
	if !ok {
		return nil
	}
	if v := ix.variables[name]; v != nil {
		return v.Value
	}
	return nil
}
