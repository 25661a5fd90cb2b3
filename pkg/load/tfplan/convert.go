package tfplan

import (
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
)

// convert turns the decoded resource changes into resources.
func (r *reader) convert() {
	cfg := newConfigIndex(r.config, r.variables)
	r.resources = make([]*resource.Resource, 0, len(r.changes))
	for i := range r.changes {
		if res := r.resource(&r.changes[i], cfg); res != nil {
			r.resources = append(r.resources, res)
		}
	}
}

func (r *reader) resource(c *change, cfg *configIndex) *resource.Resource {
	rc := &c.rc
	loc := r.loc(c.off)
	field := fmt.Sprintf("resource_changes[%d]", c.index)
	fail := func(detail string) *resource.Resource {
		r.diags = append(r.diags, resource.ErrorAt(loc, "invalid Terraform plan", field+": "+detail))
		return nil
	}
	switch {
	case rc.Address == "":
		return fail("the resource change has no address")
	case rc.Type == "" || rc.Name == "":
		return fail(fmt.Sprintf("%s: the resource change has no type or name", rc.Address))
	case rc.Change == nil:
		return fail(fmt.Sprintf("%s: the resource change has no change", rc.Address))
	}
	field += " (" + rc.Address + ")"
	action, known := actionOf(rc.Change.Actions)
	if !known {
		r.warnf(loc, "unknown plan action",
			fmt.Sprintf("%s: actions %v are not ones guardrail knows; the resource is judged as %s", rc.Address, rc.Change.Actions, action))
	}
	before, ok := asObject(rc.Change.Before)
	if !ok {
		return fail("change.before: expected an object or null")
	}
	after, ok := asObject(rc.Change.After)
	if !ok {
		return fail("change.after: expected an object or null")
	}
	if action == resource.ActionDelete || (after == nil && before != nil && !known) {
		action = resource.ActionDelete
	}
	// Values the plan marks sensitive are not read: no rule, report or
	// message may carry them.
	before, after = hideSensitive(before, rc.Change.BeforeSensitive), hideSensitive(after, rc.Change.AfterSensitive)
	attrs := after
	if action == resource.ActionDelete {
		attrs = before
	} else if rc.Change.AfterUnknown != nil {
		v, _ := mergeUnknown(after, rc.Change.AfterUnknown)
		if m, ok := v.(map[string]any); ok {
			attrs = m
		} else if resource.IsUnknown(v) {
			// The whole object is unknown: nothing of it can be judged yet.
			attrs = map[string]any{}
		}
	}
	if attrs == nil {
		attrs = map[string]any{}
	}
	mode := string(rc.Mode)
	if mode == "" {
		mode = string(tfjson.ManagedResourceMode)
	}
	res := &resource.Resource{
		Format:     resource.FormatPlan,
		Address:    rc.Address,
		Type:       rc.Type,
		Name:       rc.Name,
		Module:     rc.ModuleAddress,
		Mode:       mode,
		Action:     action,
		Attributes: attrs,
		Before:     before,
		Unit:       r.name,
		Location:   loc,
	}
	family := providerFamily(rc.ProviderName, rc.Type)
	res.Labels = labelsOf(attrs, family)
	pc := cfg.providerFor(rc)
	res.Provider = rc.ProviderName
	if pc != nil {
		res.Provider = pc.address
		res.Origin = pc.origin
	}
	res.Origin.Workspace = r.opts.Workspace
	if family == "aws" && res.Origin.Account == "" {
		if arn, ok := attrs["arn"].(string); ok {
			res.Origin.Account = arnAccount(arn)
		}
	}
	res.Refs = cfg.refsFor(rc)
	if text, ok := res.Labels[waiver.AnnotationKey]; ok {
		for _, w := range waiver.SplitAnnotation(text) {
			res.Waivers = append(res.Waivers, resource.InlineWaiver{Text: w, Location: loc})
		}
	}
	return res
}

// actionOf maps a plan's change actions to a resource action. known is
// false for actions this loader does not recognise; the action returned then
// errs on the side of judging the resource.
func actionOf(a tfjson.Actions) (action resource.Action, known bool) {
	switch {
	case a.Create():
		return resource.ActionCreate, true
	case a.Update():
		return resource.ActionUpdate, true
	case a.Replace():
		return resource.ActionReplace, true
	case a.Delete():
		return resource.ActionDelete, true
	case a.NoOp():
		return resource.ActionNoop, true
	case a.Read():
		return resource.ActionRead, true
	case a.Forget():
		// Terraform stops managing the object (a removed block with
		// destroy = false): the plan no longer configures it.
		return resource.ActionDelete, true
	}
	for _, x := range a {
		if x == tfjson.ActionCreate {
			return resource.ActionCreate, false
		}
	}
	return resource.ActionUpdate, false
}

// asObject accepts an attribute object or null.
func asObject(v any) (map[string]any, bool) {
	if v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// sensitive replaces the values a plan marks sensitive.
var sensitive = resource.Unknown("marked sensitive in the plan, and guardrail does not read sensitive values")

// hideSensitive replaces the sensitive values of an object; an object
// sensitive as a whole becomes empty.
func hideSensitive(obj map[string]any, mask any) map[string]any {
	if mask == nil || obj == nil {
		return obj
	}
	switch v := overlay(obj, mask, sensitive).(type) {
	case map[string]any:
		return v
	case *resource.UnknownValue:
		return map[string]any{}
	}
	return obj
}

// overlay places marker into value wherever mask (after_sensitive or
// before_sensitive, which mirror the value's shape) holds true.
func overlay(value, mask any, marker *resource.UnknownValue) any {
	v, _ := mergeMarker(value, mask, marker)
	return v
}

// mergeUnknown places resource.AfterApply into after wherever unknown (the
// plan's after_unknown, which mirrors the shape of after) holds true,
// creating the maps and lists on the way. It returns the merged value and
// whether anything changed; subtrees without a true are left alone.
func mergeUnknown(after, unknown any) (any, bool) {
	return mergeMarker(after, unknown, resource.AfterApply)
}

// mergeMarker places marker into value wherever mask holds true.
func mergeMarker(after, unknown any, marker *resource.UnknownValue) (any, bool) {
	switch u := unknown.(type) {
	case bool:
		if u {
			return marker, true
		}
	case map[string]any:
		m, isMap := after.(map[string]any)
		isMap = isMap && m != nil
		changed := false
		for k, uv := range u {
			cur := m[k]
			v, ch := mergeMarker(cur, uv, marker)
			if !ch {
				continue
			}
			if !isMap {
				m, isMap = make(map[string]any, len(u)), true
			}
			m[k] = v
			changed = true
		}
		if changed {
			return m, true
		}
	case []any:
		l, isList := after.([]any)
		changed := false
		for i, uv := range u {
			var cur any
			if i < len(l) {
				cur = l[i]
			}
			v, ch := mergeMarker(cur, uv, marker)
			if !ch {
				continue
			}
			if !isList {
				l, isList = make([]any, 0, len(u)), true
			}
			for len(l) <= i {
				l = append(l, nil)
			}
			l[i] = v
			changed = true
		}
		if changed {
			return l, true
		}
	}
	return after, false
}

// providerFamily names the provider a resource belongs to (aws, azurerm,
// google...), from the provider's registry name or else the type's prefix.
func providerFamily(providerName, typ string) string {
	name := providerName
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name, _, _ = strings.Cut(typ, "_")
	}
	switch name {
	case "google-beta":
		return "google"
	case "azure", "azapi":
		return "azurerm"
	}
	return name
}

// labelKeys are the attributes holding a resource's tags or labels, in
// order of preference: the ones that include the provider's defaults first.
var labelKeys = map[string][]string{
	"aws":     {"tags_all", "tags"},
	"azurerm": {"tags_all", "tags"},
	"google":  {"terraform_labels", "labels"},
}

var otherLabelKeys = []string{"tags_all", "tags", "labels"}

// labelsOf returns the known string tags or labels of attrs.
func labelsOf(attrs map[string]any, family string) map[string]string {
	keys, ok := labelKeys[family]
	if !ok {
		keys = otherLabelKeys
	}
	for _, k := range keys {
		m, ok := attrs[k].(map[string]any)
		if !ok || len(m) == 0 {
			continue
		}
		out := make(map[string]string, len(m))
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
		return out
	}
	return nil
}

// arnAccount returns the account ID of an ARN (arn:partition:service:region:account:resource), or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || !isAccountID(parts[4]) {
		return ""
	}
	return parts[4]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// baseAddress is the address of a resource change without instance keys,
// the form configuration addresses and references take.
func baseAddress(rc *tfjson.ResourceChange) string { return rule.BaseAddress(rc.Address) }
