package segregation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// MixedUnit is GR-SEG-001.
var MixedUnit = &rule.Rule{
	ID:       "GR-SEG-001",
	Title:    "A plan, module or manifest file deploys to one environment",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments, clause.SeparateDevTestProd},
	Description: "One unit of deployment (a Terraform plan, a Terraform root module, a manifest file) holds resources " +
		"of different environments, so one apply or one kubectl apply changes production and non-production " +
		"together, with one set of credentials and one state. Environments the policy lets mix " +
		"(spec.segregation.allowedMixes) are not reported; data sources, deleted resources and resources " +
		"without a known environment are not counted.",
	Remediation: "Split the unit per environment: one root module or workspace, one plan and one manifest set per " +
		"environment, sharing code through modules or overlays, never state.",
	NeedsWholeInput: true,
	CheckAll: func(p *rule.Pass) {
		for _, unit := range p.Index.Units() {
			counts := map[string]int{}
			first := map[string]*resource.Resource{}
			for _, r := range p.Index.Unit(unit) {
				if r.Mode == "data" || r.IsDeleted() {
					continue
				}
				env := envOf(p, r)
				if env == "" {
					continue
				}
				counts[env]++
				if first[env] == nil {
					first[env] = r
				}
			}
			if len(counts) < 2 {
				continue
			}
			// The unit's main environment is the one with most resources;
			// production wins ties, so the others are reported against it.
			envs := sortedKeys(counts)
			productionFirst(p, envs)
			sort.SliceStable(envs, func(i, j int) bool { return counts[envs[i]] > counts[envs[j]] })
			var parts []string
			for _, e := range sortedKeys(counts) {
				parts = append(parts, fmt.Sprintf("%s (%d)", e, counts[e]))
			}
			for i := 1; i < len(envs); i++ {
				other, ok := crossedBy(p, envs, i)
				if !ok {
					continue
				}
				e, r := envs[i], first[envs[i]]
				where := "most of it is in " + other
				if other != envs[0] {
					where = "part of it is in " + other
				}
				p.Report(r, nil, "%s mixes environments %s: %s is in %s (%s) while %s",
					unit, strings.Join(parts, ", "), r.Address, e, p.Index.Placement(r).Detail, where)
			}
		}
	},
}
