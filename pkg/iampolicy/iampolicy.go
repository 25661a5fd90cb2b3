// Package iampolicy reads AWS IAM policy documents (the JSON in
// assume_role_policy, bucket policies and IAM policies) into statements that
// rules can query: who may do what on which resources, under which
// conditions. AWS accepts a string or a list almost everywhere; this package
// normalises both to lists.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// MaxDocumentBytes bounds a policy document, as AWS does (well above its 10 KB quotas).
const MaxDocumentBytes = 1 << 20

// Statement is one statement of a policy document.
type Statement struct {
	Sid    string
	Effect string
	// Principals maps "AWS", "Service", "Federated", "CanonicalUser" to
	// principals, and "*" to ["*"] for Principal: "*". With NotPrincipal set,
	// they are the principals the statement exempts.
	Principals   map[string][]string
	NotPrincipal bool
	// Actions are the statement's Action, or its NotAction when NotActions is set.
	Actions    []string
	NotActions bool
	// Resources are the statement's Resource; NotResources its NotResource.
	Resources    []string
	NotResources []string
	// Conditions maps operator to key to values, e.g. Bool -> aws:SecureTransport -> ["false"].
	// Keys are lower case, as AWS compares them without case.
	Conditions map[string]map[string][]string
}

// Document is a policy document.
type Document struct {
	Version    string
	Statements []Statement
}

// Parse parses a policy document. Statement may be one object or a list;
// Principal, Action, Resource and condition values may be a string or a list;
// numbers and booleans are kept as the strings AWS compares them as.
func Parse(text string) (*Document, error) {
	if len(text) > MaxDocumentBytes {
		return nil, fmt.Errorf("policy document larger than %d bytes", MaxDocumentBytes)
	}
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("policy document is not valid JSON: %w", err)
	}
	var list []map[string]any
	if len(raw.Statement) > 0 && raw.Statement[0] == '{' {
		var one map[string]any
		if err := decode(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("policy Statement: %w", err)
		}
		list = []map[string]any{one}
	} else if len(raw.Statement) > 0 {
		if err := decode(raw.Statement, &list); err != nil {
			return nil, fmt.Errorf("policy Statement: %w", err)
		}
	}
	doc := &Document{Version: raw.Version}
	for _, m := range list {
		st := Statement{Principals: map[string][]string{}, Conditions: map[string]map[string][]string{}}
		st.Sid, _ = m["Sid"].(string)
		st.Effect, _ = m["Effect"].(string)
		principal, hasP := m["Principal"]
		if !hasP {
			principal, st.NotPrincipal = m["NotPrincipal"], m["NotPrincipal"] != nil
		}
		switch p := principal.(type) {
		case string:
			st.Principals["*"] = []string{p}
		case map[string]any:
			for k, v := range p {
				st.Principals[k] = strs(v)
			}
		}
		if a, ok := m["Action"]; ok {
			st.Actions = strs(a)
		} else if a, ok := m["NotAction"]; ok {
			st.Actions, st.NotActions = strs(a), true
		}
		st.Resources = strs(m["Resource"])
		st.NotResources = strs(m["NotResource"])
		if c, ok := m["Condition"].(map[string]any); ok {
			for op, kv := range c {
				km, ok := kv.(map[string]any)
				if !ok {
					continue
				}
				if st.Conditions[op] == nil {
					st.Conditions[op] = map[string][]string{}
				}
				for k, v := range km {
					key := strings.ToLower(k)
					st.Conditions[op][key] = append(st.Conditions[op][key], strs(v)...)
				}
			}
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

// decode decodes one JSON value keeping numbers as written (json.Number),
// so that account IDs and numeric condition values survive.
func decode(data []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(into)
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case bool:
		return []string{fmt.Sprint(t)}
	case json.Number:
		return []string{t.String()}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

// Allows reports whether the statement is an Allow.
func (s *Statement) Allows() bool { return strings.EqualFold(s.Effect, "Allow") }

// Denies reports whether the statement is a Deny.
func (s *Statement) Denies() bool { return strings.EqualFold(s.Effect, "Deny") }

// Everyone reports whether the statement names everyone as its principal
// (Principal "*" or AWS "*"). A NotPrincipal statement names who it exempts,
// so it never names everyone: see ReachesEveryone.
func (s *Statement) Everyone() bool {
	return !s.NotPrincipal && s.hasPrincipal("*")
}

// ReachesEveryone reports whether the statement applies to principals that
// no list bounds: Principal "*", or a NotPrincipal other than "*" (every
// principal but the few it exempts). An Allow for which it is true admits
// the public.
func (s *Statement) ReachesEveryone() bool {
	if s.NotPrincipal {
		return !s.hasPrincipal("*")
	}
	return s.hasPrincipal("*")
}

func (s *Statement) hasPrincipal(p string) bool {
	for _, k := range []string{"*", "AWS"} {
		for _, v := range s.Principals[k] {
			if v == p {
				return true
			}
		}
	}
	return false
}

// AWSPrincipals returns the AWS principals (account IDs and ARNs) the
// statement names as its principal; none for a NotPrincipal statement, whose
// principals are the ones it exempts.
func (s *Statement) AWSPrincipals() []string {
	if s.NotPrincipal {
		return nil
	}
	return s.Principals["AWS"]
}

// HasAction reports whether the statement applies to action: Action names it
// or a wildcard covering it, or NotAction does not. Actions compare without case.
func (s *Statement) HasAction(action string) bool {
	action = strings.ToLower(action)
	for _, a := range s.Actions {
		if wildcardMatch(strings.ToLower(a), action) {
			return !s.NotActions
		}
	}
	return s.NotActions
}

// Condition returns the values of a condition key under an operator. The
// operator compares without case and may carry the ForAnyValue: qualifier;
// the key compares without case.
func (s *Statement) Condition(op, key string) []string {
	key = strings.ToLower(key)
	ops := make([]string, 0, len(s.Conditions))
	for o := range s.Conditions {
		ops = append(ops, o)
	}
	sort.Strings(ops) // the same order every time
	var out []string
	for _, o := range ops {
		kv := s.Conditions[o]
		if len(o) > len(anyValue) && strings.EqualFold(o[:len(anyValue)], anyValue) {
			o = o[len(anyValue):]
		}
		if strings.EqualFold(o, op) {
			out = append(out, kv[key]...)
		}
	}
	return out
}

const anyValue = "ForAnyValue:"

// wildcardMatch matches IAM wildcards (* and ?) in O(len(pattern)*len(s))
// time at worst, whatever the pattern.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// AccountOf returns the 12-digit account in an ARN or a bare account ID, or "".
func AccountOf(principal string) string {
	p := strings.TrimSpace(principal)
	if len(p) == 12 && isDigits(p) {
		return p
	}
	parts := strings.Split(p, ":")
	if len(parts) >= 5 && strings.HasPrefix(p, "arn:") && len(parts[4]) == 12 && isDigits(parts[4]) {
		return parts[4]
	}
	return ""
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
