# A deliberate violation of a rule of Initech's own policy, a CEL
# expression over Terraform: a bucket that names no owner (INI-001).
resource "aws_s3_bucket" "scratch" {
  bucket = "initech-scratch"
  tags = {
    Purpose = "experiments"
  }
}
