package main

import (
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/guardrail-dev/guardrail/pkg/load"
)

// limitFlags are lint's bounds on the work its inputs may cause. Zero means
// the library's default, which docs/limits.md lists.
type limitFlags struct {
	maxFileSize  string
	maxDepth     int
	maxDocuments int
	maxFiles     int
}

func (l *limitFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&l.maxFileSize, "max-file-size", "",
		"largest input file read, as a quantity such as 256Mi (default: 128Mi for plans, 64Mi for manifests, 8Mi for Terraform files)")
	fl.IntVar(&l.maxDepth, "max-depth", 0, "deepest nesting of YAML and JSON values in manifests, and of expressions in Terraform files (default: 128 and 256)")
	fl.IntVar(&l.maxDocuments, "max-documents", 0, "most YAML documents in one manifest file (default: 100000)")
	fl.IntVar(&l.maxFiles, "max-files", 0, fmt.Sprintf("most files the walks of directories visit (default: %d)", load.DefaultMaxFiles))
}

// apply sets the limits given on the load options, or says which flag is wrong.
func (l *limitFlags) apply(o load.Options) (load.Options, error) {
	if l.maxFileSize != "" {
		q, err := resource.ParseQuantity(l.maxFileSize)
		if err != nil {
			return o, fmt.Errorf("--max-file-size %q: want a size such as 64Mi or 200M: %v", l.maxFileSize, err)
		}
		n, ok := q.AsInt64()
		if !ok || n <= 0 {
			return o, fmt.Errorf("--max-file-size %q: want a positive whole number of bytes", l.maxFileSize)
		}
		o.Limits.Plan.MaxBytes, o.Limits.Manifest.MaxBytes, o.Limits.Terraform.MaxFileBytes = n, n, n
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"--max-depth", l.maxDepth}, {"--max-documents", l.maxDocuments}, {"--max-files", l.maxFiles}} {
		if f.v < 0 {
			return o, fmt.Errorf("%s %d: want a positive number, or 0 for the default", f.name, f.v)
		}
	}
	if l.maxDepth > 0 {
		o.Limits.Manifest.MaxDepth, o.Limits.Terraform.MaxNesting = l.maxDepth, l.maxDepth
	}
	o.Limits.Manifest.MaxDocuments = l.maxDocuments
	o.Limits.MaxFiles = l.maxFiles
	return o, nil
}
