# The shop's prod environment.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["444444444444"]
  default_tags {
    tags = {
      Environment = "prod"
      Owner       = "shop-team"
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

module "shop" {
  source  = "../../modules/service"
  name    = "shop-prod"
  vpc_id  = aws_vpc.main.id
  lb_cidr = "10.40.1.0/24"
}

resource "aws_s3_bucket" "assets" {
  bucket = "initech-shop-assets-prod"
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TLSOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::initech-shop-assets-prod", "arn:aws:s3:::initech-shop-assets-prod/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

# The orders database: encrypted, backed up, logged, and protected from
# deletion (INI-003, a rule of Initech's own policy).
resource "aws_db_instance" "orders" {
  identifier                      = "orders-prod"
  engine                          = "postgres"
  engine_version                  = "16.4"
  instance_class                  = "db.r7g.large"
  username                        = "orders"
  manage_master_user_password     = true
  storage_encrypted               = true
  deletion_protection             = true
  backup_retention_period         = 14
  multi_az                        = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
}
