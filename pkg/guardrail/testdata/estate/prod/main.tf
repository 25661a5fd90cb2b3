resource "aws_security_group" "bastion" {
  name   = "bastion-prod"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports-prod"
  tags = {
    Environment = "prod"
  }
}
