variable "env" {
  default = "dev"
}

provider "aws" {
  region = "eu-west-1"
}

module "net" {
  source = "./modules/net"
  cidr   = "10.0.0.0/16"
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = module.net.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
