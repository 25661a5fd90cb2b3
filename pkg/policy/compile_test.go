package policy

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

func TestDefaultCompiles(t *testing.T) {
	p, err := Compile(Default())
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "guardrail-default" {
		t.Errorf("Name() = %q", p.Name())
	}
	var names []string
	for _, e := range p.Environments() {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "prod,staging,dev" {
		t.Errorf("environments %v", names)
	}
	MustCompile(Default()) // does not panic
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustCompile of an invalid document did not panic")
		}
	}()
	doc := Default()
	doc.Spec.Transit.MinTLSVersion = "2.0"
	MustCompile(doc)
}

// TestDefaultsFilledIn checks every documented default, on an empty document
// (which gets the built-in environments) and on Default().
func TestDefaultsFilledIn(t *testing.T) {
	for name, doc := range map[string]Document{"empty": {APIVersion: APIVersion, Kind: Kind}, "Default()": Default()} {
		t.Run(name, func(t *testing.T) {
			p, err := Compile(doc)
			if err != nil {
				t.Fatal(err)
			}
			s := p.Document().Spec
			checks := []struct {
				field     string
				got, want any
			}{
				{"environments.tagKeys", s.Environments.TagKeys, DefaultTagKeys},
				{"environments.namespaceLabelKeys", s.Environments.NamespaceLabelKeys, DefaultTagKeys},
				{"environments.precedence", s.Environments.Precedence, []string{"label", "namespaceLabel", "namespace", "workspace", "account", "path", "name"}},
				{"environments.definitions", len(s.Environments.Definitions), 3},
				{"environments.required", s.Environments.Required, false},
				{"segregation.requireDefaultDeny", s.Segregation.RequireDefaultDeny, []string{"prod"}},
				{"environments.default", s.Environments.Default, ""},
				{"transit.minTLSVersion", s.Transit.MinTLSVersion, "1.2"},
				{"transit.plaintextPorts", s.Transit.PlaintextPorts, []string{"21", "23", "25", "80", "110", "143", "8000", "8080", "8888"}},
				{"ports.admin", s.Ports.Admin, []string{"22", "23", "3389", "5900", "5985-5986"}},
				{"ports.data", s.Ports.Data, DefaultDataPorts},
				{"ports.publicCIDRs", s.Ports.PublicCIDRs, []string{"0.0.0.0/0", "::/0"}},
				{"approval.environments", s.Approval.Environments, []string{"prod"}},
				{"approval.approvers", s.Approval.Approvers, 1},
				{"approval.annotationPrefix", s.Approval.AnnotationPrefix, "guardrail.dev/"},
				{"approval.scaleOnly", s.Approval.ScaleOnly, "exempt"},
				{"approval.breakGlass.requireReason", *s.Approval.BreakGlass.RequireReason, true},
				{"undecidable.severity", s.Undecidable.Severity, "medium"},
				{"undecidable.mode", s.Undecidable.Mode, "warn"},
				{"admission.exemptNamespaces", s.Admission.ExemptNamespaces, []string{"kube-system", "kube-public", "kube-node-lease"}},
				{"admission.failurePolicy", s.Admission.FailurePolicy, "Fail"},
				{"admission.timeoutSeconds", s.Admission.TimeoutSeconds, 3},
			}
			for _, c := range checks {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
				}
			}
			if p.MinTLS() != TLS12 || !p.RequiresApproval("prod") || !p.RequiresDefaultDeny("prod") || p.RequiresDefaultDeny("dev") {
				t.Error("compiled defaults")
			}
			if sev, mode := p.Undecidable(); sev == nil || *sev != Medium || mode != Warn {
				t.Errorf("Undecidable() = %v, %v", sev, mode)
			}
			if p.ApprovalMaxAge() != 0 || p.MaxWaiverDuration() != 0 || p.TicketPattern() != nil || p.RequireWaiverExpiry() {
				t.Error("limits that default to none")
			}
			if _, ok := p.AllowedPorts("prod"); ok {
				t.Error("no port allowlist by default")
			}
			if !p.ExemptNamespace("kube-node-lease") || p.ExemptNamespace("default") {
				t.Error("exempt namespaces")
			}
		})
	}
}

func TestExplicitEmptyListsAreKept(t *testing.T) {
	// An explicit empty list means none, where nil means the default.
	doc := Document{APIVersion: APIVersion, Kind: Kind}
	doc.Spec.Segregation.RequireDefaultDeny = []string{}
	doc.Spec.Approval.Environments = []string{}
	doc.Spec.Admission.ExemptNamespaces = []string{}
	p := MustCompile(doc)
	if p.RequiresDefaultDeny("prod") || p.RequiresApproval("prod") || p.ExemptNamespace("kube-system") {
		t.Error("an explicit empty list was replaced by the default")
	}
}

func TestCompileDoesNotModifyDocument(t *testing.T) {
	f := false
	build := func() Document {
		return Document{
			APIVersion: APIVersion, Kind: Kind,
			Metadata: Metadata{Name: "x", Annotations: map[string]string{"a": "b"}},
			Spec: Spec{
				Environments: Environments{
					TagKeys: []string{"env"},
					Definitions: []Environment{
						{Name: "prod", Aliases: []string{"Production"}, Domains: []string{"*.PROD.example.com"}, CIDRs: []string{" 10.0.0.0/8 "}},
						{Name: "dev", Aliases: []string{"development"}},
					},
				},
				Segregation: Segregation{AllowedMixes: [][]string{{"DEV", "production"}}, RequireDefaultDeny: []string{"Production"}},
				Ports:       Ports{Allowed: map[string][]string{"Production": {"443"}, "*": {"80"}}},
				Approval:    Approval{Environments: []string{"PRODUCTION"}, AllowedSigners: []Signer{{Identity: "a", Keys: []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDW8dmV9F8iziALEERghH1H+Lcw85vLUXIoaFs4JroCD"}, Environments: []string{"production"}}}},
				Rules:       map[string]RuleSetting{"GR-PORT-001": {Environments: []string{"production"}, InlineWaivers: &f}, "GR-*": {Mode: "warn"}},
				Waivers: Waivers{
					Inline:  InlineWaivers{ForbiddenEnvironments: []string{"production"}},
					Entries: []Waiver{{Rules: []string{"X"}, Environments: []string{"development"}, Reason: "r"}},
				},
				Admission: Admission{ExemptLabels: map[string]string{"x": "y"}},
			},
		}
	}
	doc, want := build(), build()
	p, err := Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc, want) {
		t.Fatalf("Compile changed its input:\ngot  %+v\nwant %+v", doc, want)
	}
	// The compiled document uses canonical names, in its own storage.
	got := p.Document()
	if r := got.Spec.Rules["GR-PORT-001"].Environments; !slices.Equal(r, []string{"prod"}) {
		t.Errorf("rule environments %v", r)
	}
	if w := p.Waivers()[0].Environments; !slices.Equal(w, []string{"dev"}) {
		t.Errorf("waiver environments %v", w)
	}

	// Changing the input afterwards does not change the policy.
	doc.Spec.Environments.Definitions[0].Aliases[0] = "changed"
	doc.Spec.Rules["GR-*"] = RuleSetting{Mode: "deny"}
	doc.Spec.Ports.Allowed["*"][0] = "1"
	doc.Metadata.Annotations["a"] = "changed"
	f = true
	if _, ok := p.Env("production"); !ok {
		t.Error("alias changed through the input")
	}
	if c := p.Rule("GR-TLS-001"); c.Mode != Warn {
		t.Errorf("rule glob changed through the input: %+v", c)
	}
	if c := p.Rule("GR-PORT-001"); c.InlineWaivers == nil || *c.InlineWaivers {
		t.Error("inlineWaivers changed through the input")
	}
	if p.Document().Metadata.Annotations["a"] != "b" {
		t.Error("annotations changed through the input")
	}
	if set, _ := p.AllowedPorts("dev"); !set.Contains("tcp", 80) {
		t.Error("port allowlist changed through the input")
	}

	// Changing a compiled document's defaults does not change the package's.
	d := MustCompile(Document{}).Document()
	d.Spec.Environments.TagKeys[0] = "changed"
	d.Spec.Ports.Admin[0] = "changed"
	if DefaultTagKeys[0] != "guardrail.dev/environment" || DefaultAdminPorts[0] != "22" {
		t.Fatal("a compiled document shares the package defaults")
	}
}

func TestCompileErrorWithoutFile(t *testing.T) {
	doc := Default()
	doc.Spec.Transit.MinTLSVersion = "9"
	_, err := Compile(doc)
	if err == nil || err.Error() != "policy: invalid policy (1 problem)\n  spec.transit.minTLSVersion: unknown TLS version \"9\": want 1.0, 1.1, 1.2 or 1.3" {
		t.Fatalf("%q", err)
	}
	fe := FieldError{Path: "a", Line: 3, Message: "m"}
	if fe.Error() != "line 3: a: m" {
		t.Errorf("FieldError.Error() = %q", fe.Error())
	}
	withFile := &Error{File: "f.yaml", Fields: []FieldError{{Path: "a", Message: "no line"}, {Path: "b", Line: 2, Message: "line"}}}
	if got := withFile.Error(); got != "f.yaml: invalid policy (2 problems)\n  a: no line\n  f.yaml:2:1: b: line" {
		t.Errorf("%q", got)
	}
}

// TestTagsAgree checks that every field of Document, recursively, has the
// same name and omitempty in its json tag (the CRD, the JSON schema) as in
// its yaml tag (the file parser), so the two never read a policy differently.
func TestTagsAgree(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type, path string)
	fields := 0
	visit = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			if typ.Kind() == reflect.Map && typ.Key().Kind() != reflect.String {
				t.Errorf("%s: map key %s is not a string", path, typ.Key())
			}
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			p := path + "." + f.Name
			if !f.IsExported() {
				t.Errorf("%s: unexported field in a document type", p)
				continue
			}
			fields++
			js, ys := f.Tag.Get("json"), f.Tag.Get("yaml")
			if js == "" || ys == "" {
				t.Errorf("%s: json tag %q, yaml tag %q: both are needed", p, js, ys)
			} else if js != ys {
				t.Errorf("%s: json tag %q differs from yaml tag %q", p, js, ys)
			}
			if name, _, _ := strings.Cut(js, ","); name == "" || name == "-" || strings.ToLower(name[:1]) != name[:1] {
				t.Errorf("%s: field name %q is not lowerCamelCase", p, name)
			}
			visit(f.Type, p)
		}
	}
	visit(reflect.TypeFor[Document](), "Document")
	if fields < 80 {
		t.Errorf("only %d fields visited; the walk missed some types", fields)
	}
}

func TestDocumentJSONRoundTrip(t *testing.T) {
	// The same document read as JSON (the CRD) and as YAML (the file) compiles alike.
	p, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p.Document())
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON Document
	if err := json.Unmarshal(b, &fromJSON); err != nil {
		t.Fatal(err)
	}
	q, err := Parse("p.json", b)
	if err != nil {
		t.Fatalf("the JSON rendering does not parse as a policy file: %v", err)
	}
	if !equalJSON(t, q.Document(), p.Document()) || !equalJSON(t, MustCompile(fromJSON).Document(), p.Document()) {
		t.Error("JSON and YAML readings differ")
	}
}
