package segregation_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestForeignReference(t *testing.T) {
	subnets := `
resource "aws_subnet" "prod" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.1.0/24"
  tags       = { Environment = "prod" }
}
resource "aws_subnet" "staging" {
  vpc_id     = "vpc-2"
  cidr_block = "10.2.1.0/24"
  tags       = { Environment = "staging" }
}
`
	ruletest.Run(t, "GR-SEG-007", []ruletest.Case{
		{
			Name: "hcl dev instance in a prod subnet",
			HCL: subnets + `
resource "aws_instance" "app" {
  ami       = "ami-1"
  subnet_id = aws_subnet.prod.id
  tags      = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{
				Address: "aws_instance.app", Path: "subnet_id", Line: 15,
				Message: "aws_instance.app (environment dev) refers to aws_subnet.prod, of environment prod",
			}},
		},
		{
			Name: "hcl prod instance in a prod subnet",
			HCL: subnets + `
resource "aws_instance" "app" {
  ami       = "ami-1"
  subnet_id = aws_subnet.prod.id
  tags      = { Environment = "production" }
}`,
		},
		{
			Name:   "hcl dev instance in a staging subnet, an allowed mix",
			Policy: devStagingMix,
			HCL: subnets + `
resource "aws_instance" "app" {
  ami       = "ami-1"
  subnet_id = aws_subnet.staging.id
  tags      = { Environment = "dev" }
}`,
		},
		{
			Name: "hcl staging function reading the prod database endpoint",
			HCL: `
resource "aws_db_instance" "main" {
  identifier = "main"
  tags       = { Environment = "prod" }
}
resource "aws_lambda_function" "report" {
  function_name = "report"
  tags          = { Environment = "staging" }
  environment {
    variables = { DB_HOST = aws_db_instance.main.address }
  }
}`,
			Want: []ruletest.Want{{Address: "aws_lambda_function.report", Message: "aws_lambda_function.report (environment staging) refers to aws_db_instance.main, of environment prod"}},
		},
		{
			Name: "hcl dev subnet in a VPC a data source finds by its prod tag",
			HCL: `
data "aws_vpc" "main" {
  tags = { Environment = "prod" }
}
resource "aws_subnet" "dev" {
  vpc_id     = data.aws_vpc.main.id
  cidr_block = "10.1.1.0/24"
  tags       = { Environment = "dev" }
}`,
			Want: []ruletest.Want{{Address: "aws_subnet.dev", Path: "vpc_id", Message: "refers to data.aws_vpc.main, of environment prod"}},
		},
		{
			Name: "hcl data sources are not judged",
			HCL: subnets + `
data "aws_route_table" "rt" {
  subnet_id = aws_subnet.prod.id
  tags      = { Environment = "dev" }
}`,
		},
		{
			Name: "hcl reference to a resource of no environment",
			HCL: `
resource "aws_security_group" "shared" {
  name = "shared"
}
resource "aws_instance" "app" {
  ami                    = "ami-1"
  vpc_security_group_ids = [aws_security_group.shared.id]
  tags                   = { Environment = "dev" }
}`,
		},
		{
			Name: "hcl reference to a resource tagged with an undefined environment",
			HCL: subnets + `
resource "aws_subnet" "odd" {
  vpc_id     = "vpc-3"
  cidr_block = "10.9.1.0/24"
  tags       = { Environment = "prdo" }
}
resource "aws_instance" "app" {
  ami       = "ami-1"
  subnet_id = aws_subnet.odd.id
  tags      = { Environment = "dev" }
}`,
		},
		{
			Name: "plan dev instance using a prod security group, through the configuration",
			Plan: planWith(t, planConfig{Refs: map[string][]ref{"aws_instance.app": {{"vpc_security_group_ids", "aws_security_group.db"}}}},
				ruletest.Change{Address: "aws_security_group.db", Actions: []string{"no-op"}, Before: map[string]any{"id": "sg-1"}, After: map[string]any{"id": "sg-1", "name": "db", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_instance.app", After: map[string]any{"ami": "ami-1", "vpc_security_group_ids": []any{"sg-1"}, "tags": tags("Environment", "dev")}},
			),
			Want: []ruletest.Want{{Address: "aws_instance.app", Path: "vpc_security_group_ids", Message: "aws_instance.app (environment dev) refers to aws_security_group.db, of environment prod"}},
		},
		{
			Name: "plan deleting a dev instance that used a prod security group",
			Plan: planWith(t, planConfig{Refs: map[string][]ref{"aws_instance.app": {{"vpc_security_group_ids", "aws_security_group.db"}}}},
				ruletest.Change{Address: "aws_security_group.db", Actions: []string{"no-op"}, Before: map[string]any{"id": "sg-1"}, After: map[string]any{"id": "sg-1", "name": "db", "tags": tags("Environment", "prod")}},
				ruletest.Change{Address: "aws_instance.app", Actions: []string{"delete"}, Before: map[string]any{"ami": "ami-1", "vpc_security_group_ids": []any{"sg-1"}, "tags": tags("Environment", "dev")}},
			),
		},
		{
			Name: "kubernetes dev workload reading a prod Secret by name",
			YAML: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: dev}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: api:1
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: prod-db-credentials, key: password}`,
			Want: []ruletest.Want{{
				Address: "Deployment/dev/api", Path: "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name", Line: 16,
				Message: `the dev workload uses Secret "prod-db-credentials", which belongs to prod (its name)`,
			}},
		},
		{
			Name: "kubernetes workload labelled dev in the prod namespace reading its Secret",
			YAML: `
apiVersion: batch/v1
kind: Job
metadata: {name: debug, namespace: prod, labels: {env: dev}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: debug
        image: debug:1
        envFrom:
        - secretRef: {name: db-credentials}`,
			Want: []ruletest.Want{{Address: "Job/prod/debug", Path: "spec.template.spec.containers[0].envFrom[0].secretRef.name", Message: `the dev workload uses Secret "db-credentials", which belongs to prod (namespace prod)`}},
		},
		{
			Name: "kubernetes dev workload using a Secret labelled prod, image pull secret and claim named for prod",
			YAML: `
apiVersion: v1
kind: Secret
metadata: {name: shared-creds, namespace: tools, labels: {env: prod}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: etl, namespace: tools, labels: {env: dev}}
spec:
  selector: {matchLabels: {app: etl}}
  serviceName: etl
  template:
    metadata: {labels: {app: etl}}
    spec:
      imagePullSecrets: [{name: prod-registry}]
      containers: [{name: etl, image: etl:1}]
      volumes:
      - name: creds
        projected:
          sources:
          - secret: {name: shared-creds}
      - name: data
        persistentVolumeClaim: {claimName: prod-data}`,
			Want: []ruletest.Want{
				{Address: "StatefulSet/tools/etl", Path: "spec.template.spec.imagePullSecrets[0].name", Message: `uses Secret "prod-registry", which belongs to prod (its name)`},
				{Address: "StatefulSet/tools/etl", Path: "spec.template.spec.volumes[0].projected.sources[0].secret.name", Message: `uses Secret "shared-creds", which belongs to prod (label env="prod")`},
				{Address: "StatefulSet/tools/etl", Path: "spec.template.spec.volumes[1].persistentVolumeClaim.claimName", Message: `uses PersistentVolumeClaim "prod-data", which belongs to prod (its name)`},
			},
		},
		{
			Name: "kubernetes prod workload using its own Secrets and ConfigMaps",
			YAML: `
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: prod}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: prod}
spec:
  containers:
  - name: api
    image: api:1
    envFrom:
    - configMapRef: {name: settings}
    - secretRef: {name: prod-db}
  volumes:
  - name: cfg
    configMap: {name: settings}`,
		},
		{
			Name:   "kubernetes dev workload reading a staging ConfigMap, an allowed mix",
			Policy: devStagingMix,
			YAML: `
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: dev}
spec:
  containers:
  - name: api
    image: api:1
    envFrom:
    - configMapRef: {name: settings-staging}`,
		},
	})
}
