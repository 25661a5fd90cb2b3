package celexpr

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Bounds on an expression; see the package documentation.
const (
	// MaxExpressionLength is the longest expression Compile accepts, in bytes.
	MaxExpressionLength = 8 << 10
	// MaxNesting is how deeply an expression's syntax may nest.
	MaxNesting = 32
	// CostLimit is the runtime cost one evaluation may spend.
	CostLimit uint64 = 1_000_000
	// interruptEvery is how many comprehension iterations pass between checks
	// of the context.
	interruptEvery = 64
)

// ErrCostLimit is wrapped by the error of an evaluation that went over CostLimit.
var ErrCostLimit = errors.New("the expression went over its cost limit")

// Resource is the value of the `resource` variable: who the resource is, as
// opposed to `object`, what it holds.
type Resource struct {
	// Format is "terraform", "terraform-plan" or "kubernetes".
	Format string `cel:"format"`
	// Type is the Terraform resource type or the Kubernetes kind.
	Type string `cel:"type"`
	// Name is the Terraform resource name or the Kubernetes metadata.name.
	Name string `cel:"name"`
	// Namespace is the Kubernetes namespace; empty for Terraform.
	Namespace string `cel:"namespace"`
	// Address is the Terraform address or Kind/namespace/name.
	Address string `cel:"address"`
	// Module is the Terraform module path; empty for the root module.
	Module string `cel:"module"`
	// Provider is the Terraform provider configuration (aws, aws.prod).
	Provider string `cel:"provider"`
	// APIVersion is the Kubernetes apiVersion.
	APIVersion string `cel:"apiVersion"`
	// Action is what applying the input does: create, update, replace, delete, no-op.
	Action string `cel:"action"`
	// Unit is the plan, root module or manifest the resource was read with.
	Unit string `cel:"unit"`
	// File is the file the resource is defined in.
	File string `cel:"file"`
}

// Vars are what an evaluation needs besides the resource's own content.
type Vars struct {
	// Resource is the resource judged.
	Resource *resource.Resource
	// Env is the environment the policy placed it in, "" for none.
	Env string
}

// Unknown is an attribute an expression's value depends on that cannot be
// known statically.
type Unknown struct {
	// Path is the attribute's path in the resource's attribute tree.
	Path resource.Path
	// Reason says why it is unknown ("known only after apply").
	Reason string
}

// Result is the value of an expression for one resource.
type Result struct {
	// Known is false when the value depends on attributes that cannot be
	// known statically; Unknowns lists them, in the order of the tree.
	Known    bool
	Unknowns []Unknown
	// Bool is the value of a rule expression (Compile), String that of a
	// message expression (CompileMessage), when Known.
	Bool   bool
	String string
	// Cost is the runtime cost the evaluation spent.
	Cost uint64
}

// Problem is one error in an expression, at a 1-based line and column of it.
type Problem struct {
	Line, Column int
	Message      string
}

// CompileError lists the problems that keep an expression from compiling.
type CompileError struct {
	Problems []Problem
}

// Error returns the problems, each as line:column: message, separated by "; ".
func (e *CompileError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Line > 0 {
			parts[i] = fmt.Sprintf("%d:%d: %s", p.Line, p.Column, p.Message)
		} else {
			parts[i] = p.Message
		}
	}
	return strings.Join(parts, "; ")
}

// Program is a compiled expression, safe for concurrent use.
type Program struct {
	src  string
	want *types.Type
	prg  cel.Program
}

// String returns the expression's source.
func (p *Program) String() string { return p.src }

var resourceType = reflect.TypeFor[Resource]()

// celEnv is the one CEL environment every expression compiles in.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("object", cel.DynType),
		cel.Variable("oldObject", cel.DynType),
		cel.Variable("env", cel.StringType),
		cel.Variable("labels", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("annotations", cel.MapType(cel.StringType, cel.StringType)),
		cel.OptionalTypes(),
		cel.CrossTypeNumericComparisons(true),
		cel.DefaultUTCTimeZone(true),
		cel.ParserExpressionSizeLimit(MaxExpressionLength),
		cel.ParserRecursionLimit(MaxNesting),
		// Not the lists and sets libraries: their functions compare
		// elements without regard to unknowns (see threeValued).
		ext.Strings(),
		ext.Math(),
		ext.Encoders(),
		ext.Bindings(),
		ext.Network(),
		// Last: the native type provider must come after the libraries that
		// install type adapters of their own.
		ext.NativeTypes(resourceType, ext.ParseStructTags(true)),
		cel.Variable("resource", cel.ObjectType(resourceType.String())),
	)
})

// Compile compiles a rule expression: a bool, true when the resource breaks
// the rule. Errors are a *CompileError.
func Compile(expr string) (*Program, error) { return compile(expr, types.BoolType) }

// CompileMessage compiles a message expression: a string describing the
// violation, such as
//
//	'bucket ' + resource.name + ' has no owner tag'
func CompileMessage(expr string) (*Program, error) { return compile(expr, types.StringType) }

func compile(expr string, want *types.Type) (*Program, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, &CompileError{Problems: []Problem{{Message: "the expression is empty"}}}
	}
	if len(expr) > MaxExpressionLength {
		return nil, &CompileError{Problems: []Problem{{Message: fmt.Sprintf("the expression is %d bytes long, over the limit of %d", len(expr), MaxExpressionLength)}}}
	}
	env, err := celEnv()
	if err != nil {
		return nil, fmt.Errorf("celexpr: building the CEL environment: %w", err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		ce := &CompileError{}
		for _, e := range iss.Errors() {
			loc := e.Location
			ce.Problems = append(ce.Problems, Problem{Line: loc.Line(), Column: loc.Column() + 1, Message: e.Message})
		}
		return nil, ce
	}
	if out := ast.OutputType(); out.Kind() != types.DynKind && !out.IsExactType(want) {
		return nil, &CompileError{Problems: []Problem{{Message: fmt.Sprintf("the expression is of type %s; want %s", out, want)}}}
	}
	prg, err := env.Program(ast,
		cel.EvalOptions(cel.OptTrackCost, cel.OptOptimize),
		cel.CostLimit(CostLimit),
		cel.InterruptCheckFrequency(interruptEvery),
		cel.CustomDecoratorV2(threeValued),
	)
	if err != nil {
		return nil, &CompileError{Problems: []Problem{{Message: err.Error()}}}
	}
	return &Program{src: expr, want: want, prg: prg}, nil
}

// Eval evaluates the expression for one resource. An error means the
// expression could not be evaluated (a missing key, a wrong type, ErrCostLimit,
// a cancelled ctx); a value that depends on unknown attributes is not an
// error but a Result that is not Known.
func (p *Program) Eval(ctx context.Context, v Vars) (Result, error) {
	if v.Resource == nil {
		return Result{}, errors.New("celexpr: no resource")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	in := inputsOf(v.Resource)
	act := map[string]any{
		"object": in.object, "oldObject": in.old, "resource": in.res, "env": v.Env,
		"labels": in.labels, "annotations": in.annotations,
	}
	out, det, err := p.prg.ContextEval(ctx, act)
	var res Result
	if det != nil && det.ActualCost() != nil {
		res.Cost = *det.ActualCost()
	}
	if err != nil {
		var cancel interpreter.EvalCancelledError
		if errors.As(err, &cancel) && cancel.Cause == interpreter.CostLimitExceeded {
			return res, fmt.Errorf("%w (%d)", ErrCostLimit, CostLimit)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return res, fmt.Errorf("evaluation interrupted: %w", ctxErr)
		}
		return res, err
	}
	if u, ok := out.(*types.Unknown); ok {
		res.Unknowns = in.unknownsOf(u)
		return res, nil
	}
	res.Known = true
	switch p.want {
	case types.BoolType:
		b, ok := out.(types.Bool)
		if !ok {
			return res, fmt.Errorf("the expression gave %s %s, not a bool", out.Type().TypeName(), clip(out))
		}
		res.Bool = bool(b)
	default:
		s, ok := out.(types.String)
		if !ok {
			return res, fmt.Errorf("the expression gave %s %s, not a string", out.Type().TypeName(), clip(out))
		}
		res.String = string(s)
	}
	return res, nil
}

// clip renders a value for an error message, shortened.
func clip(v ref.Val) string {
	s := fmt.Sprint(v.Value())
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}
