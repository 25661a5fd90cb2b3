package celexpr

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

func bucket() *resource.Resource {
	return &resource.Resource{
		Format: resource.FormatPlan, Address: "module.data.aws_s3_bucket.logs", Type: "aws_s3_bucket", Name: "logs",
		Module: "module.data", Provider: "aws", Action: resource.ActionUpdate, Unit: "plan.json",
		Location: resource.Location{File: "plan.json", Line: 4},
		Attributes: map[string]any{
			"bucket": "acme-logs",
			"tags":   map[string]any{"Owner": "platform", "CostCentre": resource.AfterApply},
			"ingress": []any{
				map[string]any{"from_port": float64(22), "cidr_blocks": []any{"10.0.0.0/8"}},
				map[string]any{"from_port": json.Number("443"), "cidr_blocks": []any{resource.AfterApply}},
			},
			"ratio": 0.5,
			"count": int64(3),
			"arn":   resource.Unknown("refers to aws_kms_key.main, which is not in the input"),
		},
		Before: map[string]any{"bucket": "acme-old-logs"},
		Labels: map[string]string{"Owner": "platform"},
	}
}

func pod() *resource.Resource {
	return &resource.Resource{
		Format: resource.FormatKubernetes, Address: "Pod/prod/web", Type: "Pod", APIVersion: "v1", Name: "web", Namespace: "prod",
		Action: resource.ActionCreate,
		Attributes: map[string]any{
			"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": "web", "namespace": "prod", "labels": map[string]any{"app": "web"}},
			"spec":     map[string]any{"hostNetwork": true, "containers": []any{map[string]any{"name": "web", "image": "nginx:latest"}}},
		},
		Labels:      map[string]string{"app": "web"},
		Annotations: map[string]string{"guardrail.dev/owner": "team-web"},
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name string
		res  *resource.Resource
		env  string
		expr string
		want bool
		// unknown lists the paths of the unknowns the value depends on; set
		// when the value is not known.
		unknown []string
	}{
		{"resource identity", bucket(), "prod", `resource.type == 'aws_s3_bucket' && resource.name == 'logs' && resource.module == 'module.data' && resource.format == 'terraform-plan' && resource.action == 'update' && resource.file == 'plan.json' && resource.provider == 'aws' && resource.unit == 'plan.json' && resource.address.endsWith('.logs')`, true, nil},
		{"kubernetes identity", pod(), "prod", `resource.namespace == 'prod' && resource.apiVersion == 'v1' && object.kind == 'Pod'`, true, nil},
		{"env", bucket(), "prod", `env == 'prod'`, true, nil},
		{"no env", bucket(), "", `env == ''`, true, nil},
		{"labels and annotations", pod(), "", `labels.app == 'web' && annotations['guardrail.dev/owner'] == 'team-web'`, true, nil},
		{"empty annotations", bucket(), "", `size(annotations) == 0`, true, nil},
		{"attribute", pod(), "", `object.spec.hostNetwork`, true, nil},
		{"optional attribute absent", bucket(), "", `object.?versioning.?enabled.orValue(false)`, false, nil},
		{"whole floats are ints", bucket(), "", `object.ingress[0].from_port == 22 && object.ingress[1].from_port == 443 && object.count == 3 && type(object.count) == int`, true, nil},
		{"other floats are doubles", bucket(), "", `object.ratio < 1 && type(object.ratio) == double`, true, nil},
		{"prior state", bucket(), "", `oldObject.bucket != object.bucket`, true, nil},
		{"no prior state", pod(), "", `oldObject == null`, true, nil},
		{"network library", bucket(), "", `object.ingress[0].cidr_blocks.exists(c, cidr(c).containsIP('10.1.2.3'))`, true, nil},
		{"strings library", pod(), "", `object.spec.containers.exists(c, c.image.split(':')[1] == 'latest')`, true, nil},
		{"math library", bucket(), "", `math.greatest(object.ingress[0].from_port, 3) == 22`, true, nil},

		{"unknown decides", bucket(), "", `object.tags.CostCentre == ''`, false, []string{"tags.CostCentre"}},
		{"presence of an unknown", bucket(), "", `has(object.tags.CostCentre)`, false, []string{"tags.CostCentre"}},
		{"unknown value, known key", bucket(), "", `'CostCentre' in object.tags`, true, nil},
		{"or with a true side is known", bucket(), "", `object.tags.CostCentre == '' || object.tags.Owner == 'platform'`, true, nil},
		{"and with a false side is known", bucket(), "", `object.tags.CostCentre == '' && object.tags.Owner == 'nobody'`, false, nil},
		{"exists met by a known element", bucket(), "", `object.ingress.exists(r, r.from_port == 22)`, true, nil},
		{"exists only an unknown could meet", bucket(), "", `object.ingress.exists(r, r.cidr_blocks.exists(c, c == '0.0.0.0/0'))`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"function of an unknown", bucket(), "", `object.arn.startsWith('arn:aws:kms')`, false, []string{"arn"}},
		// ==, != and in look for unknowns inside lists and maps.
		{"in, met by a known element", bucket(), "", `'10.0.0.0/8' in object.ingress[0].cidr_blocks`, true, nil},
		{"in, only an unknown could meet", bucket(), "", `'0.0.0.0/0' in object.ingress[1].cidr_blocks`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"not in, only an unknown could meet", bucket(), "", `!('0.0.0.0/0' in object.ingress[1].cidr_blocks)`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"in a concatenation", bucket(), "", `'0.0.0.0/0' in object.ingress[0].cidr_blocks + object.ingress[1].cidr_blocks`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"list equal to a literal", bucket(), "", `object.ingress[1].cidr_blocks == ['0.0.0.0/0']`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"literal equal to a list", bucket(), "", `['0.0.0.0/0'] == object.ingress[1].cidr_blocks`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"list not equal to a literal", bucket(), "", `['0.0.0.0/0'] != object.ingress[1].cidr_blocks`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"lists of different sizes", bucket(), "", `object.ingress[1].cidr_blocks == ['a', 'b']`, false, nil},
		{"a known element differs", bucket(), "", `object.ingress[1] == {'from_port': 80, 'cidr_blocks': ['0.0.0.0/0']}`, false, nil},
		{"maps equal but for an unknown", bucket(), "", `object.tags == {'Owner': 'platform', 'CostCentre': 'x'}`, false, []string{"tags.CostCentre"}},
		{"map in a list", bucket(), "", `{'from_port': 443, 'cidr_blocks': ['1.2.3.4/32']} in object.ingress`, false, []string{"ingress[1].cidr_blocks[0]"}},
		{"unknown in a constant list", bucket(), "", `object.arn in ['a', 'b']`, false, []string{"arn"}},
		{"in a map is about keys", bucket(), "", `'CostCentre' in object.tags && !('Project' in object.tags)`, true, nil},
		{"known lists", pod(), "", `object.spec.containers[0] == {'name': 'web', 'image': 'nginx:latest'} && 'web' in [object.metadata.name]`, true, nil},
		{"two unknowns", bucket(), "", `object.arn == object.tags.CostCentre`, false, []string{"arn"}},
		{"unknowns merged", bucket(), "", `object.arn == '' || object.tags.CostCentre == ''`, false, []string{"arn", "tags.CostCentre"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prg, err := Compile(tt.expr)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			res, err := prg.Eval(context.Background(), Vars{Resource: tt.res, Env: tt.env})
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if res.Cost == 0 {
				t.Error("Eval reports no cost")
			}
			if tt.unknown != nil {
				if res.Known {
					t.Fatalf("Eval = %v, want unknown depending on %v", res.Bool, tt.unknown)
				}
				var got []string
				for _, u := range res.Unknowns {
					got = append(got, u.Path.String())
					if u.Reason == "" {
						t.Errorf("unknown %s has no reason", u.Path)
					}
				}
				if strings.Join(got, " ") != strings.Join(tt.unknown, " ") {
					t.Fatalf("unknowns %v, want %v", got, tt.unknown)
				}
				return
			}
			if !res.Known || res.Bool != tt.want {
				t.Fatalf("Eval = %+v, want known %v", res, tt.want)
			}
		})
	}
}

// Which tags a resource has is unknown when its tags attribute is: labels
// then does not decide on the tags that happen to be known.
func TestUnknownTags(t *testing.T) {
	tf := func(tags any, labels map[string]string) *resource.Resource {
		return &resource.Resource{Format: resource.FormatTerraform, Type: "aws_s3_bucket", Attributes: map[string]any{"tags": tags}, Labels: labels}
	}
	tests := []struct {
		name    string
		res     *resource.Resource
		expr    string
		want    bool
		unknown string
	}{
		{"known tags", tf(map[string]any{"Owner": "a"}, map[string]string{"Owner": "a"}), `'Owner' in labels`, true, ""},
		{"tags unknown as a whole", tf(resource.AfterApply, nil), `'Owner' in labels`, false, "tags"},
		{"one tag unknown", tf(map[string]any{"Owner": resource.AfterApply, "Env": "prod"}, map[string]string{"Env": "prod"}), `labels.Owner == 'a'`, false, "tags.Owner"},
		{"one tag unknown, another decides", tf(map[string]any{"Owner": resource.AfterApply, "Env": "prod"}, map[string]string{"Env": "prod"}), `labels.Env == 'prod'`, true, ""},
		{"present though unknown", tf(map[string]any{"Owner": resource.AfterApply}, nil), `'Owner' in labels`, true, ""},
		{"kubernetes labels", pod(), `labels.app == 'web'`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prg, err := Compile(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			res, err := prg.Eval(context.Background(), Vars{Resource: tt.res})
			if err != nil {
				t.Fatal(err)
			}
			if tt.unknown != "" {
				if res.Known || len(res.Unknowns) == 0 || res.Unknowns[0].Path.String() != tt.unknown {
					t.Fatalf("Eval = %+v, want unknown at %s", res, tt.unknown)
				}
				return
			}
			if !res.Known || res.Bool != tt.want {
				t.Fatalf("Eval = %+v, want %v", res, tt.want)
			}
		})
	}
}

func TestUnknownReason(t *testing.T) {
	prg, err := Compile(`object.arn == ''`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := prg.Eval(context.Background(), Vars{Resource: bucket()})
	if err != nil || res.Known || len(res.Unknowns) != 1 {
		t.Fatalf("Eval = %+v, %v", res, err)
	}
	if got := res.Unknowns[0].Reason; !strings.Contains(got, "aws_kms_key.main") {
		t.Fatalf("reason %q", got)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"empty", "  ", "the expression is empty"},
		{"syntax", "object.a ==", "1:12: Syntax error"},
		{"undeclared variable", "objct.a == 1", "1:1: undeclared reference to 'objct'"},
		{"unknown resource field", "resource.typo == 'x'", "1:9: undefined field 'typo'"},
		{"not a bool", "resource.name", "the expression is of type string; want bool"},
		{"second line", "object.a == 1 &&\n  resource.kind == 'x'", "2:11: undefined field 'kind'"},
		{"too long", "object.a == '" + strings.Repeat("x", MaxExpressionLength) + "'", "bytes long, over the limit"},
		{"too deep", strings.Repeat("(", 200) + "true" + strings.Repeat(")", 200), "recursion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.expr)
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile error = %v, want a *CompileError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	if _, err := CompileMessage("1 + 1"); err == nil || !strings.Contains(err.Error(), "want string") {
		t.Fatalf("CompileMessage(int) error = %v", err)
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		{"missing key", "object.spec.hostPID", "no such key: hostPID"},
		{"dyn result not a bool", "object.spec.containers", "not a bool"},
		{"wrong type", "object.metadata.name > 3", "no such overload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prg, err := Compile(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			_, err = prg.Eval(context.Background(), Vars{Resource: pod()})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Eval error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := (&Program{}).Eval(context.Background(), Vars{}); err == nil {
		t.Error("Eval without a resource succeeded")
	}
}

// A hostile expression runs out of budget instead of hanging the webhook.
func TestCostLimit(t *testing.T) {
	x := strings.Repeat("x", 100)
	for _, expr := range []string{
		// Strings that grow tenfold at each step, then read over and over.
		"cel.bind(a, '" + x + "', cel.bind(b, a+a+a+a+a+a+a+a+a+a, cel.bind(c, b+b+b+b+b+b+b+b+b+b, " +
			"cel.bind(d, c+c+c+c+c+c+c+c+c+c, cel.bind(e, d+d+d+d+d+d+d+d+d+d, " +
			"[1,2,3,4,5,6,7,8,9,10,11,12].all(i, !e.contains('y')))))))",
		// Nested comprehensions: 10^7 iterations.
		"[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, " +
			"[1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, " +
			"[1,2,3,4,5,6,7,8,9,10].all(g, true)))))))",
	} {
		prg, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if strings.Contains(expr, "all(g") {
			// Under the race detector the cost limit takes seconds to reach
			// here; the deadline is the webhook's other bound.
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
		}
		res, err := prg.Eval(ctx, Vars{Resource: pod()})
		switch {
		case errors.Is(err, ErrCostLimit):
			if res.Cost <= CostLimit {
				t.Errorf("cost %d, want more than the limit", res.Cost)
			}
		case errors.Is(err, context.DeadlineExceeded):
		default:
			t.Fatalf("Eval error = %v, want ErrCostLimit or the deadline", err)
		}
	}
}

func TestContextInterrupts(t *testing.T) {
	prg, err := Compile(`[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, true))`)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := prg.Eval(ctx, Vars{Resource: pod()}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Eval error = %v, want context.Canceled", err)
	}
}

func TestMessage(t *testing.T) {
	prg, err := CompileMessage(`'container ' + object.spec.containers[0].name + ' uses ' + object.spec.containers[0].image`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := prg.Eval(context.Background(), Vars{Resource: pod()})
	if err != nil || !res.Known || res.String != "container web uses nginx:latest" {
		t.Fatalf("Eval = %+v, %v", res, err)
	}
	if prg.String() == "" {
		t.Error("String() is empty")
	}
	dyn, err := CompileMessage(`object.spec.hostNetwork`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Eval(context.Background(), Vars{Resource: pod()}); err == nil || !strings.Contains(err.Error(), "not a string") {
		t.Fatalf("Eval of a bool message = %v", err)
	}
}

// Programs and the converted inputs are shared between goroutines, as the
// engine and the webhook share them.
func TestConcurrentEval(t *testing.T) {
	prg, err := Compile(`object.ingress.exists(r, r.from_port == 22) && env == 'prod'`)
	if err != nil {
		t.Fatal(err)
	}
	r := bucket()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				res, err := prg.Eval(context.Background(), Vars{Resource: r, Env: "prod"})
				if err != nil || !res.Known || !res.Bool {
					t.Errorf("Eval = %+v, %v", res, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNilAttributes(t *testing.T) {
	prg, err := Compile(`!has(object.x) && size(labels) == 0`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := prg.Eval(context.Background(), Vars{Resource: &resource.Resource{Type: "x"}})
	if err != nil || !res.Known || !res.Bool {
		t.Fatalf("Eval = %+v, %v", res, err)
	}
}

func BenchmarkEval(b *testing.B) {
	prg, err := Compile(`object.ingress.exists(r, r.from_port == 22 && r.cidr_blocks.exists(c, c == '0.0.0.0/0'))`)
	if err != nil {
		b.Fatal(err)
	}
	r := bucket()
	for b.Loop() {
		if _, err := prg.Eval(context.Background(), Vars{Resource: r}); err != nil {
			b.Fatal(err)
		}
	}
}
