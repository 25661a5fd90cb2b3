package config_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/approval"
	"github.com/guardrail-dev/guardrail/pkg/rules/segregation"
)

// prodPolicy is the built-in policy with guardrail's namespace in production,
// where the rules are strictest.
func prodPolicy(t testing.TB) *policy.Policy {
	t.Helper()
	doc := policy.Default()
	defs := doc.Spec.Environments.Definitions
	i := slices.IndexFunc(defs, func(e policy.Environment) bool { return e.Production })
	if i < 0 {
		t.Fatal("the built-in policy has no production environment")
	}
	defs[i].Namespaces = append(defs[i].Namespaces, namespace)
	doc.Metadata.Name = "default-with-guardrail-system-in-prod"
	return policy.MustCompile(doc)
}

// lint evaluates rendered manifests as `guardrail lint` does.
func lint(t testing.TB, name string, data []byte, p *policy.Policy, opts engine.Options) *engine.Result {
	t.Helper()
	set, err := manifest.Load(name, data, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if set.Diagnostics.HasErrors() {
		t.Fatalf("guardrail cannot read %s: %v", name, set.Diagnostics.Errs())
	}
	res, err := engine.Evaluate(context.Background(), p, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		if d.Severity == resource.DiagError {
			t.Errorf("%s: %s: %s", name, d.Summary, d.Detail)
		}
	}
	return res
}

func describe(f rule.Finding) string {
	return fmt.Sprintf("[%s %s %s] %s %s: %s (fix: %s)", f.RuleID, f.Severity, f.Mode, f.Subject.Address, f.Path, f.Message, f.Remediation)
}

// TestInstallsPassGuardrail lints the installs with guardrail's own rules:
// under the built-in policy, with guardrail-system in production, with every
// object placed in production, and under the sample policy. No finding may
// deny, but for GR-APPR-001 in production: approval is metadata of a change
// (`guardrail approve` produces the annotations for the change being
// applied), which a manifest in the repository cannot carry in advance.
func TestInstallsPassGuardrail(t *testing.T) {
	sample := samplePolicy(t)
	compiled, err := policy.Compile(sample.Document())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		pol  *policy.Policy
		env  string
		prod bool // the objects are in production: expect GR-APPR-001 only
	}{
		{name: "built-in policy", pol: policy.MustCompile(policy.Default())},
		{name: "guardrail-system in prod", pol: prodPolicy(t), prod: true},
		{name: "everything in prod", pol: policy.MustCompile(policy.Default()), env: "prod", prod: true},
		{name: "sample policy", pol: compiled},
	}
	for _, dir := range installs {
		r := render(t, dir)
		for _, c := range cases {
			t.Run(dir+"/"+c.name, func(t *testing.T) {
				res := lint(t, "rendered/"+dir+".yaml", r.yaml, c.pol, engine.Options{Env: c.env})
				if res.Resources != len(r.objs) {
					t.Errorf("guardrail judged %d objects of %d", res.Resources, len(r.objs))
				}
				approvals := 0
				for _, f := range res.Active() {
					switch {
					case c.prod && f.RuleID == approval.ApprovalMetadata.ID:
						approvals++
					case f.Mode == policy.Deny:
						t.Errorf("denied: %s", describe(f))
					default:
						t.Logf("%s", describe(f))
					}
				}
				if c.prod && (res.Environments["prod"] == 0 || approvals == 0) {
					t.Errorf("nothing was placed in prod (%v), so the case proves nothing", res.Environments)
				}
			})
		}
	}
}

// TestNetworkPoliciesSatisfyDefaultDeny shows what the NetworkPolicies of
// config/network-policy are for: without them, guardrail-system in
// production breaks GR-SEG-010.
func TestNetworkPoliciesSatisfyDefaultDeny(t *testing.T) {
	r := render(t, defaultDir)
	var without []string
	for _, o := range r.objs {
		if o.GetKind() == "NetworkPolicy" {
			continue
		}
		without = append(without, yamlOf(t, o))
	}
	res := lint(t, "rendered/default-without-networkpolicies.yaml", []byte(strings.Join(without, "---\n")), prodPolicy(t), engine.Options{})
	for _, f := range res.Active() {
		if f.RuleID == segregation.DefaultDeny.ID {
			return
		}
	}
	t.Errorf("%s did not report guardrail-system without its NetworkPolicies", segregation.DefaultDeny.ID)
}

func yamlOf(t testing.TB, o *unstructured.Unstructured) string {
	t.Helper()
	js, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(js) + "\n"
}
