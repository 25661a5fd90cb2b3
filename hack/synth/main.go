// Command synth writes the generated inputs the benchmarks use, so that the
// guardrail CLI (or another tool) can be timed on the same bytes:
//
//	go run ./hack/synth -n 10000 -out /tmp/bench
//	time bin/guardrail lint --format json -o /dev/null /tmp/bench/plan.json
//
// It writes plan.json (a `terraform show -json` plan of n resource changes,
// all in prod), mixed.plan.json (the same spread over prod, stage and dev)
// and manifests.yaml (n Kubernetes objects).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/guardrail-dev/guardrail/internal/synth"
)

func main() {
	n := flag.Int("n", 10_000, "resource changes in each plan and objects in the manifests")
	out := flag.String("out", ".", "directory to write into")
	flag.Parse()
	if *n <= 0 {
		fmt.Fprintln(os.Stderr, "synth: -n must be positive")
		os.Exit(2)
	}
	files := map[string][]byte{
		"plan.json":       synth.Plan(*n, synth.PlanOptions{}),
		"mixed.plan.json": synth.Plan(*n, synth.PlanOptions{Envs: []string{"prod", "stage", "dev"}}),
		"manifests.yaml":  synth.Manifests(*n),
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
	for name, data := range files {
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "synth:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d bytes\n", path, len(data))
	}
}
