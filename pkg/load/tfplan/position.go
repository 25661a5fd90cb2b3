package tfplan

import (
	"bytes"
	"unicode/utf8"
)

// positioner converts byte offsets into 1-based lines and columns (columns
// count characters, not bytes). Offsets asked for in increasing order cost
// only the bytes between them, so locating every resource change of a
// single-line, many-megabyte plan stays linear.
type positioner struct {
	data      []byte
	off       int // offset of the last answer
	line, col int // its line and column
}

func newPositioner(data []byte) *positioner {
	return &positioner{data: data, line: 1, col: 1}
}

// at returns the line and column of the byte at off.
func (p *positioner) at(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(p.data) {
		off = len(p.data)
	}
	if off < p.off {
		p.off, p.line, p.col = 0, 1, 1
	}
	seg := p.data[p.off:off]
	if n := bytes.Count(seg, newline); n > 0 {
		last := bytes.LastIndexByte(seg, '\n')
		p.line += n
		p.col = 1 + utf8.RuneCount(seg[last+1:])
	} else {
		p.col += utf8.RuneCount(seg)
	}
	p.off = off
	return p.line, p.col
}

var newline = []byte{'\n'}
