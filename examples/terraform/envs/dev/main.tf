# Development: a copy of the shop for engineers.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["333333333333"]
  default_tags {
    tags = {
      Environment = "dev"
    }
  }
}

module "network" {
  source      = "../../modules/network"
  name        = "shop-dev"
  environment = "dev"
  cidr        = "10.30.0.0/16"
  admin_cidrs = ["10.30.0.0/16"]
}

# Violation: the development database is restored from a production snapshot (GR-SEG-009).
resource "aws_db_instance" "orders" {
  identifier          = "orders-dev"
  engine              = "postgres"
  engine_version      = "16.4"
  instance_class      = "db.t4g.medium"
  snapshot_identifier = "arn:aws:rds:eu-west-1:111111111111:snapshot:orders-prod-2026-11-01"
  storage_encrypted   = true
  skip_final_snapshot = true
}

# Violation: development admits the production network (GR-SEG-004).
resource "aws_security_group_rule" "from_prod" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.10.0.0/16"]
  security_group_id = module.network.web_security_group_id
}

# Violation: a peering between the development and production networks (GR-SEG-003).
resource "aws_vpc_peering_connection" "to_prod" {
  vpc_id        = module.network.vpc_id
  peer_vpc_id   = "vpc-0a1b2c3d4e5f60718"
  peer_owner_id = "111111111111"
}
