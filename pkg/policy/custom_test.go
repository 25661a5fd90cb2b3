package policy

import (
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

const customHeader = header + "metadata: {name: acme}\nspec:\n  customRules:\n"

func TestCustomRules(t *testing.T) {
	p, err := Parse("p.yaml", []byte(customHeader+`
    - id: ACME-001
      title: Buckets name their owner
      remediation: Add an Owner tag.
      clauses: ["ISMS 5.2: every asset has an owner"]
      match: {formats: [terraform], types: [aws_s3_bucket], environments: [Production]}
      expression: "!('Owner' in labels)"
      path: tags
    - id: ACME-K8S-002
      title: Pods do not share the host network
      severity: critical
      control: segregation
      description: The host network bypasses NetworkPolicies.
      remediation: Remove hostNetwork.
      clauses: ["ISMS 7.1"]
      link: https://wiki.acme.example/ISMS-7.1
      match: {formats: [kubernetes, terraform-plan], types: ["Deploy*", Pod]}
      expression: object.?spec.?hostNetwork.orValue(false)
      messageExpression: "'pod ' + resource.name + ' uses the host network'"
`))
	if err != nil {
		t.Fatal(err)
	}
	rules := p.CustomRules()
	if len(rules) != 2 {
		t.Fatalf("%d custom rules", len(rules))
	}
	a, b := rules[0], rules[1]
	if a.Severity != Medium || a.Spec.Control != DefaultCustomControl || a.Spec.Description != a.Spec.Title {
		t.Errorf("defaults not filled: %+v", a.Spec)
	}
	if len(a.Formats) != 2 || a.Path.String() != "tags" || a.Expression == nil || a.Message != nil {
		t.Errorf("ACME-001 compiled as %+v", a)
	}
	if got := a.Spec.Match.Environments; len(got) != 1 || got[0] != "prod" {
		t.Errorf("environments not canonical: %v", got)
	}
	if !a.MatchesEnv("prod") || a.MatchesEnv("dev") || !b.MatchesEnv("dev") {
		t.Error("MatchesEnv")
	}
	if !a.MatchesType("aws_s3_bucket") || a.MatchesType("aws_s3_bucket_policy") || len(a.Types()) != 1 {
		t.Error("exact types")
	}
	if !b.MatchesType("Deployment") || !b.MatchesType("Pod") || b.MatchesType("StatefulSet") || b.Types() != nil {
		t.Error("type patterns")
	}
	if b.Severity != Critical || b.Message == nil || b.Index != 1 || len(b.Formats) != 2 || b.Formats[0] != resource.FormatKubernetes {
		t.Errorf("ACME-K8S-002 compiled as %+v", b)
	}
	// The compiled document is a valid policy that compiles to the same rules.
	again, err := Compile(p.Document())
	if err != nil || len(again.CustomRules()) != 2 || again.CustomRules()[0].Spec.Severity != "medium" {
		t.Fatalf("the compiled document does not compile again: %v", err)
	}
	if len(MustCompile(Default()).CustomRules()) != 0 {
		t.Error("the default policy has custom rules")
	}
}

func TestCustomRuleProblems(t *testing.T) {
	valid := "      title: t\n      remediation: r\n      clauses: [c]\n"
	type want struct {
		line       int // 0: any
		path, text string
	}
	tests := []struct {
		name, yaml string
		want       []want
	}{
		{"GR prefix", "    - id: GR-PORT-001\n" + valid + "      expression: 'true'\n",
			[]want{{6, "spec.customRules[0].id", "starts with GR-"}}},
		{"lower case ID", "    - id: acme-1\n" + valid + "      expression: 'true'\n",
			[]want{{6, "spec.customRules[0].id", "is not upper-case words"}}},
		{"no ID", "    - title: t\n      remediation: r\n      clauses: [c]\n      expression: 'true'\n",
			[]want{{0, "spec.customRules[0].id", "a custom rule needs an ID"}}},
		{"duplicate ID", "    - id: ACME-1\n" + valid + "      expression: 'true'\n    - id: ACME-1\n" + valid + "      expression: 'true'\n",
			[]want{{11, "spec.customRules[1].id", "ACME-1 is also the ID of spec.customRules[0]"}}},
		{"missing metadata", "    - id: ACME-1\n      expression: 'true'\n      clauses: []\n",
			[]want{{0, "spec.customRules[0].title", "a custom rule needs a title"}, {0, "spec.customRules[0].remediation", "says how to fix"}, {8, "spec.customRules[0].clauses", "cites at least one clause"}}},
		{"empty clause", "    - id: ACME-1\n      title: t\n      remediation: r\n      clauses: ['  ']\n      expression: 'true'\n",
			[]want{{9, "spec.customRules[0].clauses[0]", "an empty clause"}}},
		{"bad expression", "    - id: ACME-1\n" + valid + "      expression: resource.kind == 'Pod'\n",
			[]want{{10, "spec.customRules[0].expression", "the CEL expression does not compile: 1:9: undefined field 'kind'"}}},
		{"not a bool", "    - id: ACME-1\n" + valid + "      expression: resource.name\n",
			[]want{{10, "spec.customRules[0].expression", "the expression is of type string; want bool"}}},
		{"no expression", "    - id: ACME-1\n" + valid,
			[]want{{0, "spec.customRules[0].expression", "a custom rule needs a CEL expression"}}},
		{"bad message expression", "    - id: ACME-1\n" + valid + "      expression: 'true'\n      messageExpression: '1 + 1'\n",
			[]want{{11, "spec.customRules[0].messageExpression", "the expression is of type int; want string"}}},
		{"bad match", "    - id: ACME-1\n" + valid + "      expression: 'true'\n      match: {formats: [hcl], types: ['[x'], environments: [nowhere]}\n",
			[]want{{11, "spec.customRules[0].match.formats[0]", `unknown format "hcl"`}, {11, "spec.customRules[0].match.types[0]", "invalid pattern"}, {11, "spec.customRules[0].match.environments[0]", `unknown environment "nowhere"`}}},
		{"bad path", "    - id: ACME-1\n" + valid + "      expression: 'true'\n      path: a[x]\n",
			[]want{{11, "spec.customRules[0].path", "list index"}}},
		{"bad severity", "    - id: ACME-1\n" + valid + "      expression: 'true'\n      severity: severe\n",
			[]want{{11, "spec.customRules[0].severity", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(customHeader+tt.yaml))
			perr, ok := err.(*Error)
			if !ok {
				t.Fatalf("Parse error = %v, want an *Error", err)
			}
			if len(perr.Fields) != len(tt.want) {
				t.Errorf("%d problems, want %d:\n%v", len(perr.Fields), len(tt.want), err)
			}
			for _, w := range tt.want {
				found := false
				for _, f := range perr.Fields {
					found = found || (f.Path == w.path && strings.Contains(f.Message, w.text) && (w.line == 0 || f.Line == w.line))
				}
				if !found {
					t.Errorf("no problem %+v in\n%v", w, err)
				}
			}
			for _, f := range perr.Fields {
				if f.Line < 1 {
					t.Errorf("problem without a line: %+v", f)
				}
			}
		})
	}
}

func TestTooManyCustomRules(t *testing.T) {
	doc := Default()
	for range MaxCustomRules + 1 {
		doc.Spec.CustomRules = append(doc.Spec.CustomRules, CustomRule{})
	}
	_, err := Compile(doc)
	if err == nil || !strings.Contains(err.Error(), "at most 256") {
		t.Fatalf("Compile = %v", err)
	}
}

func TestValidateCustomRuleID(t *testing.T) {
	for id, ok := range map[string]bool{
		"ACME-001": true, "ACME-NET-004": true, "X1-2": true, "SEC-A": true,
		"": false, "ACME": false, "acme-001": false, "ACME_001": false, "ACME--1": false, "ACME-": false,
		"-ACME": false, "GR-PORT-001": false, "GR-ACME-1": false, "CKV_AWS_24": false, "ACME-001 ": false,
		"A-" + strings.Repeat("B", 63): false,
	} {
		if err := ValidateCustomRuleID(id); (err == nil) != ok {
			t.Errorf("ValidateCustomRuleID(%q) = %v, want ok %v", id, err, ok)
		}
	}
}
