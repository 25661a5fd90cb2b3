package segregation

import (
	"regexp"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// sharedAttributes are attributes naming infrastructure that must not be
// shared between environments: networks, subnets, security groups, keys,
// clusters, subnet groups.
var sharedAttributes = []string{
	"vpc_id", "subnet_id", "subnet_ids", "vpc_security_group_ids", "security_group_ids", "security_groups",
	"kms_key_id", "kms_key_arn", "cluster", "cluster_arn", "db_subnet_group_name", "network", "subnetwork",
	"virtual_network_name", "resource_group_name", "transit_gateway_id", "key_vault_id",
}

// ownAttributes are the attributes by which other resources name a resource.
var ownAttributes = []string{"id", "arn"}

// globalIDRE matches identifiers unique across accounts: AWS resource IDs
// (vpc-0abc..., subnet-..., sg-..., tgw-...) and UUIDs (KMS key IDs).
var globalIDRE = regexp.MustCompile(`^([a-z]+(-[a-z]+)*-[0-9a-f]{8,17}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// SharedInfrastructure is GR-SEG-011.
var SharedInfrastructure = &rule.Rule{
	ID:       "GR-SEG-011",
	Title:    "Environments share no network, account, key or namespace",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments, clause.SeparateDevTestProd},
	Description: "Resources of different environments use the same VPC, subnet, security group, KMS key, cluster, " +
		"resource group or other shared infrastructure: by the same known ID, by referring to the same resource of " +
		"no environment, or by naming the ID of a resource of another environment (a prod instance in a dev " +
		"subnet). Names that are unique only within an account or project (a network called default, a key " +
		"alias) are compared within the same account, project or subscription only. A resource deployed with a " +
		"provider account of another environment, and a Kubernetes object labelled for one environment in a " +
		"namespace of another, are reported too.",
	Remediation: "Give every environment its own network, accounts, keys, clusters and namespaces.",
	CheckAll: func(p *rule.Pass) {
		infra := &sharing{}
		for _, r := range p.Index.Resources() {
			if r.Mode == "data" || r.IsDeleted() {
				continue
			}
			env := envOf(p, r)
			if env == "" {
				continue
			}
			if r.IsKubernetes() {
				namespaceMismatch(p, r, env)
				continue
			}
			accountMismatch(p, r, env)
			for _, attr := range ownAttributes {
				if id, ok := r.Get(attr).Str(); ok && id != "" {
					infra.add(infraKey(r, id), attr+" "+id, use{env: env, r: r, owner: true})
				}
			}
			for _, attr := range sharedAttributes {
				if placedTarget(p, r, attr) {
					continue // a reference to a placed resource is GR-SEG-007's
				}
				ids, _ := r.Get(attr).Strings()
				for _, id := range ids {
					if id != "" {
						infra.add(infraKey(r, id), attr+" "+id, use{env: env, r: r, at: resource.Path{resource.Key(attr)}})
					}
				}
			}
			for _, t := range refTargets(p, r, "") {
				// A referenced resource with an environment of its own is
				// judged by GR-SEG-007; one without is shared infrastructure.
				if envOf(p, t.res) == "" && t.res.Mode != "data" {
					infra.add("ref\x00"+t.res.Unit+"\x00"+rule.BaseAddress(t.res.Address), t.res.Address, use{env: env, r: r, at: t.ref.From})
				}
			}
		}
		reported := map[string]bool{}
		infra.report(p, func(u use, other string, first use) {
			key := u.r.Address + "\x00" + u.at.String()
			if reported[key] {
				return
			}
			reported[key] = true
			if first.owner {
				p.Report(u.r, u.at, "%s of environment %s uses %s, which is %s of environment %s",
					u.r.Address, u.env, u.what, first.r.Address, other)
				return
			}
			p.Report(u.r, u.at, "%s of environment %s uses %s, which %s of environment %s uses too",
				u.r.Address, u.env, u.what, first.r.Address, other)
		})
	},
}

// infraKey identifies the thing an ID names. IDs unique across accounts
// (ARNs, AWS resource IDs, UUIDs, GCP self links, Azure resource IDs) stand
// for themselves; other names (default, alias/aws/s3, rg-shared) are
// qualified by the account, project, subscription and region of r, or
// when those are unknown by r's unit and provider configuration.
func infraKey(r *resource.Resource, id string) string {
	low := strings.ToLower(id)
	switch {
	case strings.HasPrefix(low, "arn:"), strings.HasPrefix(low, "/subscriptions/"), globalIDRE.MatchString(low):
		return "id\x00" + low
	case strings.Contains(low, "projects/"):
		return "id\x00" + low[strings.Index(low, "projects/"):]
	}
	o := r.Origin
	scope := o.Account + "/" + o.Project + "/" + o.Subscription + "/" + o.Region
	if o.Account == "" && o.Project == "" && o.Subscription == "" {
		scope = r.Unit + "\x00" + r.Provider
	}
	return "name\x00" + scope + "\x00" + id
}

// placedTarget reports whether attribute attr of r refers to a resource
// that has an environment.
func placedTarget(p *rule.Pass, r *resource.Resource, attr string) bool {
	for _, t := range refTargets(p, r, attr) {
		if envOf(p, t.res) != "" {
			return true
		}
	}
	return false
}

// accountMismatch reports a resource placed in one environment by its tags or
// path but deployed with another environment's account.
func accountMismatch(p *rule.Pass, r *resource.Resource, env string) {
	if p.Index.Placement(r).Source == policy.SourceAccount {
		return
	}
	for _, id := range []string{r.Origin.Account, r.Origin.Project, r.Origin.Subscription} {
		if id == "" {
			continue
		}
		if other, ok := p.Policy.EnvOfAccount(id); ok && crosses(p, env, other) {
			p.Report(r, nil, "%s is placed in %s (%s) but deployed with account %s, which belongs to %s",
				r.Address, env, p.Index.Placement(r).Detail, id, other)
		}
	}
}

// namespaceMismatch reports an object labelled for one environment in a
// namespace of another.
func namespaceMismatch(p *rule.Pass, r *resource.Resource, env string) {
	pl := p.Index.Placement(r)
	if pl.Source != policy.SourceLabel || r.Namespace == "" {
		return
	}
	nsEnv := namespaceEnv(p, r.Namespace)
	if crosses(p, env, nsEnv) {
		p.Report(r, resource.Path{resource.Key("metadata"), resource.Key("namespace")},
			"%s is labelled for %s (%s) but lives in namespace %s of environment %s", r.Address, env, pl.Detail, r.Namespace, nsEnv)
	}
}
