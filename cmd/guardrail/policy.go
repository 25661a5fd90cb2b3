package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

func policyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Show the built-in policy or validate a policy file",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "default",
		Short: "Print the built-in policy, as a starting point for your own",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := policy.MustCompile(policy.Default())
			fmt.Fprint(cmd.OutOrStdout(), "# The built-in policy of guardrail, with every default filled in.\n")
			enc := yaml.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent(2)
			if err := enc.Encode(p.Document()); err != nil {
				return err
			}
			return enc.Close()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "validate FILE...",
		Short: "Check policy files: syntax, field names and values, each problem with its line",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			failed := false
			for _, f := range files {
				p, err := policy.Load(f)
				if err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					failed = true
					continue
				}
				diags := ruleKeyDiagnostics(p, f, policyRegistry(p))
				for _, d := range diags {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", d.Severity, d.Error())
				}
				if diags.HasErrors() {
					failed = true
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: valid\n", f)
			}
			if failed {
				return &codeError{code: exitError}
			}
			return nil
		},
	})
	return cmd
}
