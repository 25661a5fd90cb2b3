package manifest

import (
	"bytes"
	"sync"
	"testing"

	"github.com/guardrail-dev/guardrail/internal/benchmeter"
	"github.com/guardrail-dev/guardrail/internal/synth"

	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

var benchManifests = sync.OnceValue(func() []byte { return synth.Manifests(10_000) })

func TestGenManifests(t *testing.T) {
	set, _ := Load("gen.yaml", synth.Manifests(50), Options{})
	if len(set.Resources) != 50 || len(set.Diagnostics) != 0 {
		t.Fatalf("%d resources, %v", len(set.Resources), set.Diagnostics)
	}
}

// BenchmarkLoad loads 10,000 generated objects, types checked.
func BenchmarkLoad(b *testing.B) {
	data := benchManifests()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		set, _ := Load("gen.yaml", data, Options{})
		if len(set.Resources) != 10_000 {
			b.Fatalf("%d resources: %v", len(set.Resources), set.Diagnostics.Errs())
		}
	}
}

// BenchmarkLoadNoTypeCheck is BenchmarkLoad without the check against the
// built-in Go types, to measure what the check costs.
func BenchmarkLoadNoTypeCheck(b *testing.B) {
	checkTypes = false
	defer func() { checkTypes = true }()
	BenchmarkLoad(b)
}

// BenchmarkDecodeBaseline decodes the same documents with sigs.k8s.io/yaml
// into map[string]any, as kubectl-based tools do: the cost the loader is
// measured against.
func BenchmarkDecodeBaseline(b *testing.B) {
	data := benchManifests()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			var v map[string]any
			if err := yaml.Unmarshal(doc, &v); err != nil {
				b.Fatal(err)
			}
			if v != nil {
				n++
			}
		}
		if n != 10_000 {
			b.Fatalf("%d documents", n)
		}
	}
}

// BenchmarkRatio alternates the baseline decode, Load and Load without the
// type check in every iteration, and reports their costs as multiples of
// the baseline's: in CPU time (the process's, garbage collection included),
// which a busy machine disturbs little, and in wall-clock time.
func BenchmarkRatio(b *testing.B) {
	data := benchManifests()
	var m [4]benchmeter.Meter
	for b.Loop() {
		m[0].Run(func() {
			for _, doc := range bytes.Split(data, []byte("\n---\n")) {
				var v map[string]any
				if err := yaml.Unmarshal(doc, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		m[1].Run(func() {
			if set, _ := Load("gen.yaml", data, Options{}); len(set.Resources) != 10_000 {
				b.Fatal(set.Diagnostics.Errs())
			}
		})
		checkTypes = false
		m[2].Run(func() { _, _ = Load("gen.yaml", data, Options{}) })
		checkTypes = true
		m[3].Run(func() { _, _ = yamldoc.Parse(data, yamldoc.Limits{}) })
	}
	b.ReportMetric(m[1].CPURatio(m[0]), "load/baseline-cpu")
	b.ReportMetric(m[2].CPURatio(m[0]), "nocheck/baseline-cpu")
	b.ReportMetric(m[3].CPURatio(m[0]), "yamldoc/baseline-cpu")
	b.ReportMetric(m[1].WallRatio(m[0]), "load/baseline-wall")
}

// BenchmarkTypeCheck measures the check against built-in types alone on the
// 10,000 generated objects, already parsed.
func BenchmarkTypeCheck(b *testing.B) {
	objs, types := typedObjects(benchManifests())
	if len(objs) != 10_000 {
		b.Fatalf("%d objects", len(objs))
	}
	infos := make([]*typeInfo, len(types))
	for i, t := range types {
		infos[i] = infoFor(t)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, o := range objs {
			if !typeOK(o, infos[i], 0) {
				b.Fatal("refused")
			}
		}
	}
}

// BenchmarkTypeCheckConverter is BenchmarkTypeCheck done with
// runtime.DefaultUnstructuredConverter.FromUnstructured, the reference
// typeOK replaces.
func BenchmarkTypeCheckConverter(b *testing.B) {
	objs, types := typedObjects(benchManifests())
	b.ReportAllocs()
	for b.Loop() {
		for i, o := range objs {
			if !converterOK(o, types[i]) {
				b.Fatal("refused")
			}
		}
	}
}
