// Package tfplan loads Terraform plans rendered by `terraform show -json` into
// guardrail's resource model: one resource.Resource per resource change, with
// the planned values as attributes, "known after apply" values marked as
// resource.AfterApply, the prior values kept for updates and deletes, tags or
// labels, the account, project, subscription and region of the provider
// configuration, references between resources taken from the plan's
// configuration section, and inline waivers written as a
// guardrail.dev/ignore tag.
//
// The loader reads only the parts of a plan it needs (format_version,
// terraform_version, variables, resource_changes and configuration) and skips
// planned_values, prior_state and resource_drift without building them, so a
// large plan costs little more than one pass of the JSON scanner. Each resource
// change keeps the line and column it starts at, which matters for the
// single-line output of `terraform show -json`.
//
// Problems with the input (invalid or truncated JSON, a file that is not a
// plan, an unsupported format version, a field of the wrong type, a file over
// the size limit) are returned as error diagnostics in the resource.Set, never
// as a panic and never as an empty, clean result.
package tfplan
