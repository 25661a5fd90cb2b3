package benchmeter

import "testing"

func TestCPUTime(t *testing.T) {
	a := CPUTime()
	x := 0
	for i := 0; i < 50_000_000; i++ {
		x += i % 7
	}
	if b := CPUTime(); b < a || x < 0 {
		t.Errorf("CPU time went back: %v then %v", a, b)
	}
}
