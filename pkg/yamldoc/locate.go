package yamldoc

import (
	"go.yaml.in/yaml/v3"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// Locate returns the line and column of the attribute at path p under root:
// the key's position for a map entry, the element's for a list item. When the
// path leads outside what is written (a default, or a field the document
// leaves out), it returns the position of the deepest part that exists.
func Locate(root *yaml.Node, p resource.Path) (line, column int) {
	n := root
	if n == nil {
		return 0, 0
	}
	line, column = n.Line, n.Column
	for _, step := range p {
		n = deref(n)
		var key, val *yaml.Node
		if step.IsIndex() {
			if n.Kind != yaml.SequenceNode || step.Index >= len(n.Content) {
				return line, column
			}
			val = n.Content[step.Index]
		} else {
			key, val = lookup(n, step.Key, 0)
			if val == nil {
				return line, column
			}
		}
		if key != nil {
			line, column = key.Line, key.Column
		} else {
			line, column = val.Line, val.Column
		}
		n = val
	}
	return line, column
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// lookup finds key in a mapping, following merge keys. Each mapping is
// searched once, so merges of merges of the same anchors (a "billion laughs"
// made of merge keys) cost no more than the document's size.
func lookup(n *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	return lookupSeen(n, key, depth, nil)
}

func lookupSeen(n *yaml.Node, key string, depth int, seen map[*yaml.Node]bool) (k, v *yaml.Node) {
	n = deref(n)
	if n.Kind != yaml.MappingNode || depth > 16 || seen[n] {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn := n.Content[i]
		if kn.Tag == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if ks, err := keyString(kn); err == nil && ks == key {
			return kn, n.Content[i+1]
		}
	}
	if len(merges) == 0 {
		return nil, nil
	}
	if seen == nil {
		seen = map[*yaml.Node]bool{}
	}
	seen[n] = true
	for _, m := range merges {
		m = deref(m)
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, s := range srcs {
			if k, v := lookupSeen(s, key, depth+1, seen); v != nil {
				return k, v
			}
		}
	}
	return nil, nil
}
