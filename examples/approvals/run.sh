#!/usr/bin/env bash
# The change-approval flow of docs/approvals.md, end to end, with real
# ssh-keygen keys made for this run in a temporary directory (no private
# key is kept in the repository):
#
#   1. keys for Alice (the author), Bob and Carol (approvers), and the
#      policy listing Bob and Carol as allowed signers;
#   2. the digest of a manifest and of a plan;
#   3. unapproved, both fail the lint (GR-APPR-001);
#   4. Bob approves the manifest with his key, and the lint passes;
#   5. Alice approving her own change, the deployer approving, an edit after
#      approval, and an unknown key all fail, each with its rule;
#   6. Carol approves the plan through ssh-keygen -Y sign (as with
#      ssh-agent or a hardware key), and the plan's lint passes.
#
# Run it from anywhere: bash examples/approvals/run.sh. GUARDRAIL names the
# guardrail command (default: go run ./cmd/guardrail from the repository).
# It exits non-zero when a step does not give the exit code it should.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [[ -z "${GUARDRAIL:-}" ]]; then
  (cd "$root" && go build -o "${TMPDIR:-/tmp}/guardrail-example" ./cmd/guardrail)
  GUARDRAIL="${TMPDIR:-/tmp}/guardrail-example"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$here/web.yaml" "$here/prod.plan.json" .

step() { printf '\n== %s\n' "$*"; }
# expect CODE COMMAND...: run COMMAND, which must exit with CODE.
expect() {
  local want=$1 got=0
  shift
  printf '$ %s\n' "$*"
  "$@" >out.txt 2>&1 || got=$?
  sed 's/^/    /' out.txt | grep -E 'GR-APPR|sha256|result|guardrail:' | grep -v "approvals: '" | head -n 8 || true
  if [[ $got -ne $want ]]; then
    echo "FAILED: exit code $got, want $want" >&2
    cat out.txt >&2
    exit 1
  fi
}

step "1. Keys, and the policy that lists the approvers"
for who in alice bob carol mallory; do
  ssh-keygen -q -t ed25519 -N '' -C "$who@acme.com" -f "$who"
done
cat >policy.yaml <<EOF
apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: acme-approvals}
spec:
  environments:
    definitions:
    - {name: prod, production: true, namespaces: ["*-prod"], aliases: [production]}
    - {name: dev, namespaces: ["*-dev"]}
  approval:
    environments: [prod]
    approvers: 1
    ticketPattern: "CHG-[0-9]+"
    maxAge: 7d
    allowedSigners:
    - identity: alice@acme.com
      keys: ["$(cat alice.pub)"]
    - identity: bob@acme.com
      keys: ["$(cat bob.pub)"]
    - identity: carol@acme.com
      keys: ["$(cat carol.pub)"]
      environments: [prod]
    breakGlass:
      identities: [oncall@acme.com]
EOF
expect 0 $GUARDRAIL policy validate policy.yaml

step "2. What is approved: the digests"
expect 0 $GUARDRAIL digest --policy policy.yaml web.yaml
expect 0 $GUARDRAIL digest --policy policy.yaml prod.plan.json

step "3. Unapproved, production changes fail"
expect 1 $GUARDRAIL lint --policy policy.yaml web.yaml
expect 1 $GUARDRAIL lint --policy policy.yaml prod.plan.json

step "4. Bob approves the manifest with his key; it deploys"
expect 0 $GUARDRAIL approve --policy policy.yaml --key bob --approver bob@acme.com --ticket CHG-1234 --expires 72h -o web.approved.yaml web.yaml
expect 0 $GUARDRAIL lint --policy policy.yaml --author alice@acme.com --deployer ci@acme.com web.approved.yaml
echo "    (kubectl apply -f web.approved.yaml: the webhook checks the same approval against the object it admits)"

step "5. What does not count"
expect 0 $GUARDRAIL approve --policy policy.yaml --key alice --approver alice@acme.com --ticket CHG-1234 -o web.self.yaml web.yaml
expect 1 $GUARDRAIL lint --policy policy.yaml web.self.yaml                                      # GR-APPR-003: Alice is the author
expect 1 $GUARDRAIL lint --policy policy.yaml --deployer bob@acme.com web.approved.yaml            # GR-APPR-003: Bob deploys
sed 's/web:4.12.0/web:4.13.0/' web.approved.yaml >web.edited.yaml
expect 1 $GUARDRAIL lint --policy policy.yaml web.edited.yaml                                    # GR-APPR-002: changed after approval
expect 0 $GUARDRAIL approve --policy policy.yaml --key mallory --approver bob@acme.com --ticket CHG-1234 -o web.forged.yaml web.yaml
expect 1 $GUARDRAIL lint --policy policy.yaml web.forged.yaml                                    # GR-APPR-004: not Bob's key

step "6. Carol approves the plan with ssh-keygen, as with ssh-agent or a hardware key"
expect 0 $GUARDRAIL approve --policy policy.yaml --approver carol@acme.com --ticket CHG-1234 --message-only -o statement prod.plan.json
ssh-keygen -Y sign -f carol -n guardrail.dev/approval statement 2>/dev/null
expect 0 $GUARDRAIL approve --policy policy.yaml --signature statement.sig prod.plan.json     # writes prod.plan.approvals.json
expect 0 $GUARDRAIL lint --policy policy.yaml --author alice@acme.com --deployer ci@acme.com prod.plan.json
ssh-keygen -Y verify -f <(echo "carol@acme.com $(cat carol.pub)") -I carol@acme.com -n guardrail.dev/approval -s statement.sig <statement

printf '\nThe approval flow works as docs/approvals.md describes.\n'
