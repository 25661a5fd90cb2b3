package guardrail_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/report"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Lint a directory of Terraform and Kubernetes manifests against a policy
// file and walk the findings that fail. The policy (testdata/policy.yaml)
// declares two rules of its own as CEL expressions, ACME-001 and ACME-002.
func Example() {
	res, err := guardrail.Lint(context.Background(), []string{"testdata/estate"},
		guardrail.WithPolicyFile("testdata/policy.yaml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Failing() {
		fmt.Printf("%s:%d %s %s %s\n", f.Location.File, f.Location.Line, f.Severity, f.RuleID, f.Subject.Address)
	}
	fmt.Println("failed:", res.Failed())
	// Output:
	// testdata/estate/k8s/web.yaml:1 high ACME-002 Deployment/prod/web
	// testdata/estate/k8s/web.yaml:1 high GR-SEG-010 Deployment/prod/web
	// testdata/estate/prod/main.tf:5 critical GR-PORT-001 aws_security_group.bastion
	// testdata/estate/prod/main.tf:14 medium GR-TLS-006 aws_s3_bucket.reports
	// testdata/estate/prod/main.tf:16 medium ACME-001 aws_s3_bucket.reports
	// failed: true
}

// A Linter built once lints any number of inputs, here with a higher
// threshold: only high and critical findings fail.
func ExampleNew() {
	l, err := guardrail.New(
		guardrail.WithPolicyFile("testdata/policy.yaml"),
		guardrail.WithSeverityThreshold(policy.High),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, dir := range []string{"testdata/estate/prod", "testdata/estate/k8s"} {
		res, err := l.Lint(context.Background(), []string{dir})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d findings, %d failing\n", dir, len(res.Active()), len(res.Failing()))
	}
	// Output:
	// testdata/estate/prod: 3 findings, 1 failing
	// testdata/estate/k8s: 2 findings, 2 failing
}

// Render a result as the CLI's text report, with source snippets.
func ExampleResult_Write() {
	res, err := guardrail.Lint(context.Background(), []string{"testdata/single"},
		guardrail.WithPolicyFile("testdata/policy.yaml"), guardrail.WithEnv("prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := res.Write(os.Stdout, report.Text); err != nil {
		fmt.Println(err)
	}
	// Output:
	// testdata/single/bastion.tf
	//   CRITICAL GR-PORT-001 Administration ports are not open to the world
	//     at testdata/single/bastion.tf:3:3
	//     resource aws_security_group.bastion, attribute ingress[0], environment prod (by override)
	//     TCP ingress allows administration port 22 (SSH) from 0.0.0.0/0
	//
	//     2 |   name = "bastion"
	//     3 |   ingress {
	//       |   ^
	//     4 |     from_port   = 22
	//
	//     Remediation: Restrict the source to the VPN or bastion range (or a security group reference), or remove the rule and use a session manager; for a Service, set loadBalancerSourceRanges or make the load balancer internal.
	//     Docs: https://github.com/guardrail-dev/guardrail/blob/main/docs/rules.md#gr-port-001
	//
	// Summary (policy acme)
	//            critical     high   medium      low     info
	//   deny            1        0        0        0        0
	//   warn            0        0        0        0        0
	//   waived: 0
	//   resources judged: 1 (prod 1)
	//   result: FAIL (fails at low and above): 1 finding at low and above
}

// Build a policy in code instead of a file: start from the built-in
// policy's document, change it, and compile it.
func ExampleWithPolicy() {
	doc := policy.Default()
	doc.Metadata.Name = "in-code"
	doc.Spec.Rules = map[string]policy.RuleSetting{
		"GR-PORT-001": {Severity: "low", Mode: "warn"}, // reported, not failing
	}
	p, err := policy.Compile(doc)
	if err != nil {
		fmt.Println(err) // every problem, with its field path
		return
	}
	res, err := guardrail.Lint(context.Background(), []string{"testdata/single"},
		guardrail.WithPolicy(p), guardrail.WithEnv("prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Active() {
		fmt.Println(f.RuleID, f.Severity, f.Mode, "failed:", res.Failed())
	}
	// Output:
	// GR-PORT-001 low warn failed: false
}

// A rule written in Go: data plus one check, registered next to the
// built-in rules. Its ID has a prefix of your own, and it cites your
// policy's clause.
func ExampleWithRules() {
	describeGroups := &rule.Rule{
		ID:          "ACME-100",
		Custom:      true,
		Title:       "Security groups say what they are for",
		Control:     "documentation",
		Severity:    policy.Low,
		Clauses:     []clause.Clause{{ID: "ACME ISMS 6.1", Text: "Network controls are documented."}},
		Description: "An undocumented security group cannot be reviewed.",
		Remediation: "Set description to the group's purpose.",
		Formats:     []resource.Format{resource.FormatTerraform, resource.FormatPlan},
		Types:       []string{"aws_security_group"},
		Check: func(p *rule.Pass, r *resource.Resource) {
			if d := r.Get("description"); d.IsUnknown() {
				p.Undecidable(r, d, "whether the group has a description")
			} else if d.String() == "" {
				p.Report(r, nil, "security group %s has no description", r.Name)
			}
		},
	}
	res, err := guardrail.Lint(context.Background(), []string{"testdata/single"},
		guardrail.WithRules(describeGroups), guardrail.WithEnv("dev"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Active() {
		fmt.Println(f.RuleID, f.Message)
	}
	// Output:
	// ACME-100 security group bastion has no description
	// GR-PORT-001 TCP ingress allows administration port 22 (SSH) from 0.0.0.0/0
}

// Declare a rule in the policy itself, as a CEL expression over the
// resource: true when the resource breaks the rule. The same rule judges
// Terraform source, plans and Kubernetes objects; an attribute unknown
// until apply makes the finding "cannot be decided statically", never a pass.
func Example_customRuleInCEL() {
	p, err := policy.Parse("policy.yaml", []byte(`
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: acme}
spec:
  customRules:
    - id: ACME-010
      title: Everything names its owner
      remediation: Add an owner tag (Terraform) or label (Kubernetes).
      clauses: ["ACME ISMS 5.2: every information asset has a named owner"]
      match: {types: [aws_s3_bucket, aws_security_group, Deployment]}
      expression: "!('owner' in labels) && !('Owner' in labels)"
      messageExpression: "resource.type + ' ' + resource.name + ' names no owner'"
`))
	if err != nil {
		fmt.Println(err) // a CEL mistake is reported at its line
		return
	}
	res, err := guardrail.Lint(context.Background(), []string{"testdata/estate"},
		guardrail.WithPolicy(p), guardrail.WithEnv("dev"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Active() {
		if strings.HasPrefix(f.RuleID, "ACME-") {
			fmt.Println(f.RuleID, f.Message)
		}
	}
	// Output:
	// ACME-010 Deployment web names no owner
	// ACME-010 aws_security_group bastion names no owner
	// ACME-010 aws_s3_bucket reports names no owner
}

// Evaluate resources built by hand (or by a loader of your own) instead of
// files: the model is one Resource type for Terraform and Kubernetes.
func ExampleLinter_Evaluate() {
	l, err := guardrail.New(guardrail.WithEnv("prod"))
	if err != nil {
		fmt.Println(err)
		return
	}
	pod := &resource.Resource{
		Format: resource.FormatKubernetes, Type: "Pod", APIVersion: "v1", Name: "debug", Namespace: "prod",
		Address: "Pod/prod/debug", Action: resource.ActionCreate,
		Attributes: map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": "debug", "namespace": "prod"},
			"spec": map[string]any{"containers": []any{map[string]any{
				"name": "debug", "image": "busybox",
				"ports": []any{map[string]any{"containerPort": 22, "hostPort": 22}},
			}}},
		},
	}
	res, err := l.Evaluate(context.Background(), &resource.Set{Resources: []*resource.Resource{pod}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Active() {
		if f.Control == rule.Ports {
			fmt.Println(f.RuleID, f.Path)
		}
	}
	// Output:
	// GR-PORT-005 spec.containers[0].ports[0].hostPort
}

// Loading options reach the loaders: here every input is read as a
// Kubernetes manifest, whatever its name.
func ExampleWithLoadOptions() {
	res, err := guardrail.Lint(context.Background(), []string{"testdata/estate/k8s/web.yaml"},
		guardrail.WithLoadOptions(load.Options{Kind: load.KindKubernetes}),
		guardrail.WithPolicyFile("testdata/policy.yaml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Resources, "resource judged in", res.Environments)
	// Output:
	// 1 resource judged in map[prod:1]
}
