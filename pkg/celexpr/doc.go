// Package celexpr evaluates CEL expressions (the Common Expression Language,
// which Kubernetes ValidatingAdmissionPolicy also uses) over guardrail's
// resource model, for the custom rules a policy file declares.
//
// One environment serves Terraform source, Terraform plans and Kubernetes
// manifests alike. An expression sees these variables:
//
//	object      the attribute tree: Terraform attributes and blocks (blocks
//	            as lists of maps), or the whole Kubernetes object
//	oldObject   a plan's prior attributes for updates and deletes, else null
//	resource    the resource's identity: format, type, name, namespace,
//	            address, module, provider, apiVersion, action, unit, file
//	env         the environment the policy placed the resource in ("" for none)
//	labels      Terraform tags or Kubernetes labels, map(string, string)
//	annotations Kubernetes annotations, map(string, string)
//
// besides CEL's standard functions, optional values (object.?spec.?x), and
// the cel-go extension libraries for strings, math, encoders, bindings
// (cel.bind) and networks (ip, cidr). Numbers that are whole are ints, other
// numbers doubles, and ints compare with doubles.
//
// # Unknown values
//
// An attribute guardrail cannot know statically (resource.UnknownValue: known
// only after apply, or an HCL expression static evaluation cannot resolve) is
// a CEL unknown. CEL's logic decides around unknowns where it can
// (`true || unknown` is true; exists() is true when a known element
// satisfies it) and otherwise the result is unknown: Result.Known is false and
// Result.Unknowns names the attributes it depends on. ==, != and in compare
// inside lists and maps the same way: 'x' in ['x', unknown] is true,
// 'y' in ['x', unknown] unknown. Custom rules report an unknown result as
// "cannot be decided statically"; it is never taken for a pass.
//
// # Limits
//
// A policy is data, and the admission webhook evaluates it on every request,
// so an expression is bounded: at most MaxExpressionLength bytes and
// MaxNesting levels deep when compiled, and at most CostLimit units of CEL's
// runtime cost (roughly one unit per operation, and per element or byte
// traversed) on each evaluation; a context deadline interrupts it too. An
// evaluation over its budget fails with ErrCostLimit.
package celexpr
