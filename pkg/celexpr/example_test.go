package celexpr_test

import (
	"context"
	"fmt"

	"github.com/guardrail-dev/guardrail/pkg/celexpr"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// A rule's expression over a security group of a plan: one ingress rule's
// source is known only after apply, so whether the group is open to the
// world cannot be decided, and the result says which attribute it hangs on.
func ExampleProgram_Eval() {
	prg, err := celexpr.Compile(`object.ingress.exists(r, r.from_port == 22 && '0.0.0.0/0' in r.cidr_blocks)`)
	if err != nil {
		fmt.Println(err)
		return
	}
	sg := &resource.Resource{
		Format: resource.FormatPlan, Type: "aws_security_group", Name: "bastion", Address: "aws_security_group.bastion",
		Attributes: map[string]any{"ingress": []any{
			map[string]any{"from_port": 443.0, "cidr_blocks": []any{"0.0.0.0/0"}},
			map[string]any{"from_port": 22.0, "cidr_blocks": []any{resource.AfterApply}},
		}},
	}
	res, err := prg.Eval(context.Background(), celexpr.Vars{Resource: sg, Env: "prod"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if !res.Known {
		u := res.Unknowns[0]
		fmt.Printf("cannot be decided: %s is %s\n", u.Path, u.Reason)
		return
	}
	fmt.Println("violated:", res.Bool)
	// Output:
	// cannot be decided: ingress[1].cidr_blocks[0] is known only after apply
}

// Compile reports a mistake at its line and column within the expression.
func ExampleCompile() {
	_, err := celexpr.Compile(`resource.kind == 'Pod'`)
	fmt.Println(err)
	// Output:
	// 1:9: undefined field 'kind'
}

// A message expression describes the violation from the resource's content.
func ExampleCompileMessage() {
	msg, err := celexpr.CompileMessage(`'pod ' + resource.name + ' in ' + env + ' shares the host network'`)
	if err != nil {
		fmt.Println(err)
		return
	}
	pod := &resource.Resource{Format: resource.FormatKubernetes, Type: "Pod", Name: "sniffer", Namespace: "prod"}
	res, err := msg.Eval(context.Background(), celexpr.Vars{Resource: pod, Env: "prod"})
	fmt.Println(res.String, err)
	// Output:
	// pod sniffer in prod shares the host network <nil>
}
