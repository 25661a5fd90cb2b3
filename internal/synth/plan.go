package synth

import (
	"encoding/json"
	"fmt"
)

// PlanOptions shape a generated plan.
type PlanOptions struct {
	// Envs are the environments resources are tagged with, in turn; a plan
	// for one environment (the usual case) by default: prod.
	Envs []string
}

// Plan returns a one-line plan, as terraform show -json writes it, with
// n resource changes of realistic shapes (security groups with ingress
// blocks, instances with tags and block devices, S3 buckets), created ten
// at a time with count, with planned values, prior state for the updated
// ones and a configuration section. Plan(10_000, ...) is about 13.5 MB.
// Resources are tagged with the environments of opts in turn.
func Plan(n int, opts PlanOptions) []byte {
	envs := opts.Envs
	if len(envs) == 0 {
		envs = []string{"prod"}
	}
	var changes, planned, prior, config []any
	tags := func(i int) map[string]any {
		return map[string]any{"Name": fmt.Sprintf("res-%d", i), "env": envs[i%len(envs)]}
	}
	const perConfig = 10
	for i := 0; i < n; i++ {
		var typ, name string
		var after, unknown, exprs map[string]any
		group := i / (3 * perConfig)
		switch i % 3 {
		case 0:
			typ, name = "aws_security_group", fmt.Sprintf("sg_%d", group)
			var ingress []any
			for j := 0; j < 2; j++ {
				ingress = append(ingress, map[string]any{
					"cidr_blocks": []any{fmt.Sprintf("10.%d.%d.0/24", i%250, j)},
					"from_port":   443 + j, "to_port": 443 + j, "protocol": "tcp", "ipv6_cidr_blocks": []any{},
					"security_groups": []any{}, "self": false,
				})
			}
			after = map[string]any{"name": fmt.Sprintf("sg-%d", i), "description": "Managed by Terraform", "ingress": ingress,
				"revoke_rules_on_delete": false, "tags": tags(i), "tags_all": tags(i), "timeouts": nil}
			unknown = map[string]any{"arn": true, "id": true, "owner_id": true, "vpc_id": true, "egress": true,
				"ingress": []any{map[string]any{"cidr_blocks": []any{false}}, map[string]any{"cidr_blocks": []any{false}}}}
			exprs = map[string]any{"name": map[string]any{"references": []any{"count.index"}}, "vpc_id": map[string]any{"references": []any{"aws_vpc.main.id", "aws_vpc.main"}},
				"ingress": map[string]any{"references": []any{"var.ingress_cidrs"}}}
		case 1:
			typ, name = "aws_instance", fmt.Sprintf("app_%d", group)
			after = map[string]any{
				"ami": "ami-0c55b159cbfafe1f0", "instance_type": "t3.medium", "associate_public_ip_address": i%7 == 0,
				"monitoring": true, "key_name": "deploy", "tags": tags(i), "tags_all": tags(i),
				"metadata_options":  []any{map[string]any{"http_endpoint": "enabled", "http_tokens": "required"}},
				"root_block_device": []any{map[string]any{"encrypted": true, "volume_size": 50, "volume_type": "gp3"}},
				"timeouts":          nil,
			}
			unknown = map[string]any{"arn": true, "id": true, "private_ip": true, "public_ip": true, "subnet_id": true,
				"vpc_security_group_ids": true, "root_block_device": []any{map[string]any{"kms_key_id": true, "volume_id": true}}}
			exprs = map[string]any{"ami": map[string]any{"references": []any{"data.aws_ami.ubuntu.id", "data.aws_ami.ubuntu"}},
				"vpc_security_group_ids": map[string]any{"references": []any{fmt.Sprintf("aws_security_group.sg_%d.id", group), fmt.Sprintf("aws_security_group.sg_%d", group)}},
				"root_block_device":      []any{map[string]any{"encrypted": map[string]any{"constant_value": true}}}}
		default:
			typ, name = "aws_s3_bucket", fmt.Sprintf("data_%d", group)
			after = map[string]any{"bucket": fmt.Sprintf("acme-data-%d", i), "force_destroy": false, "tags": tags(i), "tags_all": tags(i), "timeouts": nil}
			unknown = map[string]any{"arn": true, "id": true, "acl": true, "region": true, "versioning": true}
			exprs = map[string]any{"bucket": map[string]any{"references": []any{"count.index"}}}
		}
		index := (i / 3) % perConfig
		addr := fmt.Sprintf("%s.%s[%d]", typ, name, index)
		actions := []any{"create"}
		var before any
		if i%10 == 9 {
			actions = []any{"update"}
			before = after
			prior = append(prior, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "index": index,
				"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1, "values": after, "sensitive_values": map[string]any{}})
		}
		changes = append(changes, map[string]any{
			"address": addr, "mode": "managed", "type": typ, "name": name, "index": index, "provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{"actions": actions, "before": before, "after": after, "after_unknown": unknown,
				"before_sensitive": false, "after_sensitive": map[string]any{}},
		})
		planned = append(planned, map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "index": index,
			"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1, "values": after, "sensitive_values": map[string]any{}})
		if index == 0 {
			config = append(config, map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
				"provider_config_key": "aws", "expressions": exprs, "schema_version": 1, "count_expression": map[string]any{"constant_value": perConfig}})
		}
	}
	plan := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.5",
		"variables":        map[string]any{"region": map[string]any{"value": "eu-west-1"}},
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes,
		"prior_state":      map[string]any{"format_version": "1.0", "terraform_version": "1.9.5", "values": map[string]any{"root_module": map[string]any{"resources": prior}}},
		"configuration": map[string]any{
			"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
				"expressions": map[string]any{"region": map[string]any{"references": []any{"var.region"}}, "allowed_account_ids": map[string]any{"constant_value": []any{"123456789012"}}}}},
			"root_module": map[string]any{"resources": config},
		},
		"timestamp": "2025-01-01T00:00:00Z", "applyable": true, "complete": true, "errored": false,
	}
	data, err := json.Marshal(plan)
	if err != nil {
		panic(err)
	}
	return data
}
