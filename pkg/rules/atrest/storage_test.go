package atrest_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestUnencryptedStorage(t *testing.T) {
	const id = "GR-REST-001"
	ruletest.Run(t, id, []ruletest.Case{
		{
			Name: "hcl database left to the unencrypted default",
			HCL: `
resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t3.micro"
}`,
			Want: []ruletest.Want{{Address: "aws_db_instance.orders", Message: "storage_encrypted is not set and defaults to false", Line: 2}},
		},
		{
			Name: "hcl encryption switched off",
			HCL: `
resource "aws_rds_cluster" "orders" {
  engine            = "aurora-postgresql"
  storage_encrypted = false
}
resource "aws_docdb_cluster" "docs" {
  storage_encrypted = false
}
resource "aws_neptune_cluster" "graph" {
  storage_encrypted = "false"
}
resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  encrypted          = false
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
resource "aws_efs_file_system" "share" {
  encrypted = false
}`,
			Want: []ruletest.Want{
				{Address: "aws_rds_cluster.orders", Path: "storage_encrypted", Message: "storage_encrypted is false", Line: 4},
				{Address: "aws_docdb_cluster.docs", Path: "storage_encrypted", Line: 7},
				{Address: "aws_neptune_cluster.graph", Path: "storage_encrypted", Message: "storage_encrypted is false"},
				{Address: "aws_redshift_cluster.dw", Path: "encrypted", Message: "encrypted is false"},
				{Address: "aws_ebs_volume.data", Path: "encrypted"},
				{Address: "aws_efs_file_system.share", Path: "encrypted"},
			},
		},
		{
			Name: "hcl encrypted stores",
			HCL: `
resource "aws_db_instance" "orders" {
  storage_encrypted = true
  kms_key_id        = "arn:aws:kms:eu-west-1:111122223333:key/abc"
}
resource "aws_rds_cluster" "orders" {
  storage_encrypted = true
}
resource "aws_docdb_cluster" "docs" {
  storage_encrypted = true
}
resource "aws_neptune_cluster" "graph" {
  storage_encrypted = true
}
resource "aws_redshift_cluster" "dw" {
  encrypted = true
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  encrypted         = true
}
resource "aws_efs_file_system" "share" {
  encrypted = true
}
resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  at_rest_encryption_enabled = true
}
resource "aws_opensearch_domain" "search" {
  encrypt_at_rest {
    enabled = true
  }
}
resource "aws_elasticsearch_domain" "legacy" {
  encrypt_at_rest {
    enabled = true
  }
}
resource "aws_sns_topic" "events" {
  kms_master_key_id = "alias/aws/sns"
}
resource "aws_kinesis_stream" "clicks" {
  shard_count     = 1
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"
}
resource "aws_sqs_queue" "jobs" {
  sqs_managed_sse_enabled = true
}`,
		},
		{
			Name: "hcl safe provider defaults: serverless aurora, valkey, sqs managed encryption",
			HCL: `
resource "aws_rds_cluster" "serverless" {
  engine      = "aurora-mysql"
  engine_mode = "serverless"
}
resource "aws_elasticache_replication_group" "valkey" {
  replication_group_id = "sessions"
  engine               = "valkey"
}
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}`,
		},
		{
			Name: "hcl safe default explicitly turned off",
			HCL: `
resource "aws_rds_cluster" "serverless" {
  engine_mode       = "serverless"
  storage_encrypted = false
}
resource "aws_elasticache_replication_group" "valkey" {
  engine                     = "valkey"
  at_rest_encryption_enabled = false
}
resource "aws_sqs_queue" "jobs" {
  sqs_managed_sse_enabled = false
}`,
			Want: []ruletest.Want{
				{Address: "aws_rds_cluster.serverless", Path: "storage_encrypted"},
				{Address: "aws_elasticache_replication_group.valkey", Path: "at_rest_encryption_enabled"},
				{Address: "aws_sqs_queue.jobs", Path: "sqs_managed_sse_enabled", Message: "sqs_managed_sse_enabled is false", Line: 11},
			},
		},
		{
			Name: "hcl redis replication group and search domains left unencrypted",
			HCL: `
resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "sessions"
  engine               = "redis"
}
resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}
resource "aws_elasticsearch_domain" "legacy" {
  encrypt_at_rest {
    enabled = false
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_elasticache_replication_group.redis", Message: "at_rest_encryption_enabled is not set"},
				{Address: "aws_opensearch_domain.search", Message: "enabled is not set"},
				{Address: "aws_elasticsearch_domain.legacy", Path: "encrypt_at_rest[0].enabled", Line: 11},
			},
		},
		{
			Name: "hcl topic and stream without encryption",
			HCL: `
resource "aws_sns_topic" "events" {
  name = "events"
}
resource "aws_sns_topic" "blank" {
  kms_master_key_id = ""
}
resource "aws_kinesis_stream" "clicks" {
  shard_count = 1
}
resource "aws_kinesis_stream" "none" {
  shard_count     = 1
  encryption_type = "none"
}`,
			Want: []ruletest.Want{
				{Address: "aws_sns_topic.events", Message: "no kms_master_key_id"},
				{Address: "aws_sns_topic.blank", Path: "kms_master_key_id", Message: "kms_master_key_id is empty"},
				{Address: "aws_kinesis_stream.clicks", Message: "defaults to NONE"},
				{Address: "aws_kinesis_stream.none", Path: "encryption_type", Message: "encryption_type is none"},
			},
		},
		{
			Name: "hcl queue with a KMS key is not judged on sqs_managed_sse_enabled",
			HCL: `
resource "aws_kms_key" "q" {}
resource "aws_sqs_queue" "jobs" {
  kms_master_key_id       = aws_kms_key.q.id
  sqs_managed_sse_enabled = false
}`,
		},
		{
			Name: "hcl instance devices",
			HCL: `
resource "aws_instance" "plain" {
  ami           = "ami-1"
  instance_type = "t3.micro"
}
resource "aws_instance" "mixed" {
  ami = "ami-1"
  root_block_device {
    encrypted = true
  }
  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = true
  }
  ebs_block_device {
    device_name = "/dev/sdg"
  }
  ebs_block_device {
    device_name = "/dev/sdh"
    encrypted   = false
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_instance.plain", Message: "encrypted is not set and defaults to false"},
				{Address: "aws_instance.mixed", Path: "ebs_block_device[1]", Message: "an EBS block device is not encrypted"},
				{Address: "aws_instance.mixed", Path: "ebs_block_device[2].encrypted", Line: 20},
			},
		},
		{
			Name: "hcl instance with an encrypted root device and no extra devices",
			HCL: `
resource "aws_instance" "web" {
  ami = "ami-1"
  root_block_device {
    encrypted = true
  }
}`,
		},
		{
			Name: "hcl launch template mappings",
			HCL: `
resource "aws_launch_template" "web" {
  name = "web"
  block_device_mappings {
    device_name = "/dev/sda1"
    ebs {
      volume_size = 20
      encrypted   = true
    }
  }
  block_device_mappings {
    device_name  = "/dev/sdb"
    virtual_name = "ephemeral0"
  }
  block_device_mappings {
    device_name = "/dev/sdc"
    ebs {
      volume_size = 20
    }
  }
  block_device_mappings {
    device_name = "/dev/sdd"
    ebs {
      encrypted = "false"
    }
  }
}
resource "aws_launch_template" "bare" {
  name = "bare"
}`,
			Want: []ruletest.Want{
				{Address: "aws_launch_template.web", Path: "block_device_mappings[2].ebs[0]", Message: "does not set encrypted"},
				{Address: "aws_launch_template.web", Path: "block_device_mappings[3].ebs[0].encrypted", Message: "is not encrypted", Line: 24},
			},
		},
		{
			Name: "hcl values unknown until apply",
			HCL: `
variable "encrypted" {
  type = bool
}
variable "engine" {}
resource "aws_db_instance" "orders" {
  storage_encrypted = var.encrypted
}
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  encrypted         = var.encrypted
}
resource "aws_launch_template" "web" {
  block_device_mappings {
    device_name = "/dev/sda1"
    ebs {
      encrypted = var.encrypted
    }
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_instance.orders", Path: "storage_encrypted", Undecidable: true},
				{Address: "aws_ebs_volume.data", Path: "encrypted", Undecidable: true},
				{Address: "aws_launch_template.web", Path: "block_device_mappings[0].ebs[0].encrypted", Undecidable: true},
			},
		},
		{
			Name: "plan unencrypted database and volume",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_db_instance.orders", After: map[string]any{"identifier": "orders", "storage_encrypted": false}},
				ruletest.Change{Address: "module.data.aws_ebs_volume.data[0]", After: map[string]any{"size": 10, "encrypted": false}},
				ruletest.Change{Address: "aws_efs_file_system.share", After: map[string]any{"encrypted": true}},
			),
			Want: []ruletest.Want{
				{Address: "aws_db_instance.orders", Path: "storage_encrypted"},
				{Address: "module.data.aws_ebs_volume.data[0]", Path: "encrypted"},
			},
		},
		{
			Name: "plan launch template mapping with encrypted unset shows an empty string",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_launch_template.web", After: map[string]any{
				"name": "web",
				"block_device_mappings": []any{
					map[string]any{"device_name": "/dev/sda1", "ebs": []any{map[string]any{"encrypted": "", "volume_size": 20}}},
					map[string]any{"device_name": "/dev/sdb", "ebs": []any{map[string]any{"encrypted": "true"}}},
					map[string]any{"device_name": "/dev/sdc", "virtual_name": "ephemeral0", "ebs": []any{}},
				},
			}}),
			Want: []ruletest.Want{{Address: "aws_launch_template.web", Path: "block_device_mappings[0].ebs[0]", Message: "does not set encrypted"}},
		},
		{
			Name: "plan queue encrypted with a KMS key shows sqs_managed_sse_enabled false",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_sqs_queue.kms", After: map[string]any{"kms_master_key_id": "alias/jobs", "sqs_managed_sse_enabled": false}},
				ruletest.Change{Address: "aws_sqs_queue.off", After: map[string]any{"kms_master_key_id": "", "sqs_managed_sse_enabled": false}},
			),
			Want: []ruletest.Want{{Address: "aws_sqs_queue.off", Path: "sqs_managed_sse_enabled"}},
		},
		{
			Name: "plan values known only after apply",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_instance.web", After: map[string]any{"ami": "ami-1"},
					Unknown: map[string]any{"root_block_device": true, "ebs_block_device": true}},
				ruletest.Change{Address: "aws_kinesis_stream.clicks", After: map[string]any{"shard_count": 1},
					Unknown: map[string]any{"encryption_type": true}},
			),
			Want: []ruletest.Want{
				{Address: "aws_instance.web", Path: "root_block_device", Undecidable: true},
				{Address: "aws_instance.web", Path: "ebs_block_device", Undecidable: true},
				{Address: "aws_kinesis_stream.clicks", Path: "encryption_type", Undecidable: true},
			},
		},
		{
			Name: "plan deleted unencrypted database is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_db_instance.old", Actions: []string{"delete"},
				Before: map[string]any{"storage_encrypted": false}}),
		},
		{
			Name: "stores the provider always encrypts are not judged",
			HCL: `
resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
  server_side_encryption {
    enabled = false
  }
}
resource "azurerm_storage_account" "sa" {
  name                              = "sa"
  infrastructure_encryption_enabled = false
}
resource "google_compute_disk" "d" {
  name = "d"
}`,
		},
		{
			Name: "kubernetes objects are not judged",
			YAML: `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: app}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}`,
		},
	})
}
