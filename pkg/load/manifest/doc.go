// Package manifest loads Kubernetes manifests (multi-document YAML streams,
// JSON, and v1 List or any *List kind with items) into guardrail's resource
// model: one resource.Resource per object, addressed Kind/namespace/name,
// with the whole object as attributes, its labels and annotations, inline
// waivers from the guardrail.dev/ignore annotation, and a Locator that points
// every attribute path at its line and column.
//
// Objects of kinds built into Kubernetes are checked against their Go types
// (from the client-go scheme) before they are judged: an object Kubernetes
// would refuse, such as one with replicas: "three", is reported as an error
// at the offending field and left out, so that a malformed object never
// passes silently. Objects of other kinds (custom resources, Istio, Gateway
// API) are kept as they are written.
//
// A document that is not a Kubernetes object (a scalar, a list, YAML without
// apiVersion and kind, an unrendered Go template, invalid UTF-8, an alias
// bomb, duplicate keys, nesting too deep) is an error diagnostic with its
// file, line and document index; the other documents of the stream are
// still loaded.
package manifest
