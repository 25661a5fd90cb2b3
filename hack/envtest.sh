#!/usr/bin/env bash
# Provides the controller-runtime envtest binaries (kube-apiserver and etcd),
# built from source fetched through the Go module proxy only: no release
# tarballs, no storage buckets, no setup-envtest downloads.
#
# Usage:
#   export KUBEBUILDER_ASSETS="$(hack/envtest.sh)"
#
#   hack/envtest.sh                  ensure the binaries exist; print their directory
#                                    (last line of stdout; all progress goes to stderr)
#   hack/envtest.sh --rebuild        rebuild even if the cached binaries look fine
#   hack/envtest.sh --update-go-mod  regenerate hack/envtest/go.mod and go.sum from
#                                    kubernetes' own go.mod for KUBE_VERSION (run
#                                    after changing KUBE_VERSION in this script)
#
# Cache: ${GUARDRAIL_ENVTEST_DIR:-$HOME/.cache/guardrail/envtest}/$KUBE_VERSION
# A warm run only executes `--version` on both binaries. A cold build takes
# several minutes and a few GB of Go build cache.
set -euo pipefail

KUBE_VERSION=v1.37.2

# Staging modules that kubernetes' go.mod replaces but which are not published
# to the module proxy (and are not needed to build kube-apiserver or etcd).
UNPUBLISHED_STAGING=(k8s.io/sample-cli-plugin k8s.io/sample-controller)

# Everything below derives from KUBE_VERSION.
if [[ ! ${KUBE_VERSION} =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "envtest: ERROR: KUBE_VERSION=${KUBE_VERSION} is not a v1.X.Y release" >&2
  exit 1
fi
KUBE_MAJOR=1
KUBE_MINOR=${BASH_REMATCH[1]}
STAGING_VERSION=v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]} # k8s.io/api etc. for KUBE_VERSION

# stdout carries only the result; everything else (including go's output) goes
# to stderr.
exec 3>&1 1>&2

log() { printf 'envtest: %s\n' "$*" >&2; }
die() {
  printf 'envtest: ERROR: %s\n' "$*" >&2
  exit 1
}

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOD_DIR=${REPO_ROOT}/hack/envtest
MOD_PATH=github.com/guardrail-dev/guardrail/hack/envtest
CACHE_ROOT=${GUARDRAIL_ENVTEST_DIR:-${HOME:?HOME is not set; set GUARDRAIL_ENVTEST_DIR}/.cache/guardrail/envtest}
ASSETS_DIR=${CACHE_ROOT}/${KUBE_VERSION}

# The builder module is self-contained: never let a go.work or the caller's
# GOFLAGS change what it builds.
export GOWORK=off
export GOFLAGS=-mod=mod

need_go() {
  command -v go >/dev/null 2>&1 || die "'go' is not on PATH; install Go to build the envtest binaries"
}

# Prints the version that the go.mod file $1 requires for module $2 (empty if none).
required_version() {
  awk -v mod="$2" '
    $1 == "require" && $2 == mod { print $3; exit }
    $1 == mod && $2 ~ /^v/ { print $2; exit }
  ' "$1"
}

# Prints the replace directives of go.mod file $1, one per line, as
# "old[ version] => new[ version]".
replace_directives() {
  go mod edit -print "$1" | awk '
    /^replace[ \t]*\($/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    block { sub(/^[ \t]+/, ""); sub(/[ \t]*\/\/.*$/, ""); if ($0 != "") print; next }
    /^replace[ \t]/ { sub(/^replace[ \t]+/, ""); sub(/[ \t]*\/\/.*$/, ""); print }
  '
}

# Prints the "exclude" (as "module version") or "godebug" (as "key=value")
# directives of go.mod file $1, depending on $2.
simple_directives() {
  go mod edit -print "$1" | awk -v kw="$2" '
    $0 ~ "^" kw "[ \t]*\\($" { block = 1; next }
    block && /^\)/ { block = 0; next }
    block { sub(/^[ \t]+/, ""); sub(/[ \t]*\/\/.*$/, ""); if ($0 != "") print; next }
    $1 == kw { sub("^" kw "[ \t]+", ""); sub(/[ \t]*\/\/.*$/, ""); print }
  '
}

# --- go.mod generation -------------------------------------------------------

update_go_mod() {
  need_go
  local tmp kube_dir kube_mod etcd_version go_version line old new newver excluded m
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '${tmp}'" EXIT

  log "downloading k8s.io/kubernetes@${KUBE_VERSION} to read its go.mod"
  kube_dir=$(cd "${tmp}" && go mod download -json "k8s.io/kubernetes@${KUBE_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  kube_mod=${kube_dir}/go.mod
  [[ -f ${kube_mod} ]] || die "could not find go.mod of k8s.io/kubernetes@${KUBE_VERSION}"

  etcd_version=$(required_version "${kube_mod}" go.etcd.io/etcd/server/v3)
  [[ -n ${etcd_version} ]] || die "k8s.io/kubernetes@${KUBE_VERSION} does not require go.etcd.io/etcd/server/v3"
  go_version=$(awk '$1 == "go" { print $2; exit }' "${kube_mod}")
  log "kubernetes ${KUBE_VERSION} pins go.etcd.io/etcd/server/v3 ${etcd_version} (go ${go_version})"

  local -a replaces=() excludes=() godebugs=()
  while IFS= read -r line; do
    # shellcheck disable=SC2086
    set -- ${line}
    old=$1
    if [[ $2 != "=>" ]]; then old="$1 $2" && shift; fi
    new=$3 newver=${4-}
    if [[ ${new} == ./staging/* ]]; then
      [[ ${old} != *" "* ]] || die "unexpected versioned staging replace: ${line}"
      excluded=
      for m in "${UNPUBLISHED_STAGING[@]}"; do [[ ${old} == "${m}" ]] && excluded=1; done
      if [[ -n ${excluded} ]]; then
        log "skipping unpublished staging module ${old}"
        continue
      fi
      replaces+=("${old} => ${old} ${STAGING_VERSION}")
    elif [[ ${new} == .* || ${new} == /* ]]; then
      die "kubernetes go.mod has a local replace outside staging that cannot be mirrored: ${line}"
    else
      log "mirroring replace ${line}"
      replaces+=("${old} => ${new} ${newver}")
    fi
  done < <(replace_directives "${kube_mod}")
  while IFS= read -r line; do
    log "mirroring exclude ${line}"
    excludes+=("${line}")
  done < <(simple_directives "${kube_mod}" exclude)
  while IFS= read -r line; do
    log "mirroring godebug ${line}"
    godebugs+=("${line}")
  done < <(simple_directives "${kube_mod}" godebug)
  log "replacing ${#replaces[@]} k8s.io staging modules with their published ${STAGING_VERSION}"

  mkdir "${tmp}/mod"
  cp "${MOD_DIR}/tools.go" "${tmp}/mod/"
  {
    echo "// Code generated by hack/envtest.sh --update-go-mod from the go.mod of"
    echo "// k8s.io/kubernetes@${KUBE_VERSION}. DO NOT EDIT."
    echo "//"
    echo "// Builder module for the envtest binaries; see hack/envtest.sh. kubernetes"
    echo "// requires its k8s.io/* staging modules at v0.0.0 and replaces them with"
    echo "// ./staging/...; here each is replaced with its published ${STAGING_VERSION}."
    echo
    echo "module ${MOD_PATH}"
    echo
    echo "go ${go_version}"
    if ((${#godebugs[@]})); then
      echo
      printf 'godebug %s\n' "${godebugs[@]}"
    fi
    echo
    echo "require ("
    echo "	go.etcd.io/etcd/server/v3 ${etcd_version}"
    echo "	k8s.io/kubernetes ${KUBE_VERSION}"
    echo ")"
    echo
    echo "replace ("
    printf '\t%s\n' "${replaces[@]}"
    echo ")"
    if ((${#excludes[@]})); then
      echo
      echo "exclude ("
      printf '\t%s\n' "${excludes[@]}"
      echo ")"
    fi
  } >"${tmp}/mod/go.mod"
  (
    cd "${tmp}/mod"
    go mod edit -fmt
    log "resolving the module graph (go mod tidy in a scratch copy)"
    go mod tidy
  )
  cp "${tmp}/mod/go.mod" "${MOD_DIR}/go.mod.tmp"
  cp "${tmp}/mod/go.sum" "${MOD_DIR}/go.sum.tmp"
  mv -f "${MOD_DIR}/go.mod.tmp" "${MOD_DIR}/go.mod"
  mv -f "${MOD_DIR}/go.sum.tmp" "${MOD_DIR}/go.sum"
  log "wrote ${MOD_DIR}/go.mod and go.sum"
}

# --- build -------------------------------------------------------------------

# Succeeds if directory $1 holds working binaries of the expected versions.
binaries_ok() {
  local dir=$1 out
  [[ -x ${dir}/kube-apiserver && -x ${dir}/etcd ]] || return 1
  out=$("${dir}/kube-apiserver" --version 2>&1) || return 1
  [[ ${out} == "Kubernetes ${KUBE_VERSION}" ]] || return 1
  out=$("${dir}/etcd" --version 2>&1) || return 1
  grep -qx "etcd Version: ${ETCD_VERSION#v}" <<<"${out}" || return 1
}

build() {
  need_go
  local tmp build_date ldflags k v kv
  mkdir -p "${CACHE_ROOT}"

  # Serialize concurrent builders; the loser re-checks and usually finds the
  # winner's binaries.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"${CACHE_ROOT}/.lock"
    if ! flock -n 9; then
      log "waiting for another hack/envtest.sh to finish (lock ${CACHE_ROOT}/.lock)"
      flock 9
    fi
    if [[ -z ${REBUILD} ]] && binaries_ok "${ASSETS_DIR}"; then
      return 0
    fi
  fi

  tmp=$(mktemp -d "${CACHE_ROOT}/.build-${KUBE_VERSION}.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '${tmp}'" EXIT

  # Same variables and values kubernetes' hack/lib/version.sh stamps into a
  # release build. The module zip carries no git metadata: the commit is
  # unknown and the tree state is "archive" (what version.sh uses for exported
  # sources); the build date is the release's module timestamp, so rebuilds
  # are reproducible.
  build_date=$(cd "${MOD_DIR}" && go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes) ||
    die "could not resolve k8s.io/kubernetes in ${MOD_DIR}/go.mod"
  build_date=${build_date:-1970-01-01T00:00:00Z}
  ldflags="-s -w"
  for kv in "gitVersion=${KUBE_VERSION}" "gitMajor=${KUBE_MAJOR}" "gitMinor=${KUBE_MINOR}" \
    "gitCommit=" "gitTreeState=archive" "buildDate=${build_date}"; do
    k=${kv%%=*} v=${kv#*=}
    ldflags+=" -X k8s.io/component-base/version.${k}=${v} -X k8s.io/client-go/pkg/version.${k}=${v}"
  done

  log "building etcd ${ETCD_VERSION} (go.etcd.io/etcd/server/v3) ..."
  (cd "${MOD_DIR}" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
    -o "${tmp}/etcd" go.etcd.io/etcd/server/v3) || die "building etcd failed"

  # Tags and flags as kubernetes' hack/lib/golang.sh uses for a release build of
  # a static binary.
  log "building kube-apiserver ${KUBE_VERSION} (k8s.io/kubernetes/cmd/kube-apiserver) ..."
  (cd "${MOD_DIR}" && CGO_ENABLED=0 go build -trimpath -tags selinux,notest,grpcnotrace \
    -ldflags "${ldflags}" -o "${tmp}/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver) ||
    die "building kube-apiserver failed"

  binaries_ok "${tmp}" || die "freshly built binaries failed their --version check: $(
    "${tmp}/kube-apiserver" --version 2>&1 | head -n1
  ) / $("${tmp}/etcd" --version 2>&1 | head -n1)"

  # Each rename is atomic; the directory never holds a partially written binary.
  mkdir -p "${ASSETS_DIR}"
  mv -f "${tmp}/etcd" "${ASSETS_DIR}/etcd"
  mv -f "${tmp}/kube-apiserver" "${ASSETS_DIR}/kube-apiserver"
  binaries_ok "${ASSETS_DIR}" || die "binaries in ${ASSETS_DIR} failed their --version check after install"
  log "installed kube-apiserver and etcd into ${ASSETS_DIR}"
}

REBUILD=
case "${1-}" in
"") ;;
--rebuild) REBUILD=1 ;;
--update-go-mod)
  update_go_mod
  exit 0
  ;;
-h | --help)
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&3
  exit 0
  ;;
*) die "unknown argument: $1 (see hack/envtest.sh --help)" ;;
esac

[[ -f ${MOD_DIR}/go.mod ]] || die "${MOD_DIR}/go.mod is missing; run hack/envtest.sh --update-go-mod"
pinned=$(required_version "${MOD_DIR}/go.mod" k8s.io/kubernetes)
[[ ${pinned} == "${KUBE_VERSION}" ]] ||
  die "${MOD_DIR}/go.mod pins k8s.io/kubernetes '${pinned}', not ${KUBE_VERSION}; run hack/envtest.sh --update-go-mod"
ETCD_VERSION=$(required_version "${MOD_DIR}/go.mod" go.etcd.io/etcd/server/v3)
[[ -n ${ETCD_VERSION} ]] || die "${MOD_DIR}/go.mod does not require go.etcd.io/etcd/server/v3"

if [[ -n ${REBUILD} ]] || ! binaries_ok "${ASSETS_DIR}"; then
  build
fi
echo "${ASSETS_DIR}" >&3
