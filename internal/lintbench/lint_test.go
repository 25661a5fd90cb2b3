package lintbench

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/internal/benchmeter"
	"github.com/guardrail-dev/guardrail/internal/synth"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/load/tfplan"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

const n = 10_000

var (
	plan      = sync.OnceValue(func() []byte { return synth.Plan(n, synth.PlanOptions{}) })
	mixedPlan = sync.OnceValue(func() []byte { return synth.Plan(n, synth.PlanOptions{Envs: []string{"prod", "stage", "dev"}}) })
	manifests = sync.OnceValue(func() []byte { return synth.Manifests(n) })
	pol       = sync.OnceValue(func() *policy.Policy { return policy.MustCompile(policy.Default()) })
)

func decodePlan(tb testing.TB, data []byte) {
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatal(err)
	}
}

func decodeManifests(tb testing.TB, data []byte) {
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var v map[string]any
		if err := yaml.Unmarshal(doc, &v); err != nil {
			tb.Fatal(err)
		}
	}
}

func lintPlan(tb testing.TB, data []byte) *engine.Result {
	set, _ := tfplan.Load("plan.json", data, tfplan.Options{})
	return evaluate(tb, set)
}

func lintManifests(tb testing.TB, data []byte) *engine.Result {
	set, _ := manifest.Load("manifests.yaml", data, manifest.Options{})
	return evaluate(tb, set)
}

func evaluate(tb testing.TB, set *resource.Set) *engine.Result {
	if set.Diagnostics.HasErrors() || len(set.Resources) != n {
		tb.Fatalf("%d resources: %v", len(set.Resources), set.Diagnostics.Errs())
	}
	res, err := engine.Evaluate(context.Background(), pol(), set, engine.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestInputsLoadAndAreJudged(t *testing.T) {
	for name, res := range map[string]*engine.Result{
		"plan": lintPlan(t, plan()), "mixed plan": lintPlan(t, mixedPlan()), "manifests": lintManifests(t, manifests()),
	} {
		t.Logf("%s: %d resources, %d findings, environments %v", name, res.Resources, len(res.Findings), res.Environments)
		if res.Resources != n {
			t.Errorf("%s: %d resources judged", name, res.Resources)
		}
	}
}

func BenchmarkPlanDecodeBaseline(b *testing.B) {
	data := plan()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		decodePlan(b, data)
	}
}

func BenchmarkPlanLint(b *testing.B) {
	data := plan()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		lintPlan(b, data)
	}
}

// BenchmarkPlanLintMixedEnvs lints a plan that mixes three environments and
// refers across them: a worst case, with several findings per resource.
func BenchmarkPlanLintMixedEnvs(b *testing.B) {
	data := mixedPlan()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		lintPlan(b, data)
	}
}

func BenchmarkManifestDecodeBaseline(b *testing.B) {
	data := manifests()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		decodeManifests(b, data)
	}
}

func BenchmarkManifestLint(b *testing.B) {
	data := manifests()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		lintManifests(b, data)
	}
}

// ratio alternates the baseline and the lint in every iteration and reports
// the lint's cost as a multiple of the baseline's.
func ratio(b *testing.B, data []byte, baseline, lint func(testing.TB, []byte)) {
	var base, whole benchmeter.Meter
	for b.Loop() {
		base.Run(func() { baseline(b, data) })
		whole.Run(func() { lint(b, data) })
	}
	b.ReportMetric(whole.CPURatio(base), "lint/baseline-cpu")
	b.ReportMetric(whole.WallRatio(base), "lint/baseline-wall")
	b.ReportMetric(float64(whole.Wall.Milliseconds())/float64(b.N), "lint-ms/op")
}

func BenchmarkPlanRatio(b *testing.B) {
	ratio(b, plan(), decodePlan, func(tb testing.TB, d []byte) { lintPlan(tb, d) })
}

func BenchmarkPlanMixedEnvsRatio(b *testing.B) {
	ratio(b, mixedPlan(), decodePlan, func(tb testing.TB, d []byte) { lintPlan(tb, d) })
}

func BenchmarkManifestRatio(b *testing.B) {
	ratio(b, manifests(), decodeManifests, func(tb testing.TB, d []byte) { lintManifests(tb, d) })
}
