package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// header is the first two lines of every policy file in these tests, so the
// spec starts on line 3.
const header = "apiVersion: guardrail.dev/v1alpha1\nkind: Policy\n"

// problem is one expected FieldError: where, which field, and part of the message.
type problem struct {
	line, col int
	path      string
	message   string
}

func (p problem) String() string {
	return fmt.Sprintf("p.yaml:%d:%d: %s: ...%s...", p.line, p.col, p.path, p.message)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []problem
	}{
		// Decoding.
		{"unknown field", header + "spec:\n  environments:\n    definitions:\n    - name: prod\n      nmae: x\n",
			[]problem{{7, 7, "spec.environments.definitions[0].nmae", `unknown field "nmae" in Environment (want one of name, production, aliases,`}}},
		{"unknown top-level field", header + "specs: {}\n",
			[]problem{{3, 1, "specs", `unknown field "specs" in Document (want one of apiVersion, kind, metadata, spec)`}}},
		{"unknown field in flow style", header + "spec: {transit: {minTLS: '1.2'}}\n",
			[]problem{{3, 18, "spec.transit.minTLS", `unknown field "minTLS" in Transit`}}},
		{"unknown field in a map value", header + "spec:\n  rules:\n    GR-PORT-001:\n      sevrity: high\n",
			[]problem{{6, 7, "spec.rules.GR-PORT-001.sevrity", `unknown field "sevrity" in RuleSetting`}}},
		{"wrong type: string for int", header + "spec:\n  approval:\n    approvers: abc\n",
			[]problem{{5, 16, "spec.approval.approvers", "cannot read the string `abc` as an integer"}}},
		{"wrong type: scalar for list", header + "spec:\n  ports: {admin: 22}\n",
			[]problem{{4, 18, "spec.ports.admin", "cannot read the number 22 as a list"}}},
		{"wrong type: mapping for string, same line as others", header + "spec:\n  ports: {admin: ['22'], data: ['1', {a: b}]}\n",
			[]problem{{4, 38, "spec.ports.data[1]", "cannot read a mapping as a string"}}},
		{"wrong type: list for mapping", header + "spec: [1]\n",
			[]problem{{3, 7, "spec", "cannot read a list as a mapping (Spec)"}}},
		{"wrong type: string for bool", header + "spec:\n  environments: {required: maybe}\n",
			[]problem{{4, 28, "spec.environments.required", "cannot read the string `maybe` as true or false"}}},
		{"wrong type: string for *bool", header + "spec: {rules: {X: {inlineWaivers: maybe}}}\n",
			[]problem{{3, 35, "spec.rules.X.inlineWaivers", "as true or false"}}},
		{"wrong type: long value", header + "spec:\n  admission:\n    timeoutSeconds: thirty-seconds-please\n",
			[]problem{{5, 21, "spec.admission.timeoutSeconds", "cannot read the string `thirty-...` as an integer"}}},
		{"wrong type: mapping for map value", header + "spec: {admission: {exemptLabels: {a: {b: c}}}}\n",
			[]problem{{3, 38, "spec.admission.exemptLabels.a", "cannot read a mapping as a string"}}},
		{"wrong type: document is a list", "- a\n",
			[]problem{{1, 1, "(document)", "cannot read a list as a mapping (Document)"}}},
		{"wrong type: document is a string", "hello\n",
			[]problem{{1, 1, "(document)", "cannot read the string `hello` as a mapping (Document)"}}},

		// Enumerations.
		{"bad detector", header + "spec:\n  environments:\n    precedence: [label, lable]\n",
			[]problem{{5, 25, "spec.environments.precedence[1]", `unknown detector "lable"`}}},
		{"bad rule severity", header + "spec:\n  rules:\n    GR-TLS-*:\n      severity: hgih\n",
			[]problem{{6, 7, `spec.rules."GR-TLS-*".severity`, `unknown severity "hgih"`}}},
		{"bad rule mode", header + "spec:\n  rules:\n    a.b: {mode: block}\n",
			[]problem{{5, 11, `spec.rules."a.b".mode`, `unknown mode "block": want one of deny, warn, off`}}},
		{"bad undecidable severity", header + "spec:\n  undecidable: {severity: urgent}\n",
			[]problem{{4, 17, "spec.undecidable.severity", `unknown severity "urgent": want one of critical, high, medium, low, info (or inherit)`}}},
		{"bad undecidable mode", header + "spec:\n  undecidable: {mode: block}\n",
			[]problem{{4, 17, "spec.undecidable.mode", `unknown mode "block"`}}},
		{"bad TLS version", header + "spec:\n  transit: {minTLSVersion: '1.4'}\n",
			[]problem{{4, 13, "spec.transit.minTLSVersion", `unknown TLS version "1.4"`}}},
		{"bad scaleOnly", header + "spec:\n  approval:\n    scaleOnly: always\n",
			[]problem{{5, 5, "spec.approval.scaleOnly", `got "always", want exempt or require`}}},
		{"bad failurePolicy", header + "spec:\n  admission: {failurePolicy: fail}\n",
			[]problem{{4, 15, "spec.admission.failurePolicy", `got "fail", want Fail or Ignore`}}},
		{"timeout out of range", header + "spec:\n  admission: {timeoutSeconds: 60}\n",
			[]problem{{4, 15, "spec.admission.timeoutSeconds", "must be between 1 and 30"}}},
		{"negative approvers", header + "spec:\n  approval: {approvers: -1}\n",
			[]problem{{4, 14, "spec.approval.approvers", "must be at least 1"}}},

		// Values.
		{"invalid CIDR", header + "spec:\n  environments:\n    definitions:\n    - name: prod\n      cidrs: [10.0.0.0/8, 10.0.0.0/33, 10.0.0.1]\n",
			[]problem{{7, 27, "spec.environments.definitions[0].cidrs[1]", `"10.0.0.0/33" is not a CIDR range`}, {7, 40, "spec.environments.definitions[0].cidrs[2]", `"10.0.0.1" is not a CIDR range`}}},
		{"invalid public CIDR", header + "spec:\n  ports:\n    publicCIDRs: [everywhere]\n",
			[]problem{{5, 19, "spec.ports.publicCIDRs[0]", `"everywhere" is not a CIDR range`}}},
		{"port out of range", header + "spec:\n  ports:\n    admin: ['70000']\n",
			[]problem{{5, 13, "spec.ports.admin[0]", `port "70000": want 0-65535 with the lower bound first`}}},
		{"port range backwards", header + "spec:\n  ports:\n    data: ['22-21']\n",
			[]problem{{5, 12, "spec.ports.data[0]", `port "22-21": want 0-65535 with the lower bound first`}}},
		{"port with unknown protocol", header + "spec:\n  transit:\n    plaintextPorts: [icmp/8]\n",
			[]problem{{5, 22, "spec.transit.plaintextPorts[0]", `port "icmp/8": unknown protocol "icmp" (want tcp, udp or sctp)`}}},
		{"port not a number", header + "spec:\n  ports:\n    allowed: {'*': [ssh]}\n",
			[]problem{{5, 21, `spec.ports.allowed."*"[0]`, `port "ssh": "ssh" is not a number`}}},
		{"bad glob", header + "spec:\n  environments:\n    definitions:\n    - name: prod\n      namespaces: ['prod-[']\n",
			[]problem{{7, 20, "spec.environments.definitions[0].namespaces[0]", `invalid pattern "prod-["`}}},
		{"bad rule glob", header + "spec:\n  rules:\n    'GR-{TLS': {mode: warn}\n",
			[]problem{{5, 5, `spec.rules."GR-{TLS"`, `invalid pattern "GR-{TLS"`}}},
		{"bad waiver glob", header + "spec:\n  waivers:\n    entries:\n    - rules: ['GR-[']\n      reason: r\n",
			[]problem{{6, 15, "spec.waivers.entries[0].rules[0]", `invalid pattern "GR-["`}}},
		{"bad regexp", header + "spec:\n  approval:\n    ticketPattern: 'CHG-[0-9'\n",
			[]problem{{5, 5, "spec.approval.ticketPattern", "invalid regular expression: error parsing regexp: missing closing ]"}}},
		{"bad date", header + "spec:\n  waivers:\n    entries:\n    - rules: [X]\n      reason: r\n      expires: 2027-02-30\n",
			[]problem{{8, 7, "spec.waivers.entries[0].expires", `"2027-02-30" is not a date (YYYY-MM-DD)`}}},
		{"date with time", header + "spec:\n  waivers:\n    entries:\n    - {rules: [X], reason: r, expires: '2027-01-31T00:00:00Z'}\n",
			[]problem{{6, 31, "spec.waivers.entries[0].expires", "is not a date"}}},
		{"bad duration", header + "spec:\n  approval: {maxAge: 3 days}\n",
			[]problem{{4, 14, "spec.approval.maxAge", `"3 days" is neither a Go duration (72h) nor a number of days (30d)`}}},
		{"negative duration", header + "spec:\n  waivers: {maxDuration: -5h}\n",
			[]problem{{4, 13, "spec.waivers.maxDuration", `"-5h" is negative`}}},
		{"negative days", header + "spec:\n  waivers: {maxDuration: -5d}\n",
			[]problem{{4, 13, "spec.waivers.maxDuration", `"-5d" is not a number of days`}}},
		{"too many days", header + "spec:\n  waivers: {maxDuration: 999999999999d}\n",
			[]problem{{4, 13, "spec.waivers.maxDuration", "is longer than 106751 days"}}},
		{"waiver without rules", header + "spec:\n  waivers:\n    entries:\n    - reason: r\n",
			[]problem{{6, 7, "spec.waivers.entries[0].rules", "a waiver names at least one rule"}}},
		{"environment without name", header + "spec:\n  environments:\n    definitions:\n    - production: true\n",
			[]problem{{6, 7, "spec.environments.definitions[0].name", "an environment needs a name"}}},
		{"signer without identity or keys", header + "spec:\n  approval:\n    allowedSigners:\n    - environments: []\n",
			[]problem{{6, 7, "spec.approval.allowedSigners[0].identity", "a signer needs an identity"}, {6, 7, "spec.approval.allowedSigners[0].keys", "a signer needs at least one SSH public key"}}},

		// References to environments.
		{"undefined environment in allowedMixes", header + "spec:\n  segregation:\n    allowedMixes: [[dev, perf]]\n",
			[]problem{{5, 26, "spec.segregation.allowedMixes[0][1]", `unknown environment "perf" (defined: prod, staging, dev)`}}},
		{"undefined environment in requireDefaultDeny", header + "spec:\n  segregation:\n    requireDefaultDeny: [perf]\n",
			[]problem{{5, 26, "spec.segregation.requireDefaultDeny[0]", `unknown environment "perf"`}}},
		{"undefined environment in ports.allowed", header + "spec:\n  ports:\n    allowed: {perf: ['1']}\n",
			[]problem{{5, 15, "spec.ports.allowed.perf", `unknown environment "perf"`}}},
		{"two entries for one environment", header + "spec:\n  ports:\n    allowed: {prod: ['443'], Production: ['80']}\n",
			[]problem{{5, 15, "spec.ports.allowed.prod", "environment prod already has an entry (Production)"}}},
		{"undefined environment in rules", header + "spec:\n  rules:\n    GR-PORT-005: {environments: [prod, perf], excludeEnvironments: [load]}\n",
			[]problem{{5, 40, "spec.rules.GR-PORT-005.environments[1]", `unknown environment "perf"`}, {5, 69, "spec.rules.GR-PORT-005.excludeEnvironments[0]", `unknown environment "load"`}}},
		{"undefined environment in waivers", header + "spec:\n  waivers:\n    inline: {forbiddenEnvironments: [perf]}\n    entries:\n    - {rules: [X], reason: r, environments: [perf]}\n",
			[]problem{{5, 38, "spec.waivers.inline.forbiddenEnvironments[0]", `unknown environment "perf"`}, {7, 46, "spec.waivers.entries[0].environments[0]", `unknown environment "perf"`}}},
		{"undefined environment in approval", header + "spec:\n  approval:\n    environments: [perf]\n    allowedSigners:\n    - {identity: a, keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDW8dmV9F8iziALEERghH1H+Lcw85vLUXIoaFs4JroCD'], environments: [load]}\n",
			[]problem{{5, 20, "spec.approval.environments[0]", `unknown environment "perf"`}, {7, 128, "spec.approval.allowedSigners[0].environments[0]", `unknown environment "load"`}}},
		{"undefined default environment", header + "spec:\n  environments:\n    default: perf\n",
			[]problem{{5, 5, "spec.environments.default", `unknown environment "perf"`}}},
		{"undefined cluster environment", header + "spec:\n  admission: {clusterEnvironment: perf}\n",
			[]problem{{4, 15, "spec.admission.clusterEnvironment", `unknown environment "perf"`}}},
		{"undefined with no environments named", header + "spec:\n  environments:\n    definitions: [{name: ''}]\n  approval: {environments: [prod]}\n",
			[]problem{{5, 20, "spec.environments.definitions[0].name", "an environment needs a name"}, {6, 29, "spec.approval.environments[0]", `unknown environment "prod" (defined: none)`}}},

		// Duplicate names.
		{"duplicate environment name", header + "spec:\n  environments:\n    definitions:\n    - name: prod\n    - name: Prod\n",
			[]problem{{7, 7, "spec.environments.definitions[1].name", `"Prod" already names environment "prod"`}}},
		{"alias naming another environment", header + "spec:\n  environments:\n    definitions:\n    - name: prod\n    - name: dev\n      aliases: [test, PROD]\n",
			[]problem{{8, 23, "spec.environments.definitions[1].aliases[1]", `"PROD" already names environment "prod"`}}},
		{"duplicate alias", header + "spec:\n  environments:\n    definitions:\n    - {name: a, aliases: [x]}\n    - {name: b, aliases: [X]}\n",
			[]problem{{7, 27, "spec.environments.definitions[1].aliases[0]", `"X" already names environment "a"`}}},
		{"alias repeating its own name", header + "spec:\n  environments:\n    definitions:\n    - {name: a, aliases: [A]}\n",
			[]problem{{6, 27, "spec.environments.definitions[0].aliases[0]", `"A" already names environment "a"`}}},

		// The document as a whole.
		{"missing apiVersion", "kind: Policy\n",
			[]problem{{1, 1, "apiVersion", `missing; want "guardrail.dev/v1alpha1"`}}},
		{"missing kind", "apiVersion: guardrail.dev/v1alpha1\nspec: {}\n",
			[]problem{{1, 1, "kind", `missing; want "Policy"`}}},
		{"missing both", "metadata: {name: x}\n",
			[]problem{{1, 1, "apiVersion", "missing"}, {1, 1, "kind", "missing"}}},
		{"wrong apiVersion", "# policy\napiVersion: guardrail.dev/v1\nkind: Policy\n",
			[]problem{{2, 1, "apiVersion", `got "guardrail.dev/v1", want "guardrail.dev/v1alpha1"`}}},
		{"wrong kind", header[:35] + "kind: GuardrailPolicy\n",
			[]problem{{2, 1, "kind", `got "GuardrailPolicy", want "Policy"`}}},
		{"two documents", header + "---\n" + header,
			[]problem{{4, 1, "(file)", "a policy file holds one document; found more"}}},
		{"empty file", "", []problem{{1, 1, "(file)", "empty policy document"}}},
		{"only comments", "# nothing\n---\n# here\n", []problem{{1, 1, "(file)", "empty policy document"}}},
		{"byte order mark only", "\xef\xbb\xbf", []problem{{1, 1, "(file)", "empty policy document"}}},
		{"syntax error", header + "spec:\n  rules: [\n", []problem{{4, 1, "(syntax)", "did not find expected node content"}}},
		{"tab indentation", header + "spec:\n\tports: {}\n", []problem{{4, 1, "(syntax)", "found character that cannot start any token"}}},
		{"invalid UTF-8", header + "metadata: {name: \xff}\n", []problem{{1, 1, "(syntax)", "invalid leading UTF-8 octet"}}},
		{"duplicate key", header + "spec:\n  ports: {}\n  ports: {}\n", []problem{{5, 3, "spec.ports", `duplicate key "ports"`}}},
		{"too deep", header + "metadata: {annotations: {a: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "}}\n",
			[]problem{{3, 59, "metadata.annotations.a" + strings.Repeat("[0]", 30), "nesting deeper than 32 levels"}}},
		{"alias bomb", header + "metadata:\n  annotations:\n" + laughs(9), []problem{{0, 0, "", "document expands to more than 200000 values (an alias bomb?)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("p.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; document %+v", p.Document())
			}
			checkProblems(t, err, tt.want)
		})
	}
}

func checkProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("error of type %T: %v", err, err)
	}
	if perr.File != "p.yaml" {
		t.Errorf("File = %q", perr.File)
	}
	if len(perr.Fields) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(perr.Fields), len(want), err)
	}
	lines := strings.Split(err.Error(), "\n")[1:]
	for i, w := range want {
		f := perr.Fields[i]
		if w.line == 0 { // position not pinned down (alias bomb): any, but one
			if f.Line < 1 || !strings.Contains(f.Message, w.message) {
				t.Errorf("problem %d = %+v, want a line and %q", i, f, w.message)
			}
			continue
		}
		prefix := fmt.Sprintf("p.yaml:%d:%d: %s: ", w.line, w.col, w.path)
		if !strings.HasPrefix(strings.TrimSpace(lines[i]), prefix) || !strings.Contains(f.Message, w.message) {
			t.Errorf("problem %d:\n  got  %s\n  want %s", i, strings.TrimSpace(lines[i]), w)
		}
	}
}

// laughs is a billion-laughs alias bomb, indented as a mapping's values.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString(`    a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "    a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestParseErrorsSortedByLine(t *testing.T) {
	src := header + `spec:
  waivers:
    maxDuration: soon
  approval:
    approvers: -2
  rules:
    B: {mode: x}
    A: {mode: y}
  environments:
    precedence: [nope]
`
	_, err := Parse("p.yaml", []byte(src))
	checkProblems(t, err, []problem{
		{5, 5, "spec.waivers.maxDuration", `"soon"`},
		{7, 5, "spec.approval.approvers", "at least 1"},
		{9, 9, "spec.rules.B.mode", `"x"`},
		{10, 9, "spec.rules.A.mode", `"y"`},
		{12, 18, "spec.environments.precedence[0]", `"nope"`},
	})
	if !strings.HasPrefix(err.Error(), "p.yaml: invalid policy (5 problems)\n") {
		t.Errorf("header line: %q", strings.SplitN(err.Error(), "\n", 2)[0])
	}
}

func TestParseSizeLimit(t *testing.T) {
	big := header + "metadata:\n  annotations:\n" + strings.Repeat("    k: "+strings.Repeat("x", 90)+"\n", 5<<20/100)
	if len(big) <= MaxPolicyBytes {
		t.Fatalf("test file of %d bytes is not over the limit", len(big))
	}
	start := time.Now()
	_, err := Parse("p.yaml", []byte(big))
	checkProblems(t, err, []problem{{1, 1, "(file)", fmt.Sprintf("larger than the %d byte limit", MaxPolicyBytes)}})
	if d := time.Since(start); d > time.Second {
		t.Errorf("rejecting a large file took %v", d)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(file, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(file)
	var perr *Error
	if !errors.As(err, &perr) || perr.File != file || !strings.Contains(err.Error(), file+":1:1: (file): larger than the") {
		t.Fatalf("Load: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(missing) = %v", err)
	}
}

func TestParseValid(t *testing.T) {
	for _, file := range []string{"../../examples/policy.yaml", "testdata/full.yaml", "testdata/policy.json"} {
		t.Run(file, func(t *testing.T) {
			p, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			// What Compile filled in compiles again to the same document.
			again, err := Compile(p.Document())
			if err != nil {
				t.Fatalf("Compile(Document()): %v", err)
			}
			if !equalJSON(t, again.Document(), p.Document()) {
				t.Error("compiling the compiled document changed it")
			}
		})
	}
}

func TestParseFull(t *testing.T) {
	p, err := Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "full" {
		t.Errorf("Name() = %q", p.Name())
	}
	if p.MinTLS() != TLS13 {
		t.Errorf("MinTLS = %v", p.MinTLS())
	}
	if got := p.PlaintextPorts().String(); got != "80, tcp/8080-8090" {
		t.Errorf("PlaintextPorts = %s", got)
	}
	if got := p.AdminPorts().String(); got != "22, 3389" {
		t.Errorf("AdminPorts = %s", got)
	}
	if got := p.DataPorts().String(); got != "5432, udp/11211" {
		t.Errorf("DataPorts = %s", got)
	}
	if !p.RequiresApproval("prod") || p.RequiresApproval("staging") || len(p.ApprovalEnvironments()) != 1 {
		t.Errorf("approval environments %v (production is an alias of prod)", p.ApprovalEnvironments())
	}
	for ticket, want := range map[string]bool{"CHG-12": true, "X-1": false, "see CHG-12": false, "CHG-12 or not": false, "": false} {
		if re := p.TicketPattern(); re == nil || re.MatchString(ticket) != want {
			t.Errorf("ticket pattern matches %q: %v, want %v (whole tickets only)", ticket, !want, want)
		}
	}
	if p.ApprovalMaxAge() != 7*24*time.Hour || p.ApprovalPrefix() != "approvals.example.com/" {
		t.Errorf("approval age %v prefix %q", p.ApprovalMaxAge(), p.ApprovalPrefix())
	}
	if sev, mode := p.Undecidable(); sev != nil || mode != Deny {
		t.Errorf("Undecidable() = %v, %v", sev, mode)
	}
	if !p.RequiresDefaultDeny("staging") || p.RequiresDefaultDeny("dev") {
		t.Error("requireDefaultDeny")
	}
	if p.MaxWaiverDuration() != 90*24*time.Hour || !p.RequireWaiverExpiry() {
		t.Error("waiver settings")
	}
	if w := p.Waivers(); len(w) != 1 || w[0].Environments[0] != "prod" || w[0].Index != 0 {
		t.Errorf("waivers %+v (Live is an alias of prod)", w)
	}
	if got := p.RuleKeys(); strings.Join(got, " ") != "CKV_AWS_24 GR-PORT-001 GR-TLS-*" {
		t.Errorf("RuleKeys() = %v", got)
	}
	if !p.ExemptNamespace("kube-system") || p.ExemptNamespace("kube-public") {
		t.Error("exempt namespaces")
	}
	if e, ok := p.Env("LIVE"); !ok || e.Name != "prod" || !e.Production || len(e.CIDRs()) != 2 {
		t.Errorf("Env(LIVE) = %+v, %v", e, ok)
	}
	if !p.IsProduction("production") || p.IsProduction("dev") || p.IsProduction("nope") {
		t.Error("IsProduction")
	}
	if n := len(p.Environments()); n != 3 {
		t.Errorf("%d environments", n)
	}
	doc := p.Document()
	if doc.Spec.Approval.BreakGlass.RequireReason == nil || *doc.Spec.Approval.BreakGlass.RequireReason {
		t.Error("requireReason: false was not kept")
	}
}
