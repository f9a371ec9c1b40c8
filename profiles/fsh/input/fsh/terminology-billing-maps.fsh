// Billing rules as data (IOP.md §2, tags [V]/[S]/[M] as there). The server reads the STORED ConceptMaps with
// these urls at every claim run, so a program changes its payers' rules with a PUT of the ConceptMap (or by
// editing this file, `npm run build:profiles`, restart): no code change. Conditions are dependsOn, produced facts
// are product, both named by BillingRulePropertyCS (terminology-billing-rules.fsh); the first target whose
// conditions hold wins. Codes only: CPT and NUBC descriptors are licensed (IOP.md §0).

RuleSet: MedicareClaimModels(payer)
* insert Source({payer})
* insert To(#professional)
* insert When(separately-billable-professional, true)
* insert Note(Services of physicians\, NPs\, PAs and psychologists are billed apart from the facility lines [IOP.md 2.1].)
* insert To(#professional)
* insert When(program-kind, outpatient)
* insert To(#institutional-per-service)
* insert When(program-kind, mh-iop)
* insert Gives(medicare-benefit, iop)
* insert Gives(home-telehealth-allowed, false)
* insert Note(Medicare IOP is not furnished in the patient's home.)
* insert To(#institutional-per-service)
* insert When(program-kind, sud-iop)
* insert Gives(medicare-benefit, iop)
* insert Gives(home-telehealth-allowed, false)
* insert To(#institutional-per-service)
* insert When(program-kind, cod-iop)
* insert Gives(medicare-benefit, iop)
* insert Gives(home-telehealth-allowed, false)
* insert To(#institutional-per-service)
* insert When(program-kind, mh-php)
* insert Gives(medicare-benefit, php)
* insert Gives(home-telehealth-allowed, false)
* insert To(#institutional-per-service)
* insert When(program-kind, sud-php)
* insert Gives(medicare-benefit, php)
* insert Gives(home-telehealth-allowed, false)

RuleSet: PerDiemClaimModels(payer)
* insert Source({payer})
* insert To(#professional)
* insert When(separately-billable-professional, true)
* insert To(#professional)
* insert When(program-kind, outpatient)
* insert To(#institutional-per-diem)
* insert Note(One program code per day of attendance: see program-to-per-diem-code.)

Instance: payer-class-to-claim-model
InstanceOf: ConceptMap
Usage: #definition
Title: "Payer class to claim model"
Description: "How each payer class is billed, by program kind and rendering provider: professional CPT lines, Medicare-style institutional lines per service (with the Medicare benefit, IOP or PHP), an institutional per diem, or no claim. Products: medicare-benefit, home-telehealth-allowed (default true)."
* insert ConceptMapMetadata(payer-class-to-claim-model, PayerClassToClaimModel, Payer class to claim model)
* description = "How each payer class is billed, by program kind and rendering provider: professional CPT lines, Medicare-style institutional lines per service (with the Medicare benefit, IOP or PHP), an institutional per diem, or no claim. Products: medicare-benefit, home-telehealth-allowed (default true)."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/payer-class"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/claim-model"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/payer-class"
* group[=].target = "http://iop-fhir.org/fhir/CodeSystem/claim-model"
* insert Source(#self-pay)
* insert To(#none)
* insert MedicareClaimModels(#medicare)
* insert MedicareClaimModels(#medicare-advantage)
* insert PerDiemClaimModels(#medicaid)
* insert PerDiemClaimModels(#commercial)
* insert PerDiemClaimModels(#tricare)
* insert PerDiemClaimModels(#other)

RuleSet: ProfessionalPsychotherapyBands
* insert ToNarrower(#90832, 16-37 minutes.)
* insert When(min-minutes, 16)
* insert When(max-minutes, 37)
* insert ToNarrower(#90834, 38-52 minutes.)
* insert When(min-minutes, 38)
* insert When(max-minutes, 52)
* insert ToNarrower(#90837, 53 minutes or more.)
* insert When(min-minutes, 53)

RuleSet: InteractiveComplexityAddOn
* insert To(#90785)
* insert When(session-feature, interactive-complexity)
* insert Gives(line-role, feature-add-on)

Instance: session-type-to-professional
InstanceOf: ConceptMap
Usage: #definition
Title: "Session type to professional CPT code"
Description: "Professional claim lines (CPT) of each session type, for every payer class billed professionally. Time rules [IOP.md 2.3]: 90832 16-37 min, 90834 38-52, 90837 53 or more; family 90847/90846 from 26 min; crisis 90839 from 30 min and +90840 at 75 min then every 30. A payer's own codes go first in an element, as targets with a payer-class condition."
* insert ConceptMapMetadata(session-type-to-professional, SessionTypeToProfessional, Session type to professional CPT code)
* description = "Professional claim lines (CPT) of each session type, for every payer class billed professionally. Time rules [IOP.md 2.3]: 90832 16-37 min, 90834 38-52, 90837 53 or more; family 90847/90846 from 26 min; crisis 90839 from 30 min and +90840 at 75 min then every 30. A payer's own codes go first in an element, as targets with a payer-class condition."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/session-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/iop-billing-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "http://www.ama-assn.org/go/cpt"
* insert Source(#individual-psychotherapy)
* insert ProfessionalPsychotherapyBands
* insert InteractiveComplexityAddOn
* insert Source(#group-psychotherapy)
* insert To(#90853)
* insert InteractiveComplexityAddOn
* insert Source(#interactive-group-psychotherapy)
* insert To(#90853)
* insert InteractiveComplexityAddOn
* insert Source(#multi-family-group)
* insert To(#90849)
* insert Source(#family-psychotherapy)
* insert ToNarrower(#90847, Patient present; the 50-minute code is attained from 26 minutes.)
* insert When(min-minutes, 26)
* insert ToNarrower(#90846, Patient not present; from 26 minutes.)
* insert When(session-feature, patient-not-present)
* insert When(min-minutes, 26)
* insert Source(#psychiatric-evaluation)
* insert To(#90791)
* insert ToNarrower(#90792, With medical services.)
* insert When(session-feature, medical-services)
* insert InteractiveComplexityAddOn
* insert Source(#medication-management)
* insert To(#99212)
* insert Gives(line-role, selectable)
* insert Note(E/M level 99212-99215 chosen by the prescriber.)
* insert To(#99213)
* insert Gives(line-role, selectable)
* insert To(#99214)
* insert Gives(line-role, selectable)
* insert To(#99215)
* insert Gives(line-role, selectable)
* insert To(#90833)
* insert When(min-minutes, 16)
* insert When(max-minutes, 37)
* insert Gives(line-role, psychotherapy-add-on)
* insert To(#90836)
* insert When(min-minutes, 38)
* insert When(max-minutes, 52)
* insert Gives(line-role, psychotherapy-add-on)
* insert To(#90838)
* insert When(min-minutes, 53)
* insert Gives(line-role, psychotherapy-add-on)
* insert Source(#crisis-intervention)
* insert To(#90839)
* insert When(min-minutes, 30)
* insert To(#90840)
* insert Gives(line-role, unit-add-on)
* insert Gives(first-unit-minutes, 75)
* insert Gives(step-minutes, 30)
* insert Note(Each added 30 minutes\, attained past the midpoint: 75\, 105 ...)

RuleSet: FacilityGroupCode(code)
* insert To({code})
* insert When(min-minutes, 45)
* insert Gives(minutes-per-unit, 45)

Instance: session-type-to-medicare
InstanceOf: ConceptMap
Usage: #definition
Title: "Session type to Medicare IOP/PHP service code"
Description: "Medicare IOP/PHP facility claim lines (hospital 13x, CMHC 76x, CAH 85x): the HCPCS or CPT code of each session type [IOP.md 2.1]. G-codes are 45-50 minute services: one unit per 45 minutes, none below 45. Psychotherapy CPT codes are chosen by minutes attended."
* insert ConceptMapMetadata(session-type-to-medicare, SessionTypeToMedicare, Session type to Medicare IOP/PHP service code)
* description = "Medicare IOP/PHP facility claim lines (hospital 13x, CMHC 76x, CAH 85x): the HCPCS or CPT code of each session type [IOP.md 2.1]. G-codes are 45-50 minute services: one unit per 45 minutes, none below 45. Psychotherapy CPT codes are chosen by minutes attended."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/session-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/iop-billing-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert Source(#group-psychotherapy)
* insert FacilityGroupCode(#G0410)
* insert Source(#interactive-group-psychotherapy)
* insert FacilityGroupCode(#G0411)
* insert Source(#occupational-therapy)
* insert FacilityGroupCode(#G0129)
* insert Source(#activity-therapy)
* insert FacilityGroupCode(#G0176)
* insert Source(#psychoeducation)
* insert FacilityGroupCode(#G0177)
* insert Source(#medication-management)
* insert ToNothing(Not part of the IOP/PHP service lines: the prescriber bills E/M on a professional claim.)
* group[1].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "http://www.ama-assn.org/go/cpt"
* insert Source(#individual-psychotherapy)
* insert ProfessionalPsychotherapyBands
* insert Source(#family-psychotherapy)
* insert ToNarrower(#90847, Patient present; from 26 minutes.)
* insert When(min-minutes, 26)
* insert ToNarrower(#90846, Patient not present; from 26 minutes.)
* insert When(session-feature, patient-not-present)
* insert When(min-minutes, 26)
* insert Source(#multi-family-group)
* insert To(#90849)
* insert Source(#psychiatric-evaluation)
* insert To(#90791)
* insert ToNarrower(#90792, With medical services.)
* insert When(session-feature, medical-services)
* insert Source(#crisis-intervention)
* insert To(#90839)
* insert When(min-minutes, 30)

Instance: program-to-per-diem-code
InstanceOf: ConceptMap
Usage: #definition
Title: "Program kind to per-diem code"
Description: "The HCPCS per-diem code of each program kind, for payers billed per day of attendance (commercial, many Medicaid plans; not Medicare). The line's revenue code comes from hcpcs-to-revenue-code. A min-minutes condition is a daily minimum (minutes attended that day)."
* insert ConceptMapMetadata(program-to-per-diem-code, ProgramToPerDiemCode, Program kind to per-diem code)
* description = "The HCPCS per-diem code of each program kind, for payers billed per day of attendance (commercial, many Medicaid plans; not Medicare). The line's revenue code comes from hcpcs-to-revenue-code. A min-minutes condition is a daily minimum (minutes attended that day)."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/billing-program-kind"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/per-diem-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/billing-program-kind"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert Source(#mh-iop)
* insert To(#S9480)
* insert Note(Not payable by Medicare.)
* insert Source(#cod-iop)
* insert To(#S9480)
* insert Note(Some payers want H0015 when the primary diagnosis is a substance use disorder.)
* insert Source(#sud-iop)
* insert To(#H0015)
* insert Source(#mh-php)
* insert To(#H0037)
* insert When(payer-class, tricare)
* insert To(#S0201)
* insert Note(Some Medicaid plans use H0035.)
* insert Source(#sud-php)
* insert To(#H2036)
* insert Note(Unverified pairing; some plans use S0201.)

Instance: program-to-condition-code
InstanceOf: ConceptMap
Usage: #definition
Title: "Program and level of care to condition code"
Description: "The NUBC condition code of an IOP (92) or PHP (41) institutional claim, from the billing program kind or the level of care. Codes only; labels are iop-fhir's own. Claims read the billing-program-kind group."
* insert ConceptMapMetadata(program-to-condition-code, ProgramToConditionCode, Program and level of care to condition code)
* description = "The NUBC condition code of an IOP (92) or PHP (41) institutional claim, from the billing program kind or the level of care. Codes only; labels are iop-fhir's own. Claims read the billing-program-kind group."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/billing-program-kind"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/condition-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/billing-program-kind"
* group[=].target = "https://www.nubc.org/CodeSystem/ConditionCodes"
* insert Map(#mh-iop, #92, #equivalent)
* insert Map(#sud-iop, #92, #equivalent)
* insert Map(#cod-iop, #92, #equivalent)
* insert Map(#mh-php, #41, #equivalent)
* insert Map(#sud-php, #41, #equivalent)
* group[1].source = "http://iop-fhir.org/fhir/CodeSystem/mh-level-of-care"
* group[=].target = "https://www.nubc.org/CodeSystem/ConditionCodes"
* insert Map(#mh-iop, #92, #equivalent)
* insert Map(#mh-php, #41, #equivalent)
* group[2].source = "http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-3"
* group[=].target = "https://www.nubc.org/CodeSystem/ConditionCodes"
* insert Map(#2.1, #92, #equivalent)
* insert Map(#2.5, #41, #equivalent)
* group[3].source = "http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-4"
* group[=].target = "https://www.nubc.org/CodeSystem/ConditionCodes"
* insert Map(#2.1, #92, #equivalent)
* insert MapWithComment(#2.5, #41, equivalent, High-intensity outpatient is billed as partial hospitalization.)

Instance: hcpcs-to-revenue-code
InstanceOf: ConceptMap
Usage: #definition
Title: "HCPCS/CPT to revenue code"
Description: "The NUBC revenue code of each institutional IOP/PHP claim line by its HCPCS or CPT code (the first target is billed). Codes only, with iop-fhir's own labels (AHA descriptions are licensed). Pairs marked relatedto are not verified against NUBC and need payer review."
* insert ConceptMapMetadata(hcpcs-to-revenue-code, HcpcsToRevenueCode, HCPCS/CPT to revenue code)
* description = "The NUBC revenue code of each institutional IOP/PHP claim line by its HCPCS or CPT code (the first target is billed). Codes only, with iop-fhir's own labels (AHA descriptions are licensed). Pairs marked relatedto are not verified against NUBC and need payer review."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/iop-billing-code"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/revenue-code"
* group[0].source = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* group[=].target = "https://www.nubc.org/CodeSystem/RevenueCodes"
* insert Map(#G0410, #0915, #equivalent)
* insert Map(#G0411, #0915, #equivalent)
* insert MapWithComment(#G0129, #0430, relatedto, Occupational therapy revenue family 043x; not verified against NUBC.)
* insert Map(#G0176, #0904, #equivalent)
* insert MapWithComment(#G0177, #0942, relatedto, Education/training revenue code; not verified against NUBC.)
* insert Map(#S9480, #0905, #equivalent)
* insert Map(#H0015, #0906, #equivalent)
* insert MapWithComment(#H0035, #0912, relatedto, TRICARE pairs H0035 with 0912 for a half day.)
* insert MapWithComment(#H0037, #0913, relatedto, TRICARE pairs H0037 with 0913 for a full day.)
* insert MapWithComment(#S0201, #0913, relatedto, 0913 for an intensive day; some payers want 0912 for a less intensive day.)
* insert MapWithComment(#H2036, #0906, relatedto, Unverified pairing.)
* group[1].source = "http://www.ama-assn.org/go/cpt"
* group[=].target = "https://www.nubc.org/CodeSystem/RevenueCodes"
* insert MapWithComment(#90832, #0914, relatedto, Individual therapy; unverified for IOP lines.)
* insert Map(#90834, #0914, #relatedto)
* insert Map(#90837, #0914, #relatedto)
* insert Map(#90839, #0914, #relatedto)
* insert MapWithComment(#90846, #0916, relatedto, Family therapy; unverified for IOP lines.)
* insert Map(#90847, #0916, #relatedto)
* insert Map(#90849, #0916, #relatedto)
* insert Map(#90853, #0915, #equivalent)
* insert MapWithComment(#90791, #0900, relatedto, General behavioral health treatment line.)
* insert MapWithComment(#90792, #0900, relatedto, General behavioral health treatment line.)
* insert Map(#96127, #0918, #equivalent)

Instance: facility-setting-to-claim-coding
InstanceOf: ConceptMap
Usage: #definition
Title: "Facility setting to place of service, type of bill and modifier"
Description: "Where a program runs decides the place of service of its in-person lines, the type of bill of its institutional claims (the admit-through-discharge code; the frequency digit is set per claim) and the provider-based-department modifier of its institutional lines [IOP.md 2.1, 2.4]."
* insert ConceptMapMetadata(facility-setting-to-claim-coding, FacilitySettingToClaimCoding, Facility setting to place of service and type of bill)
* description = "Where a program runs decides the place of service of its in-person lines, the type of bill of its institutional claims (the admit-through-discharge code; the frequency digit is set per claim) and the provider-based-department modifier of its institutional lines [IOP.md 2.1, 2.4]."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/facility-setting"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/facility-setting"
* group[=].target = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
* insert Map(#hospital-on-campus, #22, #equivalent)
* insert Map(#hospital-off-campus-excepted, #19, #equivalent)
* insert Map(#hospital-off-campus-non-excepted, #19, #equivalent)
* insert Map(#cmhc, #53, #equivalent)
* insert Map(#cah, #22, #equivalent)
* insert MapWithComment(#rhc-fqhc, #11, relatedto, Unverified: RHC 72 and FQHC 50 are outside the IOP subset.)
* insert Map(#office, #11, #equivalent)
* insert Map(#sud-facility, #57, #equivalent)
* insert Map(#otp, #58, #equivalent)
* group[1].source = "http://iop-fhir.org/fhir/CodeSystem/facility-setting"
* group[=].target = "https://www.nubc.org/CodeSystem/TypeOfBill"
* insert Map(#hospital-on-campus, #0131, #equivalent)
* insert Map(#hospital-off-campus-excepted, #0131, #equivalent)
* insert Map(#hospital-off-campus-non-excepted, #0131, #equivalent)
* insert Map(#cmhc, #0761, #equivalent)
* insert Map(#cah, #0851, #equivalent)
* insert MapWithComment(#rhc-fqhc, #0711, relatedto, RHC 71x; FQHC 77x; Medicare claims processing manual ch. 9.)
* insert MapWithComment(#otp, #0131, relatedto, Unverified.)
* insert NoMap(#office, No institutional claim from an office.)
* insert NoMap(#sud-facility, No institutional type of bill known for this setting.)
* group[2].source = "http://iop-fhir.org/fhir/CodeSystem/facility-setting"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert Map(#hospital-off-campus-excepted, #PO, #equivalent)
* insert Map(#hospital-off-campus-non-excepted, #PN, #equivalent)

Instance: modality-to-telehealth-coding
InstanceOf: ConceptMap
Usage: #definition
Title: "Session modality to telehealth place of service and modifiers"
Description: "Telehealth lines: place of service 10 (patient at home) or 02 (elsewhere), and the modifier per payer class, setting and claim model [IOP.md 2.4]. Medicare 2024+: POS 02/10 mark telehealth, audio-only behavioral telehealth 93, FQ in RHC/FQHC and OTP, GT only for CAH method II professional claims. Other payers vary: 95 video, 93 audio-only by default. A target without code means no modifier."
* insert ConceptMapMetadata(modality-to-telehealth-coding, ModalityToTelehealthCoding, Session modality to telehealth coding)
* description = "Telehealth lines: place of service 10 (patient at home) or 02 (elsewhere), and the modifier per payer class, setting and claim model [IOP.md 2.4]. Medicare 2024+: POS 02/10 mark telehealth, audio-only behavioral telehealth 93, FQ in RHC/FQHC and OTP, GT only for CAH method II professional claims. Other payers vary: 95 video, 93 audio-only by default. A target without code means no modifier."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/session-modality"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/session-modality"
* group[=].target = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
* insert Source(#video)
* insert To(#10)
* insert When(patient-at-home, true)
* insert To(#02)
* insert Source(#audio-only)
* insert To(#10)
* insert When(patient-at-home, true)
* insert To(#02)
* group[1].source = "http://iop-fhir.org/fhir/CodeSystem/session-modality"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert Source(#audio-only)
* insert To(#FQ)
* insert When(payer-class, medicare)
* insert When(facility-setting, rhc-fqhc)
* insert To(#FQ)
* insert When(payer-class, medicare)
* insert When(facility-setting, otp)
* insert Source(#video)
* insert To(#GT)
* insert When(payer-class, medicare)
* insert When(facility-setting, cah)
* insert When(claim-model, professional)
* insert ToNothing(Medicare video telehealth: the place of service marks it; 95 only for hospital clinicians to the home.)
* insert When(payer-class, medicare)
* group[2].source = "http://iop-fhir.org/fhir/CodeSystem/session-modality"
* group[=].target = "http://www.ama-assn.org/go/cpt"
* insert Source(#audio-only)
* insert To(#93)
* insert When(payer-class, medicare)
* insert To(#93)
* insert Source(#video)
* insert To(#95)
* insert Source(#in-person)
* insert ToNothing(No modifier in person.)

Instance: service-day-tier-to-apc
InstanceOf: ConceptMap
Usage: #definition
Title: "Medicare service-day tier to APC"
Description: "Medicare IOP/PHP per-diem tiers [IOP.md 2.1]: the APC of a day with 3 qualifying services and of a day with 4 or more, by benefit and provider type. tier-counts says whether each claim line or each unit counts as a service (the I/OCE logic is not pinned)."
* insert ConceptMapMetadata(service-day-tier-to-apc, ServiceDayTierToApc, Medicare service-day tier to APC)
* description = "Medicare IOP/PHP per-diem tiers [IOP.md 2.1]: the APC of a day with 3 qualifying services and of a day with 4 or more, by benefit and provider type. tier-counts says whether each claim line or each unit counts as a service (the I/OCE logic is not pinned)."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/service-day-tier"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/service-day-tier"
* group[=].target = "https://www.cms.gov/medicare/payment/prospective-payment-systems/hospital-outpatient/apc"
* insert Source(#three-services)
* insert To(#5851)
* insert When(medicare-benefit, iop)
* insert When(provider-type, cmhc)
* insert Gives(tier-counts, lines)
* insert To(#5861)
* insert When(medicare-benefit, iop)
* insert When(provider-type, hospital)
* insert To(#5853)
* insert When(medicare-benefit, php)
* insert When(provider-type, cmhc)
* insert To(#5863)
* insert When(medicare-benefit, php)
* insert When(provider-type, hospital)
* insert Source(#four-plus-services)
* insert To(#5852)
* insert When(medicare-benefit, iop)
* insert When(provider-type, cmhc)
* insert To(#5862)
* insert When(medicare-benefit, iop)
* insert When(provider-type, hospital)
* insert To(#5854)
* insert When(medicare-benefit, php)
* insert When(provider-type, cmhc)
* insert To(#5864)
* insert When(medicare-benefit, php)
* insert When(provider-type, hospital)
