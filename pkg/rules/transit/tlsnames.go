package transit

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/policy"
)

var (
	// A minimum version inside a policy name: ELBSecurityPolicy-TLS13-1-2-2021-06,
	// ELBSecurityPolicy-TLS-1-1-2017-01, ELBSecurityPolicy-FS-1-2-Res-2020-10,
	// Policy-Min-TLS-1-2-2019-07, SecurityPolicy_TLS13_1_2_2021_06.
	tlsMinorRE = regexp.MustCompile(`(?i)(?:TLS13[-_]1[-_]|TLS-1-|FS-1-|Min-TLS-1-)(\d)(?:[-_]|$)`)
	// A version as providers spell it: TLSv1.2_2021, TLSv1_2016, TLSv1,
	// TLS_1_2, TLS1_2, TLSv1_2, TLS1.2, TLS12.
	tlsNameRE = regexp.MustCompile(`(?i)^TLS(?:v)?[_ ]?1(?:[._]?(\d))?(?:_\d{4})?$`)
)

// namedPolicies are policy names that do not spell their minimum version.
var namedPolicies = map[string]policy.TLSVersion{
	// AWS load balancer policies from before the TLS-x-y names.
	"elbsecuritypolicy-2016-08":    policy.TLS10,
	"elbsecuritypolicy-2015-05":    policy.TLS10,
	"elbsecuritypolicy-2015-03":    policy.TLS10,
	"elbsecuritypolicy-2015-02":    policy.TLS10,
	"elbsecuritypolicy-2014-10":    policy.TLS10,
	"elbsecuritypolicy-2014-01":    policy.TLS10,
	"elbsecuritypolicy-2011-08":    policy.TLS10,
	"elbsecuritypolicy-fs-2018-06": policy.TLS10,
	// CloudFront's oldest minimum.
	"sslv3": policy.SSL3,
	// Azure application gateway predefined policies.
	"appgwsslpolicy20150501":  policy.TLS10,
	"appgwsslpolicy20170401":  policy.TLS11,
	"appgwsslpolicy20170401s": policy.TLS12,
	"appgwsslpolicy20220101":  policy.TLS12,
	"appgwsslpolicy20220101s": policy.TLS12,
	// Azure settings that switch the minimum off: every version the
	// service speaks is accepted.
	"tlsenforcementdisabled": policy.TLS10, // PostgreSQL and MySQL single server
	"disabled":               policy.TLS10, // SQL server minimum_tls_version
}

// policyMinTLS returns the lowest TLS version a provider's TLS policy name
// allows, and false when the name is not one guardrail knows.
func policyMinTLS(name string) (policy.TLSVersion, bool) {
	n := strings.TrimSpace(name)
	if v, ok := namedPolicies[strings.ToLower(n)]; ok {
		return v, true
	}
	if m := tlsMinorRE.FindStringSubmatch(n); m != nil {
		return minor(m[1])
	}
	if m := tlsNameRE.FindStringSubmatch(n); m != nil {
		return minor(m[1])
	}
	if strings.HasPrefix(strings.ToLower(n), "ssl") {
		return 0, false
	}
	if v, err := policy.ParseTLSVersion(n); err == nil {
		return v, true
	}
	return 0, false
}

// minor maps the minor version of TLS 1.x ("" for 1.0) to a TLSVersion.
func minor(s string) (policy.TLSVersion, bool) {
	if s == "" {
		return policy.TLS10, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 3 {
		return 0, false
	}
	return policy.TLS10 + policy.TLSVersion(n), true
}
