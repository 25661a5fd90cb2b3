package report

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifModule holds the official SARIF 2.1.0 JSON schema (OASIS, errata 01)
// as the unexported constant "schema" of its v210/sarif package.
const sarifModule = "github.com/owenrumney/go-sarif/v3"

var officialSARIFSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", sarifModule).Output()
	if err != nil {
		return nil, err
	}
	file := filepath.Join(strings.TrimSpace(string(out)), "pkg", "report", "v210", "sarif", "schema.go")
	text, err := stringConst(file, "schema")
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
})

// stringConst returns the value of the string constant name declared in a Go file.
func stringConst(file, name string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return "", err
	}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if id.Name != name || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return "", os.ErrInvalid
				}
				return strconv.Unquote(lit.Value)
			}
		}
	}
	return "", os.ErrNotExist
}

// validateSARIF checks raw SARIF output against the official schema, then
// reads it with go-sarif and validates it again there.
func validateSARIF(t *testing.T, out []byte) {
	t.Helper()
	sch, err := officialSARIFSchema()
	if err != nil {
		t.Fatalf("loading the SARIF schema from %s: %v", sarifModule, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("SARIF output does not match the SARIF 2.1.0 schema: %v", err)
	}
	rep, err := sarif.FromBytes(out)
	if err != nil {
		t.Fatalf("go-sarif cannot read the output: %v", err)
	}
	if err := rep.Validate(); err != nil {
		t.Errorf("go-sarif: %v", err)
	}
	if len(rep.Runs) != 1 || rep.Runs[0].Tool.Driver == nil || *rep.Runs[0].Tool.Driver.Name != "guardrail" {
		t.Errorf("go-sarif read %d runs, want one run by guardrail", len(rep.Runs))
	}
}

var jsonSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	return c.Compile(filepath.Join("..", "..", "docs", "report.schema.json"))
})

func validateJSON(t *testing.T, out []byte) {
	t.Helper()
	sch, err := jsonSchema()
	if err != nil {
		t.Fatalf("compiling docs/report.schema.json: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("JSON output is not JSON: %v", err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("JSON output does not match docs/report.schema.json: %v", err)
	}
}

func TestSARIFSchema(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			validateSARIF(t, render(t, fx.res(t), SARIF, fx.opts))
		})
	}
}

func TestJSONSchema(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			validateJSON(t, render(t, fx.res(t), JSON, fx.opts))
		})
	}
	// The golden files are what the documentation shows; they match too.
	for _, fx := range fixtures() {
		golden, err := os.ReadFile(filepath.Join("testdata", fx.name+".json.golden"))
		if err != nil {
			t.Fatal(err)
		}
		validateJSON(t, golden)
	}
}

// TestSARIFSchemaCatchesErrors makes sure the validation can fail: a region
// starting at line 0 is what SARIF forbids and what guardrail never writes.
func TestSARIFSchemaCatchesErrors(t *testing.T) {
	sch, err := officialSARIFSchema()
	if err != nil {
		t.Fatal(err)
	}
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
		"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if sch.Validate(doc) == nil {
		t.Error("the SARIF schema accepted startLine 0")
	}
}

// TestOddResults renders results a hand-built or custom-registry caller may
// pass: a finding of a rule not in Rules, no mode, an unknown severity, no
// message, negative positions; every format renders and the structured ones
// stay valid.
func TestOddResults(t *testing.T) {
	res := &engine.Result{
		Findings: []rule.Finding{
			{RuleID: "ACME-001", Title: "Custom rule", Severity: policy.Severity(9), Clauses: []string{"004/encryption-at-rest", "acme/unknown"},
				Location: resource.Location{File: "a.tf", Line: -1, Column: -1, Document: -1}},
			{RuleID: "ACME-002", Mode: policy.Deny, Severity: policy.Severity(-3), Location: resource.Location{File: "b.tf", Line: 2, EndLine: 1, EndColumn: 4}},
		},
		Diagnostics: resource.Diagnostics{{Summary: "rule failed", Detail: "panic: boom"}},
	}
	for _, f := range Formats() {
		out := render(t, res, f, Options{})
		switch f {
		case JSON:
			validateJSON(t, out)
		case SARIF:
			validateSARIF(t, out)
		}
	}
	clauses := string(render(t, res, Clauses, Options{}))
	for _, want := range []string{"acme/unknown\n", "ACME-001 Custom rule (severity(9))", "004/encryption-at-rest\nPolicy:  SOC 2 control list"} {
		if !strings.Contains(clauses, want) {
			t.Errorf("clauses report lacks %q:\n%s", want, clauses)
		}
	}
}

// TestDocsNameEveryJSONField checks that docs/report-formats.md names every
// key the rich JSON report holds.
func TestDocsNameEveryJSONField(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "report-formats.md"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(render(t, richResult(t), JSON, richOptions()), &doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				keys[k] = true
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
	for k := range keys {
		if !bytes.Contains(docs, []byte("`"+k+"`")) {
			t.Errorf("docs/report-formats.md does not name the JSON field %q", k)
		}
	}
}
