package manifest

import (
	"bytes"
	"fmt"
	"io"

	"github.com/guardrail-dev/guardrail/pkg/load/internal/textenc"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// DefaultMaxBytes is the default size limit of a manifest file: 64 MiB.
const DefaultMaxBytes int64 = 64 << 20

// maxKeptSource bounds the files whose text is kept in Set.Sources for report snippets.
const maxKeptSource = 1 << 20

// Limits bound the work one manifest file may cause. Zero fields take the
// defaults: yamldoc's for the documents, DefaultMaxBytes for the file.
type Limits struct {
	yamldoc.Limits
	// MaxBytes is the largest file read, in bytes.
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
	// Namespace is given to namespaced objects that do not name one, as
	// kubectl's --namespace would; empty leaves their namespace empty.
	Namespace string
	// Limits bound the size of the input.
	Limits Limits
}

// Load reads the Kubernetes objects of a YAML or JSON manifest. name is the
// file name used in locations and as the resources' Unit.
//
// Problems with the manifest are diagnostics in the returned Set, alongside
// the objects that could be read; the error return is reserved for mistakes
// of the caller and is currently always nil.
func Load(name string, data []byte, opts Options) (*resource.Set, error) {
	set := &resource.Set{}
	if max := opts.Limits.maxBytes(); int64(len(data)) > max {
		set.Diagnostics = append(set.Diagnostics, tooLarge(name, int64(len(data)), max))
		return set, nil
	}
	data, enc := textenc.Normalize(data)
	if enc.Transcoded() {
		set.Diagnostics = append(set.Diagnostics, resource.WarningAt(resource.Location{File: name, Line: 1},
			"manifest is encoded as "+string(enc)+", not UTF-8",
			"the file was converted to UTF-8 and read; PowerShell's `>` redirection writes UTF-16, "+
				"use `Out-File -Encoding utf8` to write UTF-8"))
	}
	if len(data) <= maxKeptSource {
		set.Sources = map[string][]byte{name: data}
	}
	l := &loader{name: name, opts: opts, set: set}
	l.load(data)
	if len(l.secretLines) > 0 && set.Sources != nil {
		set.Sources[name] = redactLines(data, l.secretLines)
	}
	return set, nil
}

// LoadReader reads a manifest from r (standard input, an HTTP body) up to
// the size limit and loads it as Load does. The error return is for a
// failing reader.
func LoadReader(name string, r io.Reader, opts Options) (*resource.Set, error) {
	max := opts.Limits.maxBytes()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if n > max {
		return &resource.Set{Diagnostics: resource.Diagnostics{tooLarge(name, n, max)}}, nil
	}
	return Load(name, buf.Bytes(), opts)
}

func tooLarge(name string, size, max int64) resource.Diagnostic {
	what := fmt.Sprintf("%d bytes", size)
	if size == max+1 {
		what = "more than " + fmt.Sprintf("%d bytes", max)
	}
	return resource.ErrorAt(resource.Location{File: name},
		"manifest file too large",
		fmt.Sprintf("%s is %s, over the limit of %d bytes; split it, or raise the manifest size limit if it is genuine", name, what, max))
}

// Object reads one object that is already decoded, such as the object of an
// admission request or one listed from a cluster, exactly as Load reads an
// object of a file, without parsing text. Locations name the file and the
// attribute paths, without lines.
func Object(name string, attrs map[string]any, opts Options) *resource.Set {
	set := &resource.Set{}
	l := &loader{name: name, opts: opts, set: set, scopes: builtinScopes}
	l.object(object{attrs: attrs})
	return set
}
