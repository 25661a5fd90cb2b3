# The shop's dev environment.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["666666666666"]
  default_tags {
    tags = {
      Environment = "dev"
      Owner       = "shop-team"
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"
}

module "shop" {
  source  = "../../modules/service"
  name    = "shop-dev"
  vpc_id  = aws_vpc.main.id
  lb_cidr = "10.60.1.0/24"
}

resource "aws_s3_bucket" "assets" {
  bucket = "initech-shop-assets-dev"
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
      Resource  = ["arn:aws:s3:::initech-shop-assets-dev", "arn:aws:s3:::initech-shop-assets-dev/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
