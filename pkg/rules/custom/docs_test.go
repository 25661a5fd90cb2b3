package custom_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// The customRules example of docs/policy.md compiles, and its rules judge
// as the text says.
func TestPolicyDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## customRules\n")
	if !ok {
		t.Fatal("docs/policy.md has no customRules section")
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	if ok {
		block, _, ok = strings.Cut(block, "```")
	}
	if !ok {
		t.Fatal("the customRules section has no YAML example")
	}
	p, err := policy.Parse("docs/policy.md", []byte("apiVersion: guardrail.dev/v1alpha1\nkind: Policy\nmetadata: {name: acme}\n"+block))
	if err != nil {
		t.Fatalf("the example does not parse: %v", err)
	}
	tf := func(typ, name, env string, attrs map[string]any, labels map[string]string) *resource.Resource {
		labels["Environment"] = env
		return &resource.Resource{Format: resource.FormatTerraform, Type: typ, Name: name, Address: typ + "." + name,
			Action: resource.ActionCreate, Attributes: attrs, Labels: labels}
	}
	set := &resource.Set{Resources: []*resource.Resource{
		tf("aws_s3_bucket", "owned", "dev", map[string]any{}, map[string]string{"Owner": "data"}),
		tf("aws_s3_bucket", "orphan", "dev", map[string]any{}, map[string]string{}),
		tf("aws_db_instance", "prod", "prod", map[string]any{"deletion_protection": false}, map[string]string{}),
		tf("aws_db_instance", "dev", "dev", map[string]any{}, map[string]string{}),
		{Format: resource.FormatKubernetes, Type: "Deployment", Name: "web", Namespace: "shop", Address: "Deployment/shop/web",
			Action: resource.ActionCreate, Attributes: map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "web", "image": "nginx:1.27"}}}}}}},
	}}
	res, err := engine.Evaluate(context.Background(), p, set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if !strings.HasPrefix(f.RuleID, "GR-") {
			got = append(got, f.RuleID+" "+f.Subject.Address+": "+f.Message)
		}
	}
	want := []string{
		"ACME-001 aws_s3_bucket.orphan: The bucket names no owner (tag Owner).",
		"ACME-002 aws_db_instance.prod: not met: Production databases are protected from deletion",
		"ACME-K8S-001 Deployment/shop/web: an image of Deployment/shop/web is not from registry.acme.example",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
