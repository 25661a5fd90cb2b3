package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
)

func rulesCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules [ID...]",
		Short: "Print the rule catalogue",
		Long: "rules prints every rule guardrail runs, or the rules named, with their control, default severity and\n" +
			"the policy clauses they enforce. --format markdown writes the catalogue in docs/rules.md; --format migration\n" +
			"the map from the peers' rule IDs (Checkov, Trivy, ...) in docs/migration.md; --format json prints it for scripts.",
		RunE: func(cmd *cobra.Command, ids []string) error {
			list := rules.Default().Rules()
			if len(ids) > 0 {
				list = nil
				for _, id := range ids {
					r, ok := rules.Default().Lookup(strings.ToUpper(id))
					if !ok {
						return usage(fmt.Errorf("no rule %s", id))
					}
					list = append(list, r)
				}
			}
			switch format {
			case "text":
				return rulesText(cmd.OutOrStdout(), list, len(ids) > 0)
			case "json":
				return rulesJSON(cmd.OutOrStdout(), list)
			case "markdown":
				return RulesMarkdown(cmd.OutOrStdout(), list)
			case "migration":
				return MigrationMarkdown(cmd.OutOrStdout(), list)
			}
			return usage(fmt.Errorf("--format %q: want text, json, markdown or migration", format))
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "text, json, markdown (docs/rules.md) or migration (docs/migration.md)")
	return cmd
}

func rulesText(w io.Writer, list []*rule.Rule, detail bool) error {
	if detail {
		for _, r := range list {
			fmt.Fprintf(w, "%s  %s\n  control:     %s\n  severity:    %s\n", r.ID, r.Title, r.Control, r.Severity)
			for _, c := range r.Clauses {
				fmt.Fprintf(w, "  enforces:    %s (%s: %s)\n", c.ID, c.Policy, c.Heading)
			}
			fmt.Fprintf(w, "  what:        %s\n  fix:         %s\n  docs:        %s\n", r.Description, r.Remediation, r.DocsURL())
			if peers := r.Peers.All(); len(peers) > 0 {
				fmt.Fprintf(w, "  peers:       %s\n", strings.Join(peers, ", "))
			}
			fmt.Fprintln(w)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCONTROL\tTITLE")
	for _, r := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Control, r.Title)
	}
	return tw.Flush()
}

type ruleJSON struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Control     string     `json:"control"`
	Severity    string     `json:"severity"`
	Clauses     []string   `json:"clauses"`
	Description string     `json:"description"`
	Remediation string     `json:"remediation"`
	Docs        string     `json:"docs"`
	Peers       rule.Peers `json:"peers"`
}

func rulesJSON(w io.Writer, list []*rule.Rule) error {
	out := make([]ruleJSON, 0, len(list))
	for _, r := range list {
		j := ruleJSON{ID: r.ID, Title: r.Title, Control: string(r.Control), Severity: r.Severity.String(),
			Description: r.Description, Remediation: r.Remediation, Docs: r.DocsURL(), Peers: r.Peers}
		for _, c := range r.Clauses {
			j.Clauses = append(j.Clauses, c.ID)
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
