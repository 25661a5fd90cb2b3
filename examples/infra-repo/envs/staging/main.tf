# The shop's staging environment.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["555555555555"]
  default_tags {
    tags = {
      Environment = "staging"
      Owner       = "shop-team"
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

module "shop" {
  source  = "../../modules/service"
  name    = "shop-staging"
  vpc_id  = aws_vpc.main.id
  lb_cidr = "10.50.1.0/24"
}

resource "aws_s3_bucket" "assets" {
  bucket = "initech-shop-assets-staging"
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
      Resource  = ["arn:aws:s3:::initech-shop-assets-staging", "arn:aws:s3:::initech-shop-assets-staging/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
