package segregation_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// estatePolicy is a company estate of three environments, each with its
// own AWS account, GCP project, address range, domain, namespaces, Terraform
// workspace, directory and name patterns.
const estatePolicy = `apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: estate}
spec:
  environments:
    definitions:
    - name: prod
      production: true
      aliases: [production]
      accounts: ["111111111111", acme-prod]
      cidrs: [10.0.0.0/16]
      domains: ["*.prod.example.com"]
      namespaces: [prod, "prod-*"]
      workspaces: [prod]
      paths: ["envs/prod/**"]
      names: ["prod-*", "*-prod"]
    - name: staging
      aliases: [stage]
      accounts: ["333333333333", acme-staging]
      cidrs: [10.2.0.0/16]
      domains: ["*.staging.example.com"]
      namespaces: [staging]
      workspaces: [staging]
      paths: ["envs/staging/**"]
      names: ["staging-*", "*-staging"]
    - name: dev
      aliases: [development]
      accounts: ["222222222222", acme-dev]
      cidrs: [10.1.0.0/16]
      domains: ["*.dev.example.com"]
      namespaces: [dev, "dev-*"]
      workspaces: [dev]
      paths: ["envs/dev/**"]
      names: ["dev-*", "*-dev"]
`

// estate returns estatePolicy with more of spec: extra is YAML indented by
// two spaces, such as "  segregation:\n    allowedMixes: [[dev, staging]]\n".
func estate(extra string) string { return estatePolicy + extra }

// devStagingMix lets dev and staging share units and reach each other.
var devStagingMix = estate("  segregation:\n    allowedMixes: [[dev, staging]]\n")

// ref is a reference from an attribute of a resource to another resource,
// as a plan's configuration section records it. From is dotted and goes
// through nested blocks (rule.destination.bucket); To is the address of
// the referenced resource, data sources included.
type ref struct{ From, To string }

// planConfig adds what ruletest.Plan leaves out: a configuration section
// with references between resources and the accounts of the provider
// configurations, and data sources read during plan (changes whose address
// starts with data.).
type planConfig struct {
	Refs map[string][]ref
	// Account is the AWS account of the default aws provider configuration,
	// in allowed_account_ids.
	Account string
}

// planWith renders changes as ruletest.Plan does, with cfg.
func planWith(t testing.TB, cfg planConfig, changes ...ruletest.Change) string {
	t.Helper()
	var plan map[string]any
	if err := json.Unmarshal([]byte(ruletest.Plan(changes...)), &plan); err != nil {
		t.Fatal(err)
	}
	for _, rc := range plan["resource_changes"].([]any) {
		m := rc.(map[string]any)
		addr := m["address"].(string)
		if rest, ok := strings.CutPrefix(addr, "data."); ok {
			typ, name, _ := strings.Cut(rest, ".")
			m["mode"], m["type"], m["name"] = "data", typ, name
			m["change"].(map[string]any)["actions"] = []string{"read"}
		}
	}
	var resources []any
	for _, addr := range slices.Sorted(maps.Keys(cfg.Refs)) {
		exprs := map[string]any{}
		for _, r := range cfg.Refs[addr] {
			addExpr(exprs, strings.Split(r.From, "."), r.To)
		}
		mode, base := "managed", addr
		if rest, ok := strings.CutPrefix(addr, "data."); ok {
			mode, base = "data", rest
		}
		typ, name, _ := strings.Cut(base, ".")
		resources = append(resources, map[string]any{
			"address": addr, "mode": mode, "type": typ, "name": name,
			"provider_config_key": strings.SplitN(typ, "_", 2)[0], "expressions": exprs,
		})
	}
	config := map[string]any{"root_module": map[string]any{"resources": resources}}
	if cfg.Account != "" {
		config["provider_config"] = map[string]any{"aws": map[string]any{
			"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
			"expressions": map[string]any{"allowed_account_ids": map[string]any{"constant_value": []any{cfg.Account}}},
		}}
	}
	plan["configuration"] = config
	out, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// addExpr records a reference to "to" at path in a configuration
// expressions object, nested blocks as one-element lists.
func addExpr(exprs map[string]any, path []string, to string) {
	if len(path) == 1 {
		e, _ := exprs[path[0]].(map[string]any)
		if e == nil {
			e = map[string]any{}
			exprs[path[0]] = e
		}
		refs, _ := e["references"].([]any)
		e["references"] = append(refs, to+".id", to)
		return
	}
	blocks, _ := exprs[path[0]].([]any)
	if blocks == nil {
		blocks = []any{map[string]any{}}
		exprs[path[0]] = blocks
	}
	addExpr(blocks[0].(map[string]any), path[1:], to)
}

// tags is a Terraform tags map.
func tags(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// count evaluates a case and returns how many findings rule id reported.
func count(t *testing.T, id string, c ruletest.Case) int {
	t.Helper()
	res := ruletest.Evaluate(t, c)
	n := 0
	for _, f := range res.Findings {
		if f.RuleID == id {
			n++
		}
	}
	return n
}
