// Package backup holds the backup rules (GR-BAK-*): production data stores
// keep automated backups and are protected against deletion.
package backup

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

func zero(attr string) func(resource.Value) (string, bool) {
	return func(v resource.Value) (string, bool) {
		n, ok := v.Int()
		return attr + " is 0: automated backups are off", ok && n == 0
	}
}

// notReplica is true for a resource without the attribute naming its
// primary: a read replica is restored from its primary's backups, and a
// Cloud SQL replica cannot enable backups of its own.
func notReplica(attr string) func(*resource.Resource) bool {
	return func(r *resource.Resource) bool {
		v := r.Get(attr)
		return !v.IsUnknown() && v.String() == ""
	}
}

var backupSettings = []expect.Setting{
	{Type: "aws_db_instance", Path: []string{"backup_retention_period"}, Wrong: zero("backup_retention_period"), What: "whether backups are kept",
		When: notReplica("replicate_source_db")},
	{Type: "aws_rds_cluster", Path: []string{"backup_retention_period"}, Wrong: zero("backup_retention_period"), What: "whether backups are kept"},
	{Type: "aws_docdb_cluster", Path: []string{"backup_retention_period"}, Wrong: zero("backup_retention_period"), What: "whether backups are kept"},
	{Type: "aws_elasticache_replication_group", Path: []string{"snapshot_retention_limit"}, Wrong: zero("snapshot_retention_limit"),
		Missing: "snapshot_retention_limit is not set and defaults to 0: automated backups are off", What: "whether backups are kept"},
	{Type: "aws_redshift_cluster", Path: []string{"automated_snapshot_retention_period"}, Wrong: zero("automated_snapshot_retention_period"), What: "whether backups are kept"},
	{Type: "aws_dynamodb_table", Path: []string{"point_in_time_recovery", "enabled"}, Wrong: expect.IsFalse("point-in-time recovery is off"),
		Missing: "point-in-time recovery is not enabled", What: "whether the table can be restored"},
	{Type: "google_sql_database_instance", Path: []string{"settings", "backup_configuration", "enabled"}, Wrong: expect.IsFalse("automated backups are off"),
		Missing: "automated backups are not enabled (settings.backup_configuration.enabled)", What: "whether backups are kept",
		When: notReplica("master_instance_name")},
}

var protectionSettings = []expect.Setting{
	{Type: "aws_db_instance", Path: []string{"deletion_protection"}, Wrong: expect.IsFalse("deletion_protection is false"),
		Missing: "deletion_protection is not set and defaults to false", What: "whether the database is protected from deletion"},
	{Type: "aws_rds_cluster", Path: []string{"deletion_protection"}, Wrong: expect.IsFalse("deletion_protection is false"),
		Missing: "deletion_protection is not set and defaults to false", What: "whether the cluster is protected from deletion"},
	{Type: "aws_db_instance", Path: []string{"skip_final_snapshot"}, Wrong: expect.IsTrue("skip_final_snapshot is true: deleting it keeps no final backup"),
		What: "whether a final snapshot is taken"},
	{Type: "aws_rds_cluster", Path: []string{"skip_final_snapshot"}, Wrong: expect.IsTrue("skip_final_snapshot is true: deleting it keeps no final backup"),
		What: "whether a final snapshot is taken"},
	{Type: "aws_dynamodb_table", Path: []string{"deletion_protection_enabled"}, Wrong: expect.IsFalse("deletion_protection_enabled is false"),
		Missing: "deletion_protection_enabled is not set and defaults to false", What: "whether the table is protected from deletion"},
	{Type: "google_sql_database_instance", Path: []string{"deletion_protection"}, Wrong: expect.IsFalse("deletion_protection is false"),
		What: "whether the instance is protected from deletion"},
}

func productionOnly(check func(*rule.Pass, *resource.Resource)) func(*rule.Pass, *resource.Resource) {
	return func(p *rule.Pass, r *resource.Resource) {
		if p.Policy.IsProduction(p.Env(r)) {
			check(p, r)
		}
	}
}

// NoBackups is GR-BAK-001.
var NoBackups = &rule.Rule{
	ID:       "GR-BAK-001",
	Title:    "Production data stores keep automated backups",
	Control:  rule.Backup,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.AutomatedBackup, clause.AutomaticBackups, clause.PeriodicBackups},
	Description: "In a production environment, a database, cluster, cache or table keeps no automated backups " +
		"(retention 0, point-in-time recovery off). Read replicas, restored from their primary, and other " +
		"environments are not judged.",
	Remediation: "Set a backup retention period of at least 7 days, or enable point-in-time recovery.",
	Formats:     []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:       expect.Types(backupSettings),
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AWS_133", "CKV_AWS_28", "CKV_AWS_134", "CKV_GCP_14"},
		Trivy:     []string{"AWS-0024", "AWS-0050", "AWS-0077", "GCP-0024"},
		Terrascan: []string{"AC_AWS_0052", "AC_AWS_0495", "AC_GCP_0001"},
	},
	Check: productionOnly(func(p *rule.Pass, r *resource.Resource) { expect.Judge(p, r, backupSettings) }),
}

// NoDeletionProtection is GR-BAK-002.
var NoDeletionProtection = &rule.Rule{
	ID:       "GR-BAK-002",
	Title:    "Production databases are protected from deletion",
	Control:  rule.Backup,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.AutomatedBackup, clause.HighAvailability, clause.BaselineConfigurations},
	Description: "In a production environment, a database or table can be deleted by one apply without a final " +
		"snapshot or with deletion protection off.",
	Remediation: "Set deletion_protection = true and skip_final_snapshot = false (with a final_snapshot_identifier).",
	Formats:     []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:       expect.Types(protectionSettings),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_293", "CKV_AWS_139"},
		Trivy:   []string{"AWS-0177", "AWS-0343"},
	},
	Check: productionOnly(func(p *rule.Pass, r *resource.Resource) { expect.Judge(p, r, protectionSettings) }),
}

// Rules returns the backup rules.
func Rules() []*rule.Rule { return []*rule.Rule{NoBackups, NoDeletionProtection} }
