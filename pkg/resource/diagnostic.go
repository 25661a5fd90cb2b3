package resource

import (
	"errors"
	"strings"
)

// DiagnosticSeverity says whether a diagnostic stops the input from being judged.
type DiagnosticSeverity int

const (
	// DiagError means the input, or part of it, could not be read; it is never
	// silently treated as clean.
	DiagError DiagnosticSeverity = iota
	// DiagWarning means the input was read but something about it deserves attention.
	DiagWarning
)

// String returns "error" or "warning".
func (s DiagnosticSeverity) String() string {
	if s == DiagWarning {
		return "warning"
	}
	return "error"
}

// MarshalText renders the severity as "error" or "warning".
func (s DiagnosticSeverity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is a problem with an input, shaped like an hcl.Diagnostic: a short
// summary, a detail saying what to do, and where.
type Diagnostic struct {
	Severity DiagnosticSeverity `json:"severity"`
	Summary  string             `json:"summary"`
	Detail   string             `json:"detail,omitempty"`
	Location Location           `json:"location"`
}

// Error renders the diagnostic as "file:line:col: summary: detail".
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Location.String())
	b.WriteString(": ")
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(": ")
		b.WriteString(d.Detail)
	}
	return b.String()
}

// Diagnostics is a list of diagnostics. A nil Diagnostics means no problems.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == DiagError {
			return true
		}
	}
	return false
}

// Errs returns the error diagnostics joined into one error, or nil.
func (ds Diagnostics) Errs() error {
	var errs []error
	for _, d := range ds {
		if d.Severity == DiagError {
			errs = append(errs, d)
		}
	}
	return errors.Join(errs...)
}

// ErrorAt returns an error diagnostic at loc.
func ErrorAt(loc Location, summary, detail string) Diagnostic {
	return Diagnostic{Severity: DiagError, Summary: summary, Detail: detail, Location: loc}
}

// WarningAt returns a warning diagnostic at loc.
func WarningAt(loc Location, summary, detail string) Diagnostic {
	return Diagnostic{Severity: DiagWarning, Summary: summary, Detail: detail, Location: loc}
}
