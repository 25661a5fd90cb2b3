// Package hclsource loads a Terraform root module from its HCL source (.tf and
// .tf.json files) into guardrail's resource model, without running Terraform.
//
// It owns everything between a directory on disk and a resource.Set: reading
// files within limits, parsing them with hcl/v2, following local module
// sources, and a static evaluation of expressions that computes what can be
// known before plan and marks everything else as a resource.UnknownValue
// that says why. Every resource instance carries its Terraform address, the
// references it makes to other resources, inline waiver comments written
// next to it, and a Locator that points each attribute path at its source.
//
// What is evaluated: input variables (defaults, terraform.tfvars,
// *.auto.tfvars, -var-file and -var values, with type constraints and
// optional() defaults), locals, outputs of local modules, terraform.workspace,
// path.*, count.index and each.*, the functions listed in funcs.go (most of
// Terraform's, including cidrsubnet, cidrhost and file within the module
// directories), count and for_each expansion of resources and module calls,
// dynamic blocks, and references to other resources' configured arguments.
//
// What is not: attributes a provider computes (ids, ARNs, and arguments left
// null, which a provider may fill), data sources, remote module sources,
// functions with side effects or time (timestamp, uuid) and any function
// not listed, which all become unknown with a reason. Override files are
// skipped with a warning.
//
// Static evaluation is deliberately conservative: a value that cannot be
// known is unknown, never guessed. Problems with the input are returned as
// diagnostics in the Set, each with a file, line and column; LoadModule
// itself fails only when the directory cannot be read or the context ends.
package hclsource
