//go:build tools

// Package envtest is a builder module, not code: it pins the sources of the
// controller-runtime envtest binaries (kube-apiserver and etcd) so that
// hack/envtest.sh can build them with `go build` from the Go module proxy.
//
// It has its own go.mod so it stays out of the main module's ./... and its
// (large) dependency graph never touches /go.mod. Regenerate go.mod/go.sum with
// `hack/envtest.sh --update-go-mod` after changing KUBE_VERSION there.
package envtest

import (
	// The etcd binary: go.etcd.io/etcd/server/v3 is itself package main
	// (server/main.go calls etcdmain.Main), exactly what etcd's own build runs.
	_ "go.etcd.io/etcd/server/v3"
	// The kube-apiserver binary.
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
