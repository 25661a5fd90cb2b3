package controller

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Audited are the kinds the audit evaluates. Secrets are deliberately absent:
// guardrail reads Secrets by reference only and needs no access to them.
var Audited = []schema.GroupVersionKind{
	{Version: "v1", Kind: "Namespace"},
	{Version: "v1", Kind: "Pod"},
	{Version: "v1", Kind: "Service"},
	{Version: "v1", Kind: "ConfigMap"},
	{Version: "v1", Kind: "PersistentVolumeClaim"},
	{Group: "apps", Version: "v1", Kind: "Deployment"},
	{Group: "apps", Version: "v1", Kind: "StatefulSet"},
	{Group: "apps", Version: "v1", Kind: "DaemonSet"},
	{Group: "apps", Version: "v1", Kind: "ReplicaSet"},
	{Group: "batch", Version: "v1", Kind: "Job"},
	{Group: "batch", Version: "v1", Kind: "CronJob"},
	{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress"},
	{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRoleBinding"},
	{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "Gateway"},
	{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "HTTPRoute"},
	{Group: "security.istio.io", Version: "v1", Kind: "PeerAuthentication"},
	{Group: "networking.istio.io", Version: "v1", Kind: "DestinationRule"},
	{Group: "networking.istio.io", Version: "v1", Kind: "Gateway"},
}

// managed reports whether an object is owned by a controller whose own
// object is audited (a Pod of a ReplicaSet, a ReplicaSet of a Deployment, a
// Job of a CronJob): its findings belong to the owner.
func managed(u *unstructured.Unstructured) bool {
	for _, o := range u.GetOwnerReferences() {
		if o.Controller != nil && *o.Controller {
			switch o.Kind {
			case "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob":
				return true
			}
		}
	}
	return false
}

// toResource turns a live object into the resource model through the same
// manifest loader the linter uses.
func toResource(u *unstructured.Unstructured) (*resource.Resource, error) {
	obj := u.DeepCopy()
	// Status and managed fields are not configuration, and large.
	unstructured.RemoveNestedField(obj.Object, "status")
	unstructured.RemoveNestedField(obj.Object, "metadata", "managedFields")
	data, err := json.Marshal(obj.Object)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("cluster:%s/%s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
	set, err := manifest.Load(name, data, manifest.Options{})
	if err != nil {
		return nil, err
	}
	if set.Diagnostics.HasErrors() {
		return nil, set.Diagnostics.Errs()
	}
	if len(set.Resources) != 1 {
		return nil, fmt.Errorf("%s: read %d objects, want 1", name, len(set.Resources))
	}
	r := set.Resources[0]
	// A namespace is the unit of deployment in a cluster: GR-SEG-001 looks
	// for environments mixed within one.
	r.Unit = "cluster"
	if ns := u.GetNamespace(); ns != "" {
		r.Unit = "namespace " + ns
	}
	return r, nil
}
