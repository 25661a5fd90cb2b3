// Package infrarepo is an example infrastructure repository that guards
// its Terraform (three environments and a shared module), its Kubernetes
// manifests and a production plan with guardrail in its own go test: see
// policy_test.go (the standard testing package) and suite_test.go (a
// Ginkgo suite with guardrail's Gomega matchers).
package infrarepo
