package segregation

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// dataSources names, per type, the attributes (a path through blocks) that
// say where a new resource's data comes from.
var dataSources = map[string][][]string{
	"aws_db_instance": {{"snapshot_identifier"}, {"replicate_source_db"},
		{"restore_to_point_in_time", "source_db_instance_identifier"}, {"restore_to_point_in_time", "source_dbi_resource_id"},
		{"s3_import", "bucket_name"}},
	"aws_rds_cluster": {{"snapshot_identifier"}, {"replication_source_identifier"},
		{"restore_to_point_in_time", "source_cluster_identifier"}, {"s3_import", "bucket_name"}},
	"aws_docdb_cluster":                  {{"snapshot_identifier"}},
	"aws_neptune_cluster":                {{"snapshot_identifier"}, {"replication_source_identifier"}},
	"aws_redshift_cluster":               {{"snapshot_identifier"}, {"snapshot_cluster_identifier"}},
	"aws_elasticache_cluster":            {{"snapshot_name"}, {"snapshot_arns"}},
	"aws_elasticache_replication_group":  {{"snapshot_name"}, {"snapshot_arns"}},
	"aws_memorydb_cluster":               {{"snapshot_name"}, {"snapshot_arns"}},
	"aws_db_snapshot_copy":               {{"source_db_snapshot_identifier"}},
	"aws_db_cluster_snapshot_copy":       {{"source_db_cluster_snapshot_identifier"}},
	"aws_ebs_volume":                     {{"snapshot_id"}},
	"aws_ebs_snapshot_copy":              {{"source_snapshot_id"}},
	"aws_fsx_lustre_file_system":         {{"import_path"}},
	"aws_dynamodb_table":                 {{"restore_source_name"}, {"restore_source_table_arn"}, {"import_table", "s3_bucket_source", "bucket"}},
	"google_sql_database_instance":       {{"clone", "source_instance_name"}, {"master_instance_name"}, {"restore_backup_context", "instance_id"}},
	"google_compute_disk":                {{"snapshot"}, {"source_disk"}},
	"azurerm_mssql_database":             {{"creation_source_database_id"}},
	"azurerm_postgresql_flexible_server": {{"source_server_id"}},
	"azurerm_mysql_flexible_server":      {{"source_server_id"}},
}

// dataCopies names, per type, the attribute naming where a copy job reads
// and the path through blocks to where it writes, and the attribute saying
// whether a block is enabled.
var dataCopies = map[string]struct {
	from   string
	to     []string
	status string
}{
	"aws_s3_bucket_replication_configuration": {from: "bucket", to: []string{"rule", "destination", "bucket"}, status: "status"},
	"aws_datasync_task":                       {from: "source_location_arn", to: []string{"destination_location_arn"}},
}

// dataShares names, per type, the attribute listing the accounts a
// snapshot is shared with.
var dataShares = map[string]string{
	"aws_db_snapshot":                           "shared_accounts",
	"aws_db_cluster_snapshot":                   "shared_accounts",
	"aws_ebs_snapshot_create_volume_permission": "account_id",
}

// ProductionData is GR-SEG-009.
var ProductionData = &rule.Rule{
	ID:       "GR-SEG-009",
	Title:    "Production data is not copied into other environments",
	Control:  rule.Segregation,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.ProductionDataRestricted, clause.DataStaysWhereAgreed, clause.SegregationOfEnvironments},
	Description: "A non-production database, cache, volume or table is created from production data: restored from a " +
		"production snapshot or backup, cloned or replicated from a production instance, imported from a production " +
		"bucket; or S3 replication or a DataSync task copies production data into a non-production bucket or " +
		"location; or a production snapshot is shared with a non-production account; or a Kubernetes volume is " +
		"provisioned from a production snapshot or claim. Policy 004 allows it only to debug customer issues, which " +
		"is a waiver with a reason and an expiry.",
	Remediation: "Seed non-production environments with synthetic or anonymised data; if production data is needed " +
		"to debug a customer issue, record a waiver with the ticket and an expiry, and delete the copy afterwards.",
	Types: append(append(append(typesOf(dataSources), typesOf(dataCopies)...), typesOf(dataShares)...), "PersistentVolumeClaim"),
	Check: func(p *rule.Pass, r *resource.Resource) {
		if _, ok := dataCopies[r.Type]; ok {
			copies(p, r)
			return
		}
		if attr, ok := dataShares[r.Type]; ok {
			shares(p, r, attr)
			return
		}
		env := envOf(p, r)
		if env == "" || p.Policy.IsProduction(env) {
			return
		}
		if r.IsKubernetes() {
			pvcSource(p, r, env)
			return
		}
		for _, path := range dataSources[r.Type] {
			sourcesAt(r.Value(), path, func(v resource.Value) {
				if v.IsUnknown() {
					if refEnv, ref := refEnvAt(p, r, v.Path()); refEnv != "" {
						if p.Policy.IsProduction(refEnv) && crosses(p, env, refEnv) {
							p.ReportValue(r, v, "%s data is created from %s, which belongs to production environment %s", env, ref, refEnv)
						}
						return
					}
					p.Undecidable(r, v, "whether the data comes from production")
					return
				}
				ss, _ := v.Strings()
				for _, s := range ss {
					if other, how := sourceEnv(p, r, v.Path(), s); p.Policy.IsProduction(other) && crosses(p, env, other) {
						p.ReportValue(r, v, "%s data is created from %s, which belongs to production environment %s (%s)", env, s, other, how)
					}
				}
			})
		}
	},
}

// sourcesAt calls fn with the values at path under v, through lists of
// blocks; an unknown block stands for what it would hold.
func sourcesAt(v resource.Value, path []string, fn func(resource.Value)) {
	next := v.Get(path[0])
	if len(path) == 1 {
		if !next.IsNull() {
			fn(next)
		}
		return
	}
	if next.IsUnknown() {
		fn(next)
		return
	}
	for _, b := range next.List() {
		sourcesAt(b, path[1:], fn)
	}
}

// sourceEnv places the source a data attribute names: a referenced resource
// first, then the identifier itself.
func sourceEnv(p *rule.Pass, r *resource.Resource, at resource.Path, s string) (env, how string) {
	if e, ref := refEnvAt(p, r, at); e != "" {
		return e, "it is " + ref
	}
	return envOfIdentifier(p, s)
}

// refEnvAt returns the environment and address of a resource referenced
// from the attribute at path.
func refEnvAt(p *rule.Pass, r *resource.Resource, at resource.Path) (env, address string) {
	for _, ref := range r.Refs {
		if !hasPrefix(at, ref.From) && !hasPrefix(ref.From, at) {
			continue
		}
		for _, t := range p.Index.Resolve(r, ref.To) {
			if e := envOf(p, t); e != "" {
				return e, t.Address
			}
		}
	}
	return "", ""
}

func hasPrefix(p, prefix resource.Path) bool {
	if len(prefix) > len(p) || len(prefix) == 0 {
		return false
	}
	for i := range prefix {
		if p[i].Key != prefix[i].Key || (p[i].IsIndex() && prefix[i].IsIndex() && p[i].Index != prefix[i].Index) {
			return false
		}
	}
	return true
}

// copies judges a copy job (S3 replication, a DataSync task): a production
// source copied to a destination of a non-production environment. A source
// or destination that cannot be placed is taken to be in the job's own
// environment.
func copies(p *rule.Pass, r *resource.Resource) {
	c := dataCopies[r.Type]
	from := r.Get(c.from)
	src, srcName := "", from.String()
	if e, ref := refEnvAt(p, r, from.Path()); e != "" {
		src = e
		if srcName == "" {
			srcName = ref
		}
	} else if !from.IsUnknown() {
		src, _ = envOfIdentifier(p, srcName)
	}
	if src == "" {
		src = envOf(p, r)
	}
	if !p.Policy.IsProduction(src) {
		return
	}
	if srcName == "" {
		srcName = "the source of " + r.Address
	}
	var walk func(v resource.Value, path []string)
	walk = func(v resource.Value, path []string) {
		next := v.Get(path[0])
		if len(path) > 1 {
			for _, b := range next.List() {
				if s, _ := b.Get(c.status).Str(); c.status != "" && s == "Disabled" {
					continue
				}
				walk(b, path[1:])
			}
			return
		}
		if next.IsNull() {
			return
		}
		if next.IsUnknown() {
			if e, ref := refEnvAt(p, r, next.Path()); e != "" {
				if !p.Policy.IsProduction(e) && crosses(p, src, e) {
					p.ReportValue(r, next, "%s of production environment %s is copied into %s, which belongs to environment %s", srcName, src, ref, e)
				}
				return
			}
			p.Undecidable(r, next, "which environment the copy's destination belongs to")
			return
		}
		e, how := sourceEnv(p, r, next.Path(), next.String())
		if e == "" { // a destination of no known environment is the job's own
			e, how = envOf(p, r), "where "+r.Address+" runs"
		}
		if !p.Policy.IsProduction(e) && crosses(p, src, e) {
			p.ReportValue(r, next, "%s of production environment %s is copied into %s, which belongs to environment %s (%s)", srcName, src, next.String(), e, how)
		}
	}
	walk(r.Value(), c.to)
}

// shares judges a production snapshot shared with accounts of other
// environments.
func shares(p *rule.Pass, r *resource.Resource, attr string) {
	env := envOf(p, r)
	if snap := r.Get("snapshot_id"); snap.Exists() {
		if e, _ := sourceEnv(p, r, snap.Path(), snap.String()); e != "" {
			env = e
		}
	}
	if !p.Policy.IsProduction(env) {
		return
	}
	v := r.Get(attr)
	accounts, unknown := v.Strings()
	if unknown {
		p.Undecidable(r, v, "which accounts the production snapshot is shared with")
	}
	for _, a := range accounts {
		if a == "all" {
			p.ReportValue(r, v, "a snapshot of production environment %s is shared with all AWS accounts", env)
			continue
		}
		if other, how := envOfIdentifier(p, a); !p.Policy.IsProduction(other) && crosses(p, env, other) {
			p.ReportValue(r, v, "a snapshot of production environment %s is shared with %s of environment %s (%s)", env, a, other, how)
		}
	}
}

// pvcSource judges a PersistentVolumeClaim provisioned from a snapshot or
// another claim.
func pvcSource(p *rule.Pass, r *resource.Resource, env string) {
	if !kube.Is(r, "", "PersistentVolumeClaim") {
		return
	}
	seen := map[string]bool{}
	for _, key := range []string{"dataSource", "dataSourceRef"} {
		ds := r.Get("spec", key)
		name, kind := ds.Get("name").String(), ds.Get("kind").String()
		ns := ds.Get("namespace").String()
		if ns == "" {
			ns = r.Namespace
		}
		// Kubernetes copies dataSource into dataSourceRef: judge it once.
		if name == "" || seen[kind+"/"+ns+"/"+name] {
			continue
		}
		seen[kind+"/"+ns+"/"+name] = true
		other, how := objectEnv(p, kind, ns, name)
		if p.Policy.IsProduction(other) && crosses(p, env, other) {
			p.ReportValue(r, ds.Get("name"), "the %s volume is provisioned from %s %q of production environment %s (%s)",
				env, kind, name, other, how)
		}
	}
}
