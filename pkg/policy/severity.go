package policy

import (
	"fmt"
	"strings"
)

// Severity ranks findings. The levels are those of policy 001 ("Security
// Levels: Critical, High, Medium, Low"), plus Info for findings that only inform.
type Severity int

// Severities from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the severity's name as policies write it ("high").
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText renders the severity by name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSeverity parses critical, high, medium, low or info, in any case.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: want one of critical, high, medium, low, info", s)
}

// Mode is how a rule is enforced.
type Mode string

const (
	// Deny findings fail the lint at or above the severity threshold and reject admission.
	Deny Mode = "deny"
	// Warn findings are reported (as admission warnings in the webhook) but never fail.
	Warn Mode = "warn"
	// Off disables the rule.
	Off Mode = "off"
)

// ParseMode parses deny, warn or off.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(s)); m {
	case Deny, Warn, Off:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: want one of deny, warn, off", s)
}
