# A deliberate violation, kept to prove the policy still catches it:
# SSH open to the world (GR-PORT-001).
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
