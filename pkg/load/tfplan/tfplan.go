package tfplan

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/guardrail-dev/guardrail/pkg/load/internal/textenc"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// DefaultMaxBytes is the default size limit of a plan file: 128 MiB.
const DefaultMaxBytes int64 = 128 << 20

// Limits bound the work one plan may cause. Zero fields take the defaults.
type Limits struct {
	// MaxBytes is the largest plan file read, in bytes. Default DefaultMaxBytes.
	MaxBytes int64
}

func (l Limits) maxBytes() int64 {
	if l.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return l.MaxBytes
}

// Options tune Load. The zero value is ready to use.
type Options struct {
	// Workspace is the Terraform workspace the plan was made in; it becomes
	// every resource's Origin.Workspace. A plan does not record it.
	Workspace string
	// Limits bound the size of the input.
	Limits Limits
}

// Load reads a plan rendered by `terraform show -json`. name is the file name
// used in locations and as the resources' Unit.
//
// Problems with the plan itself are error diagnostics in the returned Set,
// alongside whatever resources could still be read; the error return is
// reserved for mistakes of the caller and is currently always nil.
func Load(name string, data []byte, opts Options) (*resource.Set, error) {
	set := &resource.Set{}
	fileLoc := resource.Location{File: name, Line: 1, Document: -1}
	if max := opts.Limits.maxBytes(); int64(len(data)) > max {
		set.Diagnostics = append(set.Diagnostics, tooLarge(name, int64(len(data)), max))
		return set, nil
	}
	data, enc := textenc.Normalize(data)
	if enc.Transcoded() {
		set.Diagnostics = append(set.Diagnostics, resource.WarningAt(fileLoc,
			"plan is encoded as "+string(enc)+", not UTF-8",
			"the plan was converted to UTF-8 and read; PowerShell's `>` redirection writes UTF-16, "+
				"use `terraform show -json plan.out | Out-File -Encoding utf8 plan.json` to write UTF-8"))
	}
	// The plan's text is not kept for report snippets: it holds sensitive
	// values in plain text (after_sensitive only marks them), and findings
	// point at resource changes by address anyway.
	r := newReader(name, data, opts)
	r.read()
	set.Resources = r.resources
	set.Diagnostics = append(set.Diagnostics, r.diags...)
	return set, nil
}

// LoadFile reads the plan at path, refusing a file over the size limit before
// reading it. The error return is for a path that cannot be read; problems with
// the plan's content are diagnostics in the Set.
func LoadFile(ctx context.Context, path string, opts Options) (*resource.Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a plan file", path)
	}
	max := opts.Limits.maxBytes()
	if fi.Mode().IsRegular() && fi.Size() > max {
		return &resource.Set{Diagnostics: resource.Diagnostics{tooLarge(path, fi.Size(), max)}}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Read one byte past the limit so that a growing file or a pipe is caught too.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return &resource.Set{Diagnostics: resource.Diagnostics{tooLarge(path, int64(len(data)), max)}}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return Load(path, data, opts)
}

func tooLarge(name string, size, max int64) resource.Diagnostic {
	sizeText := fmt.Sprintf("%d bytes", size)
	if size > max {
		sizeText = fmt.Sprintf("%s (%d bytes)", human(size), size)
	}
	return resource.ErrorAt(resource.Location{File: name, Document: -1},
		"plan file too large",
		fmt.Sprintf("%s is %s, over the limit of %s (%d bytes); raise the plan size limit if the plan is genuine",
			name, sizeText, human(max), max))
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
