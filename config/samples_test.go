package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	guardrailv1 "github.com/guardrail-dev/guardrail/api/v1alpha1"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// samplePolicy reads the sample GuardrailPolicy, refusing fields the Go
// type does not have.
func samplePolicy(t testing.TB) *guardrailv1.GuardrailPolicy {
	t.Helper()
	objs := render(t, sampleDir).all("GuardrailPolicy")
	if len(objs) != 1 {
		t.Fatalf("config/%s renders %d GuardrailPolicies, want 1", sampleDir, len(objs))
	}
	js, err := objs[0].MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	gp := &guardrailv1.GuardrailPolicy{}
	if err := yaml.UnmarshalStrict(js, gp); err != nil {
		t.Fatalf("the sample GuardrailPolicy: %v", err)
	}
	return gp
}

// TestSamplePolicy checks that the sample GuardrailPolicy is the one the
// manager enforces, that the API server would store it as written, that it
// compiles, and that it agrees with the webhook configuration.
func TestSamplePolicy(t *testing.T) {
	gp := samplePolicy(t)
	if gp.APIVersion != guardrailv1.GroupVersion.String() || gp.Kind != "GuardrailPolicy" {
		t.Errorf("the sample is %s %s", gp.APIVersion, gp.Kind)
	}
	for _, dir := range installs {
		if got := args(t, deployment(t, render(t, dir)))["--policy-name"]; got != gp.Name {
			t.Errorf("config/%s enforces --policy-name=%s; the sample is named %s", dir, got, gp.Name)
		}
	}

	t.Run("crd-schema", func(t *testing.T) {
		obj := render(t, sampleDir).all("GuardrailPolicy")[0].UnstructuredContent()
		validateAgainstCRD(t, obj)
	})

	t.Run("compiles", func(t *testing.T) {
		doc := policy.Document{
			APIVersion: policy.APIVersion,
			Kind:       policy.Kind,
			Metadata:   policy.Metadata{Name: gp.Name},
			Spec:       gp.Spec,
		}
		p, err := policy.Compile(doc)
		if err != nil {
			t.Fatalf("the sample policy does not compile: %v", err)
		}
		if !p.ExemptNamespace(namespace) {
			t.Errorf("the sample policy judges %s, which the webhook configuration exempts", namespace)
		}
		if _, ok := p.Env("prod"); !ok || !p.IsProduction("prod") {
			t.Error("the sample policy has no production environment prod")
		}
		for ns, want := range map[string]string{"prod": "prod", "shop-prod": "prod", "staging": "staging", "dev-alice": "dev"} {
			if got, _ := p.EnvOfNamespaceName(ns); got != want {
				t.Errorf("namespace %s is placed in %q, want %q", ns, got, want)
			}
		}
	})

	t.Run("agrees-with-webhook", func(t *testing.T) {
		adm := gp.Spec.Admission
		if adm.ClusterEnvironment != "" {
			t.Errorf("clusterEnvironment = %s; the sample is for a cluster of several environments", adm.ClusterEnvironment)
		}
		for _, dir := range installs {
			w := validatingWebhook(t, render(t, dir)).Webhooks[0]
			for _, ns := range exemptNamespaces(t, w.NamespaceSelector) {
				if !slices.Contains(adm.ExemptNamespaces, ns) {
					t.Errorf("the webhook never judges namespace %s, but the policy (and so the audit) does", ns)
				}
			}
			if got := adm.ExemptLabels["guardrail.dev/exempt"]; got != "true" || len(adm.ExemptLabels) != 1 {
				t.Errorf("exemptLabels = %v; the webhook's objectSelector exempts guardrail.dev/exempt=true", adm.ExemptLabels)
			}
			if adm.TimeoutSeconds <= 0 || adm.TimeoutSeconds >= int(*w.TimeoutSeconds) {
				t.Errorf("the handler's budget (%ds) must be set and below the webhook's timeoutSeconds (%ds)", adm.TimeoutSeconds, *w.TimeoutSeconds)
			}
			if adm.FailurePolicy != string(*w.FailurePolicy) {
				t.Errorf("the policy's failurePolicy %s differs from the webhook's %s", adm.FailurePolicy, *w.FailurePolicy)
			}
		}
	})
}

// validateAgainstCRD checks an object against the GuardrailPolicy CRD's
// schema as the API server does: the OpenAPI validation, and pruning, which
// silently drops fields the schema does not declare.
func validateAgainstCRD(t *testing.T, obj map[string]any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("crd", "bases", "guardrail.dev_guardrailpolicies.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(data, &crd); err != nil {
		t.Fatal(err)
	}
	var version *apiextensionsv1.CustomResourceDefinitionVersion
	for i, v := range crd.Spec.Versions {
		if crd.Spec.Group+"/"+v.Name == obj["apiVersion"] {
			version = &crd.Spec.Versions[i]
		}
	}
	if version == nil || version.Schema == nil || version.Schema.OpenAPIV3Schema == nil || !version.Served {
		t.Fatalf("the CRD serves no schema for %v", obj["apiVersion"])
	}
	var internal apiextensions.JSONSchemaProps
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(version.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
		t.Fatal(err)
	}
	validator, _, err := validation.NewSchemaValidator(&internal)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range validation.ValidateCustomResource(field.NewPath(""), obj, validator) {
		t.Errorf("the CRD's schema refuses the sample: %v", e)
	}
	structural, err := structuralschema.NewStructural(&internal)
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string]any{}
	js, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(js, &copied); err != nil {
		t.Fatal(err)
	}
	pruned := pruning.PruneWithOptions(copied, structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, p := range pruned {
		t.Errorf("the API server would drop field %s of the sample: the CRD's schema does not declare it", p)
	}
}
