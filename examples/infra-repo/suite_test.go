package infrarepo

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	grm "github.com/guardrail-dev/guardrail/pkg/guardrailtest/gomega"
)

func TestSuite(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Initech infrastructure")
}

var _ = Describe("Initech's infrastructure", func() {
	Describe("as deployed", func() {
		It("keeps every environment within policy", func() {
			Expect([]string{"envs/dev", "envs/staging", "envs/prod"}).To(grm.PassPolicy(nil, policy))
		})
		It("keeps the production plan within policy", func() {
			Expect("plans/prod.plan.json").To(grm.PassPolicy(nil, policy))
		})
		It("keeps the manifests within policy", func() {
			Expect("k8s").To(grm.PassPolicy(nil, policy))
		})
		It("opens no administration port to the world", func() {
			Expect([]string{"envs", "plans"}).NotTo(grm.HaveFinding("GR-PORT-001", policy))
		})
	})

	Describe("a deliberate violation", func() {
		It("fails the policy: a NodePort in production", func() {
			Expect("testdata/violations/nodeport.yaml").NotTo(grm.PassPolicy(nil, policy))
		})
		It("is reported by Initech's own rule: an image from outside the registry", func() {
			Expect("testdata/violations/outside-image.yaml").To(grm.HaveFinding("INI-002", policy))
		})
		It("is reported by a built-in rule: SSH open to the world", func() {
			Expect("testdata/violations/open-ssh").To(grm.HaveFinding("GR-PORT-001", policy, guardrail.WithEnv("prod")))
		})
	})
})
