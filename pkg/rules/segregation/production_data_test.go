package segregation_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

// replicationPlan is `terraform show -json` output (trimmed) for a prod
// bucket replicated into a new dev bucket: the destination's ARN is
// known only after apply, and the configuration says which bucket it is.
const replicationPlan = `{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "resource_changes": [
    {
      "address": "aws_s3_bucket.orders",
      "mode": "managed",
      "type": "aws_s3_bucket",
      "name": "orders",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["no-op"],
        "before": {"bucket": "orders", "id": "orders", "arn": "arn:aws:s3:::orders", "tags": {"Environment": "prod"}},
        "after": {"bucket": "orders", "id": "orders", "arn": "arn:aws:s3:::orders", "tags": {"Environment": "prod"}},
        "after_unknown": {}
      }
    },
    {
      "address": "aws_s3_bucket.orders_copy",
      "mode": "managed",
      "type": "aws_s3_bucket",
      "name": "orders_copy",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {"bucket": "orders-copy", "tags": {"Environment": "dev"}},
        "after_unknown": {"arn": true, "id": true}
      }
    },
    {
      "address": "aws_s3_bucket_replication_configuration.orders",
      "mode": "managed",
      "type": "aws_s3_bucket_replication_configuration",
      "name": "orders",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {
          "bucket": "orders",
          "role": "arn:aws:iam::111111111111:role/replication",
          "rule": [{"id": "all", "status": "Enabled", "destination": [{"storage_class": "STANDARD"}]}]
        },
        "after_unknown": {"id": true, "rule": [{"destination": [{"bucket": true}]}]}
      }
    }
  ],
  "configuration": {
    "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
    "root_module": {
      "resources": [
        {
          "address": "aws_s3_bucket_replication_configuration.orders",
          "mode": "managed",
          "type": "aws_s3_bucket_replication_configuration",
          "name": "orders",
          "provider_config_key": "aws",
          "expressions": {
            "bucket": {"references": ["aws_s3_bucket.orders.id", "aws_s3_bucket.orders"]},
            "role": {"constant_value": "arn:aws:iam::111111111111:role/replication"},
            "rule": [{
              "id": {"constant_value": "all"},
              "status": {"constant_value": "Enabled"},
              "destination": [{"bucket": {"references": ["aws_s3_bucket.orders_copy.arn", "aws_s3_bucket.orders_copy"]}}]
            }]
          }
        }
      ]
    }
  }
}`

func TestProductionData(t *testing.T) {
	ruletest.Run(t, "GR-SEG-009", []ruletest.Case{
		{
			Name:   "hcl dev database restored from a snapshot in the prod account",
			Policy: estatePolicy,
			HCL: `
resource "aws_db_instance" "debug" {
  identifier          = "debug"
  instance_class      = "db.t3.micro"
  snapshot_identifier = "arn:aws:rds:eu-west-1:111111111111:snapshot:nightly-2026-11-20"
  tags                = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{
				Address: "aws_db_instance.debug", Path: "snapshot_identifier", Line: 5,
				Message: "dev data is created from arn:aws:rds:eu-west-1:111111111111:snapshot:nightly-2026-11-20, which belongs to production environment prod (account 111111111111)",
			}},
		},
		{
			Name:   "hcl prod database restored from prod, and prod from dev",
			Policy: estatePolicy,
			HCL: `
resource "aws_db_instance" "restore" {
  identifier          = "restore"
  snapshot_identifier = "arn:aws:rds:eu-west-1:111111111111:snapshot:nightly"
  tags                = { Environment = "prod" }
}
resource "aws_db_instance" "seed" {
  identifier          = "seed"
  snapshot_identifier = "arn:aws:rds:eu-west-1:222222222222:snapshot:fixtures"
  tags                = { Environment = "prod" }
}`,
		},
		{
			Name: "hcl dev database restored from a prod snapshot resource",
			HCL: `
resource "aws_db_snapshot" "nightly" {
  db_instance_identifier = "main"
  db_snapshot_identifier = "nightly"
  tags                   = { Environment = "prod" }
}
resource "aws_db_instance" "debug" {
  identifier          = "debug"
  snapshot_identifier = aws_db_snapshot.nightly.id
  tags                = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{Address: "aws_db_instance.debug", Path: "snapshot_identifier", Message: "dev data is created from aws_db_snapshot.nightly, which belongs to production environment prod"}},
		},
		{
			Name: "hcl dev database restored to a point in time of a database named for prod",
			HCL: `
resource "aws_db_instance" "debug" {
  identifier = "debug"
  tags       = { Environment = "dev" }
  restore_to_point_in_time {
    source_db_instance_identifier = "prod-orders"
    use_latest_restorable_time    = true
  }
}`,
			Want: []ruletest.Want{{Address: "aws_db_instance.debug", Path: "restore_to_point_in_time[0].source_db_instance_identifier", Message: "created from prod-orders, which belongs to production environment prod (name prod-orders)"}},
		},
		{
			Name:   "hcl dev database restored from a snapshot unknown until apply",
			Policy: estatePolicy,
			HCL: `
variable "snapshot" {}
resource "aws_db_instance" "debug" {
  identifier          = "debug"
  snapshot_identifier = var.snapshot
  tags                = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{Address: "aws_db_instance.debug", Path: "snapshot_identifier", Undecidable: true, Message: "whether the data comes from production"}},
		},
		{
			Name:   "hcl staging restored from prod where the policy allows the mix",
			Policy: estate("  segregation:\n    allowedMixes: [[prod, staging]]\n"),
			HCL: `
resource "aws_rds_cluster" "perf" {
  cluster_identifier  = "perf"
  snapshot_identifier = "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:nightly"
  tags                = { Environment = "staging" }
}`,
		},
		{
			Name:   "hcl dev cache seeded from prod snapshots, GCP replica of a prod master",
			Policy: estatePolicy,
			HCL: `
resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "cache"
  snapshot_arns        = ["arn:aws:s3:::fixtures/cache.rdb", "arn:aws:s3:::prod-backups/cache.rdb"]
  tags                 = { Environment = "dev" }
}
resource "google_sql_database_instance" "replica" {
  name                 = "replica-dev"
  project              = "acme-dev"
  database_version     = "POSTGRES_15"
  master_instance_name = "acme-prod:main"
}`,
			Want: []ruletest.Want{
				{Address: "aws_elasticache_replication_group.cache", Path: "snapshot_arns", Message: "dev data is created from arn:aws:s3:::prod-backups/cache.rdb, which belongs to production environment prod (name prod-backups)"},
				{Address: "google_sql_database_instance.replica", Path: "master_instance_name", Message: "dev data is created from acme-prod:main, which belongs to production environment prod (project or account acme-prod)"},
			},
		},
		{
			Name: "hcl prod bucket replicated into a dev bucket; a disabled rule and a prod destination are not",
			HCL: `
resource "aws_s3_bucket_replication_configuration" "orders" {
  bucket = "prod-orders"
  role   = "arn:aws:iam::111111111111:role/replication"
  rule {
    id     = "to-dev"
    status = "Enabled"
    destination { bucket = "arn:aws:s3:::dev-orders" }
  }
  rule {
    id     = "old"
    status = "Disabled"
    destination { bucket = "arn:aws:s3:::test-orders" }
  }
  rule {
    id     = "dr"
    status = "Enabled"
    destination { bucket = "arn:aws:s3:::orders-dr-prod" }
  }
}`,
			Want: []ruletest.Want{{
				Address: "aws_s3_bucket_replication_configuration.orders", Path: "rule[0].destination[0].bucket", Line: 8,
				Message: "prod-orders of production environment prod is copied into arn:aws:s3:::dev-orders, which belongs to environment dev (name dev-orders)",
			}},
		},
		{
			Name: "hcl dev bucket replicated into prod",
			HCL: `
resource "aws_s3_bucket_replication_configuration" "r" {
  bucket = "dev-orders"
  role   = "arn:aws:iam::222222222222:role/replication"
  rule {
    status = "Enabled"
    destination { bucket = "arn:aws:s3:::prod-orders" }
  }
}`,
		},
		{
			Name: "plan prod bucket replicated into a new dev bucket, through the configuration",
			Plan: replicationPlan,
			Want: []ruletest.Want{{
				Address: "aws_s3_bucket_replication_configuration.orders", Path: "rule[0].destination[0].bucket",
				Message: "orders of production environment prod is copied into aws_s3_bucket.orders_copy, which belongs to environment dev",
			}},
		},
		{
			Name: "plan prod bucket replicated into a bucket known only after apply",
			Plan: ruletest.Plan(ruletest.Change{
				Address: "aws_s3_bucket_replication_configuration.r",
				After:   map[string]any{"bucket": "prod-orders", "rule": []any{map[string]any{"status": "Enabled", "destination": []any{map[string]any{}}}}},
				Unknown: map[string]any{"rule": []any{map[string]any{"destination": []any{map[string]any{"bucket": true}}}}},
			}),
			Want: []ruletest.Want{{Address: "aws_s3_bucket_replication_configuration.r", Path: "rule[0].destination[0].bucket", Undecidable: true}},
		},
		{
			Name:   "plan prod DataSync task writing to a location in the dev account",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_datasync_task.export", After: map[string]any{
				"name":                     "export",
				"source_location_arn":      "arn:aws:datasync:eu-west-1:111111111111:location/loc-1",
				"destination_location_arn": "arn:aws:datasync:eu-west-1:222222222222:location/loc-2",
			}}),
			Want: []ruletest.Want{{Address: "aws_datasync_task.export", Path: "destination_location_arn", Message: "is copied into arn:aws:datasync:eu-west-1:222222222222:location/loc-2, which belongs to environment dev (account 222222222222)"}},
		},
		{
			Name:   "plan dev DataSync task reading a prod location",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_datasync_task.import", After: map[string]any{
				"name":                     "import",
				"source_location_arn":      "arn:aws:datasync:eu-west-1:111111111111:location/loc-1",
				"destination_location_arn": "arn:aws:datasync:eu-west-1:444444444444:location/loc-3",
				"tags":                     tags("Environment", "dev"),
			}}),
			Want: []ruletest.Want{{Address: "aws_datasync_task.import", Path: "destination_location_arn", Message: "which belongs to environment dev (where aws_datasync_task.import runs)"}},
		},
		{
			Name:   "plan prod snapshots shared with the dev account and with everyone",
			Policy: estatePolicy,
			Plan: planWith(t, planConfig{Account: "111111111111", Refs: map[string][]ref{
				"aws_ebs_snapshot_create_volume_permission.dev": {{"snapshot_id", "aws_ebs_snapshot.data"}},
			}},
				ruletest.Change{Address: "aws_db_snapshot.nightly", After: map[string]any{"db_instance_identifier": "main", "db_snapshot_identifier": "nightly", "shared_accounts": []any{"333333333333", "222222222222"}}},
				ruletest.Change{Address: "aws_db_snapshot.open", After: map[string]any{"db_instance_identifier": "main", "db_snapshot_identifier": "open", "shared_accounts": []any{"all"}}},
				ruletest.Change{Address: "aws_ebs_snapshot.data", After: map[string]any{"volume_id": "vol-1", "tags": tags("Environment", "prod")}, Unknown: map[string]any{"id": true}},
				ruletest.Change{Address: "aws_ebs_snapshot_create_volume_permission.dev", After: map[string]any{"account_id": "222222222222"}, Unknown: map[string]any{"snapshot_id": true}},
			),
			Want: []ruletest.Want{
				{Address: "aws_db_snapshot.nightly", Path: "shared_accounts", Message: "a snapshot of production environment prod is shared with 333333333333 of environment staging (account 333333333333)"},
				{Address: "aws_db_snapshot.nightly", Path: "shared_accounts", Message: "is shared with 222222222222 of environment dev"},
				{Address: "aws_db_snapshot.open", Path: "shared_accounts", Message: "is shared with all AWS accounts"},
				{Address: "aws_ebs_snapshot_create_volume_permission.dev", Path: "account_id", Message: "is shared with 222222222222 of environment dev"},
			},
		},
		{
			Name:   "plan deleting a dev database restored from prod",
			Policy: estatePolicy,
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_db_instance.debug", Actions: []string{"delete"}, Before: map[string]any{
				"identifier": "debug", "snapshot_identifier": "arn:aws:rds:eu-west-1:111111111111:snapshot:nightly", "tags": tags("Environment", "dev"),
			}}),
		},
		{
			Name: "kubernetes dev claim provisioned from a prod snapshot, written twice",
			YAML: `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: dev}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
  dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: prod-db-snap}
  dataSourceRef: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: prod-db-snap}`,
			Want: []ruletest.Want{{
				Address: "PersistentVolumeClaim/dev/data", Path: "spec.dataSource.name", Line: 8,
				Message: `the dev volume is provisioned from VolumeSnapshot "prod-db-snap" of production environment prod (its name)`,
			}},
		},
		{
			Name: "kubernetes claim labelled dev cloned from a snapshot labelled prod",
			YAML: `
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata: {name: nightly, namespace: shared, labels: {env: prod}}
spec:
  source: {persistentVolumeClaimName: db}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shared, labels: {env: dev}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
  dataSourceRef: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: nightly}`,
			Want: []ruletest.Want{{Address: "PersistentVolumeClaim/shared/data", Path: "spec.dataSourceRef.name", Message: `provisioned from VolumeSnapshot "nightly" of production environment prod (label env="prod")`}},
		},
		{
			Name: "kubernetes prod claim from a prod snapshot",
			YAML: `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: prod}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
  dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: nightly}`,
		},
	})
}
