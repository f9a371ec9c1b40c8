// The vocabulary of the billing-rule ConceptMaps (terminology-billing-maps.fsh): the conditions a map target
// depends on and the facts it produces (BillingRuleProperty), and the small code systems their values come from.
// The server reads these maps into its billing tables at every claim run (server/src/domain/billing-rules-from-maps.ts).

CodeSystem: BillingRulePropertyCS
Id: billing-rule-property
Title: "IOP Billing Rule Property"
Description: "Properties of the billing-rule ConceptMaps. A target's dependsOn entries are conditions (all must hold; a target without a condition on a property applies whatever its value), its product entries are facts the rule produces. Within a map the first target (in document order: group, element, target) whose conditions hold wins. The property URI is this code system's url, '#', and the code."
* ^caseSensitive = true
* ^content = #complete
* #payer-class "Payer class" "Condition: the payer class of the patient's Coverage (payer-class code system)."
* #program-kind "Program kind" "Condition: the billing program kind (billing-program-kind code system)."
* #facility-setting "Facility setting" "Condition: where the program runs (facility-setting code system)."
* #claim-model "Claim model" "Condition: the claim model chosen for the payer (claim-model code system)."
* #separately-billable-professional "Separately billable professional" "Condition: 'true' when the service was rendered by a physician, NP, PA or psychologist billed apart from the per diem."
* #session-feature "Session feature" "Condition: the session has this feature (session-feature code system). On a primary line it selects other codes (a variant); on a feature add-on it adds the line."
* #patient-at-home "Patient at home" "Condition: 'true' when a telehealth patient was at home."
* #min-minutes "Minimum minutes" "Condition: at least this many minutes (attended minutes; psychotherapy minutes for a psychotherapy add-on; minutes attended that day for a per diem). Absent: any attendance."
* #max-minutes "Maximum minutes" "Condition: at most this many minutes (same minutes as min-minutes)."
* #medicare-benefit "Medicare benefit" "Product of a claim model (iop or php); condition of a per-diem tier."
* #provider-type "Provider type" "Condition of a per-diem tier: hospital or cmhc."
* #home-telehealth-allowed "Home telehealth allowed" "Product of a claim model: 'false' when services furnished in the patient's home are not billable under it."
* #line-role "Line role" "Product: what the target's code is on the claim. primary (default): the session's code, by minutes; feature-add-on: added when the session has the feature; selectable: one the clinician picks (E/M level); psychotherapy-add-on: added by the psychotherapy minutes of an E/M visit; unit-add-on: repeated units (first-unit-minutes, step-minutes)."
* #minutes-per-unit "Minutes per unit" "Product: a line's quantity is the minutes attended divided by this, rounded down (G-codes per 45-minute session)."
* #first-unit-minutes "First unit at minutes" "Product of a unit add-on: the minutes at which its first unit is attained."
* #step-minutes "Step minutes" "Product of a unit add-on: one more unit every this many minutes."
* #tier-counts "Tier counts" "Product of a per-diem tier: lines (each claim line counts as one service toward 3 / 4+ services) or units."

ValueSet: BillingRulePropertyVS
Id: billing-rule-property
Title: "IOP Billing Rule Property"
Description: "All billing-rule properties."
* include codes from system BillingRulePropertyCS

CodeSystem: BillingProgramKindCS
Id: billing-program-kind
Title: "IOP Billing Program Kind"
Description: "How a program is billed: mental-health, substance-use or co-occurring IOP, mental-health or substance-use PHP, or outpatient (a level below IOP). Derived from the level of care of the episode or program."
* ^caseSensitive = true
* ^content = #complete
* #mh-iop "Mental health IOP"
* #sud-iop "Substance use IOP"
* #cod-iop "Co-occurring disorders IOP"
* #mh-php "Mental health PHP"
* #sud-php "Substance use PHP"
* #outpatient "Outpatient (below IOP)"

ValueSet: BillingProgramKindVS
Id: billing-program-kind
Title: "IOP Billing Program Kind"
Description: "All billing program kinds."
* include codes from system BillingProgramKindCS

CodeSystem: ClaimModelCS
Id: claim-model
Title: "IOP Claim Model"
Description: "How a payer is billed for a program."
* ^caseSensitive = true
* ^content = #complete
* #professional "Professional" "CPT lines on a professional claim (CMS-1500 / 837P)."
* #institutional-per-service "Institutional, per service" "Medicare IOP/PHP: revenue code + HCPCS per service, condition code 92 / 41, per-diem tier by services that day."
* #institutional-per-diem "Institutional, per diem" "One program code per day of attendance (S9480, H0015, S0201 ...)."
* #none "Not billed" "No claim (self-pay)."

ValueSet: ClaimModelVS
Id: claim-model
Title: "IOP Claim Model"
Description: "All claim models."
* include codes from system ClaimModelCS

CodeSystem: SessionModalityCS
Id: session-modality
Title: "IOP Session Modality"
Description: "How a session was delivered, for place of service and telehealth modifiers."
* ^caseSensitive = true
* ^content = #complete
* #in-person "In person"
* #video "Telehealth, audio and video"
* #audio-only "Telehealth, audio only"

ValueSet: SessionModalityVS
Id: session-modality
Title: "IOP Session Modality"
Description: "All session modalities."
* include codes from system SessionModalityCS

CodeSystem: SessionFeatureCS
Id: session-feature
Title: "IOP Session Feature"
Description: "Facts a session may carry that change its billing codes."
* ^caseSensitive = true
* ^content = #complete
* #patient-not-present "Patient not present" "Family psychotherapy without the patient (90846)."
* #medical-services "With medical services" "Psychiatric evaluation with medical services (90792)."
* #interactive-complexity "Interactive complexity" "Adds +90785."

ValueSet: SessionFeatureVS
Id: session-feature
Title: "IOP Session Feature"
Description: "All session features."
* include codes from system SessionFeatureCS

CodeSystem: ServiceDayTierCS
Id: service-day-tier
Title: "IOP Service Day Tier"
Description: "Medicare IOP/PHP per-diem tiers: days with 3 qualifying services, days with 4 or more."
* ^caseSensitive = true
* ^content = #complete
* #three-services "Three services"
* #four-plus-services "Four or more services"

ValueSet: ServiceDayTierVS
Id: service-day-tier
Title: "IOP Service Day Tier"
Description: "All service-day tiers."
* include codes from system ServiceDayTierCS

// Map RuleSets for rules with conditions (dependsOn) and products.
RuleSet: Source(code)
* group[=].element[+].code = {code}

RuleSet: To(code)
* group[=].element[=].target[+].code = {code}
* group[=].element[=].target[=].equivalence = #equivalent

// A target that applies only under conditions (a time band, a feature): narrower than its source.
RuleSet: ToNarrower(code, comment)
* group[=].element[=].target[+].code = {code}
* group[=].element[=].target[=].equivalence = #narrower
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: ToNothing(comment)
* group[=].element[=].target[+].equivalence = #unmatched
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: Note(comment)
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: When(property, value)
* group[=].element[=].target[=].dependsOn[+].property = "http://iop-fhir.org/fhir/CodeSystem/billing-rule-property#{property}"
* group[=].element[=].target[=].dependsOn[=].value = "{value}"

RuleSet: Gives(property, value)
* group[=].element[=].target[=].product[+].property = "http://iop-fhir.org/fhir/CodeSystem/billing-rule-property#{property}"
* group[=].element[=].target[=].product[=].value = "{value}"
