provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Environment = "prod" }
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

module "net" {
  source = "./modules/net"
  cidr   = "10.1.0.0/16"
  name   = "core"
}

module "app" {
  source = "./modules/app"
  count  = 2
  vpc_id = module.net.vpc_id
  cidr   = module.net.cidr
  index  = count.index
  providers = {
    aws = aws.west
  }
}

resource "aws_route53_record" "r" {
  name    = module.net.name_out
  records = [module.net.vpc_id]
}

module "remote" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

module "missing" {
  source = "./modules/nope"
}

resource "null_resource" "uses_remote" {
  x = module.remote.vpc_id
}
