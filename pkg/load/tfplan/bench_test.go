package tfplan

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/guardrail-dev/guardrail/internal/benchmeter"
	"github.com/guardrail-dev/guardrail/internal/synth"

	tfjson "github.com/hashicorp/terraform-json"
)

var benchPlan = sync.OnceValue(func() []byte { return synth.Plan(10_000, synth.PlanOptions{}) })

func TestGenPlan(t *testing.T) {
	data := synth.Plan(30, synth.PlanOptions{})
	set, _ := Load("gen.json", data, Options{})
	noErrors(t, set)
	if len(set.Resources) != 30 {
		t.Fatalf("%d resources", len(set.Resources))
	}
	if got := refs(set.Resources[1]); len(got) != 2 {
		t.Errorf("refs %v", got)
	}
}

// BenchmarkLoad loads a generated 10,000-resource-change plan.
func BenchmarkLoad(b *testing.B) {
	data := benchPlan()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		set, _ := Load("plan.json", data, Options{})
		if len(set.Resources) != 10_000 || len(set.Diagnostics) != 0 {
			b.Fatalf("%d resources, %v", len(set.Resources), set.Diagnostics)
		}
	}
}

// BenchmarkDecodeBaseline decodes the same plan with encoding/json into
// map[string]any: the cost the loader is measured against.
func BenchmarkDecodeBaseline(b *testing.B) {
	data := benchPlan()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadStdlib loads the same plan decoding resource_changes with
// encoding/json instead of goccy/go-json, to keep the choice measured.
func BenchmarkLoadStdlib(b *testing.B) {
	orig := decodeChange
	decodeChange = func(raw []byte, rc *tfjson.ResourceChange) error { return json.Unmarshal(raw, rc) }
	defer func() { decodeChange = orig }()
	BenchmarkLoad(b)
}

// BenchmarkRatio alternates the baseline decode, Load and Load with
// encoding/json for resource changes in every iteration, and reports their
// costs as multiples of the baseline's: in CPU time (the process's, garbage
// collection included), which a busy machine disturbs little, and in
// wall-clock time.
func BenchmarkRatio(b *testing.B) {
	data := benchPlan()
	orig := decodeChange
	std := func(raw []byte, rc *tfjson.ResourceChange) error { return json.Unmarshal(raw, rc) }
	var m [3]benchmeter.Meter
	for b.Loop() {
		m[0].Run(func() {
			var v map[string]any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		})
		m[1].Run(func() {
			if set, _ := Load("plan.json", data, Options{}); len(set.Resources) != 10_000 {
				b.Fatal(set.Diagnostics.Errs())
			}
		})
		decodeChange = std
		m[2].Run(func() { _, _ = Load("plan.json", data, Options{}) })
		decodeChange = orig
	}
	b.ReportMetric(m[1].CPURatio(m[0]), "load/baseline-cpu")
	b.ReportMetric(m[2].CPURatio(m[0]), "stdlib-load/baseline-cpu")
	b.ReportMetric(m[1].WallRatio(m[0]), "load/baseline-wall")
}
