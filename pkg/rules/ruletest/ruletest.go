// Package ruletest runs rules over fixtures written in the real input
// formats (Terraform HCL, `terraform show -json` plans, Kubernetes YAML) and
// checks the findings, so that a rule's test is a table of inputs next to the
// findings they must (and must not) produce.
//
// Fixtures go through the same loaders and engine as the linter: a rule that
// passes its table passes in the CLI, the webhook and go test helpers.
package ruletest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Now is the clock of every evaluation, so expiry tests do not age.
var Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Case is one fixture and the findings it must produce.
type Case struct {
	Name string
	// Files maps file names (relative, may include directories) to contents.
	// Use HCL, Plan and YAML for the common single-file cases.
	Files map[string]string
	// HCL is written as main.tf, Plan as plan.json, YAML as manifests.yaml.
	HCL, Plan, YAML string
	// Policy is a policy document in YAML; empty means the built-in default.
	Policy string
	// Env places every resource in this environment (the CLI's --env).
	Env string
	// Want lists the findings of the rule under test, in any order. A case
	// with no Want must produce no finding of the rule.
	Want []Want
}

// Want is an expected finding.
type Want struct {
	// Address is the resource address the finding is about.
	Address string
	// Path, when set, is the attribute path the finding points at.
	Path string
	// Message, when set, must be contained in the finding's message.
	Message string
	// Undecidable marks a "cannot be decided statically" finding.
	Undecidable bool
	// Line, when set, is the line the finding must point at.
	Line int
}

// String describes the expected finding for test failure messages.
func (w Want) String() string {
	s := w.Address
	if w.Path != "" {
		s += " at " + w.Path
	}
	if w.Line > 0 {
		s += fmt.Sprintf(" line %d", w.Line)
	}
	if w.Undecidable {
		s += " (undecidable)"
	}
	if w.Message != "" {
		s += fmt.Sprintf(" containing %q", w.Message)
	}
	return s
}

func (w Want) matches(f rule.Finding) bool {
	return f.Subject.Address == w.Address &&
		(w.Path == "" || f.Path == w.Path) &&
		(w.Message == "" || strings.Contains(f.Message, w.Message)) &&
		(w.Line == 0 || f.Location.Line == w.Line) &&
		f.Undecidable == w.Undecidable
}

// Run evaluates each case and checks the findings of rule ruleID against its Want.
func Run(t *testing.T, ruleID string, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			got := Evaluate(t, c)
			var mine []rule.Finding
			for _, f := range got.Findings {
				if f.RuleID == ruleID {
					mine = append(mine, f)
				}
			}
			used := make([]bool, len(mine))
			for _, w := range c.Want {
				found := false
				for i, f := range mine {
					if !used[i] && w.matches(f) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("missing %s finding: %s", ruleID, w)
				}
			}
			for i, f := range mine {
				if !used[i] {
					t.Errorf("unexpected %s finding on %s at %q (%s): %s", ruleID, f.Subject.Address, f.Path, f.Location, f.Message)
				}
			}
			if t.Failed() {
				t.Logf("all findings:\n%s", Describe(got))
			}
		})
	}
}

// Evaluate loads a case's files and evaluates them; input errors fail the test.
func Evaluate(t testing.TB, c Case) *engine.Result {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{}
	for k, v := range c.Files {
		files[k] = v
	}
	if c.HCL != "" {
		files["main.tf"] = c.HCL
	}
	if c.Plan != "" {
		files["plan.json"] = c.Plan
	}
	if c.YAML != "" {
		files["manifests.yaml"] = c.YAML
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pol := policy.MustCompile(policy.Default())
	if c.Policy != "" {
		var err error
		if pol, err = policy.Parse("policy.yaml", []byte(c.Policy)); err != nil {
			t.Fatalf("policy: %v", err)
		}
	}
	set, err := load.Load(context.Background(), []string{dir}, load.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if set.Diagnostics.HasErrors() {
		t.Fatalf("the fixture does not load: %v", set.Diagnostics.Errs())
	}
	res, err := engine.Evaluate(context.Background(), pol, set, engine.Options{Env: c.Env, Now: Now, ReportUnusedWaivers: true})
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	for _, d := range res.Diagnostics {
		if d.Summary == "rule failed" {
			t.Errorf("a rule failed: %s", d.Detail)
		}
	}
	// Findings name files relative to the fixture, so Want can name them.
	for i := range res.Findings {
		res.Findings[i].Location.File = strings.TrimPrefix(filepath.ToSlash(strings.TrimPrefix(res.Findings[i].Location.File, dir)), "/")
	}
	return res
}

// Describe renders findings one a line, for failure messages.
func Describe(res *engine.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "  %s %s %s at %q (%s)", f.RuleID, f.Severity, f.Subject.Address, f.Path, f.Location)
		if f.Undecidable {
			b.WriteString(" undecidable")
		}
		fmt.Fprintf(&b, ": %s\n", f.Message)
	}
	return b.String()
}

// Change is one resource change of a plan written with Plan.
type Change struct {
	Address string // type.name, or module.x.type.name; instance keys allowed
	// Actions default to ["create"].
	Actions []string
	After   map[string]any
	// Unknown marks attributes known only after apply, in after_unknown form
	// (true at the leaves).
	Unknown map[string]any
	Before  map[string]any
}

// Plan renders changes as `terraform show -json` output (format 1.2).
func Plan(changes ...Change) string {
	type rc struct {
		Address       string         `json:"address"`
		ModuleAddress string         `json:"module_address,omitempty"`
		Mode          string         `json:"mode"`
		Type          string         `json:"type"`
		Name          string         `json:"name"`
		ProviderName  string         `json:"provider_name"`
		Change        map[string]any `json:"change"`
	}
	var out []rc
	for _, c := range changes {
		addr := c.Address
		module := ""
		if strings.HasPrefix(addr, "module.") {
			parts := strings.Split(addr, ".")
			for len(parts) > 2 && parts[0] == "module" {
				module += "module." + parts[1] + "."
				parts = parts[2:]
			}
			module = strings.TrimSuffix(module, ".")
		}
		base := strings.TrimPrefix(strings.TrimPrefix(addr, module), ".")
		typ, name, _ := strings.Cut(base, ".")
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		provider := "registry.terraform.io/hashicorp/" + strings.SplitN(typ, "_", 2)[0]
		actions := c.Actions
		if len(actions) == 0 {
			actions = []string{"create"}
		}
		unknown := c.Unknown
		if unknown == nil {
			unknown = map[string]any{}
		}
		change := map[string]any{"actions": actions, "before": c.Before, "after": c.After, "after_unknown": unknown}
		if slices.Equal(actions, []string{"delete"}) {
			change["after"] = nil
		}
		out = append(out, rc{Address: addr, ModuleAddress: module, Mode: "managed", Type: typ, Name: name, ProviderName: provider, Change: change})
	}
	plan := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.5",
		"resource_changes":  out,
		"planned_values":    map[string]any{"root_module": map[string]any{}},
		"configuration":     map[string]any{"root_module": map[string]any{}},
	}
	b, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		panic(err)
	}
	return string(b)
}
