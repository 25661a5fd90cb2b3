# Production: the web tier behind an application load balancer, and its database.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
  default_tags {
    tags = {
      Environment = "prod"
      Owner       = "platform-team"
    }
  }
}

locals {
  name = "shop-prod"
}

module "network" {
  source      = "../../modules/network"
  name        = local.name
  environment = "prod"
  cidr        = "10.10.0.0/16"
  # Violation: SSH open to the world (GR-PORT-001).
  admin_cidrs = ["0.0.0.0/0"]
}

resource "aws_lb" "web" {
  name               = "${local.name}-web"
  load_balancer_type = "application"
  subnets            = module.network.private_subnet_ids
  security_groups    = [module.network.web_security_group_id]
  internal           = false
}

# Violation: plain HTTP served without a redirect to HTTPS (GR-TLS-001).
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  # Violation: ELBSecurityPolicy-2016-08 still accepts TLS 1.0 (GR-TLS-002).
  ssl_policy      = "ELBSecurityPolicy-2016-08"
  certificate_arn = "arn:aws:acm:eu-west-1:111111111111:certificate/7e2f0d5c"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_target_group" "web" {
  name     = "${local.name}-web"
  port     = 8443
  protocol = "HTTPS"
  vpc_id   = module.network.vpc_id
}

resource "aws_db_parameter_group" "orders" {
  name   = "orders-prod-pg16"
  family = "postgres16"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "orders" {
  identifier              = "orders-prod"
  engine                  = "postgres"
  engine_version          = "16.4"
  instance_class          = "db.m6g.large"
  allocated_storage       = 100
  storage_encrypted       = true
  parameter_group_name    = aws_db_parameter_group.orders.name
  backup_retention_period = 14
  deletion_protection     = true
  multi_az                = true
  username                = "orders"
  manage_master_user_password = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
}

resource "aws_s3_bucket" "access_logs" {
  bucket = "acme-prod-access-logs"
}

# Violation, waived in the policy file: no statement denies plaintext requests (GR-TLS-006).
resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ELBLogDelivery"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::156460612806:root" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::acme-prod-access-logs/*"
    }]
  })
}

# Violation: production trusts the development account (GR-SEG-006).
resource "aws_iam_role" "deploy" {
  name = "deploy-prod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::333333333333:role/ci" }
    }]
  })
}
