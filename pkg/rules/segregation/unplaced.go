package segregation

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Unplaced is GR-SEG-002.
var Unplaced = &rule.Rule{
	ID:       "GR-SEG-002",
	Title:    "Every resource belongs to a known environment",
	Control:  rule.Segregation,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments},
	Description: "Environment rules can only protect what they can place. A resource whose tag or label names an " +
		"environment the policy does not define (a typo such as Environment=prdo) is always reported; a resource " +
		"no detector places (tags, namespace labels and names, workspace, account, path, name) is reported when " +
		"the policy sets spec.environments.required. A resource that two detectors place in different environments " +
		"(a manifest under envs/dev/ naming a production namespace, a prod tag in a dev account) is reported too: " +
		"it is judged by the first detector in the precedence order, and whichever is wrong hides a crossing.",
	Remediation: "Tag or label the resource with its environment (Environment=prod, or the namespace label), or " +
		"extend the policy's environment definitions so the resource's namespace, path, account or name places it. " +
		"Where two detectors disagree, move the file or correct the namespace, tag or account so that they agree.",
	Check: func(p *rule.Pass, r *resource.Resource) {
		pl := p.Index.Placement(r)
		if pl.Undefined {
			p.Report(r, labelPath(p, r, pl), "%s names environment %q, which the policy does not define (defined: %s)",
				pl.Detail, pl.Env, envList(p))
			return
		}
		if other, ok := p.Index.Contradiction(r); ok {
			p.Report(r, nil, "%s places it in %s, but %s places it in %s: one of them is wrong, and rules judge it as %s",
				pl.Detail, pl.Env, other.Detail, other.Env, pl.Env)
			return
		}
		if pl.Env == "" && p.Policy.Document().Spec.Environments.Required {
			p.Report(r, nil, "no environment could be determined for %s (tried, in order: %s)",
				r.Address, strings.Join(p.Policy.Document().Spec.Environments.Precedence, ", "))
		}
	},
}

func envList(p *rule.Pass) string {
	var names []string
	for _, e := range p.Policy.Environments() {
		names = append(names, e.Name)
	}
	return strings.Join(names, ", ")
}

// labelPath points at the tag or label that placed r: the first of the
// policy's tag keys r carries, in the attribute that holds it (a plan's
// tags_all holds the provider's default tags, which tags lacks).
func labelPath(p *rule.Pass, r *resource.Resource, pl policy.Placement) resource.Path {
	if pl.Source != policy.SourceLabel {
		return nil
	}
	for _, k := range p.Policy.Document().Spec.Environments.TagKeys {
		if r.Labels[k] == "" {
			continue
		}
		if r.IsKubernetes() {
			return resource.Path{resource.Key("metadata"), resource.Key("labels"), resource.Key(k)}
		}
		for _, attr := range []string{"tags", "tags_all", "labels", "terraform_labels"} {
			if r.Get(attr, k).Exists() {
				return resource.Path{resource.Key(attr), resource.Key(k)}
			}
		}
		return nil
	}
	return nil
}
