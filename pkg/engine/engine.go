package engine

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
	approvalrules "github.com/guardrail-dev/guardrail/pkg/rules/approval"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

// Options tune an evaluation. The zero value is ready to use.
type Options struct {
	// Registry holds the rules to run; nil means rules.Default().
	Registry *rule.Registry
	// Env places every resource in this environment, overriding detection.
	Env string
	// NamespaceLabels supplies labels of namespaces the inputs do not hold.
	NamespaceLabels policy.NamespaceLabels
	// Now is the evaluation's clock for waiver and approval expiry; zero means time.Now().
	Now time.Time
	// Workers bounds the goroutines judging resources; zero means GOMAXPROCS.
	Workers int
	// ReportUnusedWaivers reports waivers that match no finding.
	ReportUnusedWaivers bool
	// PolicyFile names the policy file in findings about its waivers.
	PolicyFile string
	// SingleObject says the input is one object judged alone, as in admission:
	// rules that need the whole input (Rule.NeedsWholeInput) are skipped.
	SingleObject bool
	// Approval is what verifying change approvals needs beyond the inputs:
	// approvals files, the author and the deployer, the object before an
	// update. Nil verifies the approvals the inputs carry (annotations),
	// with no author or deployer but the objects' author annotations.
	Approval *approval.Context
}

// Result is the outcome of an evaluation.
type Result struct {
	// Policy is the name of the policy applied.
	Policy string
	// Findings are sorted by file, line, column, rule and resource; waived
	// findings are included with Waiver set.
	Findings []rule.Finding
	// Diagnostics are the problems met reading the inputs, and any rule that failed.
	Diagnostics resource.Diagnostics
	// Rules are the rules that could have reported, for report formats that list them.
	Rules []*rule.Rule
	// Resources is the number of resources judged.
	Resources int
	// Environments counts resources by environment ("" for none).
	Environments map[string]int
	// Index is the index the rules saw; it lets callers ask where each resource was placed.
	Index *rule.Index
	// Approvals holds the verdict on each change that needs approval.
	Approvals *approval.Result
}

// Active returns the findings no waiver suppresses.
func (r *Result) Active() []rule.Finding {
	var out []rule.Finding
	for _, f := range r.Findings {
		if f.Waiver == nil {
			out = append(out, f)
		}
	}
	return out
}

// Waived returns the findings a waiver suppresses.
func (r *Result) Waived() []rule.Finding {
	var out []rule.Finding
	for _, f := range r.Findings {
		if f.Waiver != nil {
			out = append(out, f)
		}
	}
	return out
}

// Fails reports whether any finding fails a run with severity threshold min,
// or an input could not be read.
func (r *Result) Fails(min policy.Severity) bool {
	if r.Diagnostics.HasErrors() {
		return true
	}
	for i := range r.Findings {
		if r.Findings[i].Fails(min) {
			return true
		}
	}
	return false
}

// Evaluate judges the resources of set against policy p.
func Evaluate(ctx context.Context, p *policy.Policy, set *resource.Set, opts Options) (*Result, error) {
	if p == nil {
		return nil, fmt.Errorf("engine: no policy")
	}
	if set == nil {
		set = &resource.Set{}
	}
	reg := opts.Registry
	if reg == nil {
		reg = rules.Default()
	}
	reg, err := withCustomRules(p, reg)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	ix := rule.NewIndex(p, set.Resources, rule.IndexOptions{Env: opts.Env, NamespaceLabels: opts.NamespaceLabels, Context: ctx})
	e := &evaluation{policy: p, reg: reg, ix: ix, now: now, cfg: ruleConfigs(p, reg)}

	findings, errs := e.perResource(ctx, set.Resources, opts.Workers)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluation stopped: %w", err)
	}
	pass := rule.NewPass(p, ix, now)
	for _, r := range reg.SetWide() {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("evaluation stopped: %w", err)
		}
		if e.cfg[r.ID].Mode == policy.Off || (opts.SingleObject && r.NeedsWholeInput) {
			continue
		}
		if err := pass.RunAll(r); err != nil {
			errs = append(errs, err)
		}
		findings = append(findings, pass.Findings()...)
	}
	approvals := approval.Verify(pass, reg, set.Resources, opts.Approval)
	var breakGlass []rule.Finding
	for _, f := range approvals.Findings {
		if f.RuleID == approvalrules.BreakGlass.ID && f.Mode == policy.Warn {
			breakGlass = append(breakGlass, f)
		} else {
			findings = append(findings, f)
		}
	}
	findings = e.settle(findings)
	n := len(findings)
	findings = waiver.Apply(pass, reg, findings, waiver.Options{ReportUnused: opts.ReportUnusedWaivers, PolicyFile: opts.PolicyFile, Approvals: approvals})
	findings = append(findings[:n], e.settle(findings[n:])...)
	findings = append(findings, e.breakGlass(breakGlass)...)
	sortFindings(findings)

	res := &Result{
		Policy:       p.Name(),
		Findings:     findings,
		Diagnostics:  append(resource.Diagnostics{}, set.Diagnostics...),
		Rules:        reg.Rules(),
		Resources:    len(set.Resources),
		Environments: map[string]int{},
		Index:        ix,
		Approvals:    approvals,
	}
	for _, r := range set.Resources {
		res.Environments[ix.Env(r)]++
	}
	for _, err := range errs {
		res.Diagnostics = append(res.Diagnostics, resource.Diagnostic{Severity: resource.DiagError, Summary: "rule failed", Detail: err.Error()})
	}
	return res, nil
}

// configCache keeps the rule settings of recent (policy, registry) pairs, so
// that the webhook, which evaluates one object at a time under the same
// policy, resolves them once per policy rather than once per request.
var configCache struct {
	sync.Mutex
	m map[configKey]map[string]policy.RuleConfig
}

type configKey struct {
	p   *policy.Policy
	reg *rule.Registry
}

// maxCachedConfigs bounds the cache; a policy replaced many times leaves old
// entries behind until the cache is cleared.
const maxCachedConfigs = 16

// ruleConfigs returns the effective settings of every rule of reg under p.
// The returned map is shared and must not be modified.
func ruleConfigs(p *policy.Policy, reg *rule.Registry) map[string]policy.RuleConfig {
	key := configKey{p, reg}
	configCache.Lock()
	defer configCache.Unlock()
	if cfg, ok := configCache.m[key]; ok {
		return cfg
	}
	cfg := make(map[string]policy.RuleConfig, len(reg.Rules()))
	for _, r := range reg.Rules() {
		cfg[r.ID] = p.Rule(r.ID, r.Aliases()...)
	}
	if configCache.m == nil || len(configCache.m) >= maxCachedConfigs {
		configCache.m = make(map[configKey]map[string]policy.RuleConfig, maxCachedConfigs)
	}
	configCache.m[key] = cfg
	return cfg
}

type evaluation struct {
	policy *policy.Policy
	reg    *rule.Registry
	ix     *rule.Index
	now    time.Time
	cfg    map[string]policy.RuleConfig
}

// parallelThreshold is the input size from which resources are judged concurrently.
const parallelThreshold = 512

func (e *evaluation) perResource(ctx context.Context, resources []*resource.Resource, workers int) ([]rule.Finding, []error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if len(resources) < parallelThreshold || workers == 1 {
		pass := rule.NewPass(e.policy, e.ix, e.now)
		var errs []error
		for _, r := range resources {
			if ctx.Err() != nil {
				break
			}
			errs = append(errs, e.judge(pass, r)...)
		}
		return pass.Findings(), errs
	}
	const chunk = 128
	type out struct {
		findings []rule.Finding
		errs     []error
	}
	results := make([]out, (len(resources)+chunk-1)/chunk)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pass := rule.NewPass(e.policy, e.ix, e.now)
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(results) {
					return
				}
				end := min((i+1)*chunk, len(resources))
				var errs []error
				for _, r := range resources[i*chunk : end] {
					if ctx.Err() != nil {
						break
					}
					errs = append(errs, e.judge(pass, r)...)
				}
				results[i] = out{pass.Findings(), errs}
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, o := range results {
		total += len(o.findings)
	}
	findings := make([]rule.Finding, 0, total)
	var errs []error
	for _, o := range results {
		findings = append(findings, o.findings...)
		errs = append(errs, o.errs...)
	}
	return findings, errs
}

// judge runs the per-resource rules that apply to r.
func (e *evaluation) judge(pass *rule.Pass, r *resource.Resource) []error {
	if r.Mode == "data" || r.Action == resource.ActionRead {
		return nil
	}
	env := e.ix.Env(r)
	var errs []error
	for _, rl := range e.reg.ForResource(r) {
		if r.IsDeleted() && !rl.JudgesDeletes {
			continue
		}
		c := e.cfg[rl.ID]
		if c.Mode == policy.Off || !c.AppliesIn(env) {
			continue
		}
		if err := pass.Run(rl, r); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// settle applies the policy's rule settings to findings: severity and mode
// overrides, the undecidable severity and mode, and environment scopes.
// Findings of rules switched off, or out of scope, are dropped.
func (e *evaluation) settle(findings []rule.Finding) []rule.Finding {
	undecSev, undecMode := e.policy.Undecidable()
	out := findings[:0]
	for _, f := range findings {
		c, known := e.cfg[f.RuleID]
		if !known {
			c = e.policy.Rule(f.RuleID)
		}
		if c.Mode == policy.Off || (f.Resource != nil && !c.AppliesIn(f.Subject.Env)) {
			continue
		}
		if c.Severity != nil {
			f.Severity = *c.Severity
		}
		if c.Mode != "" {
			f.Mode = c.Mode
		}
		if f.Undecidable {
			if undecMode == policy.Off {
				continue
			}
			if undecSev != nil {
				f.Severity = *undecSev
			}
			if f.Mode == policy.Deny {
				f.Mode = undecMode
			}
		}
		out = append(out, f)
	}
	return out
}

// breakGlass settles break-glass findings, which the policy cannot silence
// or lower: they stay at high severity (or above), are warnings unless the
// policy makes them deny, and no waiver applies to them.
func (e *evaluation) breakGlass(findings []rule.Finding) []rule.Finding {
	for i := range findings {
		f := &findings[i]
		c := e.cfg[f.RuleID]
		if c.Severity != nil && *c.Severity > f.Severity {
			f.Severity = *c.Severity
		}
		if c.Mode == policy.Deny {
			f.Mode = policy.Deny
		}
	}
	return findings
}

// sortFindings orders findings by location, rule, resource, path and
// message. Findings equal in all of these are equal in content, so the sort
// need not be stable. It sorts indexes and moves each finding once, since
// findings are large.
func sortFindings(fs []rule.Finding) {
	order := make([]int32, len(fs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &fs[i], &fs[j]
		return cmp.Or(
			cmp.Compare(a.Location.File, b.Location.File),
			cmp.Compare(a.Location.Document, b.Location.Document),
			cmp.Compare(a.Location.Line, b.Location.Line),
			cmp.Compare(a.Location.Column, b.Location.Column),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Subject.Address, b.Subject.Address),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
		)
	})
	sorted := make([]rule.Finding, len(fs))
	for i, k := range order {
		sorted[i] = fs[k]
	}
	copy(fs, sorted)
}
