package kube

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// podSpecPaths maps workload kinds to where their pod spec sits.
var podSpecPaths = map[string]resource.Path{
	"Pod":                   {resource.Key("spec")},
	"PodTemplate":           {resource.Key("template"), resource.Key("spec")},
	"Deployment":            {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"StatefulSet":           {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"DaemonSet":             {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"ReplicaSet":            {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"ReplicationController": {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"Job":                   {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"CronJob":               {resource.Key("spec"), resource.Key("jobTemplate"), resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"DeploymentConfig":      {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
	"Rollout":               {resource.Key("spec"), resource.Key("template"), resource.Key("spec")},
}

// WorkloadKinds lists the kinds that carry a pod template, for rules' Types.
var WorkloadKinds = []string{"Pod", "PodTemplate", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
	"ReplicationController", "Job", "CronJob", "DeploymentConfig", "Rollout"}

// Pod is the pod spec of a workload and where it sits in the object.
type Pod struct {
	Spec *corev1.PodSpec
	// Path is the attribute path of the pod spec (spec.template.spec for a Deployment).
	Path resource.Path
}

// ContainerRef is one container of a pod with its attribute path.
type ContainerRef struct {
	Container *corev1.Container
	Path      resource.Path
	// Init is true for init containers, Ephemeral for ephemeral containers.
	Init, Ephemeral bool
}

// Containers returns the containers, init containers and ephemeral
// containers of the pod with their paths.
func (p *Pod) Containers() []ContainerRef {
	var out []ContainerRef
	for i := range p.Spec.InitContainers {
		out = append(out, ContainerRef{Container: &p.Spec.InitContainers[i], Path: p.Path.Append(resource.Key("initContainers"), resource.Index(i)), Init: true})
	}
	for i := range p.Spec.Containers {
		out = append(out, ContainerRef{Container: &p.Spec.Containers[i], Path: p.Path.Append(resource.Key("containers"), resource.Index(i))})
	}
	for i := range p.Spec.EphemeralContainers {
		c := corev1.Container(p.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, ContainerRef{Container: &c, Path: p.Path.Append(resource.Key("ephemeralContainers"), resource.Index(i)), Ephemeral: true})
	}
	return out
}

type viewKey string

type decoded[T any] struct {
	obj *T
	err error
}

// PodSpec returns the pod spec of a workload; ok is false for kinds without
// one and for a workload that holds none (the API server rejects such an
// object). err reports a pod spec that does not decode (wrong field types):
// rules report that as undecidable, never as a pass.
func PodSpec(r *resource.Resource) (pod *Pod, ok bool, err error) {
	path, known := podSpecPaths[r.Type]
	if !known || !r.IsKubernetes() {
		return nil, false, nil
	}
	d := r.Memo(viewKey("podspec"), func() any {
		raw := resource.ValueOf(r.Attributes)
		for _, s := range path {
			raw = raw.Get(s.Key)
		}
		if raw.IsNull() {
			return decoded[corev1.PodSpec]{} // no pod spec: nothing to judge
		}
		m := raw.Map()
		if m == nil {
			return decoded[corev1.PodSpec]{err: fmt.Errorf("%s has no pod spec at %s: it is not a map", r.Address, path)}
		}
		var spec corev1.PodSpec
		if err := fromMap(m, &spec); err != nil {
			return decoded[corev1.PodSpec]{err: fmt.Errorf("%s: %s: %w", r.Address, path, err)}
		}
		return decoded[corev1.PodSpec]{obj: &spec}
	}).(decoded[corev1.PodSpec])
	if d.err != nil {
		return nil, true, d.err
	}
	if d.obj == nil {
		return nil, false, nil
	}
	return &Pod{Spec: d.obj, Path: path}, true, nil
}

// fromMap decodes an attribute tree into a typed object. The converter
// recovers panics from malformed input, but guard anyway: rules must not die
// on what users write.
func fromMap(m map[string]any, into any) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("cannot decode: %v", v)
		}
	}()
	return runtime.DefaultUnstructuredConverter.FromUnstructured(m, into)
}

func typed[T any](r *resource.Resource, key viewKey) (*T, error) {
	d := r.Memo(key, func() any {
		var obj T
		if err := fromMap(r.Attributes, &obj); err != nil {
			return decoded[T]{err: fmt.Errorf("%s: %w", r.Address, err)}
		}
		return decoded[T]{obj: &obj}
	}).(decoded[T])
	return d.obj, d.err
}

// Service returns r as a core/v1 Service.
func Service(r *resource.Resource) (*corev1.Service, error) {
	return typed[corev1.Service](r, "service")
}

// Ingress returns r as a networking/v1 Ingress.
func Ingress(r *resource.Resource) (*networkingv1.Ingress, error) {
	return typed[networkingv1.Ingress](r, "ingress")
}

// NetworkPolicy returns r as a networking/v1 NetworkPolicy.
func NetworkPolicy(r *resource.Resource) (*networkingv1.NetworkPolicy, error) {
	return typed[networkingv1.NetworkPolicy](r, "networkpolicy")
}

// RoleBinding returns a RoleBinding or ClusterRoleBinding as its subjects and role reference.
func RoleBinding(r *resource.Resource) (*rbacv1.RoleBinding, error) {
	return typed[rbacv1.RoleBinding](r, "rolebinding")
}

// Role returns a Role or ClusterRole's rules.
func Role(r *resource.Resource) (*rbacv1.Role, error) {
	return typed[rbacv1.Role](r, "role")
}

// Is reports whether r is a Kubernetes object of the API group (empty for
// core) and kind.
func Is(r *resource.Resource, group, kind string) bool {
	if !r.IsKubernetes() || r.Type != kind {
		return false
	}
	return Group(r.APIVersion) == group
}

// Group returns the API group of an apiVersion ("" for v1).
func Group(apiVersion string) string {
	for i := 0; i < len(apiVersion); i++ {
		if apiVersion[i] == '/' {
			return apiVersion[:i]
		}
	}
	return ""
}
