package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestPlaintextListener(t *testing.T) {
	ruletest.Run(t, "GR-TLS-001", []ruletest.Case{
		{
			Name: "hcl http listener forwarding",
			HCL: `
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_lb_listener.http", Path: "protocol", Line: 5,
				Message: "the HTTP listener on port 80 passes requests on in plain HTTP instead of redirecting to HTTPS"}},
		},
		{
			Name: "hcl http listeners redirecting to https or answering themselves",
			HCL: `
resource "aws_lb_listener" "redirect" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_alb_listener" "fixed" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "use https"
      status_code  = "403"
    }
  }
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = "arn:lb"
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:cert"
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
		},
		{
			Name: "hcl redirect that keeps the protocol",
			HCL: `
resource "aws_alb_listener" "same" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      host        = "www.example.com"
      status_code = "HTTP_301"
    }
  }
}`,
			Want: []ruletest.Want{{Address: "aws_alb_listener.same", Message: "port 80 passes requests on in plain HTTP"}},
		},
		{
			Name: "hcl protocol left out: HTTP on an application load balancer, nothing on a gateway load balancer",
			HCL: `
resource "aws_lb" "alb" {
  name = "alb"
}
resource "aws_lb" "gwlb" {
  name               = "gwlb"
  load_balancer_type = "gateway"
}
resource "aws_lb_listener" "alb" {
  load_balancer_arn = aws_lb.alb.arn
  port              = 8080
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
resource "aws_lb_listener" "gwlb" {
  load_balancer_arn = aws_lb.gwlb.arn
  default_action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_lb_listener.alb", Message: "the HTTP listener on port 8080"}},
		},
		{
			Name: "hcl listener rules on an http listener",
			HCL: `
resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:lb"
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
  condition {
    host_header {
      values = ["api.example.com"]
    }
  }
}
resource "aws_alb_listener_rule" "www" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20
  action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
  condition {
    host_header {
      values = ["www.example.com"]
    }
  }
}
resource "aws_lb_listener" "each" {
  for_each          = { http = "HTTP", https = "HTTPS" }
  load_balancer_arn = "arn:lb"
  port              = each.key == "http" ? 8080 : 8443
  protocol          = each.value
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}
resource "aws_lb_listener_rule" "on_one_of_each" {
  listener_arn = aws_lb_listener.each["https"].arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}
resource "aws_lb_listener_rule" "elsewhere" {
  listener_arn = "arn:listener"
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = "arn:tg"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_lb_listener_rule.api", Path: "action",
				Message: "the rule passes requests on in plain HTTP: it is attached to aws_lb_listener.http, an HTTP listener on port 80"}},
		},
		{
			Name: "plan http listener, and one whose protocol is known only after apply",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_lb_listener.http", After: map[string]any{
					"port": 80, "protocol": "HTTP",
					"default_action": []any{map[string]any{"type": "forward", "target_group_arn": "arn:tg", "redirect": []any{}}},
				}},
				ruletest.Change{Address: "aws_lb_listener.unknown", After: map[string]any{"port": 8080},
					Unknown: map[string]any{"protocol": true}},
			),
			Want: []ruletest.Want{
				{Address: "aws_lb_listener.http", Path: "protocol", Message: "port 80"},
				{Address: "aws_lb_listener.unknown", Path: "protocol", Undecidable: true},
			},
		},
		{
			Name: "plan deleted http listener is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_lb_listener.old", Actions: []string{"delete"}, Before: map[string]any{
				"port": 80, "protocol": "HTTP", "default_action": []any{map[string]any{"type": "forward"}},
			}}),
		},
		{
			Name: "hcl classic load balancer",
			HCL: `
resource "aws_elb" "web" {
  name = "web"
  listener {
    instance_port     = 8080
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
  listener {
    instance_port      = 8080
    instance_protocol  = "http"
    lb_port            = 443
    lb_protocol        = "https"
    ssl_certificate_id = "arn:cert"
  }
}`,
			Want: []ruletest.Want{{Address: "aws_elb.web", Path: "listener[0].lb_protocol",
				Message: "the classic load balancer listens with plain HTTP on port 80, and cannot redirect to HTTPS"}},
		},
		{
			Name: "hcl gcp http proxies",
			HCL: `
resource "google_compute_url_map" "redirect" {
  name = "redirect"
  default_url_redirect {
    https_redirect = true
    strip_query    = false
  }
}
resource "google_compute_url_map" "app" {
  name            = "app"
  default_service = "projects/p/global/backendServices/app"
}
resource "google_compute_target_http_proxy" "redirect" {
  name    = "redirect"
  url_map = google_compute_url_map.redirect.id
}
resource "google_compute_target_http_proxy" "app" {
  name    = "app"
  url_map = google_compute_url_map.app.id
}
resource "google_compute_region_target_http_proxy" "elsewhere" {
  name    = "elsewhere"
  region  = "europe-west1"
  url_map = "projects/p/regions/europe-west1/urlMaps/shared"
}`,
			Want: []ruletest.Want{
				{Address: "google_compute_target_http_proxy.app", Path: "url_map",
					Message: "the HTTP proxy serves plain HTTP and its URL map does not redirect every request to HTTPS"},
				{Address: "google_compute_region_target_http_proxy.elsewhere", Undecidable: true,
					Message: "URL map projects/p/regions/europe-west1/urlMaps/shared is not in the inputs"},
			},
		},
		{
			Name: "hcl azure application gateway",
			HCL: `
resource "azurerm_application_gateway" "agw" {
  name = "agw"
  http_listener {
    name     = "http"
    protocol = "Http"
  }
  http_listener {
    name     = "https"
    protocol = "Https"
  }
  http_listener {
    name     = "legacy"
    protocol = "Http"
  }
  http_listener {
    name     = "paths"
    protocol = "Http"
  }
  redirect_configuration {
    name                 = "to-https"
    redirect_type        = "Permanent"
    target_listener_name = "https"
  }
  redirect_configuration {
    name          = "to-http-url"
    redirect_type = "Permanent"
    target_url    = "http://example.com"
  }
  redirect_configuration {
    name          = "to-https-url"
    redirect_type = "Found"
    target_url    = "https://example.com"
  }
  url_path_map {
    name                                = "paths"
    default_redirect_configuration_name = "to-https-url"
    path_rule {
      name                        = "api"
      paths                       = ["/api/*"]
      redirect_configuration_name = "to-https"
    }
  }
  request_routing_rule {
    name                        = "http"
    rule_type                   = "Basic"
    http_listener_name          = "http"
    redirect_configuration_name = "to-https"
  }
  request_routing_rule {
    name                        = "legacy"
    rule_type                   = "Basic"
    http_listener_name          = "legacy"
    redirect_configuration_name = "to-http-url"
  }
  request_routing_rule {
    name               = "paths"
    rule_type          = "PathBasedRouting"
    http_listener_name = "paths"
    url_path_map_name  = "paths"
  }
}`,
			Want: []ruletest.Want{{Address: "azurerm_application_gateway.agw", Path: "http_listener[2].protocol", Line: 14,
				Message: `listener "legacy" serves plain HTTP and its routing rules do not redirect to HTTPS`}},
		},
	})
}
