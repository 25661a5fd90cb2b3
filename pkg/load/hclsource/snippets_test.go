package hclsource

import (
	"strings"
	"testing"
)

func TestForSnippets(t *testing.T) {
	src := strings.Join([]string{
		`resource "aws_db_instance" "db" {`,
		`  username            = "admin"`,
		`  password            = "hunter2"`,
		`  master_password = <<EOT`,
		`  publicly_accessible = true`,
		`  tags = { "api_token" = "abc123", Name = "db" }`,
		`  secret_arn = aws_secretsmanager_secret.db.arn`,
		`}`,
	}, "\n") + "\n"
	got := string(forSnippets([]byte(src)))
	for _, leaked := range []string{"hunter2", "<<EOT"} {
		if strings.Contains(got, leaked) {
			t.Errorf("kept %q:\n%s", leaked, got)
		}
	}
	for _, kept := range []string{`username            = "admin"`, "publicly_accessible = true", "aws_secretsmanager_secret.db.arn"} {
		if !strings.Contains(got, kept) {
			t.Errorf("lost %q:\n%s", kept, got)
		}
	}
	if strings.Count(got, "\n") != strings.Count(src, "\n") {
		t.Errorf("line count changed")
	}
	if !strings.Contains(got, `password            = "(redacted)"`) {
		t.Errorf("password line not redacted in place:\n%s", got)
	}
}
