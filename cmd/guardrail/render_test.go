package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

const (
	overlays = "pkg/load/kustomize/testdata/shop/overlays/"
	chart    = "pkg/load/helm/testdata/shop"
)

type jsonFinding struct {
	RuleID   string `json:"ruleId"`
	Severity string `json:"severity"`
	Resource struct {
		Address     string `json:"address"`
		Environment string `json:"environment"`
		Unit        string `json:"unit"`
	} `json:"resource"`
	Location struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	} `json:"location"`
	Waiver *struct {
		Source string `json:"source"`
		Alias  string `json:"alias"`
	} `json:"waiver"`
}

type jsonReport struct {
	Findings    []jsonFinding `json:"findings"`
	Waived      []jsonFinding `json:"waived"`
	Diagnostics []struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"diagnostics"`
}

// lintJSON runs lint with a JSON report and returns the exit code and the
// findings as "RULE address env file:line:col" (waived ones marked).
func lintJSON(t *testing.T, args ...string) (int, []string, jsonReport) {
	t.Helper()
	code, out, stderr := runCLI(t, "", append([]string{"lint", "--format", "json"}, args...)...)
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, report is not JSON: %v\n%s\n%s", code, err, out, stderr)
	}
	var got []string
	for _, f := range append(rep.Findings, rep.Waived...) {
		s := fmt.Sprintf("%s %s %s %s:%d:%d", f.RuleID, f.Resource.Address, f.Resource.Environment, f.Location.File, f.Location.Line, f.Location.Column)
		if f.Waiver != nil {
			s += " waived " + f.Waiver.Source + " as " + f.Waiver.Alias
		}
		got = append(got, s)
	}
	sort.Strings(got)
	return code, got, rep
}

func has(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}

func withRule(list []string, rule string) []string {
	var out []string
	for _, s := range list {
		if strings.HasPrefix(s, rule+" ") {
			out = append(out, s)
		}
	}
	return out
}

// TestLintOverlaysInOneRun lints the prod and dev overlays of one base
// together: each is judged with its own environment, found by its
// directory, and the segregation rules see both, so the dev overlay's
// pointer at prod's database is found; linted alone, dev cannot tell.
func TestLintOverlaysInOneRun(t *testing.T) {
	chdirRoot(t)
	policyArgs := []string{"--policy", "cmd/guardrail/testdata/overlays-policy.yaml"}
	want := []string{
		// The hostPort the prod overlay's patch opens, located in the patch.
		"GR-PORT-005 Deployment/shop-prod/web prod " + overlays + "prod/hostport.yaml:12:15",
		// The TLS block the dev overlay's JSON patch drops, located at the operation.
		"GR-TLS-008 Ingress/shop-dev/dev-web dev " + overlays + "dev/kustomization.yaml:15:9",
		// dev reaching into prod's namespace, which only the prod overlay defines.
		"GR-SEG-008 Deployment/shop-dev/dev-web dev " + overlays + "dev/database.yaml:12:15",
	}
	for name, args := range map[string][]string{
		"-k":    {"-k", overlays + "prod", "-k", overlays + "dev"},
		"walk":  {overlays + "prod", overlays + "dev/"},
		"mixed": {overlays + "dev", "-k", overlays + "prod"},
	} {
		t.Run(name, func(t *testing.T) {
			code, got, rep := lintJSON(t, append(policyArgs, args...)...)
			if code != exitFindings || len(rep.Diagnostics) > 0 {
				t.Fatalf("exit %d, diagnostics %+v", code, rep.Diagnostics)
			}
			for _, w := range want {
				if !has(got, w) {
					t.Errorf("missing %s", w)
				}
			}
			for _, rule := range []string{"GR-SEG-001", "GR-SEG-002"} {
				if f := withRule(got, rule); len(f) > 0 {
					t.Errorf("each overlay is one environment and every object is placed, got %v", f)
				}
			}
			if f := withRule(got, "GR-PORT-005"); len(f) != 1 {
				t.Errorf("the hostPort is opened in prod only, got %v", f)
			}
		})
	}
	t.Run("dev alone", func(t *testing.T) {
		_, got, _ := lintJSON(t, append(policyArgs, "-k", overlays+"dev")...)
		if f := withRule(got, "GR-SEG-008"); len(f) > 0 {
			t.Errorf("without the prod overlay, prod's namespace is unknown: %v", f)
		}
		if !has(got, want[1]) {
			t.Errorf("missing %s in %v", want[1], got)
		}
	})

	// Every object is placed by its overlay's directory.
	pol, err := policy.Load("cmd/guardrail/testdata/overlays-policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := load.Load(context.Background(), nil, load.Options{Kustomizations: []string{overlays + "prod", overlays + "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Evaluate(context.Background(), pol, set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Resources {
		env := strings.TrimPrefix(r.Unit, overlays)
		if pl := res.Index.Placement(r); pl.Env != env || pl.Source != policy.SourcePath {
			t.Errorf("%s of %s placed %+v, want %s by path", r.Address, r.Unit, pl, env)
		}
	}
}

// TestLintMixedOverlay: one overlay deploying prod and dev together is one
// unit holding two environments.
func TestLintMixedOverlay(t *testing.T) {
	chdirRoot(t)
	_, got, _ := lintJSON(t, "--policy", "cmd/guardrail/testdata/namespaces-policy.yaml", "-k", overlays+"mixed")
	if f := withRule(got, "GR-SEG-001"); len(f) != 1 || !strings.Contains(f[0], " dev "+overlays+"mixed/kustomization.yaml:6:5") {
		t.Errorf("want GR-SEG-001 on the dev part of the mixed overlay, got %v", f)
	}
}

func TestLintHelm(t *testing.T) {
	chdirRoot(t)
	policyArgs := []string{"--policy", "cmd/guardrail/testdata/namespaces-policy.yaml"}
	t.Run("prod values open a host port", func(t *testing.T) {
		code, got, rep := lintJSON(t, append(policyArgs, "--helm", chart, "--values", chart+"/values-prod.yaml", "--namespace", "shop-prod", "--release-name", "shop")...)
		if code != exitFindings || len(rep.Diagnostics) > 0 {
			t.Fatalf("exit %d, diagnostics %+v", code, rep.Diagnostics)
		}
		want := "GR-PORT-005 Deployment/shop-prod/shop-web prod " + chart + "/templates/deployment.yaml:27:15"
		if f := withRule(got, "GR-PORT-005"); len(f) != 1 || f[0] != want {
			t.Errorf("got %v, want %s", f, want)
		}
		for _, f := range rep.Findings {
			if f.Resource.Unit != chart {
				t.Errorf("unit %s, want the chart", f.Resource.Unit)
			}
		}
	})
	t.Run("dev values do not", func(t *testing.T) {
		_, got, _ := lintJSON(t, append(policyArgs, "--helm", chart, "--values", chart+"/values-dev.yaml", "-n", "shop-dev")...)
		if f := withRule(got, "GR-PORT-005"); len(f) > 0 {
			t.Errorf("got %v", f)
		}
		for _, f := range withRule(got, "GR-SEG-002") {
			if !strings.Contains(f, "CustomResourceDefinition/") {
				t.Errorf("the release namespace places every namespaced object: %v", f)
			}
		}
	})
	t.Run("a walk renders charts with default values", func(t *testing.T) {
		_, got, _ := lintJSON(t, append(policyArgs, "-n", "shop-prod", "pkg/load/helm/testdata/shop")...)
		if f := withRule(got, "GR-PORT-005"); len(f) > 0 {
			t.Errorf("got %v", f)
		}
	})
}

func TestLintRenderErrors(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		want string // on stderr (usage errors) or in the text report
	}{
		{"values without a chart", []string{"--values", chart + "/values-prod.yaml", "examples/"}, "apply to charts named with --helm"},
		{"missing values file", []string{"--helm", chart, "--values", "nope.yaml"}, "values file nope.yaml: no such file or directory"},
		{"bad --set", []string{"--helm", chart, "--set", "novalue"}, "--set"},
		{"not a chart", []string{"--helm", "examples"}, "chart examples: the directory holds no Chart.yaml"},
		{"not a kustomization", []string{"-k", "examples"}, "kustomization examples: the directory holds no kustomization.yaml"},
		{"missing dependency", []string{"--helm", "pkg/load/helm/testdata/broken/missing-dependency"},
			"pkg/load/helm/testdata/broken/missing-dependency/Chart.yaml:5:5"},
		{"required value", []string{"--helm", "pkg/load/helm/testdata/broken/required-value"},
			"pkg/load/helm/testdata/broken/required-value/templates/deployment.yaml:14:20"},
		{"remote base", []string{"-k", "pkg/load/kustomize/testdata/broken/remote"},
			"pkg/load/kustomize/testdata/broken/remote/kustomization.yaml:2:5"},
		{"kustomization cycle", []string{"-k", "pkg/load/kustomize/testdata/broken/cycle/a"}, "kustomization cycle"},
		{"missing resource", []string{"-k", "pkg/load/kustomize/testdata/broken/missing-resource"}, "missing resource"},
		{"invalid patch", []string{"-k", "pkg/load/kustomize/testdata/broken/invalid-patch-yaml"},
			"pkg/load/kustomize/testdata/broken/invalid-patch-yaml/replicas.yaml:5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", append([]string{"lint", "--no-color"}, tt.args...)...)
			if code != exitError || !strings.Contains(out+stderr, tt.want) {
				t.Errorf("exit %d, want %d and %q in\n%s%s", code, exitError, tt.want, out, stderr)
			}
		})
	}
}

// TestPolicyPeerIDs: a policy carried over from the peers keys rule settings
// and waivers by their IDs; each use is reported as an alias.
func TestPolicyPeerIDs(t *testing.T) {
	chdirRoot(t)
	policyFile := "cmd/guardrail/testdata/aliases-policy.yaml"
	code, got, rep := lintJSON(t, "--policy", policyFile, "--helm", chart, "--values", chart+"/values-prod.yaml", "-n", "shop-prod")
	if code == exitError {
		t.Fatalf("exit %d: %+v", code, rep.Diagnostics)
	}
	// KSV-0024 waives the prod hostPort, recorded as the alias it was named by.
	want := "GR-PORT-005 Deployment/shop-prod/release-name-web prod " + chart + "/templates/deployment.yaml:27:15 waived policy as KSV-0024"
	if f := withRule(got, "GR-PORT-005"); len(f) != 1 || f[0] != want {
		t.Errorf("got %v, want %s", f, want)
	}
	notes := map[string]string{}
	for _, d := range rep.Diagnostics {
		if d.Severity != "warning" || d.Summary != "rule setting keyed by a peer rule ID" {
			t.Errorf("unexpected diagnostic %+v", d)
		}
		notes[fmt.Sprintf("%s:%d", d.Location.File, d.Location.Line)] = d.Detail
	}
	for at, detail := range map[string]string{
		policyFile + ":15": "spec.rules.CKV_K8S_26 is Checkov's rule ID; it applies as an alias to GR-PORT-005",
		policyFile + ":17": "spec.rules.tlsSettingsMissing is Polaris's rule ID; it applies as an alias to GR-TLS-008",
	} {
		if !strings.Contains(notes[at], detail) {
			t.Errorf("note at %s = %q, want %q", at, notes[at], detail)
		}
	}
	// The severity set through the Polaris ID applies.
	for _, f := range rep.Findings {
		if f.RuleID == "GR-TLS-008" && f.Severity != "critical" {
			t.Errorf("GR-TLS-008 severity %s, want critical from tlsSettingsMissing", f.Severity)
		}
	}
}

func TestPolicyUnknownRuleKeys(t *testing.T) {
	chdirRoot(t)
	policyFile := "cmd/guardrail/testdata/unknown-keys-policy.yaml"
	code, _, rep := lintJSON(t, "--policy", policyFile, "examples/kubernetes")
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	got := map[string]string{}
	for _, d := range rep.Diagnostics {
		got[fmt.Sprintf("%s %s:%d %s", d.Severity, d.Location.File, d.Location.Line, d.Summary)] = d.Detail
	}
	for key, detail := range map[string]string{
		"error " + policyFile + ":7 unknown rule key":                        "spec.rules.GR-TSL-008 is neither a guardrail rule ID",
		"error " + policyFile + ":9 unknown rule key":                        `spec.rules."CKV_*" matches no guardrail rule; globs match guardrail rule IDs`,
		"warning " + policyFile + ":13 rule setting keyed by a peer rule ID": "it does not apply to GR-PORT-005 (set by spec.rules.GR-PORT-005)",
	} {
		if !strings.Contains(got[key], detail) {
			t.Errorf("%s: got %q, want %q\nall: %v", key, got[key], detail, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("want 3 diagnostics (GR-PORT-* matches rules), got %v", got)
	}
	code, _, stderr := runCLI(t, "", "policy", "validate", policyFile)
	if code != exitError || !strings.Contains(stderr, policyFile+":7:5: unknown rule key") || !strings.Contains(stderr, "warning: "+policyFile+":13:5") {
		t.Errorf("policy validate: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "policy", "validate", "cmd/guardrail/testdata/aliases-policy.yaml"); code != exitClean || !strings.Contains(stderr, "applies as an alias") {
		t.Errorf("a policy keyed by peer IDs is valid, with notes: exit %d\n%s", code, stderr)
	}
	// The keys of custom rules are rule IDs too.
	if code, out, stderr := runCLI(t, "", "policy", "validate", "pkg/policy/testdata/custom.yaml"); code != exitClean || stderr != "" {
		t.Errorf("custom rule keys: exit %d\n%s%s", code, out, stderr)
	}
}
