package backup_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestNoBackups(t *testing.T) {
	ruletest.Run(t, "GR-BAK-001", []ruletest.Case{
		{
			Name: "hcl production stores with backups off",
			Env:  "prod",
			HCL: `
resource "aws_db_instance" "orders" {
  identifier              = "orders"
  backup_retention_period = 0
}
resource "aws_rds_cluster" "aurora" {
  backup_retention_period = 0
}
resource "aws_docdb_cluster" "docs" {
  backup_retention_period = "0"
}
resource "aws_redshift_cluster" "dw" {
  automated_snapshot_retention_period = 0
}
resource "aws_elasticache_replication_group" "cache" {
  replication_group_id     = "cache"
  snapshot_retention_limit = 0
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  point_in_time_recovery {
    enabled = false
  }
}
resource "google_sql_database_instance" "pg" {
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    backup_configuration {
      enabled = false
    }
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_instance.orders", Path: "backup_retention_period", Message: "backup_retention_period is 0: automated backups are off", Line: 4},
				{Address: "aws_rds_cluster.aurora", Path: "backup_retention_period"},
				{Address: "aws_docdb_cluster.docs", Path: "backup_retention_period"},
				{Address: "aws_redshift_cluster.dw", Path: "automated_snapshot_retention_period", Message: "automated_snapshot_retention_period is 0"},
				{Address: "aws_elasticache_replication_group.cache", Path: "snapshot_retention_limit"},
				{Address: "aws_dynamodb_table.t", Path: "point_in_time_recovery[0].enabled", Message: "point-in-time recovery is off"},
				{Address: "google_sql_database_instance.pg", Path: "settings[0].backup_configuration[0].enabled", Message: "automated backups are off", Line: 30},
			},
		},
		{
			Name: "hcl production stores left to defaults",
			HCL: `
resource "aws_db_instance" "orders" {
  identifier = "orders"
  tags       = { Environment = "prod" }
}
resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  tags                 = { Environment = "prod" }
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  tags = { Environment = "prod" }
}
resource "google_sql_database_instance" "pg" {
  settings {
    tier        = "db-f1-micro"
    user_labels = { environment = "prod" }
  }
}`,
			Env: "prod",
			Want: []ruletest.Want{
				{Address: "aws_elasticache_replication_group.cache", Message: "snapshot_retention_limit is not set and defaults to 0"},
				{Address: "aws_dynamodb_table.t", Message: "point-in-time recovery is not enabled"},
				{Address: "google_sql_database_instance.pg", Path: "settings[0]", Message: "settings.backup_configuration.enabled"},
			},
		},
		{
			Name: "hcl production stores with backups",
			Env:  "prod",
			HCL: `
resource "aws_db_instance" "orders" {
  backup_retention_period = 7
}
resource "aws_elasticache_replication_group" "cache" {
  snapshot_retention_limit = 5
}
resource "aws_dynamodb_table" "t" {
  point_in_time_recovery {
    enabled = true
  }
}
resource "google_sql_database_instance" "pg" {
  settings {
    backup_configuration {
      enabled = true
    }
  }
}`,
		},
		{
			Name: "hcl production read replicas are not judged",
			Env:  "prod",
			HCL: `
resource "aws_db_instance" "replica" {
  replicate_source_db     = "orders"
  backup_retention_period = 0
}
resource "aws_db_instance" "replica_by_ref" {
  replicate_source_db     = aws_db_instance.primary.identifier
  backup_retention_period = 0
}
resource "google_sql_database_instance" "replica" {
  master_instance_name = "pg"
  settings {
    tier = "db-f1-micro"
  }
}`,
		},
		{
			Name: "hcl non-production stores are not judged",
			HCL: `
resource "aws_db_instance" "orders" {
  backup_retention_period = 0
  tags                    = { Environment = "staging" }
}
resource "aws_dynamodb_table" "t" {
  name = "dev-t"
}`,
		},
		{
			Name: "hcl retention unknown until apply",
			Env:  "prod",
			HCL: `
variable "days" {}
resource "aws_db_instance" "orders" {
  backup_retention_period = var.days
}`,
			Want: []ruletest.Want{{Address: "aws_db_instance.orders", Path: "backup_retention_period", Undecidable: true}},
		},
		{
			Name: "plan production stores",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_db_instance.orders", After: map[string]any{
					"backup_retention_period": 0, "replicate_source_db": "", "tags": map[string]any{"Environment": "production"}}},
				ruletest.Change{Address: "aws_dynamodb_table.t", After: map[string]any{
					"name": "t", "point_in_time_recovery": []any{}, "tags": map[string]any{"Environment": "production"}}},
				ruletest.Change{Address: "aws_db_instance.dev", After: map[string]any{
					"backup_retention_period": 0, "tags": map[string]any{"Environment": "dev"}}},
			),
			Want: []ruletest.Want{
				{Address: "aws_db_instance.orders", Path: "backup_retention_period"},
				{Address: "aws_dynamodb_table.t", Message: "point-in-time recovery is not enabled"},
			},
		},
		{
			Name: "plan retention known only after apply",
			Env:  "prod",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_rds_cluster.aurora", After: map[string]any{"cluster_identifier": "aurora"},
				Unknown: map[string]any{"backup_retention_period": true}}),
			Want: []ruletest.Want{{Address: "aws_rds_cluster.aurora", Path: "backup_retention_period", Undecidable: true}},
		},
		{
			Name: "plan deleted production database is not judged",
			Env:  "prod",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_db_instance.old", Actions: []string{"delete"},
				Before: map[string]any{"backup_retention_period": 0}}),
		},
	})
}

func TestNoDeletionProtection(t *testing.T) {
	ruletest.Run(t, "GR-BAK-002", []ruletest.Case{
		{
			Name: "hcl production databases without deletion protection",
			Env:  "prod",
			HCL: `
resource "aws_db_instance" "orders" {
  identifier          = "orders"
  deletion_protection = false
  skip_final_snapshot = true
}
resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "aurora"
}
resource "aws_dynamodb_table" "t" {
  name = "t"
}
resource "google_sql_database_instance" "pg" {
  deletion_protection = false
  settings {
    tier = "db-f1-micro"
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_instance.orders", Path: "deletion_protection", Message: "deletion_protection is false", Line: 4},
				{Address: "aws_db_instance.orders", Path: "skip_final_snapshot", Message: "deleting it keeps no final backup", Line: 5},
				{Address: "aws_rds_cluster.aurora", Message: "deletion_protection is not set and defaults to false"},
				{Address: "aws_dynamodb_table.t", Message: "deletion_protection_enabled is not set"},
				{Address: "google_sql_database_instance.pg", Path: "deletion_protection"},
			},
		},
		{
			Name: "hcl production databases protected, and safe defaults",
			Env:  "prod",
			HCL: `
resource "aws_db_instance" "orders" {
  deletion_protection       = true
  final_snapshot_identifier = "orders-final"
}
resource "aws_rds_cluster" "aurora" {
  deletion_protection = true
  skip_final_snapshot = false
}
resource "aws_dynamodb_table" "t" {
  deletion_protection_enabled = true
}
resource "google_sql_database_instance" "pg" {
  settings {
    tier = "db-f1-micro"
  }
}`,
		},
		{
			Name: "hcl the same unprotected databases outside production",
			Env:  "dev",
			HCL: `
resource "aws_db_instance" "orders" {
  deletion_protection = false
  skip_final_snapshot = true
}
resource "aws_dynamodb_table" "t" {
  name = "t"
}`,
		},
		{
			Name: "hcl protection unknown until apply",
			Env:  "prod",
			HCL: `
variable "protect" {
  type = bool
}
resource "aws_rds_cluster" "aurora" {
  deletion_protection = var.protect
  skip_final_snapshot = var.protect
}`,
			Want: []ruletest.Want{
				{Address: "aws_rds_cluster.aurora", Path: "deletion_protection", Undecidable: true},
				{Address: "aws_rds_cluster.aurora", Path: "skip_final_snapshot", Undecidable: true},
			},
		},
		{
			Name: "plan production database",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_rds_cluster.aurora", After: map[string]any{
				"deletion_protection": false, "skip_final_snapshot": false, "tags": map[string]any{"Env": "prod"}}}),
			Want: []ruletest.Want{{Address: "aws_rds_cluster.aurora", Path: "deletion_protection"}},
		},
		{
			Name: "plan deleted production database is not judged",
			Env:  "prod",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_dynamodb_table.old", Actions: []string{"delete"},
				Before: map[string]any{"name": "old", "deletion_protection_enabled": false}}),
		},
	})
}
