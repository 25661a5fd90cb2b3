package clause

import "sort"

// Clause is one requirement of a written security policy.
type Clause struct {
	// ID is stable and short: the policy number and a slug of the heading,
	// for example "004/encryption-in-transit".
	ID string `json:"id"`
	// Policy names the document the clause comes from.
	Policy string `json:"policy"`
	// Source is the file the policy was published as.
	Source string `json:"source"`
	// Heading is the clause's heading or list item in the policy.
	Heading string `json:"heading"`
	// Text quotes the clause in its original language, word for word; " … "
	// joins passages that are apart in the policy (two list items).
	Text string `json:"text"`
	// Translation is an English translation when Text is not in English.
	Translation string `json:"translation,omitempty"`
}

// English returns the clause text in English.
func (c Clause) English() string {
	if c.Translation != "" {
		return c.Translation
	}
	return c.Text
}

const (
	policy000 = "Access Control and Authorization Policy"
	policy001 = "Security Policy (SaaS hosted on AWS, CLASP-based)"
	policy002 = "Informatiebeveiligingsbeleid (information security policy of a hosting company)"
	policy003 = "Technical and organisational IT security measures"
	policy004 = "SOC 2 control list"

	source000 = "000_bd17f8e673b233f1.txt"
	source001 = "001_d850369ef906b49b.txt"
	source002 = "002_9b8352df6b366e3e.txt"
	source003 = "003_ff9694cd785fb74b.txt"
	source004 = "004_2a0cdd179ab1e088.txt"
)

// Policy 000: access control and authorization.
var (
	LeastPrivilege = Clause{ID: "000/least-privilege", Policy: policy000, Source: source000,
		Heading: "Least privilege principle",
		Text:    "So even the most trustworthy staff member should only get access to just as much data and applications that they can do their job well, and also only for the time they need and but not longer (\u201cleast privilege principle\u201d)"}
	TemporaryPermissions = Clause{ID: "000/temporary-permissions", Policy: policy000, Source: source000,
		Heading: "Practical guidelines: temporary permissions",
		Text:    "Always consider handing out permissions temporarily. Someone might only need access for a week. Revoke the permission after a week then."}
	NeedToKnowAdmin = Clause{ID: "000/need-to-know", Policy: policy000, Source: source000,
		Heading: "Practical guidelines: need-to-know",
		Text:    "As an admin to any system, make sure that you only assign additional access (both in terms of new users, and in terms of added privileges) only on a strict need-to-know basis."}
	APIKeysArePasswords = Clause{ID: "000/api-keys", Policy: policy000, Source: source000,
		Heading: "Practical guidelines: API keys",
		Text:    "If API keys have to be used to access another application from within SI, treat those API keys like a password and don\u2019t share it widely"}
)

// Policy 001: security policy of a SaaS on AWS.
var (
	SeparatedEnvironments = Clause{ID: "001/environments", Policy: policy001, Source: source001,
		Heading: "Hosting Environment: Environments",
		Text:    "AWS Account setup to establish hard boundaries between environments. All Environments are fully separated and there is no direct access to any of them."}
	IPRestrictedManagement = Clause{ID: "001/ip-restricted-management", Policy: policy001, Source: source001,
		Heading: "Hosting Environment: Access",
		Text:    "Management and building servers are IP restricted"}
	ZonedSubnets = Clause{ID: "001/zoned-subnets", Policy: policy001, Source: source001,
		Heading: "Hosting Environment: Access",
		Text:    "Zoned (public/private) subnets and restricted port access on all environments"}
	NoExposedRDP = Clause{ID: "001/no-exposed-rdp", Policy: policy001, Source: source001,
		Heading: "Hosting Environment: Access",
		Text:    "Hardened server, no exposed RDP connection, local management only via Systems Manager"}
	AccessLoggedToS3 = Clause{ID: "001/audit-log", Policy: policy001, Source: source001,
		Heading: "Hosting Environment: Access",
		Text:    "Any access and any commands executed are logged to an S3 audit"}
	FileLevelEncryption = Clause{ID: "001/file-level-encryption", Policy: policy001, Source: source001,
		Heading: "Servers and Infrastructure setup",
		Text:    "Encryption on the file level for any user data"}
	ValidatedApprovedChanges = Clause{ID: "001/change-approval", Policy: policy001, Source: source001,
		Heading: "Servers and Infrastructure setup",
		Text:    "Infrastructure changes are applied automatically going through a validation and approval process"}
	AutomaticBackups = Clause{ID: "001/automatic-backups", Policy: policy001, Source: source001,
		Heading: "Servers and Infrastructure setup",
		Text:    "Automatic Backups \u2026 Automatic recovery procedures"}
)

// Policy 002: information security policy of a hosting company, in Dutch.
var (
	ExplicitlyAllowedTraffic = Clause{ID: "002/firewall", Policy: policy002, Source: source002,
		Heading:     "Technische maatregelen 1",
		Text:        "Onze systemen zijn voorzien van een firewall. Alleen IP-verkeer dat expliciet toegestaan is, kan netwerkverkeer met onze systemen uitwisselen.",
		Translation: "Our systems are protected by a firewall. Only IP traffic that is explicitly allowed can exchange network traffic with our systems."}
	StrongModernTLS = Clause{ID: "002/strong-tls", Policy: policy002, Source: source002,
		Heading:     "Technische maatregelen 6 en 7",
		Text:        "Alle beheerpanelen die we aanbieden, zijn voorzien van een SSL certificaat met sterke en moderne netwerkversleuteling. \u2026 We houden bij wat de standaarden m.b.t. cryptografie zijn en werken onze versleutelingsalgoritmes bij wanneer dit nodig is.",
		Translation: "All management panels we offer have an SSL certificate with strong, modern network encryption. We follow the cryptography standards and update our encryption algorithms when needed."}
	AlwaysEncryptedNetwork = Clause{ID: "002/encrypted-network", Policy: policy002, Source: source002,
		Heading:     "Technische maatregelen 11",
		Text:        "Netwerkcommunicatie van systemen onder ons beheer verloopt altijd over een versleutelde verbinding.",
		Translation: "Network communication of systems under our management always runs over an encrypted connection."}
	SegmentationByRisk = Clause{ID: "002/segmentation", Policy: policy002, Source: source002,
		Heading:     "Technische maatregelen 10",
		Text:        "We passen zo veel mogelijk segmentatie tussen systemen toe. Hiervoor maken we gebruik van containerisatie, virtualisatie en in andere gevallen fysiek gescheiden hardware.",
		Translation: "We apply as much segmentation between systems as possible, using containerisation, virtualisation and otherwise physically separate hardware."}
	SeparateDevTestProd = Clause{ID: "002/separate-environments", Policy: policy002, Source: source002,
		Heading:     "Bedrijfscontinuïteit 8",
		Text:        "We maken gebruik van een losse ontwikkel-, test- en productieomgeving.",
		Translation: "We use separate development, test and production environments."}
	DataStaysWhereAgreed = Clause{ID: "002/data-location", Policy: policy002, Source: source002,
		Heading:     "Organisatorische maatregelen 3",
		Text:        "Persoonsgegevens mogen in ons bedrijf nooit op andere plekken opgeslagen worden dan afgesproken.",
		Translation: "Personal data may never be stored in places other than those agreed."}
	ReviewAndRollout = Clause{ID: "002/review-rollout", Policy: policy002, Source: source002,
		Heading:     "Organisatorische maatregelen 6",
		Text:        "We werken met een beoordelingssysteem voor code. Nieuwe functionaliteiten of aanpassingen aan huidige systemen gaan door een vast review- en uitrolproces.",
		Translation: "We work with a code review system. New features or changes to current systems go through a fixed review and rollout process."}
	AccessOnlyWhatIsNeeded = Clause{ID: "002/need-to-know", Policy: policy002, Source: source002,
		Heading:     "Organisatorische maatregelen 1",
		Text:        "Onze medewerkers krijgen alleen toegang tot de persoonsgegevens die ze nodig hebben voor het vervullen van hun functie.",
		Translation: "Our staff only get access to the personal data they need to do their job."}
	PeriodicBackups = Clause{ID: "002/backups", Policy: policy002, Source: source002,
		Heading:     "Bedrijfscontinuïteit 9",
		Text:        "We maken periodieke backups, controleren de integriteit hiervan en slaan deze op een geografisch gescheiden locatie op.",
		Translation: "We make periodic backups, check their integrity and store them in a geographically separate location."}
)

// Policy 003: technical and organisational measures of a web agency.
var (
	FirewallNecessaryPortsOnly = Clause{ID: "003/firewall", Policy: policy003, Source: source003,
		Heading: "Servers: Firewall",
		Text:    "The firewall's configuration blocks everything except for those ports necessary for the relevant services."}
	EncryptedProtocolsOnly = Clause{ID: "003/encrypted-communication", Policy: policy003, Source: source003,
		Heading: "Servers: Encrypted communication",
		Text:    "We use only encrypted protocols to communicate with the servers."}
	AdminAccessViaVPN = Clause{ID: "003/admin-via-vpn", Policy: policy003, Source: source003,
		Heading: "Servers: Administrator access via VPN",
		Text:    "Administrative access from our workstation computers is exclusively via VPN connection (OpenVPN)."}
	OnlyAdminsFullAccess = Clause{ID: "003/restricted-access", Policy: policy003, Source: source003,
		Heading: "Servers: Restricted access",
		Text:    "Only administrators have full access to the servers. Other users may use unprivileged profiles for access."}
	FourEyes = Clause{ID: "003/four-eyes", Policy: policy003, Source: source003,
		Heading: "Software development: Four-eyes principle",
		Text:    "The software we develop undergoes a review process ensuring that at least two persons have read and understood the code."}
	EncryptedBackups = Clause{ID: "003/encrypted-backups", Policy: policy003, Source: source003,
		Heading: "Backup strategy: Hosting off-site backup",
		Text:    "Sensitive data will be encrypted before being transferred from the servers."}
)

// Policy 004: SOC 2 style control list.
var (
	ApprovalForSystemChanges = Clause{ID: "004/approval-for-system-changes", Policy: policy004, Source: source004,
		Heading: "Approval for System Changes",
		Text:    "System changes are approved by at least 1 independent person prior to deployment into production."}
	BaselineConfigurations = Clause{ID: "004/baseline-configurations", Policy: policy004, Source: source004,
		Heading: "Baseline Configurations",
		Text:    "Baseline configurations and codebases for production infrastructure, systems, and applications are securely managed."}
	ProductionDataRestricted = Clause{ID: "004/production-data-use", Policy: policy004, Source: source004,
		Heading: "Production Data Use is Restricted",
		Text:    "Production data is not used in the development and testing environments, unless required for debugging customer issues."}
	SegregationOfEnvironments = Clause{ID: "004/segregation-of-environments", Policy: policy004, Source: source004,
		Heading: "Segregation of Environments",
		Text:    "Development, staging, and production environments are segregated."}
	AutomatedBackup = Clause{ID: "004/automated-backup", Policy: policy004, Source: source004,
		Heading: "Automated Backup Process",
		Text:    "Full backups are performed and retained in accordance with the Business Continuity and Disaster Recovery Policy."}
	HighAvailability = Clause{ID: "004/high-availability", Policy: policy004, Source: source004,
		Heading: "High Availability Configuration",
		Text:    "The system is configured for high availability to support continuous availability, when applicable."}
	LoggingAndMonitoring = Clause{ID: "004/logging-and-monitoring", Policy: policy004, Source: source004,
		Heading: "Logging and Monitoring for Threats",
		Text:    "Logging and monitoring software is used to collect data from infrastructure to detect potential security threats, unusual system activity, and monitor system performance, as applicable."}
	RestrictedPorts = Clause{ID: "004/restricted-port-configurations", Policy: policy004, Source: source004,
		Heading: "Restricted Port Configurations",
		Text:    "Configurations ensure available networking ports, protocols, services, and environments are restricted as necessary, including firewalls."}
	NetworkSecurityPolicy = Clause{ID: "004/network-security-policy", Policy: policy004, Source: source004,
		Heading: "Network Security Policy",
		Text:    "A Network Security Policy identifies the requirements for protecting information and systems within and across networks."}
	AccessToProductRestricted = Clause{ID: "004/access-to-product", Policy: policy004, Source: source004,
		Heading: "Access to Product is Restricted",
		Text:    "Non-console access to production infrastructure is restricted to users with a unique SSH key or access key"}
	EncryptionAtRest = Clause{ID: "004/encryption-at-rest", Policy: policy004, Source: source004,
		Heading: "Encryption-at-Rest",
		Text:    "Service data is encrypted-at-rest."}
	AdministrativeAccessRestricted = Clause{ID: "004/administrative-access", Policy: policy004, Source: source004,
		Heading: "Administrative Access is Restricted",
		Text:    "Administrative access to production infrastructure is restricted based on the principle of least privilege."}
	EncryptionInTransit = Clause{ID: "004/encryption-in-transit", Policy: policy004, Source: source004,
		Heading: "Encryption-in-Transit",
		Text:    "Service data transmitted over the internet is encrypted-in-transit."}
	RemovalOfAccess = Clause{ID: "004/removal-of-access", Policy: policy004, Source: source004,
		Heading: "Removal of Access",
		Text:    "Upon termination or when internal personnel no longer require access, system access is removed, as applicable."}
)

// All returns every clause in the catalogue, ordered by ID.
func All() []Clause {
	all := []Clause{
		LeastPrivilege, TemporaryPermissions, NeedToKnowAdmin, APIKeysArePasswords,
		SeparatedEnvironments, IPRestrictedManagement, ZonedSubnets, NoExposedRDP, AccessLoggedToS3,
		FileLevelEncryption, ValidatedApprovedChanges, AutomaticBackups,
		ExplicitlyAllowedTraffic, StrongModernTLS, AlwaysEncryptedNetwork, SegmentationByRisk,
		SeparateDevTestProd, DataStaysWhereAgreed, ReviewAndRollout, AccessOnlyWhatIsNeeded, PeriodicBackups,
		FirewallNecessaryPortsOnly, EncryptedProtocolsOnly, AdminAccessViaVPN, OnlyAdminsFullAccess,
		FourEyes, EncryptedBackups,
		ApprovalForSystemChanges, BaselineConfigurations, ProductionDataRestricted, SegregationOfEnvironments,
		AutomatedBackup, HighAvailability, LoggingAndMonitoring, RestrictedPorts, NetworkSecurityPolicy,
		AccessToProductRestricted, EncryptionAtRest, AdministrativeAccessRestricted, EncryptionInTransit,
		RemovalOfAccess,
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

// ByID returns the clause with the given ID.
func ByID(id string) (Clause, bool) {
	for _, c := range All() {
		if c.ID == id {
			return c, true
		}
	}
	return Clause{}, false
}
