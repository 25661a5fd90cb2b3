package guardrailtest

import (
	"context"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/guardrailtest/internal/lintmsg"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Run lints paths and returns the result without judging it. It stops the
// test (t.Fatal) only when the lint cannot run: an invalid option or
// policy, a path that does not exist.
func Run(t testing.TB, paths []string, opts ...guardrail.Option) *guardrail.Result {
	t.Helper()
	res, err := guardrail.Lint(context.Background(), paths, opts...)
	if err != nil {
		t.Fatalf("guardrail: %v", err)
	}
	return res
}

// Lint lints paths and fails the test when the result fails, as the CLI
// would exit non-zero: a deny finding at or above the severity threshold
// (default low), or an input that cannot be read. The failure message is
// the CLI's text report. Lint passes silently otherwise, and returns the
// result for further checks.
func Lint(t testing.TB, paths []string, opts ...guardrail.Option) *guardrail.Result {
	t.Helper()
	res := Run(t, paths, opts...)
	if res.Failed() {
		t.Errorf("guardrail: %s break the policy:\n\n%s", lintmsg.Inputs(paths), lintmsg.Text(res, nil))
	}
	return res
}

// RequireFinding lints paths and fails the test unless rule ruleID reports
// at least one finding that is neither waived nor merely "cannot be decided
// statically". It returns those findings, for checks on their resources,
// paths and messages.
func RequireFinding(t testing.TB, paths []string, ruleID string, opts ...guardrail.Option) []rule.Finding {
	t.Helper()
	res := Run(t, paths, opts...)
	found := lintmsg.Findings(res, ruleID)
	if len(found) == 0 {
		t.Errorf("guardrail: want a finding of %s in %s, got none%s:\n\n%s",
			ruleID, lintmsg.Inputs(paths), lintmsg.WhyNone(res, ruleID), lintmsg.Text(res, nil))
	}
	return found
}

// RequireNoFinding lints paths and fails the test when rule ruleID reports
// anything that is not waived, including "cannot be decided statically".
func RequireNoFinding(t testing.TB, paths []string, ruleID string, opts ...guardrail.Option) {
	t.Helper()
	res := Run(t, paths, opts...)
	reported := lintmsg.Reported(res, ruleID)
	n := 0
	for _, f := range res.Findings {
		if reported(f) {
			n++
		}
	}
	if n > 0 {
		t.Errorf("guardrail: want no finding of %s in %s, got %d:\n\n%s", ruleID, lintmsg.Inputs(paths), n, lintmsg.Text(res, reported))
	}
}

// Findings returns the findings of rule ruleID in res that are neither
// waived nor undecidable.
func Findings(res *guardrail.Result, ruleID string) []rule.Finding {
	return lintmsg.Findings(res, ruleID)
}

// Text renders res as the CLI's text report, keeping only the findings keep
// accepts (nil keeps all). The summary counts what is kept.
func Text(res *guardrail.Result, keep func(rule.Finding) bool) string { return lintmsg.Text(res, keep) }
