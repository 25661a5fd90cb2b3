// Command guardrail lints Terraform and Kubernetes inputs against a company
// security policy: segregation of environments, encryption in transit, port
// restrictions and change approval, among others.
//
//	guardrail lint examples/
//	guardrail lint --policy policy.yaml --format sarif --output results.sarif plan.json
//	guardrail rules
//
// Exit codes: 0 when nothing fails, 1 when a finding fails at or above the
// severity threshold, 2 for usage errors and inputs that cannot be read.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
