package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
)

const customPolicy = `apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: acme}
spec:
  rules:
    ACME-003: {mode: warn}
  waivers:
    entries:
      - rules: [ACME-001]
        resources: [aws_s3_bucket.waived]
        reason: migrated next quarter
  customRules:
    - id: ACME-001
      title: Buckets name their owner
      severity: high
      remediation: Add an Owner tag.
      clauses: ["ISMS 5.2: every asset has an owner"]
      match: {formats: [terraform], types: ["aws_s3_*"]}
      expression: "!('Owner' in labels)"
      path: tags
    - id: ACME-002
      title: Pods do not use the host network
      severity: critical
      control: segregation
      remediation: Remove hostNetwork.
      clauses: ["ISMS 7.1"]
      link: https://wiki.acme.example/ISMS-7.1
      match: {formats: [kubernetes], types: [Pod], environments: [prod]}
      expression: object.?spec.?hostNetwork.orValue(false)
      messageExpression: "'pod ' + resource.name + ' in ' + env + ' uses the host network'"
      path: spec.hostNetwork
    - id: ACME-003
      title: Buckets are versioned
      remediation: Turn on versioning.
      clauses: ["ISMS 9.1"]
      match: {types: [aws_s3_bucket]}
      expression: object.versioning[0].enabled != true
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func lintDir(t *testing.T, p *policy.Policy, dir string, opts engine.Options) *engine.Result {
	t.Helper()
	set, err := load.Load(context.Background(), []string{dir}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if set.Diagnostics.HasErrors() {
		t.Fatalf("inputs: %v", set.Diagnostics.Errs())
	}
	opts.Now = now
	res, err := engine.Evaluate(context.Background(), p, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCustomRules(t *testing.T) {
	p, err := policy.Parse("policy.yaml", []byte(customPolicy))
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{
		"infra/main.tf": `
resource "aws_s3_bucket" "owned" {
  bucket = "acme-owned"
  tags   = { Owner = "platform", Environment = "prod" }
  versioning { enabled = true }
}

resource "aws_s3_bucket" "orphan" {
  bucket = "acme-orphan"
  tags = {
    Environment = "prod"
  }
  versioning { enabled = true }
}

resource "aws_s3_bucket" "waived" {
  bucket = "acme-waived"
  tags   = { Environment = "dev" }
  # guardrail:ignore ACME-003 reason="scratch bucket" expires=2027-01-31
}

resource "aws_s3_bucket_policy" "orphan" {
  bucket = aws_s3_bucket.orphan.id
  policy = "{}"
  tags   = { Environment = "prod" }
}

resource "aws_s3_bucket" "unknown_owner" {
  bucket = "acme-unknown"
  tags   = var.tags
  versioning { enabled = true }
}

variable "tags" {}
`,
		"k8s/pods.yaml": `apiVersion: v1
kind: Pod
metadata: {name: sniffer, namespace: prod, labels: {env: prod}}
spec:
  hostNetwork: true
  containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: devsniffer, namespace: dev, labels: {env: dev}}
spec:
  hostNetwork: true
  containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {env: prod}}
spec:
  containers: [{name: c, image: x}]
`,
	})
	res := lintDir(t, p, dir, engine.Options{ReportUnusedWaivers: true})
	got := map[string]rule.Finding{}
	for _, f := range res.Findings {
		if strings.HasPrefix(f.RuleID, "ACME-") || strings.HasPrefix(f.RuleID, "GR-WAIVE-") {
			got[f.RuleID+" "+f.Subject.Address] = f
		}
	}
	want := []string{
		"ACME-001 aws_s3_bucket.orphan",
		"ACME-001 aws_s3_bucket_policy.orphan",
		"ACME-001 aws_s3_bucket.waived",
		"ACME-001 aws_s3_bucket.unknown_owner",
		"ACME-002 Pod/prod/sniffer",
		"ACME-003 aws_s3_bucket.waived",
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			t.Errorf("missing finding %s", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", keys(got), want)
	}

	orphan := got["ACME-001 aws_s3_bucket.orphan"]
	if orphan.Severity != policy.High || orphan.Mode != policy.Deny || orphan.Path != "tags" || orphan.Location.Line != 10 ||
		orphan.Message != "not met: Buckets name their owner" || orphan.Remediation != "Add an Owner tag." || orphan.Docs != "" ||
		len(orphan.Clauses) != 1 || orphan.Clauses[0] != "ISMS 5.2: every asset has an owner" || orphan.Control != "custom" {
		t.Errorf("ACME-001 finding %+v", orphan)
	}
	if w := got["ACME-001 aws_s3_bucket.waived"].Waiver; w == nil || w.Source != "policy" {
		t.Errorf("the policy waiver of ACME-001 did not apply: %+v", w)
	}
	if w := got["ACME-003 aws_s3_bucket.waived"].Waiver; w == nil || w.Source != "inline" {
		t.Errorf("the inline waiver of ACME-003 did not apply: %+v", w)
	}
	sniffer := got["ACME-002 Pod/prod/sniffer"]
	if sniffer.Message != "pod sniffer in prod uses the host network" || sniffer.Severity != policy.Critical ||
		sniffer.Docs != "https://wiki.acme.example/ISMS-7.1" || sniffer.Path != "spec.hostNetwork" || sniffer.Location.Line != 5 {
		t.Errorf("ACME-002 finding %+v", sniffer)
	}
	// An attribute unknown statically is never a pass.
	unk := got["ACME-001 aws_s3_bucket.unknown_owner"]
	if !unk.Undecidable || unk.Mode != policy.Warn || !strings.Contains(unk.Message, "cannot be decided statically: whether buckets name their owner") {
		t.Errorf("unknown tags: %+v", unk)
	}
	// A key the resource lacks fails the expression: undecidable, with the
	// reason; spec.rules configures the rule like a built-in one.
	missing := got["ACME-003 aws_s3_bucket.waived"]
	if !missing.Undecidable || missing.Mode != policy.Warn || !strings.Contains(missing.Message, "its CEL expression failed: no such key: versioning") {
		t.Errorf("failed expression: %+v", missing)
	}
	var found bool
	for _, r := range res.Rules {
		found = found || (r.ID == "ACME-002" && r.Custom)
	}
	if !found {
		t.Error("Result.Rules lacks the custom rules")
	}
}

func keys(m map[string]rule.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCustomRulesShareOneRegistryPerPolicy(t *testing.T) {
	p, err := policy.Parse("policy.yaml", []byte(customPolicy))
	if err != nil {
		t.Fatal(err)
	}
	set := &resource.Set{Resources: []*resource.Resource{{Format: resource.FormatKubernetes, Type: "Pod", Address: "Pod/x", Attributes: map[string]any{}}}}
	a, err := engine.Evaluate(context.Background(), p, set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := engine.Evaluate(context.Background(), p, set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rules) != len(rules.Default().Rules())+3 || &a.Rules[0] != &b.Rules[0] {
		t.Errorf("the registry with custom rules is rebuilt per evaluation (%d rules)", len(a.Rules))
	}
}

func TestCustomRuleIDTaken(t *testing.T) {
	p, err := policy.Parse("policy.yaml", []byte(customPolicy))
	if err != nil {
		t.Fatal(err)
	}
	goRule := &rule.Rule{
		ID: "ACME-002", Title: "t", Control: rule.Logging, Severity: policy.Low, Description: "d", Remediation: "r",
		Clauses: []clause.Clause{{ID: "ISMS 1"}}, Check: func(*rule.Pass, *resource.Resource) {}, Custom: true,
	}
	reg, err := rules.Default().With(goRule)
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Evaluate(context.Background(), p, &resource.Set{}, engine.Options{Registry: reg})
	if err == nil || !strings.Contains(err.Error(), "ACME-002 registered twice") {
		t.Fatalf("Evaluate error = %v", err)
	}
}

// The webhook's deadline stops a costly expression: a hostile policy cannot
// hold an admission request past its timeout.
func TestCustomRuleStopsAtDeadline(t *testing.T) {
	p, err := policy.Parse("policy.yaml", []byte(`apiVersion: guardrail.dev/v1alpha1
kind: Policy
spec:
  customRules:
    - id: EVIL-001
      title: Spin
      remediation: r
      clauses: [c]
      expression: "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, true))))))"
`))
	if err != nil {
		t.Fatal(err)
	}
	set := &resource.Set{Resources: []*resource.Resource{{Format: resource.FormatKubernetes, Type: "Pod", Address: "Pod/x", Attributes: map[string]any{}}}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = engine.Evaluate(ctx, p, set, engine.Options{SingleObject: true})
	if err == nil || !strings.Contains(err.Error(), "evaluation stopped") {
		t.Fatalf("Evaluate error = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Evaluate took %s past a 20ms deadline", d)
	}
	// Without a deadline the cost limit stops an expression, as an
	// undecidable finding: here strings that grow tenfold at each step.
	x := strings.Repeat("x", 100)
	p, err = policy.Parse("policy.yaml", []byte(`apiVersion: guardrail.dev/v1alpha1
kind: Policy
spec:
  customRules:
    - id: EVIL-002
      title: Grow
      remediation: r
      clauses: [c]
      expression: "cel.bind(a, '`+x+`', cel.bind(b, a+a+a+a+a+a+a+a+a+a, cel.bind(c, b+b+b+b+b+b+b+b+b+b, cel.bind(d, c+c+c+c+c+c+c+c+c+c, cel.bind(e, d+d+d+d+d+d+d+d+d+d, [1,2,3,4,5,6,7,8,9,10,11,12].all(i, !e.contains('y')))))))"
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Evaluate(context.Background(), p, set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || !res.Findings[0].Undecidable || !strings.Contains(res.Findings[0].Message, "cost limit") {
		t.Fatalf("findings %+v", res.Findings)
	}
}
