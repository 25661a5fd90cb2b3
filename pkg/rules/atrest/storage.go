package atrest

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

const plain = "data is stored unencrypted"

func off(attr string) expect.Setting {
	return expect.Setting{Path: []string{attr}, Wrong: expect.IsFalse(attr + " is false: " + plain), What: "whether data is encrypted at rest"}
}

func required(typ string, path ...string) expect.Setting {
	attr := path[len(path)-1]
	return expect.Setting{Type: typ, Path: path, Wrong: expect.IsFalse(attr + " is false: " + plain),
		Missing: attr + " is not set and defaults to false: " + plain, What: "whether data is encrypted at rest"}
}

func withType(typ string, s expect.Setting) expect.Setting { s.Type = typ; return s }

func when(s expect.Setting, cond func(*resource.Resource) bool) expect.Setting {
	s.When = cond
	return s
}

func not(cond func(*resource.Resource) bool) func(*resource.Resource) bool {
	return func(r *resource.Resource) bool { return !cond(r) }
}

// attrIs reports whether a string attribute is known and equal to one of values, without case.
func attrIs(attr string, values ...string) func(*resource.Resource) bool {
	return func(r *resource.Resource) bool {
		s, ok := r.Get(attr).Str()
		for _, v := range values {
			if ok && strings.EqualFold(s, v) {
				return true
			}
		}
		return false
	}
}

// unset reports whether an attribute is absent, null or empty.
func unset(attr string) func(*resource.Resource) bool {
	return func(r *resource.Resource) bool {
		v := r.Get(attr)
		return v.IsNull() || v.String() == "" && !v.IsUnknown()
	}
}

// hasBlocks reports whether a nested block is written (or unknown): repeated
// blocks such as ebs_block_device are judged one by one, and an instance with
// none has nothing to judge.
func hasBlocks(attr string) func(*resource.Resource) bool {
	return func(r *resource.Resource) bool {
		v := r.Get(attr)
		return v.IsUnknown() || len(v.List()) > 0
	}
}

// The AWS provider encrypts Aurora Serverless v1 clusters and Valkey
// replication groups unless told otherwise, so leaving the setting out is safe
// there; setting it to false is not.
var (
	serverless = attrIs("engine_mode", "serverless")
	valkey     = attrIs("engine", "valkey")
)

// Resources whose data the provider always encrypts (DynamoDB tables, Azure
// storage accounts and managed disks, GCP disks) are not listed: their
// settings choose who holds the key, or add a second layer, and cannot leave
// data unencrypted.
var storageSettings = []expect.Setting{
	required("aws_db_instance", "storage_encrypted"),
	when(required("aws_rds_cluster", "storage_encrypted"), not(serverless)),
	when(withType("aws_rds_cluster", off("storage_encrypted")), serverless),
	required("aws_docdb_cluster", "storage_encrypted"),
	required("aws_neptune_cluster", "storage_encrypted"),
	required("aws_redshift_cluster", "encrypted"),
	required("aws_ebs_volume", "encrypted"),
	required("aws_efs_file_system", "encrypted"),
	when(required("aws_elasticache_replication_group", "at_rest_encryption_enabled"), not(valkey)),
	when(withType("aws_elasticache_replication_group", off("at_rest_encryption_enabled")), valkey),
	required("aws_instance", "root_block_device", "encrypted"),
	withType("aws_instance", expect.Setting{Path: []string{"ebs_block_device", "encrypted"},
		Wrong: expect.IsFalse("an EBS block device is not encrypted: " + plain), Missing: "an EBS block device is not encrypted: " + plain,
		What: "whether the block device is encrypted", When: hasBlocks("ebs_block_device")}),
	required("aws_opensearch_domain", "encrypt_at_rest", "enabled"),
	required("aws_elasticsearch_domain", "encrypt_at_rest", "enabled"),
	// A queue with a KMS key is encrypted by it; plans then show sqs_managed_sse_enabled = false.
	when(withType("aws_sqs_queue", off("sqs_managed_sse_enabled")), unset("kms_master_key_id")),
	withType("aws_sns_topic", expect.Setting{Path: []string{"kms_master_key_id"},
		Wrong: func(v resource.Value) (string, bool) {
			return "kms_master_key_id is empty: messages are stored without encryption", v.String() == ""
		},
		Missing: "no kms_master_key_id: messages are stored without encryption", What: "whether the topic is encrypted"}),
	withType("aws_kinesis_stream", expect.Setting{Path: []string{"encryption_type"}, Wrong: expect.OneOf("encryption_type is %v: "+plain, "NONE"),
		Missing: "encryption_type is not set and defaults to NONE: " + plain, What: "whether the stream is encrypted"}),
}

// judgeLaunchTemplate judges the EBS volumes of a launch template's block
// device mappings. A mapping without an ebs block (an instance store volume,
// no_device) holds no EBS volume, and ebs.encrypted is a string that plans
// show as "" when it is not set.
func judgeLaunchTemplate(p *rule.Pass, r *resource.Resource) {
	const what = "whether the block device is encrypted"
	mappings := r.Get("block_device_mappings")
	if mappings.IsUnknown() {
		p.Undecidable(r, mappings, what)
		return
	}
	for _, m := range mappings.List() {
		ebs := m.Get("ebs")
		if ebs.IsUnknown() {
			p.Undecidable(r, ebs, what)
			continue
		}
		for _, e := range ebs.List() {
			enc := e.Get("encrypted")
			switch b, isBool := enc.Bool(); {
			case enc.IsUnknown():
				p.Undecidable(r, enc, what)
			case enc.IsNull() || enc.String() == "":
				p.ReportValue(r, e, "a block device mapping does not set encrypted: %s", plain)
			case isBool && !b:
				p.ReportValue(r, enc, "a block device mapping is not encrypted: %s", plain)
			}
		}
	}
}

// UnencryptedStorage is GR-REST-001.
var UnencryptedStorage = &rule.Rule{
	ID:       "GR-REST-001",
	Title:    "Data stores are encrypted at rest",
	Control:  rule.AtRest,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionAtRest, clause.FileLevelEncryption, clause.EncryptedBackups},
	Description: "A database, cluster, volume, file system, cache, search domain, queue, topic or stream stores data " +
		"without encryption at rest, or leaves it to a default that does not encrypt.",
	Remediation: "Turn on the resource's encryption setting (storage_encrypted, encrypted, at_rest_encryption_enabled, " +
		"encrypt_at_rest, kms_master_key_id...), preferably with a customer-managed KMS key. Existing unencrypted " +
		"stores need a snapshot-and-restore into an encrypted one.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   append(expect.Types(storageSettings), "aws_launch_template"),
	Peers: rule.Peers{
		Checkov: []string{"CKV_AWS_16", "CKV_AWS_3", "CKV_AWS_8", "CKV_AWS_29", "CKV_AWS_42", "CKV_AWS_5", "CKV_AWS_27", "CKV_AWS_26", "CKV_AWS_43", "CKV_AWS_64",
			"CKV_AWS_44", "CKV_AWS_74"},
		Trivy: []string{"AWS-0080", "AWS-0026", "AWS-0037", "AWS-0021", "AWS-0045", "AWS-0048", "AWS-0076", "AWS-0079", "AWS-0095",
			"AWS-0096", "AWS-0131"},
		Terrascan: []string{"AC_AWS_0058", "AC_AWS_0097", "AC_AWS_0112", "AC_AWS_0157", "AC_AWS_0186", "AC_AWS_0455", "AC_AWS_0460",
			"AC_AWS_0466", "AC_AWS_0493", "AC_AWS_0502"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if r.Type == "aws_launch_template" {
			judgeLaunchTemplate(p, r)
			return
		}
		expect.Judge(p, r, storageSettings)
	},
}

// Rules returns the encryption-at-rest rules.
func Rules() []*rule.Rule { return []*rule.Rule{UnencryptedStorage} }
