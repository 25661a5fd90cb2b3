package custom

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func TestWhat(t *testing.T) {
	for title, want := range map[string]string{
		"Buckets name their owner": "whether buckets name their owner",
		"S3 buckets are private":   "whether S3 buckets are private",
		"TLS is on":                "whether TLS is on",
		"pods are small":           "whether pods are small",
		"Ölfässer sind dicht":      "whether ölfässer sind dicht",
		"X":                        "whether x",
	} {
		if got := what(title); got != want {
			t.Errorf("what(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestRules(t *testing.T) {
	p, err := policy.Parse("p.yaml", []byte(`apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: acme}
spec:
  customRules:
    - id: ACME-001
      title: Buckets name their owner
      severity: low
      control: logging
      description: Every asset has an owner.
      remediation: Tag it.
      clauses: ["ISMS 5.2", "ISO 27001 A.5.9"]
      link: https://wiki.acme.example/5.2
      match: {formats: [terraform-plan], types: [aws_s3_bucket]}
      expression: "true"
    - id: ACME-002
      title: Anything
      remediation: r
      clauses: [c]
      match: {types: ["aws_*"]}
      expression: "true"
`))
	if err != nil {
		t.Fatal(err)
	}
	rs := Rules(p)
	if len(rs) != 2 {
		t.Fatalf("%d rules", len(rs))
	}
	a := rs[0]
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.ID != "ACME-001" || !a.Custom || a.Control != "logging" || a.Severity != policy.Low || a.Description != "Every asset has an owner." ||
		a.DocsURL() != "https://wiki.acme.example/5.2" || len(a.Clauses) != 2 || a.Clauses[1].ID != "ISO 27001 A.5.9" || a.Clauses[1].Policy != "acme" {
		t.Errorf("rule %+v", a)
	}
	if !a.AppliesTo(resource.FormatPlan, "aws_s3_bucket") || a.AppliesTo(resource.FormatTerraform, "aws_s3_bucket") || a.AppliesTo(resource.FormatPlan, "aws_s3_object") {
		t.Error("AppliesTo")
	}
	// Type patterns are matched by the check, so the registry offers every type.
	if b := rs[1]; b.Types != nil || b.Formats != nil || b.DocsURL() != "" {
		t.Errorf("rule %+v", b)
	}
}
