package celexpr

import (
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// Unknown values live inside the lists and maps of a resource's attribute
// tree, where CEL's own equality does not look for them: its list and map
// Equal skip an element that compares unknown, a string compares unequal to
// an unknown, and a list's Contains counts only a true comparison. Left as
// they are, [unknown] == ['x'] would be true and 'x' in [unknown] false.
// Lists and maps a program builds itself never hold unknowns (CEL makes the
// whole literal unknown), so only those of the input need care, and the
// only operations that compare inside them are ==, != and in.
//
// threeValued replaces those three operators with versions that compare
// lists and maps element by element and answer unknown when an element
// they depend on is: [unknown] == ['x'] is unknown, 'x' in ['x', unknown]
// is true, 'y' in ['x', unknown] is unknown. On anything else they behave
// exactly as CEL's.
func threeValued(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok || len(call.Args()) != 2 {
		return i, nil
	}
	switch call.Function() {
	case operators.Equals, operators.NotEquals, operators.In:
		args := call.Args()
		return &threeValuedCall{InterpretableCall: call, lhs: args[0], rhs: args[1]}, nil
	}
	return i, nil
}

type threeValuedCall struct {
	interpreter.InterpretableCall
	lhs, rhs interpreter.InterpretableV2
}

// Exec implements interpreter.InterpretableV2.
func (c *threeValuedCall) Exec(f *interpreter.ExecutionFrame) ref.Val {
	return c.apply(c.lhs.Exec(f), c.rhs.Exec(f))
}

// Eval implements interpreter.Interpretable.
func (c *threeValuedCall) Eval(a interpreter.Activation) ref.Val {
	return c.apply(c.lhs.Eval(a), c.rhs.Eval(a))
}

func (c *threeValuedCall) apply(l, r ref.Val) ref.Val {
	if types.IsUnknownOrError(l) {
		return l
	}
	if types.IsUnknownOrError(r) {
		return r
	}
	switch c.Function() {
	case operators.Equals:
		return equal(l, r)
	case operators.NotEquals:
		switch eq := equal(l, r); eq {
		case types.True:
			return types.False
		case types.False:
			return types.True
		default:
			return eq
		}
	}
	// in: membership of a list is three-valued; a map's is about its keys,
	// which are never unknown.
	switch container := r.(type) {
	case traits.Lister:
		return contains(container, l)
	case traits.Container:
		return container.Contains(l)
	}
	return types.NoSuchOverloadErr()
}

// equal is CEL's equality, three-valued through lists and maps.
func equal(l, r ref.Val) ref.Val {
	if types.IsUnknownOrError(l) || types.IsUnknownOrError(r) {
		return merge(l, r)
	}
	switch lv := l.(type) {
	case traits.Lister:
		rv, ok := r.(traits.Lister)
		if !ok || lv.Size() != rv.Size() {
			return types.Equal(l, r)
		}
		var unknown ref.Val
		n := int64(lv.Size().(types.Int))
		for i := range n {
			idx := types.Int(i)
			switch eq := equal(lv.Get(idx), rv.Get(idx)); {
			case eq == types.False:
				return types.False
			case types.IsUnknownOrError(eq):
				unknown = merge(unknown, eq)
			}
		}
		if unknown != nil {
			return unknown
		}
		return types.True
	case traits.Mapper:
		rv, ok := r.(traits.Mapper)
		if !ok || lv.Size() != rv.Size() {
			return types.Equal(l, r)
		}
		var unknown ref.Val
		for it := lv.Iterator(); it.HasNext() == types.True; {
			key := it.Next()
			lval, _ := lv.Find(key)
			rval, found := rv.Find(key)
			if !found {
				return types.False
			}
			switch eq := equal(lval, rval); {
			case eq == types.False:
				return types.False
			case types.IsUnknownOrError(eq):
				unknown = merge(unknown, eq)
			}
		}
		if unknown != nil {
			return unknown
		}
		return types.True
	}
	return types.Equal(l, r)
}

// contains is list membership: true when a known element equals v, unknown
// when none does but an unknown one might.
func contains(list traits.Lister, v ref.Val) ref.Val {
	var unknown ref.Val
	for it := list.Iterator(); it.HasNext() == types.True; {
		switch eq := equal(v, it.Next()); {
		case eq == types.True:
			return types.True
		case types.IsUnknownOrError(eq):
			unknown = merge(unknown, eq)
		}
	}
	if unknown != nil {
		return unknown
	}
	return types.False
}

// merge combines the unknowns (or the first error) of two results.
func merge(a, b ref.Val) ref.Val {
	ua, aUnknown := a.(*types.Unknown)
	ub, bUnknown := b.(*types.Unknown)
	switch {
	case aUnknown && bUnknown:
		return types.MergeUnknowns(ua, ub)
	case aUnknown:
		return ua
	case bUnknown:
		return ub
	case a != nil && types.IsError(a):
		return a
	}
	return b
}
