package policy

// APIVersion and Kind identify a policy document.
const (
	APIVersion = "guardrail.dev/v1alpha1"
	Kind       = "Policy"
)

// Document is a policy file: apiVersion, kind, metadata and the spec.
type Document struct {
	APIVersion string   `json:"apiVersion" yaml:"apiVersion"`
	Kind       string   `json:"kind" yaml:"kind"`
	Metadata   Metadata `json:"metadata,omitempty" yaml:"metadata,omitempty"`
	Spec       Spec     `json:"spec" yaml:"spec"`
}

// Metadata names the policy.
type Metadata struct {
	Name        string            `json:"name,omitempty" yaml:"name,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// Spec is the body of a policy. Every field is optional; Default fills what is left out.
type Spec struct {
	// Environments defines the environments and how a resource's environment is detected.
	Environments Environments `json:"environments,omitempty" yaml:"environments,omitempty"`
	// Segregation tunes the segregation-of-environments rules.
	Segregation Segregation `json:"segregation,omitempty" yaml:"segregation,omitempty"`
	// Transit tunes the encryption-in-transit rules.
	Transit Transit `json:"transit,omitempty" yaml:"transit,omitempty"`
	// Ports tunes the port-restriction rules.
	Ports Ports `json:"ports,omitempty" yaml:"ports,omitempty"`
	// Approval says which changes need approval and how it is recorded.
	Approval Approval `json:"approval,omitempty" yaml:"approval,omitempty"`
	// Undecidable sets how a rule that cannot be decided statically (its input is
	// unknown until apply) is reported.
	Undecidable Undecidable `json:"undecidable,omitempty" yaml:"undecidable,omitempty"`
	// Rules overrides rule settings, keyed by rule ID or a glob such as GR-TLS-*.
	// When several keys match a rule, the most specific (an exact ID) wins, then the longest glob.
	Rules map[string]RuleSetting `json:"rules,omitempty" yaml:"rules,omitempty"`
	// CustomRules are rules of the policy's own, each a CEL expression over a
	// resource (Terraform or Kubernetes), true when the resource breaks it.
	CustomRules []CustomRule `json:"customRules,omitempty" yaml:"customRules,omitempty"`
	// Waivers lists waivers and restricts inline ones.
	Waivers Waivers `json:"waivers,omitempty" yaml:"waivers,omitempty"`
	// Admission configures the admission webhook.
	Admission Admission `json:"admission,omitempty" yaml:"admission,omitempty"`
}

// Environments defines the environments and how they are detected.
type Environments struct {
	// Required makes a resource whose environment cannot be determined a finding (GR-SEG-002).
	Required bool `json:"required,omitempty" yaml:"required,omitempty"`
	// Default is the environment of a resource none of the detectors place; empty means none.
	Default string `json:"default,omitempty" yaml:"default,omitempty"`
	// TagKeys are the Terraform tag and Kubernetes label keys naming the environment,
	// tried in order. Default: guardrail.dev/environment, Environment, environment, Env, env.
	TagKeys []string `json:"tagKeys,omitempty" yaml:"tagKeys,omitempty"`
	// NamespaceLabelKeys are the namespace label keys naming the environment of
	// the namespace's objects. Default: the TagKeys.
	NamespaceLabelKeys []string `json:"namespaceLabelKeys,omitempty" yaml:"namespaceLabelKeys,omitempty"`
	// Precedence orders the detectors; the first that places a resource wins.
	// Default: label, namespaceLabel, namespace, workspace, account, path, name.
	// +kubebuilder:validation:items:Enum=label;namespaceLabel;namespace;workspace;account;path;name
	Precedence []string `json:"precedence,omitempty" yaml:"precedence,omitempty"`
	// Definitions lists the environments.
	Definitions []Environment `json:"definitions,omitempty" yaml:"definitions,omitempty"`
}

// Environment is one environment and the facts that place a resource in it.
// Patterns are globs (* within a segment, ** across path segments).
type Environment struct {
	// Name is the environment's name, as findings show it.
	Name string `json:"name" yaml:"name"`
	// Production marks the environment whose data and network others must not reach.
	Production bool `json:"production,omitempty" yaml:"production,omitempty"`
	// Aliases are other tag or label values meaning this environment (production, live).
	Aliases []string `json:"aliases,omitempty" yaml:"aliases,omitempty"`
	// Namespaces are Kubernetes namespace name patterns.
	Namespaces []string `json:"namespaces,omitempty" yaml:"namespaces,omitempty"`
	// Workspaces are Terraform workspace name patterns.
	Workspaces []string `json:"workspaces,omitempty" yaml:"workspaces,omitempty"`
	// Accounts are AWS account IDs, Projects GCP project IDs, Subscriptions Azure subscription IDs.
	Accounts      []string `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	Projects      []string `json:"projects,omitempty" yaml:"projects,omitempty"`
	Subscriptions []string `json:"subscriptions,omitempty" yaml:"subscriptions,omitempty"`
	// Paths are input file path patterns (envs/prod/**), matched against the
	// path as given and every trailing part of it.
	Paths []string `json:"paths,omitempty" yaml:"paths,omitempty"`
	// Names are resource name patterns (*-prod).
	Names []string `json:"names,omitempty" yaml:"names,omitempty"`
	// CIDRs are the environment's network ranges; traffic rules admitting them
	// from another environment break segregation.
	CIDRs []string `json:"cidrs,omitempty" yaml:"cidrs,omitempty"`
	// Domains are host name patterns of the environment's endpoints (*.prod.example.com).
	Domains []string `json:"domains,omitempty" yaml:"domains,omitempty"`
}

// Segregation tunes the segregation rules.
type Segregation struct {
	// AllowedMixes lists groups of environments that may share a unit (plan,
	// root module, manifest file) and reference each other, e.g. [dev, test].
	AllowedMixes [][]string `json:"allowedMixes,omitempty" yaml:"allowedMixes,omitempty"`
	// RequireDefaultDeny requires a default-deny NetworkPolicy in namespaces of
	// these environments. Default: the production environments.
	RequireDefaultDeny []string `json:"requireDefaultDeny,omitempty" yaml:"requireDefaultDeny,omitempty"`
}

// Transit tunes the encryption-in-transit rules.
type Transit struct {
	// MinTLSVersion is the lowest TLS version allowed: "1.0", "1.1", "1.2" or "1.3". Default "1.2".
	// +kubebuilder:validation:Enum="1.0";"1.1";"1.2";"1.3"
	MinTLSVersion string `json:"minTLSVersion,omitempty" yaml:"minTLSVersion,omitempty"`
	// PlaintextPorts are ports that carry plaintext protocols when exposed by a
	// load balancer. Default: 21, 23, 25, 80, 110, 143, 8000, 8080, 8888.
	PlaintextPorts []string `json:"plaintextPorts,omitempty" yaml:"plaintextPorts,omitempty"`
}

// Ports tunes the port-restriction rules. Ports are written "22", "5985-5986"
// or with a protocol, "udp/53".
type Ports struct {
	// Admin are remote administration ports that must never be open to the world.
	// Default: 22, 23, 3389, 5900, 5985-5986.
	Admin []string `json:"admin,omitempty" yaml:"admin,omitempty"`
	// Data are database, cache and broker ports that must never be open to the world.
	Data []string `json:"data,omitempty" yaml:"data,omitempty"`
	// Allowed maps an environment name (or "*" for any) to the ports its
	// ingress rules, Services and containers may open. An environment with no
	// entry, and no "*" entry, has no allowlist.
	Allowed map[string][]string `json:"allowed,omitempty" yaml:"allowed,omitempty"`
	// PublicCIDRs are the sources counted as "the world". Default 0.0.0.0/0 and ::/0.
	PublicCIDRs []string `json:"publicCIDRs,omitempty" yaml:"publicCIDRs,omitempty"`
}

// Approval says which changes need approval and where approval metadata lives.
type Approval struct {
	// Environments whose changes need approval. Default: the production environments.
	Environments []string `json:"environments,omitempty" yaml:"environments,omitempty"`
	// Approvers is how many distinct independent approvers a change needs. Default 1.
	Approvers int `json:"approvers,omitempty" yaml:"approvers,omitempty"`
	// AnnotationPrefix prefixes the Kubernetes annotations and Terraform tags
	// holding approval metadata. Default "guardrail.dev/".
	AnnotationPrefix string `json:"annotationPrefix,omitempty" yaml:"annotationPrefix,omitempty"`
	// TicketPattern is a regular expression change tickets must match (CHG-[0-9]+).
	TicketPattern string `json:"ticketPattern,omitempty" yaml:"ticketPattern,omitempty"`
	// MaxAge is the oldest an approval may be, as a Go duration or days ("72h", "7d").
	MaxAge string `json:"maxAge,omitempty" yaml:"maxAge,omitempty"`
	// AllowedSigners lists the approvers and their SSH public keys, in the
	// ssh-keygen allowed_signers format, one entry a line.
	AllowedSigners []Signer `json:"allowedSigners,omitempty" yaml:"allowedSigners,omitempty"`
	// AllowUnsigned accepts approvals that name an approver without a signature.
	// They are reported as weaker.
	AllowUnsigned bool `json:"allowUnsigned,omitempty" yaml:"allowUnsigned,omitempty"`
	// BreakGlass lets the listed identities deploy without approval, with a reason.
	BreakGlass BreakGlass `json:"breakGlass,omitempty" yaml:"breakGlass,omitempty"`
	// ScaleOnly and StatusOnly say whether Kubernetes updates that change only
	// replicas or only status need approval ("require" or "exempt"). Default: exempt.
	ScaleOnly string `json:"scaleOnly,omitempty" yaml:"scaleOnly,omitempty"`
}

// Signer is an approver and the keys that may sign for them.
type Signer struct {
	// Identity names the approver, as authors and deployers are named (an e-mail address).
	Identity string `json:"identity" yaml:"identity"`
	// Keys are SSH public keys in authorized_keys form.
	Keys []string `json:"keys" yaml:"keys"`
	// Environments and Namespaces limit what the signer may approve (globs); empty means any.
	Environments []string `json:"environments,omitempty" yaml:"environments,omitempty"`
	Namespaces   []string `json:"namespaces,omitempty" yaml:"namespaces,omitempty"`
}

// BreakGlass allows deploys without approval in an emergency.
type BreakGlass struct {
	// Identities allowed to break glass.
	Identities []string `json:"identities,omitempty" yaml:"identities,omitempty"`
	// RequireReason rejects break-glass without a reason. Default true.
	RequireReason *bool `json:"requireReason,omitempty" yaml:"requireReason,omitempty"`
}

// Undecidable sets how "cannot be decided statically" findings are reported.
type Undecidable struct {
	// Severity of the finding; "inherit" uses the rule's own severity. Default "medium".
	// +kubebuilder:validation:Enum=inherit;critical;high;medium;low;info
	Severity string `json:"severity,omitempty" yaml:"severity,omitempty"`
	// Mode is deny, warn or off. Default "warn".
	// +kubebuilder:validation:Enum=deny;warn;off
	Mode string `json:"mode,omitempty" yaml:"mode,omitempty"`
}

// RuleSetting overrides one rule's defaults.
type RuleSetting struct {
	// Severity is critical, high, medium, low or info.
	// +kubebuilder:validation:Enum=critical;high;medium;low;info
	Severity string `json:"severity,omitempty" yaml:"severity,omitempty"`
	// Mode is deny (fails the lint, rejects the admission), warn (reported only) or off.
	// +kubebuilder:validation:Enum=deny;warn;off
	Mode string `json:"mode,omitempty" yaml:"mode,omitempty"`
	// Environments limits the rule to resources of these environments.
	Environments []string `json:"environments,omitempty" yaml:"environments,omitempty"`
	// ExcludeEnvironments exempts resources of these environments from the rule.
	ExcludeEnvironments []string `json:"excludeEnvironments,omitempty" yaml:"excludeEnvironments,omitempty"`
	// InlineWaivers set to false means the rule can be waived only in the policy file.
	InlineWaivers *bool `json:"inlineWaivers,omitempty" yaml:"inlineWaivers,omitempty"`
}

// Waivers lists waivers and restricts inline ones.
type Waivers struct {
	// Inline restricts waivers written next to resources.
	Inline InlineWaivers `json:"inline,omitempty" yaml:"inline,omitempty"`
	// RequireExpiry rejects waivers without an expiry date.
	RequireExpiry bool `json:"requireExpiry,omitempty" yaml:"requireExpiry,omitempty"`
	// MaxDuration is the longest a waiver may run from today, in days ("90d") or as a Go duration.
	MaxDuration string `json:"maxDuration,omitempty" yaml:"maxDuration,omitempty"`
	// Entries are waivers kept in the policy file.
	Entries []Waiver `json:"entries,omitempty" yaml:"entries,omitempty"`
}

// InlineWaivers restricts waivers written in HCL comments, annotations and tags.
type InlineWaivers struct {
	// Disabled ignores every inline waiver (each is reported).
	Disabled bool `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	// ForbiddenEnvironments are environments where inline waivers do not apply.
	ForbiddenEnvironments []string `json:"forbiddenEnvironments,omitempty" yaml:"forbiddenEnvironments,omitempty"`
	// ForbiddenRules are rule IDs or globs that cannot be waived inline.
	ForbiddenRules []string `json:"forbiddenRules,omitempty" yaml:"forbiddenRules,omitempty"`
}

// Waiver suppresses findings of some rules on some resources, for a reason,
// until a date.
type Waiver struct {
	// Rules are rule IDs or globs.
	Rules []string `json:"rules" yaml:"rules"`
	// Resources are address globs (aws_security_group.bastion, Deployment/prod/*); empty means any.
	Resources []string `json:"resources,omitempty" yaml:"resources,omitempty"`
	// Environments limits the waiver to these environments; empty means any.
	Environments []string `json:"environments,omitempty" yaml:"environments,omitempty"`
	// Files limits the waiver to inputs whose path matches these globs.
	Files []string `json:"files,omitempty" yaml:"files,omitempty"`
	// Reason says why; a waiver without one does not waive.
	Reason string `json:"reason" yaml:"reason"`
	// Expires is the last day (YYYY-MM-DD) the waiver applies.
	Expires string `json:"expires,omitempty" yaml:"expires,omitempty"`
	// Owner and Ticket record who asked for it and where it was discussed.
	Owner  string `json:"owner,omitempty" yaml:"owner,omitempty"`
	Ticket string `json:"ticket,omitempty" yaml:"ticket,omitempty"`
	// ApprovedBy names who approved the waiver. In environments that need
	// approval (spec.approval.environments) a waiver applies only when
	// someone other than its owner approved it.
	ApprovedBy []string `json:"approvedBy,omitempty" yaml:"approvedBy,omitempty"`
	// Signatures are optional SSH signatures (ssh-keygen -Y sign -n
	// guardrail.dev/approval) of the waiver's approval statement by its
	// approvers (guardrail approve --waiver); each must verify against the
	// approver's key in spec.approval.allowedSigners.
	Signatures []string `json:"signatures,omitempty" yaml:"signatures,omitempty"`
}

// Admission configures the admission webhook.
type Admission struct {
	// ClusterEnvironment is the environment of every object in the cluster,
	// for clusters that hold one environment.
	ClusterEnvironment string `json:"clusterEnvironment,omitempty" yaml:"clusterEnvironment,omitempty"`
	// ExemptNamespaces are namespace patterns the webhook does not judge.
	// Default: kube-system, kube-public, kube-node-lease.
	ExemptNamespaces []string `json:"exemptNamespaces,omitempty" yaml:"exemptNamespaces,omitempty"`
	// ExemptLabels exempts objects carrying all of these labels.
	ExemptLabels map[string]string `json:"exemptLabels,omitempty" yaml:"exemptLabels,omitempty"`
	// FailurePolicy is what the webhook answers when it cannot decide: Fail (deny) or Ignore (allow). Default Fail.
	// +kubebuilder:validation:Enum=Fail;Ignore
	FailurePolicy string `json:"failurePolicy,omitempty" yaml:"failurePolicy,omitempty"`
	// TimeoutSeconds bounds the handler's work on one request. Default 3.
	TimeoutSeconds int `json:"timeoutSeconds,omitempty" yaml:"timeoutSeconds,omitempty"`
	// TemporaryAccess removes RoleBindings past their guardrail.dev/expires annotation.
	RevokeExpiredBindings bool `json:"revokeExpiredBindings,omitempty" yaml:"revokeExpiredBindings,omitempty"`
}

// CustomRule is a rule a policy declares itself: a CEL expression, the
// language of Kubernetes ValidatingAdmissionPolicy, over one resource, true
// when the resource breaks the rule. Its findings are reported, configured
// (spec.rules) and waived like those of guardrail's own rules.
type CustomRule struct {
	// ID names the rule in findings, spec.rules and waivers: upper-case words
	// and digits joined by hyphens with a prefix of your own (ACME-001,
	// ACME-NET-004). IDs starting GR- are guardrail's.
	ID string `json:"id" yaml:"id"`
	// Title says in a line what the rule wants ("Buckets name their owner").
	Title string `json:"title" yaml:"title"`
	// Severity is critical, high, medium, low or info. Default "medium".
	// +kubebuilder:validation:Enum=critical;high;medium;low;info
	Severity string `json:"severity,omitempty" yaml:"severity,omitempty"`
	// Control is the control the rule belongs to: one of guardrail's
	// (segregation, encryption-in-transit, port-restrictions, ...) or a word
	// of your own. Default "custom".
	Control string `json:"control,omitempty" yaml:"control,omitempty"`
	// Description says what the rule checks and why it matters. Default: the title.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Remediation says how to fix a finding.
	Remediation string `json:"remediation" yaml:"remediation"`
	// Clauses cite the clauses of your own security policy the rule enforces,
	// in free text ("ISMS 5.2: production data stays in production").
	Clauses []string `json:"clauses" yaml:"clauses"`
	// Link is where the rule is documented, such as a page of your wiki.
	Link string `json:"link,omitempty" yaml:"link,omitempty"`
	// Match selects the resources the rule judges; empty matches every resource.
	Match CustomRuleMatch `json:"match,omitempty" yaml:"match,omitempty"`
	// Expression is the CEL expression, true when the resource breaks the rule.
	// +kubebuilder:validation:MaxLength=8192
	Expression string `json:"expression" yaml:"expression"`
	// Message is the finding's message. Default: "not met: " and the title.
	Message string `json:"message,omitempty" yaml:"message,omitempty"`
	// MessageExpression is a CEL expression giving the finding's message, a
	// string; it takes the place of Message.
	// +kubebuilder:validation:MaxLength=8192
	MessageExpression string `json:"messageExpression,omitempty" yaml:"messageExpression,omitempty"`
	// Path is the attribute a finding points at (spec.template.spec.hostNetwork,
	// ingress[0].cidr_blocks); empty points at the resource.
	Path string `json:"path,omitempty" yaml:"path,omitempty"`
}

// CustomRuleMatch selects the resources a custom rule judges. Each list left
// empty matches everything.
type CustomRuleMatch struct {
	// Formats are terraform (source and plans), terraform-source,
	// terraform-plan and kubernetes.
	// +kubebuilder:validation:items:Enum=terraform;terraform-source;terraform-plan;kubernetes
	Formats []string `json:"formats,omitempty" yaml:"formats,omitempty"`
	// Types are Terraform resource types or Kubernetes kinds, or globs of them (aws_s3_*).
	Types []string `json:"types,omitempty" yaml:"types,omitempty"`
	// Environments limits the rule to resources of these environments.
	Environments []string `json:"environments,omitempty" yaml:"environments,omitempty"`
}
