package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestDatabaseTLS(t *testing.T) {
	ruletest.Run(t, "GR-TLS-005", []ruletest.Case{
		{
			Name: "hcl parameter groups that set the parameter",
			HCL: `
resource "aws_db_parameter_group" "pg_off" {
  name   = "pg-off"
  family = "postgres14"
  parameter {
    name  = "rds.force_ssl"
    value = "0"
  }
}
resource "aws_db_parameter_group" "pg_on" {
  name   = "pg-on"
  family = "postgres14"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}
resource "aws_db_parameter_group" "mysql_on" {
  name   = "mysql-on"
  family = "mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "ON"
  }
}
resource "aws_rds_cluster_parameter_group" "aurora_off" {
  name   = "aurora-off"
  family = "aurora-mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "OFF"
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_parameter_group.pg_off", Path: "parameter[0].value", Line: 7,
					Message: `rds.force_ssl is "0" in the parameter group (family postgres14): clients may connect in plaintext`},
				{Address: "aws_rds_cluster_parameter_group.aurora_off", Path: "parameter[0].value", Message: `require_secure_transport is "OFF"`},
			},
		},
		{
			Name: "hcl parameter groups that leave the parameter to its default",
			HCL: `
resource "aws_db_parameter_group" "pg14" {
  name   = "pg14"
  family = "postgres14"
}
resource "aws_db_parameter_group" "pg16" {
  name   = "pg16"
  family = "postgres16"
}
resource "aws_db_parameter_group" "mariadb10" {
  name   = "mariadb10"
  family = "mariadb10.11"
}
resource "aws_db_parameter_group" "mariadb118" {
  name   = "mariadb118"
  family = "mariadb11.8"
}
resource "aws_db_parameter_group" "sqlserver" {
  name   = "sqlserver"
  family = "sqlserver-se-16.0"
}
resource "aws_db_parameter_group" "aurora_instances" {
  name   = "aurora-instances"
  family = "aurora-postgresql15"
}
resource "aws_rds_cluster_parameter_group" "aurora_cluster" {
  name   = "aurora-cluster"
  family = "aurora-postgresql15"
}
resource "aws_db_parameter_group" "oracle" {
  name   = "oracle"
  family = "oracle-ee-19"
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_parameter_group.pg14", Message: "the parameter group (family postgres14) does not set rds.force_ssl, whose default lets clients connect in plaintext"},
				{Address: "aws_db_parameter_group.mariadb10", Message: "does not set require_secure_transport"},
				{Address: "aws_db_parameter_group.sqlserver", Message: "does not set rds.force_ssl"},
				{Address: "aws_rds_cluster_parameter_group.aurora_cluster", Message: "(family aurora-postgresql15) does not set rds.force_ssl"},
			},
		},
		{
			Name: "hcl documentdb cluster parameter groups",
			HCL: `
resource "aws_docdb_cluster_parameter_group" "off" {
  name   = "off"
  family = "docdb5.0"
  parameter {
    name  = "tls"
    value = "disabled"
  }
}
resource "aws_docdb_cluster_parameter_group" "default" {
  name   = "default"
  family = "docdb5.0"
}
resource "aws_docdb_cluster_parameter_group" "tls12" {
  name   = "tls12"
  family = "docdb5.0"
  parameter {
    name  = "tls"
    value = "tls1.2+"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_docdb_cluster_parameter_group.off", Path: "parameter[0].value", Message: `tls is "disabled"`}},
		},
		{
			Name: "hcl instances and clusters on default parameter groups",
			HCL: `
resource "aws_db_instance" "pg14" {
  engine         = "postgres"
  engine_version = "14.10"
  instance_class = "db.t3.micro"
}
resource "aws_db_instance" "pg15" {
  engine         = "postgres"
  engine_version = "15.5"
  instance_class = "db.t3.micro"
}
resource "aws_db_instance" "pg_latest" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}
resource "aws_db_instance" "mysql" {
  engine               = "mysql"
  engine_version       = "8.0"
  instance_class       = "db.t3.micro"
  parameter_group_name = "default.mysql8.0"
}
resource "aws_db_instance" "custom" {
  engine               = "mysql"
  instance_class       = "db.t3.micro"
  parameter_group_name = aws_db_parameter_group.mysql.name
}
resource "aws_db_parameter_group" "mysql" {
  name   = "mysql"
  family = "mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "1"
  }
}
resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "aurora"
  engine             = "aurora-postgresql"
  engine_version     = "15.4"
}
resource "aws_db_instance" "aurora_member" {
  engine             = "aurora-postgresql"
  instance_class     = "db.r6g.large"
  cluster_identifier = "aurora"
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_instance.pg14", Path: "parameter_group_name",
					Message: "the postgres 14.10 database uses the default parameter group, which does not set rds.force_ssl, so clients may connect in plaintext"},
				{Address: "aws_db_instance.mysql", Message: "the mysql 8.0 database uses the default parameter group (default.mysql8.0)"},
				{Address: "aws_rds_cluster.aurora", Path: "db_cluster_parameter_group_name", Message: "the aurora-postgresql 15.4 database uses the default parameter group"},
			},
		},
		{
			Name: "hcl cloud sql",
			HCL: `
resource "google_sql_database_instance" "allow" {
  name             = "allow"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    }
  }
}
resource "google_sql_database_instance" "default" {
  name             = "default"
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-f1-micro"
  }
}
resource "google_sql_database_instance" "encrypted" {
  name             = "encrypted"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ssl_mode = "ENCRYPTED_ONLY"
    }
  }
}
resource "google_sql_database_instance" "legacy" {
  name             = "legacy"
  database_version = "POSTGRES_13"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      require_ssl = true
    }
  }
}`,
			Want: []ruletest.Want{
				{Address: "google_sql_database_instance.allow", Path: "settings[0].ip_configuration[0].ssl_mode", Line: 8,
					Message: "ssl_mode is ALLOW_UNENCRYPTED_AND_ENCRYPTED: the instance accepts unencrypted connections"},
				{Address: "google_sql_database_instance.default", Path: "settings[0]",
					Message: "settings.ip_configuration is not set, so ssl_mode defaults to ALLOW_UNENCRYPTED_AND_ENCRYPTED"},
			},
		},
		{
			Name: "plan cloud sql with ssl_mode computed, and a deleted parameter group",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "google_sql_database_instance.db", After: map[string]any{
					"name":     "db",
					"settings": []any{map[string]any{"tier": "db-f1-micro", "ip_configuration": []any{map[string]any{"ipv4_enabled": true}}}},
				}, Unknown: map[string]any{"settings": []any{map[string]any{"ip_configuration": []any{map[string]any{"ssl_mode": true}}}}}},
				ruletest.Change{Address: "aws_db_parameter_group.old", Actions: []string{"delete"}, Before: map[string]any{"family": "postgres12"}},
			),
			Want: []ruletest.Want{{Address: "google_sql_database_instance.db", Path: "settings[0].ip_configuration[0]",
				Message: "ssl_mode is not set, so it defaults to ALLOW_UNENCRYPTED_AND_ENCRYPTED"}},
		},
		{
			Name: "hcl values unknown until apply",
			HCL: `
variable "family" {}
variable "ssl_mode" {}
resource "aws_db_parameter_group" "pg" {
  name   = "pg"
  family = var.family
}
resource "google_sql_database_instance" "db" {
  name             = "db"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ssl_mode = var.ssl_mode
    }
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_parameter_group.pg", Path: "family", Undecidable: true},
				{Address: "google_sql_database_instance.db", Path: "settings[0].ip_configuration[0].ssl_mode", Undecidable: true},
			},
		},
		{
			Name: "hcl azure database servers and flexible server configurations",
			HCL: `
resource "azurerm_postgresql_server" "pg" {
  name                    = "pg"
  ssl_enforcement_enabled = false
}
resource "azurerm_mysql_server" "mysql" {
  name                    = "mysql"
  ssl_enforcement_enabled = true
}
resource "azurerm_mariadb_server" "maria" {
  name                    = "maria"
  ssl_enforcement_enabled = false
}
resource "azurerm_postgresql_flexible_server_configuration" "tls" {
  name      = "require_secure_transport"
  server_id = "id"
  value     = "off"
}
resource "azurerm_postgresql_flexible_server_configuration" "other" {
  name      = "log_connections"
  server_id = "id"
  value     = "off"
}
resource "azurerm_mysql_flexible_server_configuration" "tls" {
  name                = "require_secure_transport"
  resource_group_name = "rg"
  server_name         = "s"
  value               = "ON"
}`,
			Want: []ruletest.Want{
				{Address: "azurerm_postgresql_server.pg", Path: "ssl_enforcement_enabled", Message: "ssl_enforcement_enabled is false: clients may connect in plaintext"},
				{Address: "azurerm_mariadb_server.maria", Path: "ssl_enforcement_enabled"},
				{Address: "azurerm_postgresql_flexible_server_configuration.tls", Path: "value", Message: "require_secure_transport is off"},
			},
		},
	})
}
