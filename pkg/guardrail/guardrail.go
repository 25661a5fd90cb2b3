package guardrail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
)

// Option configures a Linter.
type Option func(*settings)

type settings struct {
	policy        *policy.Policy
	policyFile    string
	registry      *rule.Registry
	rules         []*rule.Rule
	env           string
	load          load.Options
	now           time.Time
	threshold     policy.Severity
	unusedWaivers bool
	workers       int
	approval      *approval.Context
	errs          []error
}

// WithPolicy evaluates against p, a policy from policy.Load, policy.Parse
// or policy.Compile.
func WithPolicy(p *policy.Policy) Option {
	return func(s *settings) {
		if p == nil {
			s.errs = append(s.errs, errors.New("guardrail: WithPolicy(nil)"))
		}
		s.policy, s.policyFile = p, ""
	}
}

// WithPolicyFile evaluates against the policy file at path (YAML or JSON),
// read when the Linter is built. Findings about its waivers name the file.
func WithPolicyFile(path string) Option {
	return func(s *settings) { s.policy, s.policyFile = nil, path }
}

// WithRegistry runs the rules of reg instead of the built-in ones
// (rules.Default()).
func WithRegistry(reg *rule.Registry) Option {
	return func(s *settings) { s.registry = reg }
}

// WithRules adds rules written in Go to the registry (the built-in rules,
// or WithRegistry's). A rule of your own has Custom set and an ID of your
// own prefix (ACME-001); see rule.Rule.
func WithRules(rules ...*rule.Rule) Option {
	return func(s *settings) { s.rules = append(s.rules, rules...) }
}

// WithEnv places every resource in environment env, overriding detection,
// as the CLI's --env does. env must be an environment of the policy.
func WithEnv(env string) Option {
	return func(s *settings) { s.env = env }
}

// WithLoadOptions tunes how inputs are read: Terraform variables, var files
// and workspace, the kind of every input, a default namespace, limits.
func WithLoadOptions(o load.Options) Option {
	return func(s *settings) { s.load = o }
}

// WithNow sets the clock waivers and approvals expire by; the default is
// the time of each evaluation. Tests set it so that expiry does not age them.
func WithNow(t time.Time) Option {
	return func(s *settings) { s.now = t }
}

// WithSeverityThreshold sets the lowest severity of a deny finding that
// fails (Result.Failed), as the CLI's --severity-threshold. Default low.
func WithSeverityThreshold(min policy.Severity) Option {
	return func(s *settings) { s.threshold = min }
}

// WithUnusedWaivers sets whether waivers that match no finding are reported
// (GR-WAIVE-003). The default, true, suits a lint of a whole repository, as
// the CLI does; turn it off to lint part of one.
func WithUnusedWaivers(report bool) Option {
	return func(s *settings) { s.unusedWaivers = report }
}

// WithApproval gives what verifying change approvals needs beyond the
// inputs' own annotations: approvals read from files (approval.Change), the
// author and the deployer of the changes, as guardrail lint's --approvals,
// --author and --deployer do. See docs/approvals.md.
func WithApproval(ac *approval.Context) Option {
	return func(s *settings) { s.approval = ac }
}

// WithWorkers bounds the goroutines judging resources; zero means GOMAXPROCS.
func WithWorkers(n int) Option {
	return func(s *settings) { s.workers = n }
}

// Linter evaluates inputs against one policy and rule set. It is safe for
// concurrent use; build it once and lint many times.
type Linter struct {
	s        settings
	policy   *policy.Policy
	registry *rule.Registry
}

// New builds a Linter. It reads the policy file, if any, and checks the
// options: an invalid policy (a *policy.Error, each problem at its line), an
// environment the policy does not define, or an invalid or duplicate rule
// is an error.
func New(opts ...Option) (*Linter, error) {
	s := settings{threshold: policy.Low, unusedWaivers: true}
	for _, o := range opts {
		o(&s)
	}
	if err := errors.Join(s.errs...); err != nil {
		return nil, err
	}
	l := &Linter{s: s, policy: s.policy, registry: s.registry}
	if l.policy == nil && s.policyFile != "" {
		p, err := policy.Load(s.policyFile)
		if err != nil {
			return nil, err
		}
		l.policy = p
	}
	if l.policy == nil {
		l.policy = policy.MustCompile(policy.Default())
	}
	if s.env != "" {
		if _, ok := l.policy.Env(s.env); !ok {
			return nil, fmt.Errorf("guardrail: environment %q is not an environment of the policy", s.env)
		}
	}
	if l.registry == nil {
		l.registry = rules.Default()
	}
	if len(s.rules) > 0 {
		reg, err := l.registry.With(s.rules...)
		if err != nil {
			return nil, fmt.Errorf("guardrail: %w", err)
		}
		l.registry = reg
	}
	if !s.load.Kind.Valid() {
		return nil, fmt.Errorf("guardrail: unknown input kind %q (want terraform, plan or kubernetes)", s.load.Kind)
	}
	return l, nil
}

// Policy returns the policy the Linter evaluates against.
func (l *Linter) Policy() *policy.Policy { return l.policy }

// Registry returns the rules the Linter runs, besides the policy's own
// custom rules (spec.customRules), which each evaluation adds.
func (l *Linter) Registry() *rule.Registry { return l.registry }

// Threshold returns the lowest severity of a deny finding that fails.
func (l *Linter) Threshold() policy.Severity { return l.s.threshold }

// Lint loads the inputs at paths (files, directories, or "-" for standard
// input) and evaluates them. Inputs that cannot be read are diagnostics in
// the result, which then fails, as the CLI exits 2; the error is for a
// mistake in the call (no paths, a path that does not exist) or a cancelled ctx.
func (l *Linter) Lint(ctx context.Context, paths []string) (*Result, error) {
	set, err := load.Load(ctx, paths, l.s.load)
	if err != nil {
		return nil, err
	}
	return l.Evaluate(ctx, set)
}

// Evaluate evaluates resources already loaded, or built by hand.
func (l *Linter) Evaluate(ctx context.Context, set *resource.Set) (*Result, error) {
	if set == nil {
		set = &resource.Set{}
	}
	res, err := engine.Evaluate(ctx, l.policy, set, engine.Options{
		Registry:            l.registry,
		Env:                 l.s.env,
		Now:                 l.s.now,
		Workers:             l.s.workers,
		ReportUnusedWaivers: l.s.unusedWaivers,
		PolicyFile:          policyName(l.s.policyFile),
		Approval:            l.s.approval,
	})
	if err != nil {
		return nil, err
	}
	return &Result{Result: res, Sources: set.Sources, Threshold: l.s.threshold}, nil
}

// policyName names the policy file in findings about its waivers, as the CLI does.
func policyName(file string) string {
	if file == "" {
		return "(built-in policy)"
	}
	return file
}

// Lint builds a Linter from opts and lints the inputs at paths with it.
func Lint(ctx context.Context, paths []string, opts ...Option) (*Result, error) {
	l, err := New(opts...)
	if err != nil {
		return nil, err
	}
	return l.Lint(ctx, paths)
}
