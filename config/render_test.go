package config_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// The installs, and what their names come out as.
const (
	namespace        = "guardrail-system"
	deploymentName   = "guardrail-controller-manager"
	serviceAccount   = "guardrail-controller-manager"
	webhookService   = "guardrail-webhook-service"
	webhookConfig    = "guardrail-validating-webhook-configuration"
	webhookName      = "validate.guardrail.dev"
	certSecret       = "guardrail-webhook-server-cert"
	certDir          = "/tmp/k8s-webhook-server/serving-certs"
	crdName          = "guardrailpolicies.guardrail.dev"
	policyName       = "guardrail"
	image            = "ghcr.io/guardrail-dev/guardrail:latest"
	webhookPort      = 9443
	metricsPort      = 8443
	healthPort       = 8081
	webhookTimeout   = 5
	sampleDir        = "samples"
	defaultDir       = "default"
	certManagerDir   = "default-certmanager"
	kustomizationYML = "kustomization.yaml"
)

// installs are the overlays a user applies.
var installs = []string{defaultDir, certManagerDir}

// rendered is the output of one kustomize directory.
type rendered struct {
	dir  string
	yaml []byte
	objs []*unstructured.Unstructured
}

var (
	renderMu    sync.Mutex
	renderCache = map[string]*rendered{}
)

// render builds a kustomize directory in-process with krusty and the default
// options `kubectl kustomize` uses (load restrictions to the root, built-in
// plugins only), and parses the output. Results are cached per directory.
func render(t testing.TB, dir string) *rendered {
	t.Helper()
	renderMu.Lock()
	defer renderMu.Unlock()
	if r, ok := renderCache[dir]; ok {
		return r
	}
	out, err := build(dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	objs, err := parse(out)
	if err != nil {
		t.Fatalf("kustomize build %s: reading the output: %v", dir, err)
	}
	r := &rendered{dir: dir, yaml: out, objs: objs}
	renderCache[dir] = r
	return r
}

func build(dir string) ([]byte, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// parse reads a multi-document YAML stream into objects.
func parse(data []byte) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(js); err != nil {
			return nil, err
		}
		objs = append(objs, u)
	}
}

// find returns the object of a kind and name.
func (r *rendered) find(kind, name string) (*unstructured.Unstructured, bool) {
	for _, o := range r.objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o, true
		}
	}
	return nil, false
}

// get returns the object of a kind and name, or fails the test.
func (r *rendered) get(t testing.TB, kind, name string) *unstructured.Unstructured {
	t.Helper()
	o, ok := r.find(kind, name)
	if !ok {
		t.Fatalf("%s renders no %s %s; it renders %s", r.dir, kind, name, strings.Join(r.ids(), ", "))
	}
	return o
}

// all returns the objects of a kind.
func (r *rendered) all(kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range r.objs {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

func (r *rendered) ids() []string {
	ids := make([]string, len(r.objs))
	for i, o := range r.objs {
		ids[i] = id(o)
	}
	return ids
}

func id(o *unstructured.Unstructured) string {
	s := o.GetKind() + "/"
	if o.GetNamespace() != "" {
		s += o.GetNamespace() + "/"
	}
	return s + o.GetName()
}

// typed converts an object to its Go type, refusing fields the type does not
// have: a misspelt field in a manifest fails here rather than being dropped
// by the API server.
func typed[T any](t testing.TB, u *unstructured.Unstructured) *T {
	t.Helper()
	out := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, out, true); err != nil {
		t.Fatalf("%s: %v", id(u), err)
	}
	return out
}

// kustomizations returns the directories under config/ holding a
// kustomization, split into those that build on their own and components
// (which only an including kustomization can build).
func kustomizations(t testing.TB) (builds, components []string) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != kustomizationYML {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var k struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(data, &k); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dir := filepath.Dir(path)
		switch k.Kind {
		case "Component":
			components = append(components, dir)
		case "Kustomization", "":
			builds = append(builds, dir)
		default:
			return fmt.Errorf("%s: kind %q is neither Kustomization nor Component", path, k.Kind)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return builds, components
}

// TestKustomizationsRender builds every kustomize directory under config/
// and checks that each component is part of an install.
func TestKustomizationsRender(t *testing.T) {
	builds, components := kustomizations(t)
	for _, want := range append([]string{"crd", "rbac", "manager", "webhook", "network-policy", sampleDir}, installs...) {
		if !slices.Contains(builds, want) {
			t.Errorf("config/%s has no kustomization.yaml", want)
		}
	}
	for _, dir := range builds {
		t.Run(dir, func(t *testing.T) {
			r := render(t, dir)
			if len(r.objs) == 0 {
				t.Fatal("renders nothing")
			}
			for _, o := range r.objs {
				if o.GetAPIVersion() == "" || o.GetKind() == "" || o.GetName() == "" {
					t.Errorf("object without apiVersion, kind or name: %v", o.Object)
				}
			}
		})
	}
	// A component is built only through the installs that include it.
	for _, c := range components {
		included := false
		for _, dir := range installs {
			data, err := os.ReadFile(filepath.Join(dir, kustomizationYML))
			if err != nil {
				t.Fatal(err)
			}
			var k struct {
				Components []string `json:"components"`
			}
			if err := yaml.Unmarshal(data, &k); err != nil {
				t.Fatal(err)
			}
			for _, ref := range k.Components {
				if filepath.Clean(filepath.Join(dir, ref)) == c {
					included = true
				}
			}
		}
		if !included {
			t.Errorf("component config/%s is included by no install (%v), so nothing tests it", c, installs)
		}
	}
}

// TestKubectlKustomize renders the installs with `kubectl kustomize`, the
// command users run (through `kubectl apply -k`), and compares the objects
// with the in-process render. Where kubectl is not installed the test is
// skipped: the krusty render of TestKustomizationsRender is the same
// kustomize library kubectl embeds, so it stands for `kubectl kustomize`.
// Set GUARDRAIL_KUBECTL to choose the binary.
func TestKubectlKustomize(t *testing.T) {
	kubectl := os.Getenv("GUARDRAIL_KUBECTL")
	if kubectl == "" {
		var err error
		if kubectl, err = exec.LookPath("kubectl"); err != nil {
			t.Skip("kubectl is not installed; the in-process krusty render (TestKustomizationsRender) is its equivalent")
		}
	}
	for _, dir := range installs {
		t.Run(dir, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, kubectl, "kustomize", dir)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.String())
			}
			objs, err := parse(out)
			if err != nil {
				t.Fatalf("kubectl kustomize %s: reading the output: %v", dir, err)
			}
			want := byID(render(t, dir).objs)
			got := byID(objs)
			for _, k := range sortedKeys(want) {
				g, ok := got[k]
				switch {
				case !ok:
					t.Errorf("kubectl kustomize does not render %s", k)
				case !reflect.DeepEqual(g.Object, want[k].Object):
					t.Errorf("kubectl kustomize renders %s differently:\nkubectl: %v\nkrusty:  %v", k, g.Object, want[k].Object)
				}
			}
			for _, k := range sortedKeys(got) {
				if _, ok := want[k]; !ok {
					t.Errorf("kubectl kustomize renders %s, which krusty does not", k)
				}
			}
		})
	}
}

func byID(objs []*unstructured.Unstructured) map[string]*unstructured.Unstructured {
	m := make(map[string]*unstructured.Unstructured, len(objs))
	for _, o := range objs {
		m[o.GetAPIVersion()+" "+id(o)] = o
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOverlayCanRelaxFailurePolicy builds an overlay of config/default that
// sets the webhook's failurePolicy to Ignore, as the comment in
// webhook/validatingwebhookconfiguration.yaml shows, and an image override.
func TestOverlayCanRelaxFailurePolicy(t *testing.T) {
	overlay := t.TempDir()
	base, err := filepath.Abs(defaultDir)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(overlay, base)
	if err != nil {
		t.Fatal(err)
	}
	kustomization := `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ` + filepath.ToSlash(rel) + `
images:
- name: ghcr.io/guardrail-dev/guardrail
  newName: registry.example.com/guardrail
  newTag: v1.2.3
patches:
- target: {kind: ValidatingWebhookConfiguration}
  patch: |-
    - op: replace
      path: /webhooks/0/failurePolicy
      value: Ignore
`
	if err := os.WriteFile(filepath.Join(overlay, kustomizationYML), []byte(kustomization), 0o644); err != nil {
		t.Fatal(err)
	}
	r := render(t, overlay)
	vwc := validatingWebhook(t, r)
	if got := string(*vwc.Webhooks[0].FailurePolicy); got != "Ignore" {
		t.Errorf("failurePolicy = %s after the overlay's patch, want Ignore", got)
	}
	if got := deployment(t, r).Spec.Template.Spec.Containers[0].Image; got != "registry.example.com/guardrail:v1.2.3" {
		t.Errorf("image = %s after the overlay's images entry, want registry.example.com/guardrail:v1.2.3", got)
	}
}
