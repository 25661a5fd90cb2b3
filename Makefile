# guardrail's entry points. `make help` lists them.
GO            ?= go
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK   ?= golang.org/x/vuln/cmd/govulncheck@v1.9.0
BENCHSTAT     ?= golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
FUZZTIME      ?= 20s
BENCHCOUNT    ?= 6

.PHONY: help setup build test unit envtest lint vet staticcheck vulncheck fmt bench fuzz docs examples example-test example-tidy clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

setup: ## download Go modules and build the envtest API server and etcd (one-time, a few minutes cold)
	$(GO) mod download
	hack/envtest.sh >/dev/null

build: ## build bin/guardrail
	$(GO) build -o bin/guardrail ./cmd/guardrail

test: fmt vet unit example-test ## run every test: gofmt, vet, and all tests with the race detector, including the suites against a real API server and the example infra repository's

unit: ## all tests with the race detector (envtest binaries from hack/envtest.sh)
	KUBEBUILDER_ASSETS="$$(hack/envtest.sh)" GUARDRAIL_REQUIRE_ENVTEST=1 $(GO) test -race -count=1 ./...

envtest: ## print the directory of the envtest binaries, building them if needed
	@hack/envtest.sh

lint: fmt vet staticcheck ## gofmt, go vet and staticcheck

fmt:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

vulncheck: ## govulncheck over the module
	$(GO) run $(GOVULNCHECK) ./...

bench: ## benchmarks, BENCHCOUNT runs each, summarised by benchstat
	$(GO) test -run='^$$' -bench=. -benchmem -count=$(BENCHCOUNT) ./... | tee bench.out
	$(GO) run $(BENCHSTAT) bench.out

fuzz: ## run every fuzz target for FUZZTIME each (hack/fuzz.sh)
	GO=$(GO) FUZZTIME=$(FUZZTIME) hack/fuzz.sh

docs: ## regenerate docs/rules.md and docs/migration.md from the rule registry
	$(GO) run ./cmd/guardrail rules --format markdown > docs/rules.md
	$(GO) run ./cmd/guardrail rules --format migration > docs/migration.md

examples: ## lint the example estate (exits 1: it breaks the policy on purpose)
	$(GO) run ./cmd/guardrail lint --policy examples/policy.yaml examples/

example-test: ## go test of examples/infra-repo, a module of its own that tests its estate with guardrailtest
	@cd examples/infra-repo && $(GO) mod tidy -diff >/dev/null || { echo "examples/infra-repo: go.mod or go.sum is stale; run make example-tidy:"; $(GO) mod tidy -diff; exit 1; }
	cd examples/infra-repo && $(GO) vet ./... && $(GO) test -race -count=1 ./...

example-tidy: ## update examples/infra-repo's go.mod and go.sum after the library's dependencies change
	cd examples/infra-repo && $(GO) mod tidy

clean:
	rm -rf bin bench.out

CONTROLLER_GEN ?= sigs.k8s.io/controller-tools/cmd/controller-gen@v0.23.0

.PHONY: generate
generate: ## regenerate deep copy methods and the CRD from api/ and pkg/policy
	$(GO) run $(CONTROLLER_GEN) object paths=./pkg/policy/... paths=./api/...
	$(GO) run $(CONTROLLER_GEN) crd paths=./api/... output:crd:artifacts:config=config/crd/bases
