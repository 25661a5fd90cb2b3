package policy

// Defaults applied to every policy for what it leaves out.
var (
	DefaultTagKeys    = []string{"guardrail.dev/environment", "Environment", "environment", "Env", "env"}
	DefaultPrecedence = []string{SourceLabel, SourceNamespaceLabel, SourceNamespace, SourceWorkspace, SourceAccount, SourcePath, SourceName}
	DefaultAdminPorts = []string{"22", "23", "3389", "5900", "5985-5986"}
	DefaultDataPorts  = []string{
		"1433-1434", "1521", "2049", "2379-2380", "3306", "5432", "5672", "5984", "6379", "7000-7001",
		"8086", "9042", "9092", "9200", "9300", "11211", "27017-27019",
	}
	DefaultPlaintextPorts   = []string{"21", "23", "25", "80", "110", "143", "8000", "8080", "8888"}
	DefaultPublicCIDRs      = []string{"0.0.0.0/0", "::/0"}
	DefaultExemptNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}
)

// Default returns the built-in policy: production, staging and development
// environments recognised by the usual tag values, namespace names, workspace
// names and directory names, every rule at its own severity, and approval
// required in production. It is what the linter uses with no --policy.
func Default() Document {
	return Document{
		APIVersion: APIVersion,
		Kind:       Kind,
		Metadata:   Metadata{Name: "guardrail-default"},
		Spec: Spec{
			Environments: Environments{
				Definitions: []Environment{
					{
						Name: "prod", Production: true,
						Aliases:    []string{"production", "prd", "live"},
						Namespaces: []string{"prod", "prod-*", "*-prod", "production", "production-*", "*-production"},
						Workspaces: []string{"prod", "prod-*", "*-prod", "production"},
						Paths:      []string{"prod/**", "production/**", "live/**"},
						Names:      []string{"prod-*", "*-prod", "*-prod-*", "prod_*", "*_prod", "production-*", "*-production"},
					},
					{
						Name:       "staging",
						Aliases:    []string{"stage", "stg", "preprod", "pre-prod", "pp", "uat"},
						Namespaces: []string{"staging", "staging-*", "*-staging", "stage", "stage-*", "*-stage", "preprod"},
						Workspaces: []string{"staging", "staging-*", "*-staging", "stage"},
						Paths:      []string{"staging/**", "stage/**", "preprod/**"},
						Names:      []string{"staging-*", "*-staging", "*-staging-*", "stage-*", "*-stage", "*_staging"},
					},
					{
						Name:       "dev",
						Aliases:    []string{"development", "test", "testing", "qa", "sandbox"},
						Namespaces: []string{"dev", "dev-*", "*-dev", "development", "test", "test-*", "*-test", "qa", "sandbox"},
						Workspaces: []string{"dev", "dev-*", "*-dev", "development", "test", "qa"},
						Paths:      []string{"dev/**", "development/**", "test/**", "qa/**", "sandbox/**"},
						Names:      []string{"dev-*", "*-dev", "*-dev-*", "dev_*", "*_dev", "test-*", "*-test", "qa-*", "*-qa"},
					},
				},
			},
		},
	}
}
