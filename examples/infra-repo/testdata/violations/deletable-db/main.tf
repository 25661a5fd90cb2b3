# A deliberate violation of INI-003 (a CEL rule limited to production): a
# production database without deletion protection.
resource "aws_db_instance" "reporting" {
  identifier        = "reporting-prod"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = true
}
