package manifest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

func load(t *testing.T, file string, opts Options) *resource.Set {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	set, err := Load(file, data, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

// want describes one expected resource.
type want struct {
	address, namespace string
	line, doc          int
}

func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		file      string
		namespace string
		want      []want
		check     func(t *testing.T, set *resource.Set)
	}{
		{
			file: "stream.yaml", namespace: "team",
			want: []want{
				{"Deployment/team/web", "team", 2, 0},
				{"Service/shop/web", "shop", 27, 1},
				{"Namespace/shop", "", 39, 2},
				{"ClusterRole/reader", "", 48, 3},
				{"Job/team/migrate-*", "team", 58, 4},
			},
			check: func(t *testing.T, set *resource.Set) {
				d := set.Resources[0]
				if d.Format != resource.FormatKubernetes || d.Type != "Deployment" || d.APIVersion != "apps/v1" || d.Name != "web" ||
					d.Action != resource.ActionCreate || d.Unit != "stream.yaml" {
					t.Errorf("header %+v", d)
				}
				if !reflect.DeepEqual(d.Labels, map[string]string{"app": "web", "tier": "1"}) {
					t.Errorf("labels %v", d.Labels)
				}
				if len(d.Waivers) != 2 || d.Waivers[0].Text != `GR-K8S-001 reason="legacy image"` || d.Waivers[1].Text != "GR-K8S-002 reason=none" {
					t.Errorf("waivers %+v", d.Waivers)
				}
				if l := d.Waivers[0].Location; l.Line != 10 || l.Column != 5 {
					t.Errorf("waiver at %v, want line 10 col 5", l)
				}
				p, _ := resource.ParsePath("spec.template.spec.containers[0].ports[0].hostPort")
				if l := d.Locate(p); l.Line != 24 || l.Column != 15 || l.File != "stream.yaml" {
					t.Errorf("hostPort at %v, want stream.yaml:24:15", l)
				}
				if n, _ := d.Value().Get("spec", "replicas").Int(); n != 2 {
					t.Errorf("replicas %d", n)
				}
				svc := set.Resources[1]
				p, _ = resource.ParsePath("spec.ports[0].nodePort")
				if l := svc.Locate(p); l.Line != 38 || l.Column != 7 || l.Document != 1 {
					t.Errorf("nodePort at %+v", l)
				}
				if l := svc.Locate(resource.Path{resource.Key("nope")}); l.Line != 27 {
					t.Errorf("missing path falls back to the object: %+v", l)
				}
			},
		},
		{
			file: "stream.yaml",
			want: []want{
				{"Deployment/web", "", 2, 0}, {"Service/shop/web", "shop", 27, 1}, {"Namespace/shop", "", 39, 2},
				{"ClusterRole/reader", "", 48, 3}, {"Job/migrate-*", "", 58, 4},
			},
		},
		{
			file: "list.yaml",
			want: []want{{"ConfigMap/ns1/a", "ns1", 5, 0}, {"ConfigMap/ns1/b", "ns1", 15, 0}, {"Secret/ns1/s", "ns1", 18, 0}},
			check: func(t *testing.T, set *resource.Set) {
				p, _ := resource.ParsePath("data.password")
				if l := set.Resources[2].Locate(p); l.Line != 24 || l.Column != 5 {
					t.Errorf("item locator: %v", l)
				}
			},
		},
		{
			file: "list.json", namespace: "x",
			want: []want{{"NetworkPolicy/shop/deny-all", "shop", 5, 0}, {"Ingress/shop/web", "shop", 11, 0}},
			check: func(t *testing.T, set *resource.Set) {
				p, _ := resource.ParsePath("spec.rules[0].host")
				if l := set.Resources[1].Locate(p); l.Line != 15 || l.Column != 27 {
					t.Errorf("JSON locator: %v", l)
				}
			},
		},
		{
			file: "crd.yaml", namespace: "default",
			want: []want{
				{"CustomResourceDefinition/widgets.example.com", "", 1, 0},
				{"Widget/big", "", 18, 1},
				{"VirtualService/default/reviews", "default", 25, 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.namespace, func(t *testing.T) {
			set := load(t, tt.file, Options{Namespace: tt.namespace})
			if len(set.Diagnostics) != 0 {
				t.Fatalf("diagnostics: %v", set.Diagnostics)
			}
			if len(set.Resources) != len(tt.want) {
				t.Fatalf("%d resources, want %d", len(set.Resources), len(tt.want))
			}
			for i, w := range tt.want {
				r := set.Resources[i]
				if r.Address != w.address || r.Namespace != w.namespace || r.Location.Line != w.line || r.Location.Document != w.doc || r.Location.File != tt.file {
					t.Errorf("resource %d: %s ns %q at %+v; want %+v", i, r.Address, r.Namespace, r.Location, w)
				}
			}
			if tt.check != nil {
				tt.check(t, set)
			}
		})
	}
}

// TestLoadBroken checks that each broken document is reported where it is
// and that the others still load.
func TestLoadBroken(t *testing.T) {
	set := load(t, "broken.yaml", Options{})
	type diag struct {
		severity resource.DiagnosticSeverity
		line     int
		doc      int
		text     string
	}
	wantDiags := []diag{
		{resource.DiagError, 2, 0, "the document is a string"},
		{resource.DiagError, 4, 1, "the document is a list"},
		{resource.DiagError, 8, 2, "no apiVersion and no kind (a Helm values file"},
		{resource.DiagError, 12, 3, "the object has no kind"},
		{resource.DiagError, 19, 4, "unrendered template"},
		{resource.DiagError, 25, 5, `duplicate key "name"`},
		{resource.DiagError, 32, 6, `spec.replicas: expected an integer, got string "three"`},
		{resource.DiagError, 51, 7, `spec.containers[1].ports[0].containerPort: expected an integer, got string "http"`},
		{resource.DiagError, 63, 8, `spec.containers[0].resources.limits.memory: expected a quantity such as 500m or 1Gi, got string "lots"`},
		{resource.DiagWarning, 73, 10, "apps/v1 has no kind Deploymnet"},
	}
	if len(set.Diagnostics) != len(wantDiags) {
		t.Errorf("%d diagnostics, want %d:\n%v", len(set.Diagnostics), len(wantDiags), set.Diagnostics)
	}
	for i, w := range wantDiags {
		if i >= len(set.Diagnostics) {
			break
		}
		d := set.Diagnostics[i]
		if d.Severity != w.severity || d.Location.Line != w.line || d.Location.Document != w.doc || !strings.Contains(d.Error(), w.text) {
			t.Errorf("diagnostic %d: %v (line %d, document %d); want %q at line %d, document %d", i, d, d.Location.Line, d.Location.Document, w.text, w.line, w.doc)
		}
	}
	var addrs []string
	for _, r := range set.Resources {
		addrs = append(addrs, r.Address)
	}
	if !reflect.DeepEqual(addrs, []string{"ConfigMap/good", "Deploymnet/typo"}) {
		t.Errorf("loaded %v", addrs)
	}
}

func TestLoadInputs(t *testing.T) {
	utf16le := func(s string) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.LittleEndian, uint16(0xFEFF))
		for _, u := range utf16.Encode([]rune(s)) {
			_ = binary.Write(&b, binary.LittleEndian, u)
		}
		return b.Bytes()
	}
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
	deep := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n"
	bomb := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n" +
		"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	tests := []struct {
		name      string
		data      []byte
		limits    Limits
		resources int
		severity  resource.DiagnosticSeverity
		diag      string // "" for none
		line      int
	}{
		{"empty", nil, Limits{}, 0, resource.DiagWarning, "no Kubernetes objects", 1},
		{"comments only", []byte("# nothing\n---\n# here\n"), Limits{}, 0, resource.DiagWarning, "no Kubernetes objects", 1},
		{"null document", []byte("---\n~\n---\n" + cm), Limits{}, 1, 0, "", 0},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, cm...), Limits{}, 1, 0, "", 0},
		{"utf-16", utf16le(cm), Limits{}, 1, resource.DiagWarning, "encoded as UTF-16LE", 0},
		{"invalid utf-8", []byte(cm + "data:\n  k: \xff\xfe\n"), Limits{}, 0, resource.DiagError, "not valid UTF-8", 6},
		{"too deep", []byte(deep), Limits{}, 0, resource.DiagError, "nesting deeper than 128", 6},
		{"alias bomb", []byte(bomb), Limits{}, 0, resource.DiagError, "an alias bomb", 0},
		{"too many documents", bytes.Repeat([]byte("---\n"+cm), 5), Limits{Limits: yamldoc.Limits{MaxDocuments: 3}}, 0, resource.DiagError, "5 documents exceed the limit of 3", 1},
		{"too large", []byte(cm), Limits{MaxBytes: 10}, 0, resource.DiagError, "over the limit of 10 bytes", 0},
		{"apiVersion number", []byte("apiVersion: 1\nkind: X\n"), Limits{}, 0, resource.DiagError, "apiVersion is a number", 1},
		{"metadata list", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n"), Limits{}, 0, resource.DiagError, "metadata is a list", 3},
		{"bad apiVersion", []byte("apiVersion: a/b/c\nkind: X\n"), Limits{}, 0, resource.DiagError, `apiVersion "a/b/c" is not group/version`, 1},
		{"list items not a list", []byte("apiVersion: v1\nkind: List\nitems: {a: 1}\n"), Limits{}, 0, resource.DiagError, "List.items is a mapping", 3},
		{"list item scalar", []byte("apiVersion: v1\nkind: List\nitems:\n- x\n- " + strings.ReplaceAll(strings.TrimSpace(cm), "\n", "\n  ") + "\n"), Limits{}, 1, resource.DiagError, "items[0] is a string", 4},
		{"unknown group kept", []byte("apiVersion: mesh.example/v9\nkind: Thing\nmetadata: {name: t}\nspec: {replicas: many}\n"), Limits{}, 1, 0, "", 0},
		{"annotation not string", []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    prometheus.io/scrape: true\nspec: {containers: [{name: a, image: a}]}\n"),
			Limits{}, 0, resource.DiagError, `metadata.annotations."prometheus.io/scrape": expected a string, got boolean true`, 6},
		{"secret not base64", []byte("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: '%%%'\n"), Limits{}, 0, resource.DiagError, "data.k: expected base64 text", 5},
		{"flow template", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .name }}\n"), Limits{}, 0, resource.DiagError, "unrendered template", 4},
		{"template directive", []byte("{{- if .Values.enabled }}\n" + cm + "{{- end }}\n"), Limits{}, 0, resource.DiagError, "unrendered template", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load("in.yaml", tt.data, Options{Limits: tt.limits})
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Resources) != tt.resources {
				t.Errorf("%d resources, want %d; %v", len(set.Resources), tt.resources, set.Diagnostics)
			}
			if tt.diag == "" {
				if len(set.Diagnostics) != 0 {
					t.Errorf("diagnostics %v", set.Diagnostics)
				}
				return
			}
			var found bool
			for _, d := range set.Diagnostics {
				if d.Severity == tt.severity && strings.Contains(d.Error(), tt.diag) {
					found = true
					if d.Location.File != "in.yaml" || (tt.line != 0 && d.Location.Line != tt.line) {
						t.Errorf("%v: want line %d", d, tt.line)
					}
				}
			}
			if !found {
				t.Errorf("no %s diagnostic %q in %v", tt.severity, tt.diag, set.Diagnostics)
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestLoadReader(t *testing.T) {
	set, err := LoadReader("-", strings.NewReader("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"), Options{})
	if err != nil || len(set.Resources) != 1 || set.Resources[0].Address != "Namespace/a" {
		t.Fatalf("%v %+v", err, set)
	}
	set, err = LoadReader("-", strings.NewReader(strings.Repeat("#", 100)), Options{Limits: Limits{MaxBytes: 50}})
	if err != nil || len(set.Diagnostics) != 1 || !strings.Contains(set.Diagnostics[0].Error(), "more than 50 bytes") {
		t.Errorf("%v %v", err, set.Diagnostics)
	}
	if _, err := LoadReader("-", failingReader{}, Options{}); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("reader error: %v", err)
	}
}

func TestClusterScoped(t *testing.T) {
	tests := []struct {
		apiVersion, kind string
		want             bool
	}{
		{"v1", "Namespace", true},
		{"v1", "Pod", false},
		{"storage.k8s.io/v1", "StorageClass", true},
		{"storage.k8s.io/v1", "CSIStorageCapacity", false},
		{"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", true},
		{"admissionregistration.k8s.io/v1beta1", "SomethingNew", true},
		{"gateway.networking.k8s.io/v1", "GatewayClass", true},
		{"gateway.networking.k8s.io/v1", "HTTPRoute", false},
		{"cert-manager.io/v1", "ClusterIssuer", true},
		{"cert-manager.io/v1", "Certificate", false},
	}
	for _, tt := range tests {
		if got := builtinScopes.clusterScoped(tt.apiVersion, tt.kind); got != tt.want {
			t.Errorf("%s %s: %v", tt.apiVersion, tt.kind, got)
		}
	}
}

func TestResolveScopes(t *testing.T) {
	crds, _ := Load("crds.yaml", []byte(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec: {group: a.io, scope: Cluster, names: {kind: Thing}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec: {group: a.io, scope: Namespaced, names: {kind: ClusterIssuer}}
`), Options{})
	objs, _ := Load("objs.yaml", []byte(`apiVersion: a.io/v1
kind: Thing
metadata: {name: t, namespace: ignored}
---
apiVersion: a.io/v1
kind: ClusterIssuer
metadata: {name: i, namespace: certs}
---
apiVersion: a.io/v1
kind: ClusterIssuer
metadata: {name: j}
---
apiVersion: b.io/v1
kind: Thing
metadata: {name: other}
`), Options{Namespace: "def"})
	all := append(crds.Resources, objs.Resources...)
	all = append(all, &resource.Resource{Format: resource.FormatTerraform, Type: "Thing", Address: "Thing.x"})
	ResolveScopes(all, "def")
	var got []string
	for _, r := range all[2:] {
		got = append(got, r.Address+" ns="+r.Namespace)
	}
	want := []string{"Thing/t ns=", "ClusterIssuer/certs/i ns=certs", "ClusterIssuer/def/j ns=def", "Thing/def/other ns=def", "Thing.x ns="}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestObject(t *testing.T) {
	tests := []struct {
		attrs   map[string]any
		address string
		diag    string
	}{
		{map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": "admin"}}, "ClusterRole/admin", ""},
		{map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c"}}, "ConfigMap/req/c", ""},
		{map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"}, "data": map[string]any{"k": "c2VjcmV0"}}, "Secret/req/s", ""},
		{map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "spec": map[string]any{"replicas": "two"}}, "", "spec.replicas: expected an integer"},
	}
	for _, tt := range tests {
		set := Object("admission", tt.attrs, Options{Namespace: "req"})
		if tt.diag != "" {
			if len(set.Resources) != 0 || !set.Diagnostics.HasErrors() || !strings.Contains(set.Diagnostics.Errs().Error(), tt.diag) {
				t.Errorf("%v: %v", tt.attrs, set.Diagnostics)
			}
			continue
		}
		if len(set.Resources) != 1 || set.Resources[0].Address != tt.address || len(set.Diagnostics) != 0 {
			t.Errorf("%v: %+v %v", tt.attrs, set.Resources, set.Diagnostics)
			continue
		}
		if r := set.Resources[0]; r.Type == "Secret" && r.Get("data", "k").String() != Redacted {
			t.Errorf("secret value not redacted: %v", r.Attributes)
		}
	}
}
