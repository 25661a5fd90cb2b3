package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	gojson "github.com/goccy/go-json"
	version "github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-dev/guardrail/pkg/load/internal/jsonscan"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// change is one decoded element of resource_changes and where it starts.
type change struct {
	rc    tfjson.ResourceChange
	index int
	off   int
}

// reader reads one plan. It walks the top-level object with a structural
// scanner, decodes the members it needs with encoding/json and only
// validates the others, so planned_values and prior_state are scanned once
// and never built. resource_changes is walked element by element, so each
// element's offset is known exactly.
type reader struct {
	name string
	data []byte
	opts Options
	pos  *positioner

	present          map[string]bool
	formatVersion    string
	terraformVersion string
	variables        map[string]*tfjson.PlanVariable
	config           *tfjson.Config
	changes          []change

	resources []*resource.Resource
	diags     resource.Diagnostics
}

func newReader(name string, data []byte, opts Options) *reader {
	return &reader{name: name, data: data, opts: opts, pos: newPositioner(data), present: map[string]bool{}}
}

// The JSON functions the reader uses: encoding/json everywhere except for
// the elements of resource_changes, the bulk of a plan's decoding work,
// which go through decodeChange.
var (
	unmarshal = json.Unmarshal
	valid     = json.Valid
)

// decodeChange decodes one element of resource_changes. It uses
// github.com/goccy/go-json, which decodes these into interface trees about
// twice as fast as encoding/json (see BenchmarkLoad), and falls back to
// encoding/json when goccy refuses the element, so that what is accepted
// and how a refusal is reported (SyntaxError, UnmarshalTypeError with the
// field path) are encoding/json's.
var decodeChange = func(raw []byte, rc *tfjson.ResourceChange) error {
	if err := gojson.Unmarshal(raw, rc); err == nil {
		return nil
	}
	*rc = tfjson.ResourceChange{}
	return json.Unmarshal(raw, rc)
}

// skipValue is decoded into to validate JSON without building anything.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// errStop ends the walk after a diagnostic that makes the rest unreadable.
var errStop = errors.New("stop")

func (r *reader) read() {
	defer func() {
		// encoding/json and terraform-json do not panic on any input we know
		// of; this turns a future one into a diagnostic instead of a crash.
		if p := recover(); p != nil {
			r.resources = nil
			r.diags = append(r.diags, resource.ErrorAt(r.loc(0), "plan could not be read",
				fmt.Sprintf("internal error reading the plan: %v; please report it with the plan file", p)))
		}
	}()
	if err := r.walk(); err != nil {
		return
	}
	if !r.checkPlan() {
		return
	}
	r.convert()
}

// walk reads the top-level object: '{' (string ':' value (',' string ':' value)*)? '}'.
func (r *reader) walk() error {
	data := r.data
	i := jsonscan.SkipSpace(data, 0)
	if i == len(data) {
		r.errorf(0, "not a Terraform plan", "the file is empty; write the plan with terraform show -json plan.out > plan.json")
		return errStop
	}
	if data[i] != '{' {
		kind := jsonscan.Kind(data, i)
		if kind == "" || !valid(data) {
			return r.syntax(i)
		}
		r.errorf(i, "not a Terraform plan", fmt.Sprintf("the file holds a JSON %s, not the object terraform show -json writes", kind))
		return errStop
	}
	i = jsonscan.SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return r.trailing(i + 1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return r.syntax(i)
		}
		keyOff := i
		keyEnd, ok := jsonscan.SkipString(data, i)
		if !ok {
			return r.syntax(i)
		}
		key, ok := decodeKey(data[keyOff:keyEnd])
		if !ok {
			return r.syntax(keyOff)
		}
		i = jsonscan.SkipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return r.syntax(i)
		}
		valOff := jsonscan.SkipSpace(data, i+1)
		end, ok := jsonscan.SkipValue(data, valOff)
		if !ok {
			return r.syntax(valOff)
		}
		if r.present[key] {
			r.errorf(keyOff, "invalid Terraform plan", fmt.Sprintf("%q appears twice in the top-level object", key))
			return errStop
		}
		r.present[key] = true
		if err := r.member(key, valOff, end); errors.Is(err, errStop) {
			return err
		}
		i = jsonscan.SkipSpace(data, end)
		if i >= len(data) {
			return r.syntax(i)
		}
		switch data[i] {
		case ',':
			i = jsonscan.SkipSpace(data, i+1)
		case '}':
			return r.trailing(i + 1)
		default:
			return r.syntax(i)
		}
	}
}

// member reads one top-level member whose value is data[off:end].
func (r *reader) member(key string, off, end int) error {
	raw := r.data[off:end]
	switch key {
	case "format_version":
		return r.decode(raw, off, key, &r.formatVersion)
	case "terraform_version":
		return r.decode(raw, off, key, &r.terraformVersion)
	case "variables":
		return r.decode(raw, off, key, &r.variables)
	case "configuration":
		var cfg tfjson.Config
		err := r.decode(raw, off, key, &cfg)
		if err == nil {
			r.config = &cfg
		}
		return err
	case "resource_changes":
		return r.resourceChanges(off, end)
	}
	// planned_values, prior_state, resource_drift, output_changes...
	if !valid(raw) {
		return r.syntax(off)
	}
	return nil
}

// trailing checks that only white space follows the top-level object.
func (r *reader) trailing(i int) error {
	i = jsonscan.SkipSpace(r.data, i)
	if i == len(r.data) {
		return nil
	}
	if end, ok := jsonscan.SkipValue(r.data, i); ok && valid(r.data[i:end]) {
		r.errorf(i, "invalid JSON", fmt.Sprintf("unexpected %s after the plan's closing brace; the file holds more than one JSON value",
			jsonscan.Kind(r.data, i)))
		return errStop
	}
	return r.syntax(i)
}

// decodeKey returns the text of a JSON string, and false when it is not valid.
func decodeKey(raw []byte) (string, bool) {
	plain := true
	for _, c := range raw[1 : len(raw)-1] {
		if c < 0x20 || c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if err := unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// resourceChanges decodes the elements of resource_changes, data[off:end],
// one by one, keeping each element's offset. An element with a field of
// the wrong type is reported and left out; the others are kept.
func (r *reader) resourceChanges(off, end int) error {
	data := r.data
	switch data[off] {
	case '[':
	case 'n':
		return r.decode(data[off:end], off, "resource_changes", &skipValue{})
	default:
		if !valid(data[off:end]) {
			return r.syntax(off)
		}
		r.errorf(off, "invalid Terraform plan", fmt.Sprintf("resource_changes: expected a list, got %s", jsonscan.Kind(data, off)))
		return nil
	}
	i := jsonscan.SkipSpace(data, off+1)
	if i < end && data[i] == ']' {
		return nil
	}
	for n := 0; ; n++ {
		elemEnd, ok := jsonscan.SkipValue(data, i)
		if !ok || elemEnd > end {
			return r.syntax(i)
		}
		r.changes = append(r.changes, change{index: n, off: i})
		c := &r.changes[len(r.changes)-1]
		if err := r.decode(data[i:elemEnd], i, fmt.Sprintf("resource_changes[%d]", n), &c.rc); err != nil {
			r.changes = r.changes[:len(r.changes)-1]
			if errors.Is(err, errStop) {
				return err
			}
		}
		i = jsonscan.SkipSpace(data, elemEnd)
		if i >= end {
			return r.syntax(i)
		}
		switch data[i] {
		case ',':
			i = jsonscan.SkipSpace(data, i+1)
		case ']':
			return nil
		default:
			return r.syntax(i)
		}
	}
}

// decode decodes raw, found at off, into v. A value of the wrong shape is
// reported at the offending field and returned as an ordinary error; broken
// JSON is reported and returned as errStop.
func (r *reader) decode(raw []byte, off int, field string, v any) error {
	var err error
	if rc, ok := v.(*tfjson.ResourceChange); ok {
		err = decodeChange(raw, rc)
	} else {
		err = unmarshal(raw, v)
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return r.syntax(off)
	case errors.As(err, &te):
		path := field
		if te.Field != "" {
			path += "." + te.Field
		}
		r.errorf(off+int(te.Offset), "invalid Terraform plan",
			fmt.Sprintf("%s: expected %s, got %s", path, typeKind(te.Type), te.Value))
		return err
	default:
		// An UnmarshalJSON method of terraform-json refused the value.
		r.errorf(off, "invalid Terraform plan", fmt.Sprintf("%s: %v", field, err))
		return err
	}
}

// syntax reports broken JSON and returns errStop. The position and reason
// come from validating the whole input with encoding/json, so they are the
// ones any JSON tool would give; near is where the walk noticed, used if
// validation disagrees.
func (r *reader) syntax(near int) error {
	off, msg := near, "invalid JSON structure"
	var se *json.SyntaxError
	if err := json.Unmarshal(r.data, &skipValue{}); errors.As(err, &se) {
		off, msg = int(se.Offset)-1, se.Error()
	}
	if strings.Contains(msg, "unexpected end of JSON input") {
		msg = "unexpected end of JSON input: the file is truncated"
		off = len(bytes.TrimRight(r.data, " \t\r\n"))
	}
	r.errorf(off, "invalid JSON", msg+"; regenerate the plan with terraform show -json plan.out > plan.json")
	return errStop
}

// checkPlan reports a JSON object that is not a plan, or a plan of a format
// guardrail does not read, and returns whether to go on.
func (r *reader) checkPlan() bool {
	if !r.present["format_version"] {
		switch {
		case r.present["resource_changes"] || r.present["planned_values"]:
			r.errorf(0, "invalid Terraform plan", "format_version is missing; write the plan with terraform show -json plan.out > plan.json")
		default:
			r.errorf(0, "not a Terraform plan", "the JSON object has no format_version, resource_changes or planned_values; "+
				"guardrail reads the output of terraform show -json plan.out")
		}
		return false
	}
	if !r.present["resource_changes"] && !r.present["planned_values"] {
		detail := "the JSON object has a format_version but no resource_changes or planned_values"
		if r.present["values"] {
			detail = "this is Terraform state (terraform show -json without a plan file), not a plan"
		}
		r.errorf(0, "not a Terraform plan", detail+"; run terraform plan -out plan.out && terraform show -json plan.out > plan.json")
		return false
	}
	v, err := version.NewVersion(r.formatVersion)
	if err != nil {
		r.errorf(0, "invalid Terraform plan", fmt.Sprintf("format_version %q is not a version number", r.formatVersion))
		return false
	}
	if !planFormats.Check(v) {
		detail := fmt.Sprintf("unsupported plan format_version %s (guardrail reads 0.1 to 1.x)", r.formatVersion)
		if r.terraformVersion != "" {
			detail += "; the plan was written by Terraform " + r.terraformVersion
		}
		r.errorf(0, "unsupported Terraform plan", detail)
		return false
	}
	return true
}

var planFormats = version.MustConstraints(version.NewConstraint(tfjson.PlanFormatVersionConstraints))

func (r *reader) loc(off int) resource.Location {
	line, col := r.pos.at(off)
	return resource.Location{File: r.name, Line: line, Column: col, Document: -1}
}

func (r *reader) errorf(off int, summary, detail string) {
	r.diags = append(r.diags, resource.ErrorAt(r.loc(off), summary, detail))
}

func (r *reader) warnf(loc resource.Location, summary, detail string) {
	r.diags = append(r.diags, resource.WarningAt(loc, summary, detail))
}

func typeKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return typeKind(t.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}
