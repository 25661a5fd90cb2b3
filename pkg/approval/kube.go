package approval

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// Annotation keys, after the policy's approval prefix (guardrail.dev/ by default).
const (
	// KeyApprovals holds the approvals of the object's change, a JSON Change.
	KeyApprovals = "approvals"
	// KeyAuthor names the author of the change.
	KeyAuthor = "author"
	// KeyBreakGlass holds the reason of a break-glass deploy.
	KeyBreakGlass = "break-glass"
)

// SecretValueMarker replaces every value of a Secret's data and stringData
// in the canonical form: approvals bind which keys a Secret has, never its
// values, which guardrail does not keep (they are redacted when loaded).
const SecretValueMarker = "(redacted)"

// ignoredAnnotations are annotations the canonical form leaves out besides
// the approval annotations themselves: kubectl's record of the last apply
// and annotations the API server and the built-in controllers set.
var ignoredAnnotations = map[string]bool{
	"kubectl.kubernetes.io/last-applied-configuration": true,
	"deployment.kubernetes.io/revision":                true,
	"deployment.kubernetes.io/desired-replicas":        true,
	"deployment.kubernetes.io/max-replicas":            true,
	"deprecated.daemonset.template.generation":         true,
	"pv.kubernetes.io/bind-completed":                  true,
	"pv.kubernetes.io/bound-by-controller":             true,
	"pv.kubernetes.io/provisioned-by":                  true,
	"volume.beta.kubernetes.io/storage-provisioner":    true,
	"volume.kubernetes.io/storage-provisioner":         true,
	"volume.kubernetes.io/selected-node":               true,
	"endpoints.kubernetes.io/last-change-trigger-time": true,
	"control-plane.alpha.kubernetes.io/leader":         true,
	"batch.kubernetes.io/job-tracking":                 true,
	"batch.kubernetes.io/cronjob-scheduled-timestamp":  true,
}

// IgnoredAnnotations returns the annotations, besides prefix+approvals and
// prefix+break-glass, that the canonical form of an object leaves out.
func IgnoredAnnotations() []string {
	out := make([]string, 0, len(ignoredAnnotations))
	for k := range ignoredAnnotations {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Object is the canonical form of a Kubernetes object: what an approval of
// it covers. It holds
//
//   - apiVersion and kind;
//   - metadata.name (or generateName), metadata.namespace (the namespace the
//     object is deployed to, for namespaced objects: namespace), and
//     metadata.labels and metadata.annotations, without the approval
//     annotations (prefix+approvals, prefix+break-glass) and the
//     IgnoredAnnotations, and left out when empty;
//   - every other top-level field as written (spec, data, rules, subjects...),
//     but status.
//
// A v1 Secret's data and stringData become one data map whose every value is
// SecretValueMarker, since the API server merges stringData into data and
// guardrail never keeps Secret values.
//
// The object itself is not modified; the result shares its nested values.
func Object(obj map[string]any, namespace, prefix string) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		switch k {
		case "metadata", "status":
		default:
			out[k] = v
		}
	}
	meta, _ := obj["metadata"].(map[string]any)
	m := map[string]any{}
	if name, ok := meta["name"].(string); ok && name != "" {
		m["name"] = name
	} else if gen, ok := meta["generateName"].(string); ok && gen != "" {
		m["generateName"] = gen
	}
	if namespace != "" {
		m["namespace"] = namespace
	}
	if labels, ok := meta["labels"].(map[string]any); ok && len(labels) > 0 {
		m["labels"] = labels
	}
	if ann, ok := meta["annotations"].(map[string]any); ok {
		kept := make(map[string]any, len(ann))
		for k, v := range ann {
			if !excludedAnnotation(k, prefix) {
				kept[k] = v
			}
		}
		if len(kept) > 0 {
			m["annotations"] = kept
		}
	}
	out["metadata"] = m
	if isSecret(obj) {
		data := map[string]any{}
		for _, field := range []string{"data", "stringData"} {
			if vals, ok := obj[field].(map[string]any); ok {
				for k := range vals {
					data[k] = SecretValueMarker
				}
			}
		}
		delete(out, "stringData")
		delete(out, "data")
		if len(data) > 0 {
			out["data"] = data
		}
	}
	return out
}

func excludedAnnotation(key, prefix string) bool {
	if ignoredAnnotations[key] {
		return true
	}
	if rest, ok := strings.CutPrefix(key, prefix); ok && prefix != "" {
		return rest == KeyApprovals || rest == KeyBreakGlass
	}
	return false
}

func isSecret(obj map[string]any) bool {
	return obj["apiVersion"] == "v1" && obj["kind"] == "Secret"
}

// ObjectDigest returns the digest of the canonical form of a Kubernetes
// object, and that form's canonical JSON.
func ObjectDigest(obj map[string]any, namespace, prefix string) (digest string, canonical []byte, err error) {
	canonical, err = Canonical(Object(obj, namespace, prefix))
	if err != nil {
		return "", nil, fmt.Errorf("the object cannot be written in canonical form: %w", err)
	}
	return DigestBytes(canonical), canonical, nil
}

// typed round-trips a canonical object of a built-in kind through its Go
// type, as the API server reads and writes it: fields at their zero value
// that the API leaves out are dropped (hostNetwork: false), quantities take
// their canonical spelling (0.5 is 500m), numbers their type, and fields the
// type does not have are dropped. Objects of other kinds, v1 Secrets (whose
// values are markers) and objects the type refuses are returned as they are.
func typed(obj map[string]any) map[string]any {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if isSecret(obj) || apiVersion == "" || kind == "" {
		return obj
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return obj
	}
	gvk := gv.WithKind(kind)
	if !clientgoscheme.Scheme.Recognizes(gvk) {
		return obj
	}
	t, err := clientgoscheme.Scheme.New(gvk)
	if err != nil {
		return obj
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, t); err != nil {
		return obj
	}
	out, err := runtime.DefaultUnstructuredConverter.ToUnstructured(t)
	if err != nil {
		return obj
	}
	// The typed object writes some zero values it was not given (a
	// Service port's targetPort 0, a Deployment's strategy {}): keep only
	// what the object has, as the type reads it. And the canonical form's
	// metadata, as it is.
	prune(out, obj)
	out["metadata"] = obj["metadata"]
	return out
}

// prune removes from typed what orig, the value it was read from, does not
// have, at every depth.
func prune(typed, orig any) {
	switch t := typed.(type) {
	case map[string]any:
		o, _ := orig.(map[string]any)
		for k, v := range t {
			ov, ok := o[k]
			if !ok {
				delete(t, k)
				continue
			}
			prune(v, ov)
		}
	case []any:
		o, _ := orig.([]any)
		for i, v := range t {
			if i < len(o) {
				prune(v, o[i])
			}
		}
	}
}
