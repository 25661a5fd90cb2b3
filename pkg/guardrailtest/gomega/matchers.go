package gomega

import (
	"context"
	"fmt"

	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/guardrailtest/internal/lintmsg"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// PassPolicy succeeds when the inputs pass policy p, as the CLI would exit
// 0: no deny finding at or above the severity threshold (default low), and
// every input readable. A nil p is the built-in policy, or the one an
// option names (guardrail.WithPolicyFile).
func PassPolicy(p *policy.Policy, opts ...guardrail.Option) types.GomegaMatcher {
	if p != nil {
		opts = append([]guardrail.Option{guardrail.WithPolicy(p)}, opts...)
	}
	return &passPolicy{lint: lint{opts: opts}}
}

// HaveFinding succeeds when rule ruleID reports at least one finding on the
// inputs that is not waived. A rule that reports only "cannot be decided
// statically" has neither found a violation nor ruled one out: the
// assertion fails, whether or not it is negated.
func HaveFinding(ruleID string, opts ...guardrail.Option) types.GomegaMatcher {
	return &haveFinding{lint: lint{opts: opts}, rule: ruleID}
}

// lint evaluates the actual value once; a matcher remembers the result for
// its failure message.
type lint struct {
	opts   []guardrail.Option
	res    *guardrail.Result
	inputs string
}

func (l *lint) run(actual any) error {
	var paths []string
	var set *resource.Set
	switch a := actual.(type) {
	case string:
		paths = []string{a}
	case []string:
		paths = a
	case *resource.Set:
		set = a
	default:
		return fmt.Errorf("guardrail matchers expect a path, a []string of paths or a *resource.Set, got:\n%s", format.Object(actual, 1))
	}
	linter, err := guardrail.New(l.opts...)
	if err != nil {
		return err
	}
	if set != nil {
		l.inputs = "the resources"
		l.res, err = linter.Evaluate(context.Background(), set)
	} else {
		l.inputs = lintmsg.Inputs(paths)
		l.res, err = linter.Lint(context.Background(), paths)
	}
	return err
}

func (l *lint) policyName() string {
	if name := l.res.Policy; name != "" {
		return fmt.Sprintf("policy %q", name)
	}
	return "the policy"
}

type passPolicy struct{ lint }

func (m *passPolicy) Match(actual any) (bool, error) {
	if err := m.run(actual); err != nil {
		return false, err
	}
	return !m.res.Failed(), nil
}

func (m *passPolicy) FailureMessage(any) string {
	return fmt.Sprintf("Expected %s to pass %s, but %d findings and %d input errors fail it:\n\n%s",
		m.inputs, m.policyName(), len(m.res.Failing()), errorCount(m.res), lintmsg.Text(m.res, nil))
}

func (m *passPolicy) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected %s not to pass %s, but it does:\n\n%s", m.inputs, m.policyName(), lintmsg.Text(m.res, nil))
}

func errorCount(res *guardrail.Result) int {
	n := 0
	for _, d := range res.Diagnostics {
		if d.Severity == resource.DiagError {
			n++
		}
	}
	return n
}

type haveFinding struct {
	lint
	rule string
}

func (m *haveFinding) Match(actual any) (bool, error) {
	if err := m.run(actual); err != nil {
		return false, err
	}
	if len(lintmsg.Findings(m.res, m.rule)) > 0 {
		return true, nil
	}
	reported := lintmsg.Reported(m.res, m.rule)
	for _, f := range m.res.Findings {
		if reported(f) {
			return false, fmt.Errorf("%s cannot decide statically on %s, so it neither finds a violation nor rules one out:\n\n%s",
				m.rule, m.inputs, lintmsg.Text(m.res, reported))
		}
	}
	return false, nil
}

func (m *haveFinding) FailureMessage(any) string {
	return fmt.Sprintf("Expected a finding of %s in %s, got none%s:\n\n%s",
		m.rule, m.inputs, lintmsg.WhyNone(m.res, m.rule), lintmsg.Text(m.res, nil))
}

func (m *haveFinding) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected no finding of %s in %s, got:\n\n%s", m.rule, m.inputs, lintmsg.Text(m.res, lintmsg.Reported(m.res, m.rule)))
}
