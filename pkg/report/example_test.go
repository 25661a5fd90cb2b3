package report_test

import (
	"os"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/report"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// A CI job annotates a pull request with GitHub workflow commands. The
// result here is built by hand; the linter gets it from engine.Evaluate.
func ExampleWrite() {
	res := &engine.Result{
		Policy: "acme",
		Findings: []rule.Finding{{
			RuleID:      "GR-PORT-001",
			Title:       "Administration ports are not open to the world",
			Control:     rule.Ports,
			Severity:    policy.Critical,
			Mode:        policy.Deny,
			Message:     "Ingress rule opens port 22 (SSH) to 0.0.0.0/0.",
			Subject:     rule.Subject{Address: "aws_security_group.bastion", Type: "aws_security_group"},
			Location:    resource.Location{File: "/repo/infra/main.tf", Line: 10, Column: 19},
			Remediation: "Restrict the source to the VPN range.",
		}},
		Resources:    4,
		Environments: map[string]int{"prod": 4},
	}
	f, err := report.ParseFormat("github")
	if err != nil {
		panic(err)
	}
	opts := report.Options{BaseDir: "/repo", MinSeverity: policy.High}
	if err := report.Write(os.Stdout, res, f, opts); err != nil {
		panic(err)
	}
	// Output:
	// ::error file=infra/main.tf,line=10,col=19,title=GR-PORT-001 Administration ports are not open to the world::aws_security_group.bastion: Ingress rule opens port 22 (SSH) to 0.0.0.0/0. Restrict the source to the VPN range.
	// guardrail: FAIL (fails at high and above): 1 failing, 0 not failing, 0 waived findings; 0 input errors, 0 input warnings; 4 resources judged
}
