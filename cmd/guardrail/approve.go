package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// approvalFlags are lint's flags for verifying approvals.
type approvalFlags struct {
	files    []string
	author   string
	deployer string
}

func (f *approvalFlags) register(fl *pflag.FlagSet) {
	fl.StringArrayVar(&f.files, "approvals", nil, "approvals file to verify changes against (repeatable); a plan's <plan>.approvals.json next to it is read too")
	fl.StringVar(&f.author, "author", "", "author of the changes (the commit author): approvals by them do not count")
	fl.StringVar(&f.deployer, "deployer", "", "identity deploying the changes (the CI job's): approvals by it do not count, break-glass is judged for it")
}

// context reads the approvals files, and those next to the plans of set.
func (f *approvalFlags) context(set *resource.Set) (*approval.Context, error) {
	ac := &approval.Context{Author: f.author, Deployer: f.deployer}
	files := append([]string(nil), f.files...)
	seen := map[string]bool{}
	for _, name := range files {
		seen[filepath.Clean(name)] = true
	}
	for _, r := range set.Resources {
		if r.Format != resource.FormatPlan || r.Unit == "" || r.Unit == "<stdin>" {
			continue
		}
		next := approvalsFileOf(r.Unit)
		if seen[next] {
			continue
		}
		seen[next] = true
		if _, err := os.Stat(next); err == nil {
			files = append(files, next)
		}
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("--approvals: %w", err)
		}
		file, err := approval.ParseFile(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ac.Changes = append(ac.Changes, file.Changes...)
	}
	return ac, nil
}

// approvalsFileOf names the approvals file of a plan: prod.plan.json has
// prod.plan.approvals.json.
func approvalsFileOf(plan string) string {
	return filepath.Clean(strings.TrimSuffix(plan, ".json") + ".approvals.json")
}

// subjectFlags choose the policy and place the inputs, as lint does.
type subjectFlags struct {
	policyFile string
	env        string
	namespace  string
	workspace  string
	kind       string
}

func (f *subjectFlags) register(fl *pflag.FlagSet) {
	fl.StringVarP(&f.policyFile, "policy", "p", "", "policy file (default: the built-in policy): which environments need approval, the annotation prefix")
	fl.StringVar(&f.env, "env", "", "place every resource in this environment instead of detecting it")
	fl.StringVarP(&f.namespace, "namespace", "n", "", "namespace of Kubernetes objects that name none")
	fl.StringVar(&f.workspace, "workspace", "", "Terraform workspace of plans (default: TF_WORKSPACE)")
	fl.StringVar(&f.kind, "kind", "", "read the input as this kind instead of detecting it: plan, kubernetes")
}

// changes is an input's changes: its Kubernetes objects (every one, as the
// cluster may place a namespace in an environment the file cannot tell) and
// its plans' changes in environments needing approval.
type changes struct {
	pol      *policy.Policy
	set      *resource.Set
	subjects []*approval.Subject
}

func (f *subjectFlags) load(ctx context.Context, paths []string, stdin io.Reader) (*changes, error) {
	pol := policy.MustCompile(policy.Default())
	var err error
	if f.policyFile != "" {
		if pol, err = policy.Load(f.policyFile); err != nil {
			return nil, err
		}
	}
	if f.env != "" {
		if _, ok := pol.Env(f.env); !ok {
			return nil, fmt.Errorf("--env %q is not an environment of the policy", f.env)
		}
	}
	workspace := f.workspace
	if workspace == "" {
		workspace = os.Getenv("TF_WORKSPACE")
	}
	set, err := load.Load(ctx, paths, load.Options{Kind: load.Kind(f.kind), Workspace: workspace, Namespace: f.namespace, Stdin: stdin})
	if err != nil {
		return nil, err
	}
	if set.Diagnostics.HasErrors() {
		return nil, set.Diagnostics.Errs()
	}
	ix := rule.NewIndex(pol, set.Resources, rule.IndexOptions{Env: f.env})
	c := &changes{pol: pol, set: set}
	inScope := map[*resource.Resource]bool{}
	for _, s := range approval.Subjects(pol, ix, set.Resources) {
		for _, r := range s.Resources {
			inScope[r] = true
		}
		if !s.Kubernetes {
			c.subjects = append(c.subjects, s)
		}
	}
	for _, r := range set.Resources {
		if !r.IsKubernetes() {
			continue
		}
		s := &approval.Subject{Name: r.Address, Kubernetes: true, Resources: []*resource.Resource{r}, Envs: []string{ix.Env(r)}, Namespace: r.Namespace}
		s.Digest, s.Canonical, s.Err = approval.ObjectDigest(r.Attributes, r.Namespace, pol.ApprovalPrefix())
		c.subjects = append(c.subjects, s)
	}
	return c, nil
}

func digestCommand() *cobra.Command {
	var f subjectFlags
	cmd := &cobra.Command{
		Use:   "digest FILE...",
		Short: "Print the digest approvals name: of each Kubernetes object, and of each plan's changes that need approval",
		Long: "digest prints the sha256 digest of the canonical form of each change in the inputs (docs/approvals.md):\n" +
			"one per Kubernetes object, and one per plan covering its changes in environments that need approval.",
		Example: "  guardrail digest deploy/web.yaml\n  guardrail digest --policy policy.yaml plan.json",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.load(cmd.Context(), args, cmd.InOrStdin())
			if err != nil {
				return usage(err)
			}
			w := cmd.OutOrStdout()
			for _, s := range c.subjects {
				if s.Err != nil {
					return usage(fmt.Errorf("%s: %w", s.Name, s.Err))
				}
				note := ""
				if s.Kubernetes && !c.pol.RequiresApproval(s.Envs[0]) {
					env := s.Envs[0]
					if env == "" {
						env = "no environment"
					}
					note = " (" + env + ": no approval needed unless the cluster places its namespace in " + strings.Join(c.pol.ApprovalEnvironments(), ", ") + ")"
				}
				if !s.Kubernetes {
					note = fmt.Sprintf(" (%d changes in %s)", len(s.Resources), strings.Join(s.Envs, ", "))
				}
				fmt.Fprintf(w, "%s  %s%s\n", s.Digest, s.Name, note)
			}
			if len(c.subjects) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "guardrail: the inputs hold no Kubernetes object and no plan change that needs approval")
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	return cmd
}

type approveFlags struct {
	subjects    subjectFlags
	key         string
	approver    string
	ticket      string
	expires     string
	patch       bool
	output      string
	messageOnly bool
	signature   string
	statement   string
	unsigned    bool
	breakGlass  string
	at          string
	waiver      int
}

func approveCommand() *cobra.Command {
	var f approveFlags
	cmd := &cobra.Command{
		Use:   "approve FILE",
		Short: "Approve the exact changes of a manifest or a plan, signed with your SSH key",
		Long: "approve computes the digest of each change in FILE (a Kubernetes manifest, or a plan from `terraform show -json`),\n" +
			"signs an approval statement (digest, approver, ticket, time, expiry) with the approver's SSH key, and writes the approval:\n" +
			"  - for a manifest, a copy of it with each object's guardrail.dev/approvals annotation set (the approved manifest\n" +
			"    embedded, so the webhook can check the object the API server admits), or with --patch a strategic-merge patch\n" +
			"    adding only the annotations;\n" +
			"  - for a plan, an approvals file next to it (plan.json: plan.approvals.json), for `guardrail lint`.\n" +
			"An approval already there for the same change is kept, so several people can approve in turn.\n\n" +
			"To sign with ssh-agent or a hardware key without giving guardrail the key: --message-only prints the statement,\n" +
			"`ssh-keygen -Y sign -f KEY -n guardrail.dev/approval STATEMENT` signs it, and --signature STATEMENT.sig assembles.",
		Example: "  guardrail approve --key ~/.ssh/id_ed25519 --approver bob@acme.com --ticket CHG-1234 --expires 72h deploy/web.yaml > web.approved.yaml\n" +
			"  guardrail approve --key ~/.ssh/id_ed25519 --approver bob@acme.com --ticket CHG-1234 plan.json   # writes plan.approvals.json\n" +
			"  guardrail approve --approver bob@acme.com --ticket CHG-1234 --message-only web.yaml > stmt\n" +
			"  ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n guardrail.dev/approval stmt\n" +
			"  guardrail approve --signature stmt.sig web.yaml > web.approved.yaml",
		Args: cobra.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.waiver > 0 {
				if len(args) > 0 {
					return usage(errors.New("--waiver approves a waiver of the policy file, not FILE"))
				}
				return approveWaiver(cmd, f)
			}
			if len(args) != 1 {
				return usage(errors.New("name the manifest or plan to approve"))
			}
			return approve(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	f.subjects.register(fl)
	fl.StringVar(&f.key, "key", "", "SSH private key to sign with (an encrypted key, or KEY.pub, signs through ssh-agent)")
	fl.StringVar(&f.approver, "approver", "", "your identity, as the policy's allowedSigners name you (an e-mail address)")
	fl.StringVar(&f.ticket, "ticket", "", "the change ticket the change is approved under")
	fl.StringVar(&f.expires, "expires", "", "how long the approval counts (72h, 7d); default: until the policy's maxAge")
	fl.BoolVar(&f.patch, "patch", false, "for a manifest, write a strategic-merge patch adding the annotations instead of the annotated manifest")
	fl.StringVarP(&f.output, "output", "o", "", "write here (default: standard output for a manifest, <plan>.approvals.json for a plan)")
	fl.BoolVar(&f.messageOnly, "message-only", false, "print the statement to sign with ssh-keygen -Y sign -n "+approval.SignatureNamespace+" (one change only)")
	fl.StringVar(&f.signature, "signature", "", "assemble the approval from this ssh-keygen signature of a --message-only statement")
	fl.StringVar(&f.statement, "statement", "", "the statement --signature signs (default: the signature file without .sig)")
	fl.BoolVar(&f.unsigned, "unsigned", false, "write an unsigned approval (counts only where the policy sets allowUnsigned)")
	fl.StringVar(&f.breakGlass, "break-glass", "", "record a break-glass deploy of a plan with this reason, instead of an approval")
	fl.IntVar(&f.waiver, "waiver", 0, "sign the approval of waiver N (from 1) of the --policy file's spec.waivers.entries instead")
	fl.StringVar(&f.at, "time", "", "the approval's time, RFC 3339 (default: now)")
	_ = fl.MarkHidden("time")
	return cmd
}

func approve(cmd *cobra.Command, file string, f approveFlags) error {
	stderr := cmd.ErrOrStderr()
	modes := 0
	for _, set := range []bool{f.key != "", f.messageOnly, f.signature != "", f.unsigned} {
		if set {
			modes++
		}
	}
	if modes != 1 {
		return usage(errors.New("give one of --key, --message-only, --signature and --unsigned"))
	}
	if f.signature == "" && strings.TrimSpace(f.approver) == "" {
		return usage(errors.New("--approver is required: your identity as the policy's allowedSigners name you"))
	}
	c, err := f.subjects.load(cmd.Context(), []string{file}, cmd.InOrStdin())
	if err != nil {
		return usage(err)
	}
	if len(c.subjects) == 0 {
		return usage(fmt.Errorf("%s holds no Kubernetes object and no plan change in %s, the environments that need approval",
			file, strings.Join(c.pol.ApprovalEnvironments(), ", ")))
	}
	for _, s := range c.subjects {
		if s.Err != nil {
			return usage(fmt.Errorf("%s: %w", s.Name, s.Err))
		}
		if s.Kubernetes && s.Namespace == "" && namespaced(s.Resources[0]) {
			fmt.Fprintf(stderr, "guardrail: warning: %s names no namespace; the approval is for an object without one: set metadata.namespace or --namespace\n", s.Name)
		}
	}

	now := time.Now()
	if f.at != "" {
		if now, err = approval.ParseTime(f.at); err != nil {
			return usage(fmt.Errorf("--time: %w", err))
		}
	}
	var validFor time.Duration
	if f.expires != "" {
		if validFor, err = parseValidity(f.expires); err != nil {
			return usage(fmt.Errorf("--expires: %w", err))
		}
	}
	a := approval.NewApproval(f.approver, f.ticket, now, validFor)
	a.BreakGlass = f.breakGlass

	if f.messageOnly {
		if len(c.subjects) != 1 {
			return usage(fmt.Errorf("%s holds %d changes; --message-only signs one: approve one object at a time, or use --key", file, len(c.subjects)))
		}
		msg := approval.StatementOf(c.subjects[0].Digest, a).Bytes()
		return writeOut(cmd, f.output, msg)
	}

	var signer ssh.Signer
	only := map[*approval.Subject]bool{}
	switch {
	case f.key != "":
		if signer, err = loadSigner(f.key); err != nil {
			return usage(err)
		}
	case f.signature != "":
		st, sig, err := readSignature(f.signature, f.statement)
		if err != nil {
			return usage(err)
		}
		for _, s := range c.subjects {
			if s.Digest == st.Digest {
				only[s] = true
			}
		}
		if len(only) == 0 {
			return usage(fmt.Errorf("the statement approves %s, which is no change of %s: the file changed since the statement was made", st.Digest, file))
		}
		a = st.Approval(sig)
	}
	checkApprover(stderr, c.pol, a, signer)

	var planChanges []approval.Change
	approved := map[*resource.Resource]approval.Change{}
	for _, s := range c.subjects {
		if len(only) > 0 && !only[s] {
			continue
		}
		ch, err := existing(c.pol, s, f, stderr)
		if err != nil {
			return usage(err)
		}
		if f.signature != "" {
			ch.AddSigned(a)
		} else if err := ch.Add(a, signer); err != nil {
			return usage(fmt.Errorf("%s: %w", s.Name, err))
		}
		if s.Kubernetes {
			approved[s.Resources[0]] = ch
		} else {
			planChanges = append(planChanges, ch)
		}
	}
	if len(planChanges) > 0 {
		return writePlanApprovals(cmd, file, f.output, planChanges)
	}
	out, err := annotate(c, approved, f.patch)
	if err != nil {
		return usage(err)
	}
	return writeOut(cmd, f.output, out)
}

// approveWaiver signs the approval statement of a policy-file waiver, or
// prints it for ssh-keygen; the signature goes into the waiver's signatures.
func approveWaiver(cmd *cobra.Command, f approveFlags) error {
	if f.subjects.policyFile == "" {
		return usage(errors.New("--waiver needs --policy, the file holding the waiver"))
	}
	if strings.TrimSpace(f.approver) == "" {
		return usage(errors.New("--approver is required"))
	}
	pol, err := policy.Load(f.subjects.policyFile)
	if err != nil {
		return usage(err)
	}
	entries := pol.Document().Spec.Waivers.Entries
	if f.waiver > len(entries) {
		return usage(fmt.Errorf("--waiver %d: %s has %d waivers", f.waiver, f.subjects.policyFile, len(entries)))
	}
	w := entries[f.waiver-1]
	if approval.NormalizeIdentity(w.Owner) == approval.NormalizeIdentity(f.approver) {
		fmt.Fprintf(cmd.ErrOrStderr(), "guardrail: warning: %s owns the waiver; their approval does not count\n", f.approver)
	}
	st, err := approval.WaiverStatement(w, f.approver)
	if err != nil {
		return usage(err)
	}
	if f.messageOnly {
		return writeOut(cmd, f.output, st.Bytes())
	}
	if f.key == "" {
		return usage(errors.New("--waiver signs with --key, or prints the statement with --message-only"))
	}
	signer, err := loadSigner(f.key)
	if err != nil {
		return usage(err)
	}
	sig, err := approval.Sign(st.Bytes(), signer)
	if err != nil {
		return usage(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "guardrail: add %s to approvedBy of waiver %d and this signature to its signatures:\n", approval.NormalizeIdentity(f.approver), f.waiver)
	return writeOut(cmd, f.output, []byte(sig))
}

// existing returns the approvals a change already has (its annotation, or
// its plan's approvals file), or a new change when they are for another
// digest.
func existing(pol *policy.Policy, s *approval.Subject, f approveFlags, stderr io.Writer) (approval.Change, error) {
	fresh, err := approval.ForSubject(s)
	if err != nil {
		return approval.Change{}, err
	}
	var old []approval.Change
	if s.Kubernetes {
		if text, ok := s.Resources[0].Annotations[pol.ApprovalPrefix()+approval.KeyApprovals]; ok {
			if c, err := approval.ParseChange([]byte(text)); err == nil {
				old = append(old, *c)
			}
		}
	} else {
		name := f.output
		if name == "" {
			name = approvalsFileOf(s.Resources[0].Unit)
		}
		if data, err := os.ReadFile(name); err == nil {
			file, err := approval.ParseFile(data)
			if err != nil {
				return approval.Change{}, fmt.Errorf("%s: %w", name, err)
			}
			old = file.Changes
		}
	}
	for _, c := range old {
		if c.Digest == fresh.Digest {
			fresh.Approvals = c.Approvals
			return fresh, nil
		}
	}
	if len(old) > 0 {
		fmt.Fprintf(stderr, "guardrail: %s changed since its last approval (%s): the old approvals are dropped\n", s.Name, old[0].Digest)
	}
	return fresh, nil
}

// checkApprover warns about an approval the policy will not accept.
func checkApprover(w io.Writer, pol *policy.Policy, a approval.Approval, signer ssh.Signer) {
	if re := pol.TicketPattern(); re != nil && a.BreakGlass == "" && !re.MatchString(a.Ticket) {
		fmt.Fprintf(w, "guardrail: warning: ticket %q does not match the policy's pattern %s\n", a.Ticket, pol.Document().Spec.Approval.TicketPattern)
	}
	signers, err := approval.SignersOf(pol)
	if err != nil || signers.Empty() {
		return
	}
	if !signers.Known(a.Approver) {
		fmt.Fprintf(w, "guardrail: warning: %s is not in the policy's allowedSigners; the approval will not count\n", a.Approver)
		return
	}
	if signer != nil && !signers.HoldsKey(a.Approver, ssh.FingerprintSHA256(signer.PublicKey())) {
		fmt.Fprintf(w, "guardrail: warning: the policy does not list key %s for %s; the approval will not count\n",
			ssh.FingerprintSHA256(signer.PublicKey()), a.Approver)
	}
}

// readSignature reads an ssh-keygen signature and the statement it signs,
// and checks that one signs the other.
func readSignature(sigFile, stFile string) (approval.Statement, string, error) {
	if stFile == "" {
		stFile = strings.TrimSuffix(sigFile, ".sig")
		if stFile == sigFile {
			return approval.Statement{}, "", errors.New("--statement is required when the signature file does not end in .sig")
		}
	}
	sigData, err := os.ReadFile(sigFile)
	if err != nil {
		return approval.Statement{}, "", err
	}
	stData, err := os.ReadFile(stFile)
	if err != nil {
		return approval.Statement{}, "", err
	}
	st, err := approval.ParseStatement(stData)
	if err != nil {
		return approval.Statement{}, "", fmt.Errorf("%s: %w", stFile, err)
	}
	if !bytes.Equal(bytes.TrimSpace(stData), stData) {
		return approval.Statement{}, "", fmt.Errorf("%s has white space around the statement, so its signature is not over the statement: write it with --message-only > FILE", stFile)
	}
	sig, err := approval.ParseSignature(string(sigData))
	if err != nil {
		return approval.Statement{}, "", fmt.Errorf("%s: %w", sigFile, err)
	}
	if err := approval.VerifyWith(st.Bytes(), string(sigData), sig.PublicKey); err != nil {
		return approval.Statement{}, "", fmt.Errorf("%s does not sign %s: %w", sigFile, stFile, err)
	}
	return st, string(sigData), nil
}

// loadSigner reads a private key, or finds the key in ssh-agent when it is
// protected by a passphrase or only its public half is given.
func loadSigner(path string) (ssh.Signer, error) {
	if !strings.HasSuffix(path, ".pub") {
		pem, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		s, err := ssh.ParsePrivateKey(pem)
		if err == nil {
			return s, nil
		}
		var missing *ssh.PassphraseMissingError
		if !errors.As(err, &missing) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		path += ".pub"
	}
	pubData, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("the key needs ssh-agent, and its public key cannot be read: %w", err)
	}
	pub, err := approval.ParseKey(string(pubData))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, errors.New("the key is protected by a passphrase and SSH_AUTH_SOCK is not set: ssh-add it, or use --message-only and ssh-keygen -Y sign")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("ssh-agent: %w", err)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		return nil, fmt.Errorf("ssh-agent: %w", err)
	}
	for _, s := range signers {
		if bytes.Equal(s.PublicKey().Marshal(), pub.Marshal()) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("ssh-agent does not hold %s (%s): ssh-add it", path, ssh.FingerprintSHA256(pub))
}

// parseValidity reads 72h, 90m or 7d.
func parseValidity(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != days {
			return 0, fmt.Errorf("%q is not a number of days (7d)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration (72h, 7d)", s)
	}
	return d, nil
}

func writeOut(cmd *cobra.Command, name string, data []byte) error {
	if name == "" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return usage(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "guardrail: wrote %s\n", name)
	return nil
}

func writePlanApprovals(cmd *cobra.Command, plan, output string, changes []approval.Change) error {
	if output == "" {
		if plan == "-" {
			return usage(errors.New("a plan read from standard input needs --output for its approvals file"))
		}
		output = approvalsFileOf(plan)
	}
	data, err := approval.EncodeFile(approval.File{Changes: changes})
	if err != nil {
		return usage(err)
	}
	if err := os.WriteFile(output, data, 0o644); err != nil {
		return usage(err)
	}
	for _, c := range changes {
		fmt.Fprintf(cmd.ErrOrStderr(), "guardrail: %s approved (%d approval%s) in %s\n", c.Digest, len(c.Approvals), plural(len(c.Approvals)), output)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// clusterScoped are the built-in kinds without a namespace.
var clusterScoped = map[string]bool{"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "StorageClass": true, "CustomResourceDefinition": true, "PriorityClass": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true, "IngressClass": true,
	"GuardrailPolicy": true, "APIService": true, "RuntimeClass": true, "CSIDriver": true, "VolumeAttachment": true}

func namespaced(r *resource.Resource) bool { return !clusterScoped[r.Type] }

// annotate writes the manifest with each approved object's approvals
// annotation set, keeping its layout and comments; with patch, it writes a
// strategic-merge patch per object instead.
func annotate(c *changes, approved map[*resource.Resource]approval.Change, patch bool) ([]byte, error) {
	prefix := c.pol.ApprovalPrefix()
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	enc.CompactSeqIndent() // list items at their key's indentation, as kubectl writes them
	if patch {
		for _, r := range c.set.Resources {
			ch, ok := approved[r]
			if !ok {
				continue
			}
			value, err := approval.EncodeChange(ch)
			if err != nil {
				return nil, err
			}
			meta := map[string]any{"name": r.Name, "annotations": map[string]string{prefix + approval.KeyApprovals: value}}
			if r.Namespace != "" {
				meta["namespace"] = r.Namespace
			}
			if err := enc.Encode(map[string]any{"apiVersion": r.APIVersion, "kind": r.Type, "metadata": meta}); err != nil {
				return nil, err
			}
		}
		return out.Bytes(), enc.Close()
	}
	byDoc := map[string]map[int]*resource.Resource{}
	var files []string
	for _, r := range c.set.Resources {
		if _, ok := approved[r]; !ok {
			continue
		}
		file := r.Location.File
		if byDoc[file] == nil {
			byDoc[file] = map[int]*resource.Resource{}
			files = append(files, file)
		}
		if other, dup := byDoc[file][r.Location.Document]; dup {
			return nil, fmt.Errorf("%s and %s are in one document (a List): approve writes annotations into documents of one object each; split the List, or use --patch", other.Address, r.Address)
		}
		byDoc[file][r.Location.Document] = r
	}
	for _, file := range files {
		data := c.set.Sources[file]
		if data == nil {
			var err error
			if data, err = os.ReadFile(file); err != nil {
				return nil, err
			}
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for i := 0; ; i++ {
			var doc yaml.Node
			if err := dec.Decode(&doc); err == io.EOF {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if r, ok := byDoc[file][i]; ok {
				value, err := approval.EncodeChange(approved[r])
				if err != nil {
					return nil, err
				}
				if err := setAnnotation(&doc, prefix+approval.KeyApprovals, value); err != nil {
					return nil, fmt.Errorf("%s: %w", r.Address, err)
				}
			}
			if err := enc.Encode(&doc); err != nil {
				return nil, err
			}
		}
	}
	return out.Bytes(), enc.Close()
}

// setAnnotation sets metadata.annotations[key] of the object a document holds.
func setAnnotation(doc *yaml.Node, key, value string) error {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return errors.New("the document is not a mapping")
	}
	meta := child(root, "metadata")
	annotations := child(meta, "annotations")
	for i := 0; i+1 < len(annotations.Content); i += 2 {
		if annotations.Content[i].Value == key {
			annotations.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
			return nil
		}
	}
	annotations.Content = append(annotations.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
	return nil
}

// child returns the mapping under key in m, creating it (in block style)
// when it is missing or null.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind != yaml.MappingNode {
				v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				m.Content[i+1] = v
			}
			v.Style &^= yaml.FlowStyle
			return v
		}
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}
