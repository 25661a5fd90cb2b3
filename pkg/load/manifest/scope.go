package manifest

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// scopes says which kinds are cluster-scoped: no namespace, and addressed Kind/name.
type scopes struct {
	kinds  map[string]bool // kind, or group/kind, that is cluster-scoped (true) or namespaced (false)
	groups map[string]bool // API groups whose every kind is cluster-scoped
}

// clusterScoped reports whether objects of kind in apiVersion have no namespace.
func (s scopes) clusterScoped(apiVersion, kind string) bool {
	group := groupOf(apiVersion)
	if v, ok := s.kinds[group+"/"+kind]; ok {
		return v
	}
	if v, ok := s.kinds[kind]; ok {
		return v
	}
	return s.groups[group]
}

func groupOf(apiVersion string) string {
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return "" // the core group: v1
}

// builtinScopes are the cluster-scoped kinds of Kubernetes and of widely
// used extensions whose CustomResourceDefinitions may not be in the input.
var builtinScopes = scopes{
	kinds: map[string]bool{
		"Namespace": true, "Node": true, "PersistentVolume": true, "ComponentStatus": true,
		"ClusterRole": true, "ClusterRoleBinding": true,
		"CustomResourceDefinition": true, "APIService": true,
		"StorageClass": true, "CSIDriver": true, "CSINode": true, "VolumeAttachment": true, "VolumeAttributesClass": true,
		"PriorityClass": true, "IngressClass": true, "RuntimeClass": true,
		"IPAddress": true, "ServiceCIDR": true, "DeviceClass": true,
		"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
		"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
		"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true,
		"PodSecurityPolicy": true, "CertificateSigningRequest": true, "ClusterTrustBundle": true,
		"FlowSchema": true, "PriorityLevelConfiguration": true, "StorageVersion": true,
		"TokenReview": true, "SelfSubjectReview": true, "SelfSubjectAccessReview": true,
		"SelfSubjectRulesReview": true, "SubjectAccessReview": true,
		// Widely used extensions.
		"GatewayClass": true, "ClusterIssuer": true, "ClusterPolicy": true, "ClusterPolicyReport": true,
		"ClusterSecretStore": true, "ClusterExternalSecret": true, "ConstraintTemplate": true,
		"ClusterTask": true, "ClusterTriggerBinding": true, "ClusterInterceptor": true,
	},
	groups: map[string]bool{
		"admissionregistration.k8s.io": true, "apiextensions.k8s.io": true, "apiregistration.k8s.io": true,
		"scheduling.k8s.io": true, "node.k8s.io": true, "flowcontrol.apiserver.k8s.io": true,
		"certificates.k8s.io": true, "apiserverinternal.k8s.io": true, "authentication.k8s.io": true,
		"constraints.gatekeeper.sh": true, "config.openshift.io": true,
	},
}

// crdScopes returns builtinScopes extended with the scope of every
// CustomResourceDefinition among objs, or nil when there is none.
func crdScopes(objs []object) *scopes {
	var out *scopes
	for _, o := range objs {
		group, kind, cluster, ok := CRDScope(o.attrs)
		if !ok {
			continue
		}
		if out == nil {
			out = &scopes{kinds: make(map[string]bool, len(builtinScopes.kinds)+8), groups: builtinScopes.groups}
			for k, v := range builtinScopes.kinds {
				out.kinds[k] = v
			}
		}
		out.kinds[group+"/"+kind] = cluster
	}
	return out
}

// CRDScope reads a CustomResourceDefinition object: the group and kind it
// defines and whether that kind is cluster-scoped. ok is false when obj is
// not a CustomResourceDefinition with a group, a kind and a scope.
func CRDScope(obj map[string]any) (group, kind string, clusterScoped, ok bool) {
	if k, _ := obj["kind"].(string); k != "CustomResourceDefinition" {
		return "", "", false, false
	}
	if av, _ := obj["apiVersion"].(string); groupOf(av) != "apiextensions.k8s.io" {
		return "", "", false, false
	}
	spec, _ := obj["spec"].(map[string]any)
	group, _ = spec["group"].(string)
	names, _ := spec["names"].(map[string]any)
	kind, _ = names["kind"].(string)
	scope, _ := spec["scope"].(string)
	if group == "" || kind == "" || scope == "" {
		return "", "", false, false
	}
	return group, kind, scope == "Cluster", true
}

// ResolveScopes applies the scope the CustomResourceDefinitions among rs
// declare to the objects of their kinds in rs, for inputs where a CRD and
// its objects are in different files (Load already applies the CRDs of the
// file it reads). An object of a cluster-scoped kind loses its namespace; an
// object of a namespaced kind that had none gets metadata.namespace, or
// namespace when it names none. Addresses follow. It must be called before
// the resources are shared.
func ResolveScopes(rs []*resource.Resource, namespace string) {
	declared := map[string]bool{}
	for _, r := range rs {
		if !r.IsKubernetes() {
			continue
		}
		if group, kind, cluster, ok := CRDScope(r.Attributes); ok {
			declared[group+"/"+kind] = cluster
		}
	}
	if len(declared) == 0 {
		return
	}
	for _, r := range rs {
		if !r.IsKubernetes() {
			continue
		}
		cluster, ok := declared[groupOf(r.APIVersion)+"/"+r.Type]
		if !ok {
			continue
		}
		switch {
		case cluster && r.Namespace != "":
			r.Namespace = ""
		case !cluster && r.Namespace == "":
			meta, _ := r.Attributes["metadata"].(map[string]any)
			r.Namespace, _ = meta["namespace"].(string)
			if r.Namespace == "" {
				r.Namespace = namespace
			}
		default:
			continue
		}
		r.Address = address(r.Type, r.Namespace, r.Name)
	}
}

// address is Kind/namespace/name, or Kind/name without a namespace.
func address(kind, namespace, name string) string {
	if namespace != "" {
		return kind + "/" + namespace + "/" + name
	}
	return kind + "/" + name
}
