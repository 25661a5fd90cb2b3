package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestPublicEndpoint(t *testing.T) {
	cases := []ruletest.Case{
		{
			Name: "hcl publicly accessible databases and brokers",
			HCL: `
resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
}
resource "aws_rds_cluster_instance" "aurora" {
  cluster_identifier  = "c"
  instance_class      = "db.r6g.large"
  publicly_accessible = true
}
resource "aws_neptune_cluster_instance" "graph" {
  cluster_identifier  = "g"
  instance_class      = "db.r5.large"
  publicly_accessible = true
}
resource "aws_redshift_cluster" "dw" {
  cluster_identifier  = "dw"
  node_type           = "ra3.xlplus"
  publicly_accessible = true
}
resource "aws_dms_replication_instance" "dms" {
  replication_instance_id    = "dms"
  replication_instance_class = "dms.t3.micro"
  publicly_accessible        = true
}
resource "aws_mq_broker" "mq" {
  broker_name         = "mq"
  engine_type         = "RabbitMQ"
  publicly_accessible = true
}`,
			Want: []ruletest.Want{
				{Address: "aws_db_instance.db", Path: "publicly_accessible", Line: 5,
					Message: "the database instance has a public endpoint reachable from the internet (publicly_accessible = true)"},
				{Address: "aws_rds_cluster_instance.aurora", Message: "the cluster instance has a public endpoint"},
				{Address: "aws_neptune_cluster_instance.graph", Message: "the Neptune instance has a public endpoint"},
				{Address: "aws_redshift_cluster.dw", Message: "the Redshift cluster has a public endpoint"},
				{Address: "aws_dms_replication_instance.dms", Message: "the replication instance has a public endpoint"},
				{Address: "aws_mq_broker.mq", Message: "the broker has a public endpoint"},
			},
		},
		{
			Name: "hcl private databases, and the provider default",
			HCL: `
resource "aws_db_instance" "db" {
  engine              = "mysql"
  instance_class      = "db.t3.micro"
  publicly_accessible = false
}
resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
}`,
		},
		{
			Name: "plan publicly_accessible unknown until apply",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_dms_replication_instance.dms", After: map[string]any{
				"replication_instance_id": "dms",
			}, Unknown: map[string]any{"publicly_accessible": true}}),
			Want: []ruletest.Want{{Address: "aws_dms_replication_instance.dms", Path: "publicly_accessible", Undecidable: true}},
		},
		{
			Name: "plan deleted public database is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_db_instance.old", Actions: []string{"delete"},
				Before: map[string]any{"publicly_accessible": true}}),
		},
		{
			Name: "hcl eks endpoints",
			HCL: `
resource "aws_eks_cluster" "default_cidrs" {
  name     = "a"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}
resource "aws_eks_cluster" "world" {
  name     = "b"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids          = ["subnet-1"]
    public_access_cidrs = ["203.0.113.0/24", "0.0.0.0/0"]
  }
}
resource "aws_eks_cluster" "office" {
  name     = "c"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids          = ["subnet-1"]
    public_access_cidrs = ["203.0.113.0/24"]
  }
}
resource "aws_eks_cluster" "private" {
  name     = "d"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids              = ["subnet-1"]
    endpoint_private_access = true
    endpoint_public_access  = false
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_eks_cluster.default_cidrs", Message: "the cluster API endpoint is public and public_access_cidrs is not set, so it defaults to 0.0.0.0/0"},
				{Address: "aws_eks_cluster.world", Path: "vpc_config[0].public_access_cidrs[1]", Message: "the cluster API endpoint is public and admits 0.0.0.0/0"},
			},
		},
		{
			Name: "hcl search domains with and without a VPC",
			HCL: `
resource "aws_opensearch_domain" "public" {
  domain_name = "public"
}
resource "aws_elasticsearch_domain" "public" {
  domain_name = "legacy"
}
resource "aws_opensearch_domain" "vpc" {
  domain_name = "vpc"
  vpc_options {
    subnet_ids = ["subnet-1"]
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_opensearch_domain.public", Message: "the search domain has no vpc_options, so its endpoint is public"},
				{Address: "aws_elasticsearch_domain.public", Message: "no vpc_options"},
			},
		},
		{
			Name: "hcl cloud sql authorised networks",
			HCL: `
resource "google_sql_database_instance" "open" {
  name             = "open"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      authorized_networks {
        name  = "office"
        value = "203.0.113.0/24"
      }
      authorized_networks {
        name  = "all"
        value = "0.0.0.0/0"
      }
    }
  }
}
resource "google_sql_database_instance" "private" {
  name             = "private"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/p/global/networks/vpc"
      authorized_networks {
        name  = "all"
        value = "0.0.0.0/0"
      }
    }
  }
}`,
			Want: []ruletest.Want{{Address: "google_sql_database_instance.open", Path: "settings[0].ip_configuration[0].authorized_networks[1].value", Line: 14,
				Message: "the instance has a public IP and an authorised network admits 0.0.0.0/0 to it"}},
		},
		{
			Name: "hcl gke control planes",
			HCL: `
resource "google_container_cluster" "open" {
  name     = "open"
  location = "europe-west1"
}
resource "google_container_cluster" "world" {
  name     = "world"
  location = "europe-west1"
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "0.0.0.0/0"
      display_name = "all"
    }
  }
}
resource "google_container_cluster" "office" {
  name     = "office"
  location = "europe-west1"
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "203.0.113.0/24"
      display_name = "office"
    }
  }
}
resource "google_container_cluster" "private" {
  name     = "private"
  location = "europe-west1"
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
}`,
			Want: []ruletest.Want{
				{Address: "google_container_cluster.open", Message: "the cluster control plane has a public endpoint and no master_authorized_networks_config"},
				{Address: "google_container_cluster.world", Message: "master authorised networks admit 0.0.0.0/0"},
			},
		},
		{
			Name: "hcl azure servers with public network access",
			HCL: `
resource "azurerm_mssql_server" "sql" {
  name                = "sql"
  resource_group_name = "rg"
  location            = "westeurope"
  version             = "12.0"
}
resource "azurerm_postgresql_server" "pg" {
  name                          = "pg"
  resource_group_name           = "rg"
  location                      = "westeurope"
  sku_name                      = "GP_Gen5_2"
  version                       = "11"
  ssl_enforcement_enabled       = true
  public_network_access_enabled = true
}
resource "azurerm_mysql_server" "mysql" {
  name                          = "mysql"
  resource_group_name           = "rg"
  location                      = "westeurope"
  sku_name                      = "GP_Gen5_2"
  version                       = "8.0"
  ssl_enforcement_enabled       = true
  public_network_access_enabled = false
}
resource "azurerm_mariadb_server" "maria" {
  name                          = "maria"
  resource_group_name           = "rg"
  location                      = "westeurope"
  sku_name                      = "GP_Gen5_2"
  version                       = "10.3"
  ssl_enforcement_enabled       = true
  public_network_access_enabled = false
}
resource "azurerm_redis_cache" "cache" {
  name                = "cache"
  resource_group_name = "rg"
  location            = "westeurope"
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
}`,
			Want: []ruletest.Want{
				{Address: "azurerm_mssql_server.sql", Message: "public_network_access_enabled is not set and defaults to true, so the database server has a public endpoint"},
				{Address: "azurerm_postgresql_server.pg", Path: "public_network_access_enabled", Message: "public_network_access_enabled is true, so the database server has a public endpoint"},
				{Address: "azurerm_redis_cache.cache", Message: "so the cache has a public endpoint"},
			},
		},
		{
			Name: "hcl cosmos db accounts with and without filters",
			HCL: `
resource "azurerm_cosmosdb_account" "open" {
  name                = "open"
  resource_group_name = "rg"
  location            = "westeurope"
  offer_type          = "Standard"
}
resource "azurerm_cosmosdb_account" "filtered" {
  name                = "filtered"
  resource_group_name = "rg"
  location            = "westeurope"
  offer_type          = "Standard"
  ip_range_filter     = ["203.0.113.0/24", "0.0.0.0"]
}
resource "azurerm_cosmosdb_account" "vnet" {
  name                              = "vnet"
  resource_group_name               = "rg"
  location                          = "westeurope"
  offer_type                        = "Standard"
  is_virtual_network_filter_enabled = true
}`,
			Want: []ruletest.Want{{Address: "azurerm_cosmosdb_account.open", Message: "so the Cosmos DB account has a public endpoint"}},
		},
		{
			Name: "hcl azure firewall rules",
			HCL: `
resource "azurerm_mssql_firewall_rule" "all" {
  name             = "all"
  server_id        = "id"
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}
resource "azurerm_mssql_firewall_rule" "azure_services" {
  name             = "azure"
  server_id        = "id"
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}
resource "azurerm_sql_firewall_rule" "wide" {
  name                = "wide"
  resource_group_name = "rg"
  server_name         = "s"
  start_ip_address    = "1.0.0.0"
  end_ip_address      = "3.0.0.0"
}
resource "azurerm_postgresql_firewall_rule" "office" {
  name                = "office"
  resource_group_name = "rg"
  server_name         = "s"
  start_ip_address    = "203.0.113.0"
  end_ip_address      = "203.0.113.255"
}
resource "azurerm_mysql_firewall_rule" "all" {
  name                = "all"
  resource_group_name = "rg"
  server_name         = "s"
  start_ip_address    = "0.0.0.0"
  end_ip_address      = "255.255.255.255"
}
resource "azurerm_postgresql_flexible_server_firewall_rule" "all" {
  name             = "all"
  server_id        = "id"
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}
resource "azurerm_mysql_flexible_server_firewall_rule" "office" {
  name             = "office"
  server_id        = "id"
  start_ip_address = "198.51.100.1"
  end_ip_address   = "198.51.100.1"
}`,
			Want: []ruletest.Want{
				{Address: "azurerm_mssql_firewall_rule.all", Path: "start_ip_address", Message: "the firewall rule admits addresses 0.0.0.0 to 255.255.255.255"},
				{Address: "azurerm_sql_firewall_rule.wide", Message: "1.0.0.0 to 3.0.0.0"},
				{Address: "azurerm_mysql_firewall_rule.all"},
				{Address: "azurerm_postgresql_flexible_server_firewall_rule.all"},
			},
		},
		{
			Name: "hcl azure firewall rule with an address unknown until apply",
			HCL: `
resource "azurerm_mssql_firewall_rule" "nat" {
  name             = "nat"
  server_id        = "id"
  start_ip_address = "203.0.113.1"
  end_ip_address   = azurerm_public_ip.nat.ip_address
}`,
			Want: []ruletest.Want{{Address: "azurerm_mssql_firewall_rule.nat", Path: "end_ip_address", Undecidable: true}},
		},
	}
	ruletest.Run(t, "GR-PORT-009", cases)
}
