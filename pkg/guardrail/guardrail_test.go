package guardrail_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
)

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: guardrail.dev/v1alpha1\nkind: Policy\nspec:\n  ports: {admin: [70000]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dup := &rule.Rule{ID: "GR-PORT-001", Title: "t", Control: rule.Ports, Severity: policy.Low, Description: "d", Remediation: "r",
		Clauses: []clause.Clause{clause.RestrictedPorts}, Check: func(*rule.Pass, *resource.Resource) {}}
	tests := []struct {
		name string
		opts []guardrail.Option
		want string
	}{
		{"invalid policy file", []guardrail.Option{guardrail.WithPolicyFile(bad)}, "bad.yaml:4:"},
		{"missing policy file", []guardrail.Option{guardrail.WithPolicyFile(filepath.Join(dir, "none.yaml"))}, "no such file"},
		{"nil policy", []guardrail.Option{guardrail.WithPolicy(nil)}, "WithPolicy(nil)"},
		{"unknown environment", []guardrail.Option{guardrail.WithEnv("qa-7")}, `environment "qa-7" is not an environment of the policy`},
		{"duplicate rule", []guardrail.Option{guardrail.WithRules(dup)}, "GR-PORT-001 registered twice"},
		{"unknown kind", []guardrail.Option{guardrail.WithLoadOptions(load.Options{Kind: "helm-ish"})}, "unknown input kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := guardrail.New(tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	var perr *policy.Error
	if _, err := guardrail.New(guardrail.WithPolicyFile(bad)); !errors.As(err, &perr) {
		t.Errorf("an invalid policy file is not a *policy.Error: %v", err)
	}
}

func TestDefaults(t *testing.T) {
	l, err := guardrail.New()
	if err != nil {
		t.Fatal(err)
	}
	if l.Threshold() != policy.Low || l.Registry() != rules.Default() || l.Policy().Name() != policy.Default().Metadata.Name {
		t.Errorf("defaults: threshold %v, policy %q", l.Threshold(), l.Policy().Name())
	}
	// The last policy option wins.
	p := policy.MustCompile(policy.Default())
	l, err = guardrail.New(guardrail.WithPolicyFile("testdata/policy.yaml"), guardrail.WithPolicy(p))
	if err != nil || l.Policy() != p {
		t.Fatalf("WithPolicy after WithPolicyFile: %v", err)
	}
}

func TestLintInputs(t *testing.T) {
	ctx := context.Background()
	if _, err := guardrail.Lint(ctx, []string{"testdata/nothing-here"}); err == nil {
		t.Error("a path that does not exist is not an error")
	}
	if _, err := guardrail.Lint(ctx, nil); err == nil {
		t.Error("no paths is not an error")
	}
	// An input that cannot be read fails the result, as the CLI exits 2.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("kind: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := guardrail.Lint(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed() || len(res.Failing()) != 0 || !res.Diagnostics.HasErrors() {
		t.Errorf("an unreadable input: failed %v, diagnostics %v", res.Failed(), res.Diagnostics)
	}
	if !strings.Contains(res.String(), "broken.yaml") {
		t.Errorf("the text report does not name the input:\n%s", res)
	}
	clean, err := guardrail.Lint(ctx, []string{"testdata/single/bastion.tf"}, guardrail.WithEnv("dev"),
		guardrail.WithPolicyFile("testdata/policy.yaml"), guardrail.WithSeverityThreshold(policy.Critical))
	if err != nil {
		t.Fatal(err)
	}
	if !clean.Failed() || clean.Threshold != policy.Critical {
		t.Errorf("an SSH port open to the world does not fail at critical")
	}
}

func TestNowAndUnusedWaivers(t *testing.T) {
	doc := policy.Default()
	doc.Spec.Waivers.Entries = []policy.Waiver{{Rules: []string{"GR-PORT-001"}, Resources: []string{"aws_security_group.bastion"},
		Reason: "VPN migration", Expires: "2026-06-30"}}
	p := policy.MustCompile(doc)
	lint := func(opts ...guardrail.Option) *guardrail.Result {
		t.Helper()
		res, err := guardrail.Lint(context.Background(), []string{"testdata/single"},
			append([]guardrail.Option{guardrail.WithPolicy(p), guardrail.WithEnv("dev")}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := lint(guardrail.WithNow(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))); len(res.Waived()) != 1 || res.Failed() {
		t.Errorf("before expiry: %d waived, failed %v", len(res.Waived()), res.Failed())
	}
	if res := lint(guardrail.WithNow(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))); len(res.Waived()) != 0 || !res.Failed() {
		t.Errorf("after expiry: %d waived", len(res.Waived()))
	}
	unused := func(res *guardrail.Result) int {
		n := 0
		for _, f := range res.Findings {
			if f.RuleID == "GR-WAIVE-003" {
				n++
			}
		}
		return n
	}
	other := []string{"testdata/estate/k8s"}
	res, err := guardrail.Lint(context.Background(), other, guardrail.WithPolicy(p), guardrail.WithNow(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)))
	if err != nil || unused(res) != 1 {
		t.Errorf("a waiver matching nothing is not reported by default (%v)", err)
	}
	res, err = guardrail.Lint(context.Background(), other, guardrail.WithPolicy(p), guardrail.WithUnusedWaivers(false), guardrail.WithWorkers(1))
	if err != nil || unused(res) != 0 {
		t.Errorf("WithUnusedWaivers(false) still reports unused waivers (%v)", err)
	}
}

func TestLinterConcurrentUse(t *testing.T) {
	l, err := guardrail.New(guardrail.WithPolicyFile("testdata/policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			res, err := l.Lint(context.Background(), []string{"testdata/estate"})
			if err != nil || len(res.Failing()) != 5 {
				t.Errorf("Lint: %v", err)
			}
		})
	}
	wg.Wait()
}

func TestWithApproval(t *testing.T) {
	count := func(res *guardrail.Result) int {
		n := 0
		for _, f := range res.Active() {
			if f.RuleID == "GR-APPR-001" {
				n++
			}
		}
		return n
	}
	lint := func(opts ...guardrail.Option) *guardrail.Result {
		t.Helper()
		res, err := guardrail.Lint(context.Background(), []string{"testdata/estate/k8s"}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if n := count(lint()); n != 1 {
		t.Fatalf("a production Deployment without approval: %d GR-APPR-001 findings", n)
	}
	exempt := &approval.Context{Exempt: map[string]string{"Deployment/prod/web": "created by an approved release"}}
	if n := count(lint(guardrail.WithApproval(exempt))); n != 0 {
		t.Errorf("WithApproval's exemption did not reach the evaluation: %d findings", n)
	}
}
