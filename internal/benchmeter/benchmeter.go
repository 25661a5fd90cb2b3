// Package benchmeter measures benchmarks that compare two pieces of work on a
// machine shared with other loads: wall-clock ratios swing with the
// neighbours, CPU time (the process's, garbage collection included) much
// less, so meters keep both.
package benchmeter

import (
	"runtime"
	"time"
)

// CPUTime returns the user and system CPU time used by the process so far,
// in all its threads, or 0 where the platform does not say.
func CPUTime() time.Duration { return now() }

// Meter adds up the CPU and wall-clock time of runs.
type Meter struct{ CPU, Wall time.Duration }

// Run runs f and adds its cost. It collects garbage before and after, so
// each measured piece of work pays for its own garbage and not another's.
func (m *Meter) Run(f func()) {
	runtime.GC()
	c, w := CPUTime(), time.Now()
	f()
	runtime.GC()
	m.CPU += CPUTime() - c
	m.Wall += time.Since(w)
}

// CPURatio is m's CPU time as a multiple of base's.
func (m Meter) CPURatio(base Meter) float64 { return float64(m.CPU) / float64(base.CPU) }

// WallRatio is m's wall-clock time as a multiple of base's.
func (m Meter) WallRatio(base Meter) float64 { return float64(m.Wall) / float64(base.Wall) }

// Plus returns the sum of two meters.
func (m Meter) Plus(o Meter) Meter { return Meter{CPU: m.CPU + o.CPU, Wall: m.Wall + o.Wall} }
