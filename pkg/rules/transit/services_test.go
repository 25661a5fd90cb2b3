package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestServiceTransit(t *testing.T) {
	ruletest.Run(t, "GR-TLS-004", []ruletest.Case{
		{
			Name: "hcl elasticache: default off, explicitly off, preferred mode, required",
			HCL: `
resource "aws_elasticache_replication_group" "default" {
  replication_group_id = "default"
  description          = "d"
}
resource "aws_elasticache_replication_group" "off" {
  replication_group_id       = "off"
  description                = "d"
  transit_encryption_enabled = false
}
resource "aws_elasticache_replication_group" "preferred" {
  replication_group_id       = "preferred"
  description                = "d"
  transit_encryption_enabled = true
  transit_encryption_mode    = "preferred"
}
resource "aws_elasticache_replication_group" "required" {
  replication_group_id       = "required"
  description                = "d"
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
}`,
			Want: []ruletest.Want{
				{Address: "aws_elasticache_replication_group.default", Message: "transit_encryption_enabled is not set and defaults to false: clients talk to the cache in plaintext"},
				{Address: "aws_elasticache_replication_group.off", Path: "transit_encryption_enabled", Line: 9, Message: "transit_encryption_enabled is false"},
				{Address: "aws_elasticache_replication_group.preferred", Path: "transit_encryption_mode", Message: "transit_encryption_mode is preferred: plaintext connections are still accepted"},
			},
		},
		{
			Name: "hcl memorydb and dax",
			HCL: `
resource "aws_memorydb_cluster" "default" {
  name      = "default"
  node_type = "db.t4g.small"
}
resource "aws_memorydb_cluster" "off" {
  name        = "off"
  node_type   = "db.t4g.small"
  tls_enabled = false
}
resource "aws_dax_cluster" "default" {
  cluster_name = "default"
  node_type    = "dax.t3.small"
}
resource "aws_dax_cluster" "tls" {
  cluster_name                     = "tls"
  node_type                        = "dax.t3.small"
  cluster_endpoint_encryption_type = "TLS"
}`,
			Want: []ruletest.Want{
				{Address: "aws_memorydb_cluster.off", Path: "tls_enabled", Message: "tls_enabled is false"},
				{Address: "aws_dax_cluster.default", Message: "cluster_endpoint_encryption_type is not set and defaults to NONE"},
			},
		},
		{
			Name: "hcl msk: plaintext clients and brokers, and the defaults",
			HCL: `
resource "aws_msk_cluster" "plain" {
  cluster_name  = "plain"
  kafka_version = "3.6.0"
  encryption_info {
    encryption_in_transit {
      client_broker = "TLS_PLAINTEXT"
      in_cluster    = false
    }
  }
}
resource "aws_msk_cluster" "default" {
  cluster_name  = "default"
  kafka_version = "3.6.0"
}`,
			Want: []ruletest.Want{
				{Address: "aws_msk_cluster.plain", Path: "encryption_info[0].encryption_in_transit[0].client_broker", Message: "client_broker is TLS_PLAINTEXT"},
				{Address: "aws_msk_cluster.plain", Path: "encryption_info[0].encryption_in_transit[0].in_cluster", Message: "in_cluster is false"},
			},
		},
		{
			Name: "hcl search domains",
			HCL: `
resource "aws_opensearch_domain" "default" {
  domain_name = "default"
}
resource "aws_opensearch_domain" "secure" {
  domain_name = "secure"
  domain_endpoint_options {
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
  node_to_node_encryption {
    enabled = true
  }
}
resource "aws_elasticsearch_domain" "off" {
  domain_name = "off"
  domain_endpoint_options {
    enforce_https = false
  }
  node_to_node_encryption {
    enabled = false
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_opensearch_domain.default", Message: "domain_endpoint_options is not set, so the domain keeps AWS's default and accepts plain HTTP"},
				{Address: "aws_opensearch_domain.default", Message: "node_to_node_encryption is not enabled: nodes talk to each other in plaintext"},
				{Address: "aws_elasticsearch_domain.off", Path: "domain_endpoint_options[0].enforce_https", Message: "enforce_https is false"},
				{Address: "aws_elasticsearch_domain.off", Path: "node_to_node_encryption[0].enabled", Message: "node-to-node encryption is off"},
			},
		},
		{
			Name: "hcl redshift parameter groups",
			HCL: `
resource "aws_redshift_parameter_group" "plain" {
  name   = "plain"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "false"
  }
}
resource "aws_redshift_parameter_group" "ssl" {
  name   = "ssl"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "true"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_redshift_parameter_group.plain", Path: "parameter", Message: "require_ssl is false"}},
		},
		{
			Name: "hcl dms endpoints: database engines need ssl_mode, others have their own settings",
			HCL: `
resource "aws_dms_endpoint" "pg" {
  endpoint_id   = "pg"
  endpoint_type = "source"
  engine_name   = "postgres"
}
resource "aws_dms_endpoint" "oracle" {
  endpoint_id   = "oracle"
  endpoint_type = "source"
  engine_name   = "oracle"
  ssl_mode      = "none"
}
resource "aws_dms_endpoint" "mysql" {
  endpoint_id   = "mysql"
  endpoint_type = "target"
  engine_name   = "mysql"
  ssl_mode      = "require"
}
resource "aws_dms_endpoint" "s3" {
  endpoint_id   = "s3"
  endpoint_type = "target"
  engine_name   = "s3"
}
resource "aws_dms_endpoint" "redshift" {
  endpoint_id   = "redshift"
  endpoint_type = "target"
  engine_name   = "redshift"
}`,
			Want: []ruletest.Want{
				{Address: "aws_dms_endpoint.pg", Message: "ssl_mode is not set and defaults to none: the replication link is plaintext"},
				{Address: "aws_dms_endpoint.oracle", Path: "ssl_mode", Message: "ssl_mode is none"},
			},
		},
		{
			Name: "hcl memorystore and azure redis",
			HCL: `
resource "google_redis_instance" "default" {
  name           = "default"
  memory_size_gb = 1
}
resource "google_redis_instance" "tls" {
  name                    = "tls"
  memory_size_gb          = 1
  transit_encryption_mode = "SERVER_AUTHENTICATION"
}
resource "azurerm_redis_cache" "v3" {
  name                = "v3"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
  enable_non_ssl_port = true
}
resource "azurerm_redis_cache" "v4" {
  name                 = "v4"
  capacity             = 1
  family               = "C"
  sku_name             = "Standard"
  non_ssl_port_enabled = false
}`,
			Want: []ruletest.Want{
				{Address: "google_redis_instance.default", Message: "transit_encryption_mode is not set and defaults to DISABLED"},
				{Address: "azurerm_redis_cache.v3", Path: "enable_non_ssl_port", Message: "enable_non_ssl_port is true: the cache also serves clients in plaintext on port 6379"},
			},
		},
		{
			Name: "plan: known values, unknown values, deletes",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_elasticache_replication_group.c", After: map[string]any{
					"replication_group_id": "c", "transit_encryption_enabled": false,
				}},
				ruletest.Change{Address: "aws_dms_endpoint.pg", After: map[string]any{"engine_name": "postgres"},
					Unknown: map[string]any{"ssl_mode": true}},
				ruletest.Change{Address: "aws_msk_cluster.old", Actions: []string{"delete"}, Before: map[string]any{
					"encryption_info": []any{map[string]any{"encryption_in_transit": []any{map[string]any{"client_broker": "PLAINTEXT"}}}},
				}},
			),
			Want: []ruletest.Want{
				{Address: "aws_elasticache_replication_group.c", Path: "transit_encryption_enabled", Message: "transit_encryption_enabled is false"},
				{Address: "aws_dms_endpoint.pg", Path: "ssl_mode", Undecidable: true},
			},
		},
		{
			Name: "policy switches the rule off outside production",
			Policy: `
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: prod-only}
spec:
  environments:
    definitions:
    - {name: prod, production: true}
    - {name: dev}
  rules:
    GR-TLS-004: {environments: [prod]}
`,
			HCL: `
resource "aws_elasticache_replication_group" "dev" {
  replication_group_id = "dev"
  description          = "d"
  tags                 = { Environment = "dev" }
}
resource "aws_elasticache_replication_group" "prod" {
  replication_group_id = "prod"
  description          = "d"
  tags                 = { Environment = "prod" }
}`,
			Want: []ruletest.Want{{Address: "aws_elasticache_replication_group.prod"}},
		},
	})
}
