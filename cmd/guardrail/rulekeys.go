package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
	"github.com/guardrail-dev/guardrail/pkg/rules/custom"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// policyRegistry is the registry the engine runs for p: the built-in rules
// and the policy's custom rules.
func policyRegistry(p *policy.Policy) *rule.Registry {
	reg := rules.Default()
	if more := custom.Rules(p); len(more) > 0 {
		if merged, err := reg.With(more...); err == nil {
			reg = merged
		}
	}
	return reg
}

// ruleKeyDiagnostics checks the keys of the policy's spec.rules against the
// rule registry, exactly as the engine resolves them (policy.Rule):
//
//   - a key that is neither a rule ID, a glob matching some rule, nor a peer
//     rule ID the registry knows is an error, so that a misspelt key does not
//     silently leave its rule at its defaults;
//   - a key that is a peer ID is noted (a warning) with the rules it applies
//     to as an alias, or with the entry that overrides it.
//
// Locations are the key's line in file; file "" (the built-in policy) is
// not checked.
func ruleKeyDiagnostics(p *policy.Policy, file string, reg *rule.Registry) resource.Diagnostics {
	keys := p.RuleKeys()
	if file == "" || len(keys) == 0 {
		return nil
	}
	applied := map[string][]string{} // key -> the rules it sets
	for _, r := range reg.Rules() {
		if k := p.Rule(r.ID, r.Aliases()...).Key; k != "" {
			applied[k] = append(applied[k], r.ID)
		}
	}
	locate := keyLocator(file)
	var out resource.Diagnostics
	for _, key := range keys {
		loc := locate(key)
		path := "spec.rules." + resource.Path{resource.Key(key)}.String()
		_, isRule := reg.Lookup(key)
		peers := reg.ByAlias(key)
		switch {
		case isRule:
		case len(peers) > 0:
			var as, shadowed []string
			for _, r := range peers {
				if contains(applied[key], r.ID) {
					as = append(as, r.ID+" ("+r.Title+")")
				} else {
					shadowed = append(shadowed, r.ID+" (set by spec.rules."+p.Rule(r.ID, r.Aliases()...).Key+")")
				}
			}
			detail := fmt.Sprintf("%s is %s's rule ID", path, peerTool(peers[0], key))
			if len(as) > 0 {
				detail += "; it applies as an alias to " + strings.Join(as, ", ")
			}
			if len(shadowed) > 0 {
				detail += "; it does not apply to " + strings.Join(shadowed, ", ") + ", whose own entry wins"
			}
			out = append(out, resource.WarningAt(loc, "rule setting keyed by a peer rule ID", detail))
		case isGlob(key) && matchesSome(key, reg):
		case isGlob(key):
			out = append(out, resource.ErrorAt(loc, "unknown rule key",
				fmt.Sprintf("%s matches no guardrail rule; globs match guardrail rule IDs (GR-TLS-*), not peer IDs; `guardrail rules` lists them", path)))
		default:
			out = append(out, resource.ErrorAt(loc, "unknown rule key",
				fmt.Sprintf("%s is neither a guardrail rule ID, a glob matching one, nor a peer rule ID guardrail knows (docs/migration.md lists them); `guardrail rules` lists the rules", path)))
		}
	}
	return out
}

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[{") }

func matchesSome(pattern string, reg *rule.Registry) bool {
	for _, r := range reg.Rules() {
		if ok, _ := doublestar.Match(pattern, r.ID); ok {
			return true
		}
	}
	return false
}

// peerTool names the tool a peer ID of r belongs to.
func peerTool(r *rule.Rule, id string) string {
	for _, t := range peerTools(r.Peers) {
		if contains(t.ids, id) {
			return t.name
		}
	}
	return "a peer tool"
}

type peerIDs struct {
	name string
	ids  []string
}

// peerTools lists a rule's peer IDs by tool, in the order the docs show them.
func peerTools(p rule.Peers) []peerIDs {
	return []peerIDs{
		{"Checkov", p.Checkov}, {"Trivy", p.Trivy}, {"kube-linter", p.KubeLinter},
		{"Polaris", p.Polaris}, {"Kyverno policies", p.Kyverno}, {"Terrascan", p.Terrascan},
	}
}

func contains(ss []string, s string) bool {
	for _, e := range ss {
		if e == s {
			return true
		}
	}
	return false
}

// keyLocator returns where each key of spec.rules is written in file; the
// file itself when it cannot say.
func keyLocator(file string) func(key string) resource.Location {
	var root = func(string) resource.Location { return resource.Location{File: file} }
	data, err := os.ReadFile(file)
	if err != nil {
		return root
	}
	docs, err := yamldoc.Parse(data, yamldoc.Limits{})
	if err != nil || len(docs) == 0 || docs[0].Root == nil {
		return root
	}
	node := docs[0].Root
	return func(key string) resource.Location {
		line, col := yamldoc.Locate(node, resource.Path{resource.Key("spec"), resource.Key("rules"), resource.Key(key)})
		return resource.Location{File: file, Line: line, Column: col}
	}
}
