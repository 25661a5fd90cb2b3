package transit

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

var serviceSettings = []expect.Setting{
	{Type: "aws_elasticache_replication_group", Path: []string{"transit_encryption_enabled"},
		Wrong:   expect.IsFalse("transit_encryption_enabled is false: clients talk to the cache in plaintext"),
		Missing: "transit_encryption_enabled is not set and defaults to false: clients talk to the cache in plaintext",
		What:    "whether the cache encrypts traffic in transit"},
	{Type: "aws_elasticache_replication_group", Path: []string{"transit_encryption_mode"},
		Wrong: expect.OneOf("transit_encryption_mode is %v: plaintext connections are still accepted", "preferred"),
		What:  "whether the cache still accepts plaintext connections"},
	{Type: "aws_memorydb_cluster", Path: []string{"tls_enabled"},
		Wrong: expect.IsFalse("tls_enabled is false: clients talk to the cluster in plaintext"),
		What:  "whether the cluster requires TLS"},
	{Type: "aws_dax_cluster", Path: []string{"cluster_endpoint_encryption_type"},
		Wrong:   expect.NoneOf("cluster_endpoint_encryption_type is %v: clients talk to the cluster in plaintext", "TLS"),
		Missing: "cluster_endpoint_encryption_type is not set and defaults to NONE: clients talk to the cluster in plaintext",
		What:    "whether the cluster requires TLS"},
	{Type: "aws_msk_cluster", Path: []string{"encryption_info", "encryption_in_transit", "client_broker"},
		Wrong: expect.OneOf("client_broker is %v: clients may talk to the brokers in plaintext", "PLAINTEXT", "TLS_PLAINTEXT"),
		What:  "whether clients must use TLS"},
	{Type: "aws_msk_cluster", Path: []string{"encryption_info", "encryption_in_transit", "in_cluster"},
		Wrong: expect.IsFalse("in_cluster is false: brokers talk to each other in plaintext"),
		What:  "whether brokers use TLS between them"},
	{Type: "aws_opensearch_domain", Path: []string{"domain_endpoint_options", "enforce_https"},
		Wrong:        expect.IsFalse("enforce_https is false: the domain accepts plain HTTP"),
		MissingBlock: "domain_endpoint_options is not set, so the domain keeps AWS's default and accepts plain HTTP",
		What:         "whether the domain enforces HTTPS"},
	{Type: "aws_opensearch_domain", Path: []string{"node_to_node_encryption", "enabled"},
		Wrong:   expect.IsFalse("node-to-node encryption is off: nodes talk to each other in plaintext"),
		Missing: "node_to_node_encryption is not enabled: nodes talk to each other in plaintext",
		What:    "whether nodes encrypt traffic between them"},
	{Type: "aws_elasticsearch_domain", Path: []string{"domain_endpoint_options", "enforce_https"},
		Wrong:        expect.IsFalse("enforce_https is false: the domain accepts plain HTTP"),
		MissingBlock: "domain_endpoint_options is not set, so the domain keeps AWS's default and accepts plain HTTP",
		What:         "whether the domain enforces HTTPS"},
	{Type: "aws_elasticsearch_domain", Path: []string{"node_to_node_encryption", "enabled"},
		Wrong:   expect.IsFalse("node-to-node encryption is off: nodes talk to each other in plaintext"),
		Missing: "node_to_node_encryption is not enabled: nodes talk to each other in plaintext",
		What:    "whether nodes encrypt traffic between them"},
	{Type: "aws_redshift_parameter_group", Path: []string{"parameter"},
		Wrong: func(params resource.Value) (string, bool) {
			for _, v := range params.List() {
				if v.Get("name").String() == "require_ssl" {
					if b, ok := v.Get("value").Bool(); ok && !b {
						return "require_ssl is false: clients may connect in plaintext", true
					}
				}
			}
			return "", false
		},
		What: "whether the cluster requires SSL"},
	{Type: "aws_dms_endpoint", Path: []string{"ssl_mode"},
		Wrong:   expect.OneOf("ssl_mode is %v: the replication link is plaintext", "none"),
		Missing: "ssl_mode is not set and defaults to none: the replication link is plaintext",
		What:    "whether the replication endpoint uses TLS",
		When:    func(r *resource.Resource) bool { return dmsSSLEngines[r.Get("engine_name").String()] }},
	{Type: "google_redis_instance", Path: []string{"transit_encryption_mode"},
		Wrong:   expect.OneOf("transit_encryption_mode is %v: clients talk to Redis in plaintext", "DISABLED"),
		Missing: "transit_encryption_mode is not set and defaults to DISABLED: clients talk to Redis in plaintext",
		What:    "whether Redis requires TLS"},
	{Type: "azurerm_redis_cache", Path: []string{"non_ssl_port_enabled"},
		Wrong: expect.IsTrue("non_ssl_port_enabled is true: the cache also serves clients in plaintext on port 6379"),
		What:  "whether the plaintext port is enabled"},
	{Type: "azurerm_redis_cache", Path: []string{"enable_non_ssl_port"},
		Wrong: expect.IsTrue("enable_non_ssl_port is true: the cache also serves clients in plaintext on port 6379"),
		What:  "whether the plaintext port is enabled"},
}

// dmsSSLEngines are the DMS endpoint engines whose connection ssl_mode
// secures; the others (S3, DynamoDB, Kinesis, Kafka, OpenSearch, Neptune,
// Redis, Redshift) have their own settings or always use TLS.
var dmsSSLEngines = map[string]bool{
	"mysql": true, "mariadb": true, "aurora": true, "aurora-serverless": true, "aurora-postgresql": true,
	"aurora-postgresql-serverless": true, "postgres": true, "oracle": true, "sqlserver": true, "azuredb": true,
	"azure-sql-managed-instance": true, "babelfish": true, "mongodb": true, "docdb": true, "db2": true,
	"db2-zos": true, "sybase": true,
}

// ServiceTransit is GR-TLS-004.
var ServiceTransit = &rule.Rule{
	ID:       "GR-TLS-004",
	Title:    "Caches, brokers and search clusters encrypt traffic in transit",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork},
	Description: "A managed cache, message broker, search domain, warehouse or replication endpoint accepts or makes " +
		"plaintext connections: ElastiCache or MemoryDB without transit encryption, MSK with plaintext client or " +
		"inter-broker traffic, OpenSearch without enforced HTTPS or node-to-node encryption, DAX without TLS, " +
		"Redshift without require_ssl, DMS endpoints without SSL, Memorystore or Azure Redis with a plaintext port.",
	Remediation: "Turn on the service's transit encryption setting (it may need a new cluster), and make clients connect with TLS.",
	Formats:     []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:       expect.Types(serviceSettings),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_30", "CKV_AWS_202", "CKV_AWS_83", "CKV_AWS_6", "CKV_AWS_105", "CKV_AWS_239", "CKV_GCP_97",
			"CKV_AZURE_91", "CKV2_AWS_49", "CKV_AWS_81"},
		Trivy:     []string{"AWS-0051", "AWS-0073", "AWS-0043", "AWS-0046"},
		Terrascan: []string{"AC_AWS_0467", "AC_AZURE_0394", "AC_AWS_0468"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) { expect.Judge(p, r, serviceSettings) },
}
