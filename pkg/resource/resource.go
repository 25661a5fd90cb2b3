package resource

import (
	"sync"
)

// Format says which kind of input a resource was read from.
type Format string

const (
	// FormatTerraform is a resource block in Terraform HCL source (.tf, .tf.json).
	FormatTerraform Format = "terraform"
	// FormatPlan is a resource change in `terraform show -json` plan output.
	FormatPlan Format = "terraform-plan"
	// FormatKubernetes is an object in a Kubernetes manifest or admission request.
	FormatKubernetes Format = "kubernetes"
)

// IsTerraform reports whether the format is Terraform source or plan.
func (f Format) IsTerraform() bool { return f == FormatTerraform || f == FormatPlan }

// Action is what applying the input does to the resource.
type Action string

const (
	// ActionCreate is a new resource (and every resource read from source).
	ActionCreate Action = "create"
	// ActionUpdate changes an existing resource in place.
	ActionUpdate Action = "update"
	// ActionReplace destroys and re-creates the resource.
	ActionReplace Action = "replace"
	// ActionDelete destroys the resource; rules about its configuration do not apply.
	ActionDelete Action = "delete"
	// ActionNoop leaves the resource as it is; it is still part of the estate.
	ActionNoop Action = "no-op"
	// ActionRead is a data source read during plan.
	ActionRead Action = "read"
)

// Origin is what the input says about where a resource is deployed: the facts
// environment detection draws on besides labels and names.
type Origin struct {
	// Workspace is the Terraform workspace the configuration is planned in.
	Workspace string `json:"workspace,omitempty"`
	// Account, Project and Subscription are the AWS account ID, GCP project and
	// Azure subscription of the provider configuration the resource uses.
	Account      string `json:"account,omitempty"`
	Project      string `json:"project,omitempty"`
	Subscription string `json:"subscription,omitempty"`
	// Region is the provider region, when known.
	Region string `json:"region,omitempty"`
}

// Ref is a reference from an attribute of one resource to another resource,
// as written in the configuration (aws_vpc.main.id) or found in a plan's
// configuration section.
type Ref struct {
	// From is the attribute holding the reference.
	From Path
	// To is the address of the referenced resource, without instance keys
	// (module.net.aws_vpc.main), or of a Kubernetes object (Secret/ns/name).
	To string
}

// InlineWaiver is a waiver written next to the resource in its input, in an
// HCL comment, a Kubernetes annotation or a tag. Text is the waiver's own
// syntax, parsed by the waiver package.
type InlineWaiver struct {
	Text     string
	Location Location
}

// Resource is one thing guardrail judges: a Terraform resource instance, a
// resource change of a plan, or a Kubernetes object.
//
// A Resource is read-only once its loader returns it, and safe to share
// between concurrent evaluations.
type Resource struct {
	// Format is the kind of input the resource came from.
	Format Format
	// Address identifies the resource within its Unit: the Terraform address
	// (module.net.aws_security_group.web["a"]) or, for Kubernetes,
	// Kind/namespace/name (Kind/name when cluster-scoped).
	Address string
	// Type is the Terraform resource type (aws_security_group) or the Kubernetes kind (Deployment).
	Type string
	// APIVersion is the Kubernetes apiVersion (apps/v1); empty for Terraform.
	APIVersion string
	// Name is the Terraform resource name or the Kubernetes metadata.name.
	Name string
	// Namespace is the Kubernetes namespace; empty for cluster-scoped objects and Terraform.
	Namespace string
	// Module is the Terraform module path (module.a.module.b); empty for the root module.
	Module string
	// Provider is the provider configuration address (aws, aws.prod) for Terraform.
	Provider string
	// Mode is "managed" or "data" for Terraform; empty for Kubernetes.
	Mode string
	// Action is what applying the input does to the resource.
	Action Action
	// Attributes is the attribute tree: Terraform attributes and nested blocks
	// (blocks as lists of maps), or the whole Kubernetes object.
	Attributes map[string]any
	// Before is a plan's prior value of the attributes, for updates and deletes.
	Before map[string]any
	// Labels are Terraform tags (tags merged over the provider's default_tags)
	// or Kubernetes metadata.labels.
	Labels map[string]string
	// Annotations are Kubernetes metadata.annotations.
	Annotations map[string]string
	// Origin holds workspace and account facts for environment detection.
	Origin Origin
	// Refs are references from this resource's attributes to other resources.
	Refs []Ref
	// Waivers are inline waivers written next to the resource.
	Waivers []InlineWaiver
	// Unit groups resources that are deployed together: the plan file, the
	// Terraform root module directory, or the manifest file. Segregation rules
	// look for environments mixed within a unit.
	Unit string
	// Location is where the resource is defined.
	Location Location
	// Locator maps attribute paths to locations; nil means Location for every path.
	Locator Locator

	memoMu sync.Mutex
	memo   map[any]*memoEntry
}

// memoEntry is one cached view; its own lock lets compute functions of
// different keys run at once and call Memo themselves.
type memoEntry struct {
	mu   sync.Mutex
	done bool
	v    any
}

// Value returns the root of the resource's attribute tree.
func (r *Resource) Value() Value { return ValueOf(r.Attributes) }

// Get is shorthand for r.Value().Get(keys...).
func (r *Resource) Get(keys ...string) Value { return r.Value().Get(keys...) }

// Locate returns where the attribute at p is written, falling back to the
// resource's own location.
func (r *Resource) Locate(p Path) Location {
	if r.Locator != nil && len(p) > 0 {
		if l := r.Locator.Locate(p); !l.IsZero() {
			return l
		}
	}
	return r.Location
}

// IsKubernetes reports whether the resource is a Kubernetes object.
func (r *Resource) IsKubernetes() bool { return r.Format == FormatKubernetes }

// IsDeleted reports whether applying the input deletes the resource.
func (r *Resource) IsDeleted() bool { return r.Action == ActionDelete }

// Memo returns the value cached under key, computing it with compute on first
// use. Rules use it for derived views of the resource, such as a typed
// Kubernetes pod spec, that several rules read. It is safe for concurrent use;
// compute runs at most once per key (again only if it panicked), and may itself
// call Memo for other keys, but not for its own.
func (r *Resource) Memo(key any, compute func() any) any {
	r.memoMu.Lock()
	e, ok := r.memo[key]
	if !ok {
		if r.memo == nil {
			r.memo = make(map[any]*memoEntry, 2)
		}
		e = &memoEntry{}
		r.memo[key] = e
	}
	r.memoMu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.done {
		// A compute that panics leaves the entry unset, so the next call tries again.
		e.v = compute()
		e.done = true
	}
	return e.v
}

// Set is the result of loading inputs: the resources, the diagnostics met on
// the way, and the source text of files read, for report snippets.
type Set struct {
	Resources   []*Resource
	Diagnostics Diagnostics
	// Sources maps file names to their contents, for files small enough to keep.
	Sources map[string][]byte
}

// Add appends other's resources, diagnostics and sources to s.
func (s *Set) Add(other *Set) {
	if other == nil {
		return
	}
	s.Resources = append(s.Resources, other.Resources...)
	s.Diagnostics = append(s.Diagnostics, other.Diagnostics...)
	for k, v := range other.Sources {
		if s.Sources == nil {
			s.Sources = make(map[string][]byte)
		}
		s.Sources[k] = v
	}
}
