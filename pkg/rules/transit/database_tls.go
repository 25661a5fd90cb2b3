package transit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/expect"
)

// forceTLSParam says which parameter makes an RDS engine refuse plaintext
// connections, and from which engine version it does so by default.
type forceTLSParam struct {
	name string
	on   []string
	// onFrom is the first version (major, minor) whose default parameter
	// group refuses plaintext; zero when none does.
	onFrom [2]int
	// defaultOn says whether the version AWS picks when engine_version is
	// left out refuses plaintext by default.
	defaultOn bool
	// cluster marks Aurora engines, whose setting lives in the cluster
	// parameter group only.
	cluster bool
}

var forceTLSParams = []struct {
	prefix string
	param  forceTLSParam
}{
	{"aurora-postgresql", forceTLSParam{name: "rds.force_ssl", on: []string{"1", "true", "on"}, cluster: true}},
	{"postgres", forceTLSParam{name: "rds.force_ssl", on: []string{"1", "true", "on"}, onFrom: [2]int{15, 0}, defaultOn: true}},
	{"aurora-mysql", forceTLSParam{name: "require_secure_transport", on: []string{"1", "on", "true"}, cluster: true}},
	{"aurora", forceTLSParam{name: "require_secure_transport", on: []string{"1", "on", "true"}, cluster: true}},
	{"mysql", forceTLSParam{name: "require_secure_transport", on: []string{"1", "on", "true"}}},
	{"mariadb", forceTLSParam{name: "require_secure_transport", on: []string{"1", "on", "true"}, onFrom: [2]int{11, 8}}},
	{"sqlserver", forceTLSParam{name: "rds.force_ssl", on: []string{"1", "true"}}},
	{"docdb", forceTLSParam{name: "tls", on: []string{"enabled", "tls1.2+", "tls1.3+", "fips-140-3"}, onFrom: [2]int{1, 0}, defaultOn: true}},
}

var versionRE = regexp.MustCompile(`(\d+)(?:\.(\d+))?`)

// version reads the first major.minor version in s; ok is false when there is none.
func version(s string) (v [2]int, ok bool) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return v, false
	}
	v[0], _ = strconv.Atoi(m[1])
	v[1], _ = strconv.Atoi(m[2])
	return v, true
}

func atLeast(v, from [2]int) bool {
	return v[0] > from[0] || v[0] == from[0] && v[1] >= from[1]
}

// engineParam returns the TLS parameter of an engine or parameter group
// family (postgres15, aurora-mysql8.0, docdb5.0), and the version in it.
func engineParam(engineOrFamily string) (param forceTLSParam, v [2]int, hasVersion bool, ok bool) {
	e := strings.ToLower(engineOrFamily)
	for _, f := range forceTLSParams {
		if strings.HasPrefix(e, f.prefix) {
			v, hasVersion = version(e[len(f.prefix):])
			return f.param, v, hasVersion, true
		}
	}
	return forceTLSParam{}, v, false, false
}

// refusesByDefault reports whether an engine's default parameter group
// refuses plaintext at version v (AWS's default version when !hasVersion).
func (f forceTLSParam) refusesByDefault(v [2]int, hasVersion bool) bool {
	if !hasVersion {
		return f.defaultOn
	}
	return f.onFrom != [2]int{} && atLeast(v, f.onFrom)
}

var databaseSettings = []expect.Setting{
	{Type: "azurerm_postgresql_server", Path: []string{"ssl_enforcement_enabled"},
		Wrong: expect.IsFalse("ssl_enforcement_enabled is false: clients may connect in plaintext"), What: "whether the server enforces TLS"},
	{Type: "azurerm_mysql_server", Path: []string{"ssl_enforcement_enabled"},
		Wrong: expect.IsFalse("ssl_enforcement_enabled is false: clients may connect in plaintext"), What: "whether the server enforces TLS"},
	{Type: "azurerm_mariadb_server", Path: []string{"ssl_enforcement_enabled"},
		Wrong: expect.IsFalse("ssl_enforcement_enabled is false: clients may connect in plaintext"), What: "whether the server enforces TLS"},
	{Type: "azurerm_postgresql_flexible_server_configuration", Path: []string{"value"},
		When:  func(r *resource.Resource) bool { return r.Get("name").String() == "require_secure_transport" },
		Wrong: expect.OneOf("require_secure_transport is %v: clients may connect in plaintext", "off", "0", "false"), What: "whether the server requires TLS"},
	{Type: "azurerm_mysql_flexible_server_configuration", Path: []string{"value"},
		When:  func(r *resource.Resource) bool { return r.Get("name").String() == "require_secure_transport" },
		Wrong: expect.OneOf("require_secure_transport is %v: clients may connect in plaintext", "off", "0", "false"), What: "whether the server requires TLS"},
}

// DatabaseTLS is GR-TLS-005.
var DatabaseTLS = &rule.Rule{
	ID:       "GR-TLS-005",
	Title:    "Databases refuse unencrypted connections",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork, clause.EncryptedProtocolsOnly},
	Description: "A database accepts plaintext client connections: an RDS or DocumentDB parameter group that does " +
		"not force TLS (rds.force_ssl, require_secure_transport, tls), an RDS instance or cluster on a default " +
		"parameter group of an engine version that accepts plaintext (PostgreSQL before 15, MySQL, MariaDB before " +
		"11.8, SQL Server, Aurora), Cloud SQL without ssl_mode ENCRYPTED_ONLY, or an Azure database server without " +
		"TLS enforcement. Aurora's setting lives in the cluster parameter group, so its DB parameter groups and " +
		"instances are not judged.",
	Remediation: "Use a parameter group setting rds.force_ssl = 1 (PostgreSQL, SQL Server) or " +
		"require_secure_transport = ON (MySQL, MariaDB); for Cloud SQL set ssl_mode = ENCRYPTED_ONLY; for Azure enable TLS enforcement.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types: append(expect.Types(databaseSettings), "google_sql_database_instance", "aws_db_parameter_group",
		"aws_rds_cluster_parameter_group", "aws_docdb_cluster_parameter_group", "aws_db_instance", "aws_rds_cluster"),
	Peers: rule.Peers{
		Checkov:   []string{"CKV2_AWS_69", "CKV_AWS_90", "CKV_GCP_6", "CKV_AZURE_28", "CKV_AZURE_29", "CKV_AZURE_47"},
		Trivy:     []string{"GCP-0015", "AZU-0020"},
		Terrascan: []string{"AC_GCP_0003", "AC_AZURE_0131", "AC_AZURE_0408"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		switch r.Type {
		case "aws_db_parameter_group", "aws_rds_cluster_parameter_group", "aws_docdb_cluster_parameter_group":
			parameterGroup(p, r)
		case "aws_db_instance", "aws_rds_cluster":
			defaultParameterGroup(p, r)
		case "google_sql_database_instance":
			cloudSQLTLS(p, r)
		default:
			expect.Judge(p, r, databaseSettings)
		}
	},
}

func parameterGroup(p *rule.Pass, r *resource.Resource) {
	family := r.Get("family")
	if family.IsUnknown() {
		p.Undecidable(r, family, "which parameter forces TLS")
		return
	}
	fam := family.String()
	if r.Type == "aws_docdb_cluster_parameter_group" && !strings.HasPrefix(fam, "docdb") {
		fam = "docdb" + fam
	}
	want, v, hasVersion, ok := engineParam(fam)
	if !ok || want.cluster && r.Type == "aws_db_parameter_group" {
		return // Aurora reads the setting from its cluster parameter group only
	}
	params := r.Get("parameter")
	if params.IsUnknown() {
		p.Undecidable(r, params, "whether "+want.name+" forces TLS")
		return
	}
	for _, prm := range params.List() {
		if prm.Get("name").String() != want.name {
			continue
		}
		val := prm.Get("value")
		if val.IsUnknown() {
			p.Undecidable(r, val, "whether "+want.name+" forces TLS")
			return
		}
		if !oneOf(val.String(), want.on) {
			p.ReportValue(r, val, "%s is %q in the parameter group (family %s): clients may connect in plaintext", want.name, val.String(), fam)
		}
		return
	}
	if !want.refusesByDefault(v, hasVersion) {
		p.ReportValue(r, params, "%s", fmt.Sprintf("the parameter group (family %s) does not set %s, whose default lets clients connect in plaintext", fam, want.name))
	}
}

func defaultParameterGroup(p *rule.Pass, r *resource.Resource) {
	attr := "parameter_group_name"
	if r.Type == "aws_rds_cluster" {
		attr = "db_cluster_parameter_group_name"
	}
	pg := r.Get(attr)
	if pg.IsUnknown() || (!pg.IsNull() && !strings.HasPrefix(pg.String(), "default.")) {
		return // a custom group is judged on its own
	}
	engine := r.Get("engine")
	if engine.IsUnknown() {
		return
	}
	want, _, _, ok := engineParam(engine.String())
	if !ok || want.cluster && r.Type == "aws_db_instance" {
		return
	}
	ev := r.Get("engine_version")
	v, hasVersion := version(ev.String())
	if ev.IsUnknown() || want.refusesByDefault(v, hasVersion) {
		return
	}
	group := "the default parameter group"
	if s := pg.String(); s != "" {
		group += " (" + s + ")"
	}
	what := engine.String()
	if s := ev.String(); s != "" {
		what += " " + s
	}
	p.Report(r, resource.Path{resource.Key(attr)}, "the %s database uses %s, which does not set %s, so clients may connect in plaintext",
		what, group, want.name)
}

// cloudSQLTLS judges the ssl_mode (or the older require_ssl) of a Cloud SQL
// instance. GCP's default, ALLOW_UNENCRYPTED_AND_ENCRYPTED, accepts plaintext.
func cloudSQLTLS(p *rule.Pass, r *resource.Resource) {
	for _, s := range r.Get("settings").List() {
		ipcs := s.Get("ip_configuration")
		if ipcs.IsUnknown() {
			p.Undecidable(r, ipcs, "whether the instance requires TLS")
			continue
		}
		if ipcs.Len() == 0 {
			p.ReportValue(r, s, "settings.ip_configuration is not set, so ssl_mode defaults to ALLOW_UNENCRYPTED_AND_ENCRYPTED and the instance accepts unencrypted connections")
			continue
		}
		for _, ipc := range ipcs.List() {
			if ipc.Get("require_ssl").BoolOr(false) {
				continue
			}
			mode := ipc.Get("ssl_mode")
			switch m := strings.ToUpper(mode.String()); {
			case mode.IsUnknown() && r.Format == resource.FormatTerraform:
				p.Undecidable(r, mode, "whether the instance requires TLS")
			case m == "ENCRYPTED_ONLY" || m == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED":
			case m != "":
				p.ReportValue(r, mode, "ssl_mode is %s: the instance accepts unencrypted connections", m)
			default: // left out (a plan shows it computed)
				p.ReportValue(r, ipc, "ssl_mode is not set, so it defaults to ALLOW_UNENCRYPTED_AND_ENCRYPTED and the instance accepts unencrypted connections")
			}
		}
	}
}

func oneOf(s string, set []string) bool {
	for _, e := range set {
		if strings.EqualFold(s, e) {
			return true
		}
	}
	return false
}
