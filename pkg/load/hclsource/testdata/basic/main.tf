provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
  default_tags {
    tags = {
      Environment = "prod"
      Team        = "platform"
    }
  }
}

provider "aws" {
  alias  = "audit"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/deploy"
  }
}

provider "google" {
  project = "gp-prod"
  region  = "europe-west1"
}

# An unrelated comment, separated by a blank line.

# guardrail:ignore GR-PORT-001 reason="bastion, VPN only" expires=2099-01-31
// a second comment line in the same run
resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  # guardrail:ignore GR-PORT-004 reason="inside the block"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port = 22
    to_port   = 22
    protocol  = "tcp"
    cidr_blocks = [
      "10.0.0.0/8",
      "192.168.0.0/16",
    ]
  }
  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
  }
  tags = {
    Name        = "web"
    Environment = "staging"
    Ratio       = 0.5
  }
  lifecycle {
    create_before_destroy = true
  }
}

# not a waiver: guardrail:ignore GR-X-001
resource "aws_s3_bucket" "logs" {
  provider = aws.audit
  bucket   = "logs"
  versioning {
    enabled = true
  }
  settings = {
    nested = {
      deep = "value"
    }
    list = [1, 2.5, true, null]
  }
}

resource "google_storage_bucket" "b" {
  name   = "b"
  labels = { env = "dev" }
}

resource "google_storage_bucket" "own" {
  name    = "own"
  project = "gp-other"
  rule "first" {
    action = "keep"
  }
}
