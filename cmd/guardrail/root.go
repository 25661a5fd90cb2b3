package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

// exitError carries an exit code out of a command.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// version is set at build time with -ldflags "-X main.version=v1.2.3"; it
// falls back to the module version recorded in the binary.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// run executes the command line and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:   "guardrail",
		Short: "Guardrails for infrastructure as code, from your security policy",
		Long: "guardrail judges Terraform (HCL and plan JSON) and Kubernetes manifests against a security policy:\n" +
			"segregation of environments, encryption in transit, port restrictions, change approval and more.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(lintCommand(), approveCommand(), digestCommand(), rulesCommand(), policyCommand(), webhookCommand(), versionCommand())
	err := root.Execute()
	if err == nil {
		return exitClean
	}
	var ce *codeError
	if errors.As(err, &ce) {
		if ce.err != nil && ce.code == exitError {
			fmt.Fprintln(stderr, "guardrail:", ce.err)
		}
		return ce.code
	}
	fmt.Fprintln(stderr, "guardrail:", err)
	return exitError
}

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print guardrail's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "guardrail", toolVersion())
			return nil
		},
	}
}
