package gomega_test

import (
	"fmt"

	"github.com/onsi/gomega"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	grm "github.com/guardrail-dev/guardrail/pkg/guardrailtest/gomega"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// In a Ginkgo suite, Expect is Gomega's; here a Gomega of our own prints
// the failure message, which reads like the CLI's report.
func ExamplePassPolicy() {
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println(message) })
	acme := policy.MustCompile(policy.Default())

	g.Expect("../testdata/clean").To(grm.PassPolicy(acme))
	g.Expect("../testdata/open-ssh").To(grm.PassPolicy(acme, guardrail.WithEnv("prod")))
	// Output:
	// Expected ../testdata/open-ssh to pass policy "guardrail-default", but 1 findings and 0 input errors fail it:
	//
	// ../testdata/open-ssh/main.tf
	//   CRITICAL GR-PORT-001 Administration ports are not open to the world
	//     at ../testdata/open-ssh/main.tf:5:3
	//     resource aws_security_group.bastion, attribute ingress[0], environment prod (by override)
	//     TCP ingress allows administration port 22 (SSH) from 0.0.0.0/0
	//
	//     4 |   description = "SSH from anywhere"
	//     5 |   ingress {
	//       |   ^
	//     6 |     from_port   = 22
	//
	//     Remediation: Restrict the source to the VPN or bastion range (or a security group reference), or remove the rule and use a session manager; for a Service, set loadBalancerSourceRanges or make the load balancer internal.
	//     Docs: https://github.com/guardrail-dev/guardrail/blob/main/docs/rules.md#gr-port-001
	//
	// Summary (policy guardrail-default)
	//            critical     high   medium      low     info
	//   deny            1        0        0        0        0
	//   warn            0        0        0        0        0
	//   waived: 0
	//   resources judged: 1 (prod 1)
	//   result: FAIL (fails at low and above): 1 finding at low and above
}

// A fixture kept to prove a rule still catches a violation.
func ExampleHaveFinding() {
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println(message) })

	g.Expect("../testdata/open-ssh").To(grm.HaveFinding("GR-PORT-001"))
	g.Expect([]string{"../testdata/clean", "../testdata/waived"}).NotTo(grm.HaveFinding("GR-PORT-001"))
	// Output:
}
