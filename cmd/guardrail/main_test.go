package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules"
)

// chdirRoot runs the test from the repository root, where examples/ and docs/ are.
func chdirRoot(t *testing.T) {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
}

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestLintExamplesExitCodes(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"examples break the policy", []string{"lint", "--policy", "examples/policy.yaml", "examples/"}, exitFindings},
		{"threshold above every finding", []string{"lint", "--policy", "examples/policy.yaml", "--env", "staging", "--severity-threshold", "critical", "examples/terraform/envs/staging"}, exitClean},
		{"unknown format", []string{"lint", "--format", "yaml", "examples/"}, exitError},
		{"unknown severity", []string{"lint", "--severity-threshold", "severe", "examples/"}, exitError},
		{"missing path", []string{"lint", "does/not/exist"}, exitError},
		{"invalid policy", []string{"lint", "--policy", "examples/README.md", "examples/"}, exitError},
		{"unknown environment", []string{"lint", "--policy", "examples/policy.yaml", "--env", "qa", "examples/"}, exitError},
		{"bad var", []string{"lint", "--var", "novalue", "examples/"}, exitError},
		{"unknown rule", []string{"rules", "GR-NOPE-001"}, exitError},
		{"unknown command", []string{"frobnicate"}, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.want {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
			if tt.want == exitError && !strings.Contains(stderr, "guardrail") && !strings.Contains(stderr, "invalid") {
				t.Errorf("a usage error must say what is wrong on stderr, got %q", stderr)
			}
		})
	}
}

func TestLintExamplesFindsTheMarkedViolations(t *testing.T) {
	chdirRoot(t)
	code, out, stderr := runCLI(t, "", "lint", "--policy", "examples/policy.yaml", "--format", "json", "examples/")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			RuleID   string `json:"ruleId"`
			Resource struct {
				Address string `json:"address"`
			} `json:"resource"`
		} `json:"findings"`
		Waived []struct {
			RuleID string `json:"ruleId"`
		} `json:"waived"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[f.RuleID+" "+f.Resource.Address] = true
	}
	// Every violation the example files mark with a comment.
	for _, want := range []string{
		"GR-PORT-001 module.network.aws_security_group.web",
		"GR-TLS-001 aws_lb_listener.http",
		"GR-TLS-002 aws_lb_listener.https",
		"GR-SEG-006 aws_iam_role.deploy",
		"GR-SEG-009 aws_db_instance.orders",
		"GR-SEG-004 aws_security_group_rule.from_prod",
		"GR-SEG-003 aws_vpc_peering_connection.to_prod",
		"GR-PORT-002 aws_security_group.cache",
		"GR-TLS-004 aws_elasticache_replication_group.sessions",
		"GR-TLS-003 aws_cloudfront_distribution.shop",
		"GR-SEG-005 NetworkPolicy/prod/web-from-ingress",
		"GR-PORT-005 Deployment/prod/web",
		"GR-TLS-008 Ingress/prod/web",
		"GR-APPR-001 Ingress/prod/web",
		"GR-SEG-007 Deployment/dev/web",
		"GR-SEG-008 Deployment/dev/web",
		"GR-SEG-008 ConfigMap/dev/web-config",
	} {
		if !got[want] {
			t.Errorf("missing finding %s", want)
		}
	}
	for _, unwanted := range []string{
		"GR-PORT-005 Deployment/dev/web",          // hostPort is tolerated in dev by the policy
		"GR-APPR-001 Deployment/prod/web",         // approved
		"GR-PORT-001 aws_instance.legacy_bastion", // deleted by the plan
	} {
		if got[unwanted] {
			t.Errorf("unexpected finding %s", unwanted)
		}
	}
	if len(rep.Waived) != 2 {
		t.Errorf("want the policy-file and the inline waiver applied, got %d waived", len(rep.Waived))
	}
}

func TestLintStdinPlan(t *testing.T) {
	chdirRoot(t)
	plan, err := os.ReadFile("examples/plans/prod.plan.json")
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, string(plan), "lint", "--env", "prod", "--format", "github", "-")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(out, "::error file=<stdin>") || !strings.Contains(out, "GR-PORT-002") {
		t.Errorf("want annotations on <stdin> including GR-PORT-002, got:\n%s", out)
	}
}

func TestLintWritesSeveralFormats(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	sarif, junit := filepath.Join(dir, "out.sarif"), filepath.Join(dir, "out", "junit.xml")
	code, out, _ := runCLI(t, "", "lint", "--policy", "examples/policy.yaml", "--format", "text",
		"--format", "sarif="+sarif, "--format", "junit="+junit, "examples/kubernetes")
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "GR-TLS-008") {
		t.Errorf("text report on stdout lacks findings")
	}
	for _, f := range []string{sarif, junit} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestPolicyValidateNamesTheLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: guardrail.dev/v1alpha1\nkind: Policy\nspec:\n  ports:\n    admin: [\"22\", \"70000\"]\n  transitt: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", "policy", "validate", bad)
	if code != exitError || !strings.Contains(stderr, "policy.yaml:6") || !strings.Contains(stderr, "transitt") {
		t.Errorf("exit %d, want %d and the line of the unknown field; stderr:\n%s", code, exitError, stderr)
	}
	chdirRoot(t)
	if code, out, stderr := runCLI(t, "", "policy", "validate", "examples/policy.yaml"); code != exitClean {
		t.Errorf("the example policy must be valid: %s %s", out, stderr)
	}
}

func TestPolicyDefaultIsAValidPolicy(t *testing.T) {
	code, out, _ := runCLI(t, "", "policy", "default")
	if code != exitClean {
		t.Fatalf("exit %d", code)
	}
	f := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "policy", "validate", f); code != exitClean {
		t.Errorf("`policy default` does not validate: %s", stderr)
	}
}

// TestRulesDocIsCurrent keeps docs/rules.md equal to the registry.
func TestRulesDocIsCurrent(t *testing.T) {
	chdirRoot(t)
	var b bytes.Buffer
	if err := RulesMarkdown(&b, rules.Default().Rules()); err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Errorf("docs/rules.md is stale: run `make docs`")
	}
}

func TestLintLimits(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		want int
		says string
	}{
		{"file over --max-file-size", []string{"--max-file-size", "1Ki", "examples/plans/prod.plan.json"}, exitError, "over the limit of 1.0 KiB"},
		{"nesting over --max-depth", []string{"--max-depth", "3", "examples/kubernetes/prod"}, exitError, "nesting deeper than 3 levels"},
		{"generous limits change nothing", []string{"--max-file-size", "1Gi", "--max-depth", "1000", "--max-documents", "10", "--max-files", "1000", "examples/kubernetes/prod"}, exitFindings, "GR-"},
		{"size that is no quantity", []string{"--max-file-size", "12x", "examples/"}, exitError, "--max-file-size \"12x\""},
		{"negative size", []string{"--max-file-size", "-5", "examples/"}, exitError, "positive whole number"},
		{"negative depth", []string{"--max-depth", "-1", "examples/"}, exitError, "--max-depth -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"lint", "--policy", "examples/policy.yaml"}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.want {
				t.Fatalf("exit code %d, want %d; stdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			if !strings.Contains(stdout+stderr, tt.says) {
				t.Errorf("the output does not say %q:\n%s%s", tt.says, stdout, stderr)
			}
		})
	}
}
