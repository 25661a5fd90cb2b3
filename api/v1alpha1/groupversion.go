package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the API group and version of guardrail's resources.
var GroupVersion = schema.GroupVersion{Group: "guardrail.dev", Version: "v1alpha1"}

// AddToScheme adds the types of this group version to a scheme.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &GuardrailPolicy{}, &GuardrailPolicyList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
