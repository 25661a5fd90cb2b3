# Staging: a production-like environment for release candidates.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["222222222222"]
  default_tags {
    tags = {
      Environment = "staging"
    }
  }
}

module "network" {
  source      = "../../modules/network"
  name        = "shop-staging"
  environment = "staging"
  cidr        = "10.20.0.0/16"
  admin_cidrs = ["10.20.0.0/16"]
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions-staging"
  description                = "Session cache"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

# A load test harness needs plain HTTP for one more sprint; waived inline,
# which the policy allows outside production.
# guardrail:ignore GR-TLS-001 reason="load-test harness speaks HTTP only, LT-17" expires=2026-12-31 owner=perf-team
resource "aws_lb_listener" "loadtest" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/loadtest/50dc6c495c0c9188"
  port              = 8080
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:222222222222:targetgroup/loadtest/73e2d6bc24d8a067"
  }
}
