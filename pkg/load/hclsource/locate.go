package hclsource

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// locNode records where the parts of an evaluated body are written: its
// attributes (by expression) and its nested blocks (by block, in the order
// of the values, dynamic blocks expanded).
type locNode struct {
	rng    hcl.Range
	expr   hcl.Expression
	attrs  map[string]*locNode
	blocks map[string][]*locNode
}

// locate returns where the attribute at p is written: the attribute's
// expression, the nth nested block of a type, or an item of a literal
// object or tuple, falling back to the nearest enclosing one.
func (n *locNode) locate(p resource.Path) (loc resource.Location) {
	best := n.rng
	defer func() {
		if recover() != nil {
			loc = locOf(best)
		}
	}()
	cur := n
	for i := 0; i < len(p); i++ {
		s := p[i]
		if cur.expr != nil {
			best = exprLocate(cur.expr, p[i:], best)
			break
		}
		if s.IsIndex() {
			break
		}
		if a, ok := cur.attrs[s.Key]; ok {
			cur, best = a, a.rng
			continue
		}
		bl := cur.blocks[s.Key]
		if len(bl) == 0 {
			break
		}
		idx := 0
		if i+1 < len(p) && p[i+1].IsIndex() {
			idx = p[i+1].Index
			i++
		}
		if idx >= len(bl) {
			break
		}
		cur, best = bl[idx], bl[idx].rng
	}
	return locOf(best)
}

// exprLocate descends into literal object and tuple constructors.
func exprLocate(expr hcl.Expression, p resource.Path, best hcl.Range) hcl.Range {
	for _, s := range p {
		var next hcl.Expression
		if s.IsIndex() {
			list, diags := hcl.ExprList(expr)
			if diags.HasErrors() || s.Index >= len(list) {
				break
			}
			next = list[s.Index]
		} else {
			for _, kv := range pairs(expr) {
				if keyString(kv.Key) == s.Key {
					next = kv.Value
					break
				}
			}
		}
		if next == nil {
			break
		}
		expr, best = next, next.Range()
	}
	return best
}

// limitForExprs makes every for expression in body draw on the loader's
// iteration budget, so nested for expressions over large collections stop
// instead of running for hours: the collection expression is wrapped in a
// call of budgetFuncName, which charges the collection's length.
func (l *loader) limitForExprs(body *hclsyntax.Body) {
	var fors []*hclsyntax.ForExpr
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		if fe, ok := n.(*hclsyntax.ForExpr); ok {
			fors = append(fors, fe)
		}
		return nil
	})
	for _, fe := range fors {
		rng := fe.CollExpr.Range()
		fe.CollExpr = &hclsyntax.FunctionCallExpr{Name: budgetFuncName, Args: []hclsyntax.Expression{fe.CollExpr},
			NameRange: rng, OpenParenRange: rng, CloseParenRange: rng}
	}
}

func relPath(base, target string) (string, bool) {
	rel, err := filepath.Rel(base, target)
	if err != nil {
		return "", false
	}
	return filepath.ToSlash(rel), !strings.HasPrefix(rel, "/")
}
