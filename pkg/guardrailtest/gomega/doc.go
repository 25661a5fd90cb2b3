// Package gomega offers guardrail's checks as Gomega matchers, for Ginkgo
// suites that read as a specification of an infrastructure repository:
//
//	import grm "github.com/guardrail-dev/guardrail/pkg/guardrailtest/gomega"
//
//	It("keeps production's plan within policy", func() {
//		Expect("plans/prod.json").To(grm.PassPolicy(acme))
//	})
//	It("still catches a NodePort", func() {
//		Expect("testdata/nodeport.yaml").To(grm.HaveFinding("GR-PORT-003"))
//	})
//
// The actual value is a path, a []string of paths, or a *resource.Set
// already loaded. Failure messages carry the CLI's text report: each
// finding at its file:line:column, with its rule, message, remediation and
// a source snippet. The options are those of package guardrail.
package gomega
