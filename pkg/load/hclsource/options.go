package hclsource

// Options tune LoadModule. The zero value loads a module the way
// `terraform plan` with no flags would see it, in the default workspace.
type Options struct {
	// VarFiles are extra .tfvars or .tfvars.json files, applied in order after
	// the auto-loaded ones, as with -var-file.
	VarFiles []string
	// Vars are variable values, as with -var name=value, applied last. A value
	// is taken as a literal string when the variable has no type or a
	// primitive type, and as an HCL expression otherwise (falling back to
	// the literal string when it does not parse).
	Vars map[string]string
	// Workspace is terraform.workspace. When empty it is read from
	// <dir>/.terraform/environment if that file exists, else "default".
	Workspace string
	// Limits bound the work done on hostile or broken input.
	Limits Limits
}

// Limits bound what LoadModule reads and expands. Zero fields take the
// defaults given with each field.
type Limits struct {
	// MaxFileBytes is the largest file read, in bytes (default 8 MiB). It
	// applies to configuration files, variable files and file().
	MaxFileBytes int64
	// MaxFiles is the most configuration files read from one module
	// directory (default 2000).
	MaxFiles int
	// MaxModuleDepth is the deepest chain of module calls followed
	// (default 16).
	MaxModuleDepth int
	// MaxInstances is the most instances count or for_each may create for
	// one resource, module call or dynamic block (default 10000). The whole
	// load is also bounded: at most MaxInstances module instances and
	// 10*MaxInstances resource instances in total.
	MaxInstances int
	// MaxNesting is the deepest nesting of brackets, braces, parentheses,
	// strings, template directives and operator chains a file may have
	// (default 256). It is checked on the bytes before parsing, so deeply
	// nested input cannot exhaust the parser's stack.
	MaxNesting int
}

// Default limits.
const (
	DefaultMaxFileBytes   = 8 << 20
	DefaultMaxFiles       = 2000
	DefaultMaxModuleDepth = 16
	DefaultMaxInstances   = 10000
	DefaultMaxNesting     = 256
)

func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxModuleDepth <= 0 {
		l.MaxModuleDepth = DefaultMaxModuleDepth
	}
	if l.MaxInstances <= 0 {
		l.MaxInstances = DefaultMaxInstances
	}
	if l.MaxNesting <= 0 {
		l.MaxNesting = DefaultMaxNesting
	}
	return l
}
