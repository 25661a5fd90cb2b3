package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/guardrail-dev/guardrail/internal/synth"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-dev/guardrail/pkg/load/internal/textenc"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// FuzzLoad checks that Load never panics (not even one it recovers from),
// that input encoding/json rejects is never loaded without an error, and
// that everything it returns is located.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `{"format_version":"1.0","resource_changes":[null]}`,
		`{"format_version":"1.0","resource_changes":[{"address":"a.b","type":"a","name":"b","change":{"actions":["create"],"after":{"x":[1]},"after_unknown":{"x":[false,{"y":true}]}}}]}`,
		`{"format_version":"0.1","planned_values":{},"configuration":{"provider_config":{"aws":{"expressions":{"assume_role":[{"role_arn":{"constant_value":"arn:aws:iam::123456789012:role/x"}}]}}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Add(synth.Plan(4, synth.PlanOptions{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Load("fuzz.json", data, Options{Limits: Limits{MaxBytes: 1 << 20}})
		if err != nil {
			t.Fatalf("Load error %v", err)
		}
		for _, d := range set.Diagnostics {
			if d.Summary == "plan could not be read" {
				t.Fatalf("recovered panic: %v", d)
			}
			if d.Location.File != "fuzz.json" || (d.Severity == resource.DiagError && d.Location.Line < 1) {
				t.Fatalf("diagnostic without location: %+v", d)
			}
		}
		norm, _ := textenc.Normalize(data)
		if len(data) <= 1<<20 && !json.Valid(norm) && !set.Diagnostics.HasErrors() {
			t.Fatalf("invalid JSON loaded without error: %d resources", len(set.Resources))
		}
		for _, r := range set.Resources {
			if r.Location.Line < 1 || r.Location.Column < 1 || r.Attributes == nil || r.Address == "" {
				t.Fatalf("bad resource %+v", r)
			}
		}
	})
}

// FuzzDecodeChange checks that decodeChange (goccy/go-json, falling back to
// encoding/json) accepts exactly what encoding/json accepts and decodes it
// to the same value.
func FuzzDecodeChange(f *testing.F) {
	var plan struct {
		ResourceChanges []json.RawMessage `json:"resource_changes"`
	}
	if err := json.Unmarshal(synth.Plan(6, synth.PlanOptions{}), &plan); err != nil {
		f.Fatal(err)
	}
	for _, raw := range plan.ResourceChanges {
		f.Add([]byte(raw))
	}
	for _, s := range []string{`{"address":"a.b","index":"x","change":{"actions":["create"],"after":{"s":"\ud800","n":1e400}}}`,
		`{"address":"a","address":"b"}`, `{"change":{"after":{"a":[1,{"b":null}]}}}`, `null`, `{"Address":"case"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fast, std tfjson.ResourceChange
		ferr := decodeChange(raw, &fast)
		serr := json.Unmarshal(raw, &std)
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("goccy path error %v, encoding/json error %v", ferr, serr)
		}
		if serr == nil && !reflect.DeepEqual(fast, std) {
			t.Fatalf("decoded differently:\n%#v\n%#v", fast, std)
		}
	})
}
