# guardrail:ignore GR-PORT-001 reason="break-glass bastion, removed after the incident" expires=2099-12-31 owner=sre
resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from anywhere"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
