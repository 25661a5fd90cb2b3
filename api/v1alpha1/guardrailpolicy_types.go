package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// Condition types of a GuardrailPolicy.
const (
	// ConditionValid is True when the spec compiles.
	ConditionValid = "Valid"
	// ConditionActive is True when the webhook and the audit enforce this policy.
	ConditionActive = "Active"
)

// GuardrailPolicy is a guardrail policy in a cluster. Its spec is the policy
// document's spec (docs/policy.md); the webhook and the audit controller
// enforce the policy the manager is told to use (--policy-name), and pick up
// changes without a restart. An invalid spec is reported in status and the
// last valid policy stays in force.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=grp,categories=guardrail
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Valid",type=string,JSONPath=`.status.conditions[?(@.type=="Valid")].status`
// +kubebuilder:printcolumn:name="Active",type=string,JSONPath=`.status.conditions[?(@.type=="Active")].status`
// +kubebuilder:printcolumn:name="Violations",type=integer,JSONPath=`.status.audit.totalViolations`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type GuardrailPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   policy.Spec           `json:"spec,omitempty"`
	Status GuardrailPolicyStatus `json:"status,omitempty"`
}

// GuardrailPolicyStatus reports whether the policy is valid and enforced, and
// what the last audit found.
type GuardrailPolicyStatus struct {
	// ObservedGeneration is the generation the status describes.
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions are Valid and Active.
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Audit summarises the last audit of the cluster's objects.
	Audit *AuditSummary `json:"audit,omitempty"`
}

// AuditSummary is what one audit found.
type AuditSummary struct {
	// Time is when the audit finished.
	Time metav1.Time `json:"time"`
	// ObjectsJudged is how many objects the audit evaluated.
	ObjectsJudged int `json:"objectsJudged"`
	// TotalViolations counts the findings that would be denied, waived ones excluded.
	TotalViolations int `json:"totalViolations"`
	// ByRule counts violations per rule ID.
	ByRule map[string]int `json:"byRule,omitempty"`
	// Violations lists the first violations, ordered by rule and object.
	// +kubebuilder:validation:MaxItems=100
	Violations []Violation `json:"violations,omitempty"`
	// Truncated is true when there were more violations than listed.
	Truncated bool `json:"truncated,omitempty"`
}

// Violation is one finding of the audit.
type Violation struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Path is the field the finding is about.
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// GuardrailPolicyList is a list of GuardrailPolicy.
//
// +kubebuilder:object:root=true
type GuardrailPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GuardrailPolicy `json:"items"`
}

// Document returns the policy document the GuardrailPolicy holds.
func (gp *GuardrailPolicy) Document() policy.Document {
	return policy.Document{
		APIVersion: policy.APIVersion, Kind: policy.Kind,
		Metadata: policy.Metadata{Name: gp.Name}, Spec: *gp.Spec.DeepCopy(),
	}
}

// Compile validates and compiles the policy the GuardrailPolicy holds.
func (gp *GuardrailPolicy) Compile() (*policy.Policy, error) { return policy.Compile(gp.Document()) }
