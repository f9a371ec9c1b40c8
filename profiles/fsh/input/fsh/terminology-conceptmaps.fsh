// ConceptMaps: billing rules and edition changes as data, not code. Payer classes get one map each, so that
// $translate with the map's url answers for that payer class.

RuleSet: ConceptMapMetadata(id, name, title)
* url = "http://iop-fhir.org/fhir/ConceptMap/{id}"
* version = "0.1.0"
* name = "{name}"
* title = "{title}"
* status = #active
* publisher = "iop-fhir project"

RuleSet: Map(source, target, equivalence)
* group[=].element[+].code = {source}
* group[=].element[=].target[+].code = {target}
* group[=].element[=].target[=].equivalence = {equivalence}

RuleSet: MapWithComment(source, target, equivalence, comment)
* group[=].element[+].code = {source}
* group[=].element[=].target[+].code = {target}
* group[=].element[=].target[=].equivalence = #{equivalence}
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: AlsoMap(target, equivalence, comment)
* group[=].element[=].target[+].code = {target}
* group[=].element[=].target[=].equivalence = #{equivalence}
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: NoMap(source, comment)
* group[=].element[+].code = {source}
* group[=].element[=].target[+].equivalence = #unmatched
* group[=].element[=].target[=].comment = "{comment}"

Instance: asam-3-to-4
InstanceOf: ConceptMap
Usage: #definition
Title: "ASAM level of care, 3rd to 4th edition"
Description: "Maps ASAM Criteria 3rd edition levels to 4th edition levels: 2.5 partial hospitalization is 2.5 high-intensity outpatient; 3.3 goes away (3.1 or 3.5); withdrawal management is folded into the levels."
* insert ConceptMapMetadata(asam-3-to-4, Asam3To4, ASAM level of care 3rd to 4th edition)
* description = "Maps ASAM Criteria 3rd edition levels to 4th edition levels: 2.5 partial hospitalization is 2.5 high-intensity outpatient; 3.3 goes away (3.1 or 3.5); withdrawal management is folded into the levels."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/asam-level-of-care-3"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/asam-level-of-care-4"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-3"
* group[=].sourceVersion = "3"
* group[=].target = "http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-4"
* group[=].targetVersion = "4"
* insert NoMap(#0.5, Early intervention has no 4th edition level in this map: review each patient.)
* insert MapWithComment(#1, #1.5, relatedto, 3rd edition outpatient corresponds to 4th edition outpatient therapy.)
* insert Map(#2.1, #2.1, #equivalent)
* insert MapWithComment(#2.5, #2.5, equivalent, Partial hospitalization is renamed high-intensity outpatient.)
* insert Map(#3.1, #3.1, #equivalent)
* insert MapWithComment(#3.3, #3.1, relatedto, 3.3 goes away in the 4th edition: 3.1 or 3.5 by clinical review.)
* insert AlsoMap(#3.5, relatedto, 3.3 goes away in the 4th edition: 3.1 or 3.5 by clinical review.)
* insert Map(#3.5, #3.5, #equivalent)
* insert Map(#3.7, #3.7, #equivalent)
* insert Map(#4, #4, #equivalent)
* insert MapWithComment(#1-WM, #1.7, relatedto, Withdrawal management is folded into the medically managed levels.)
* insert MapWithComment(#2-WM, #2.7, relatedto, Withdrawal management is folded into the medically managed levels.)
* insert MapWithComment(#3.2-WM, #3.7, wider, Clinically managed residential WM goes away; 3.7 is the nearest level.)
* insert MapWithComment(#3.7-WM, #3.7, wider, Withdrawal management is folded into 3.7.)
* insert MapWithComment(#4-WM, #4, wider, Withdrawal management is folded into 4.)

Instance: session-type-to-medicare
InstanceOf: ConceptMap
Usage: #definition
Title: "Session type to Medicare IOP/PHP billing code"
Description: "Medicare IOP/PHP facility claim lines (hospital 13x, CMHC 76x, CAH 85x): the HCPCS or CPT code of each session type. Psychotherapy CPT codes are chosen by minutes attended."
* insert ConceptMapMetadata(session-type-to-medicare, SessionTypeToMedicare, Session type to Medicare IOP/PHP billing code)
* description = "Medicare IOP/PHP facility claim lines (hospital 13x, CMHC 76x, CAH 85x): the HCPCS or CPT code of each session type. Psychotherapy CPT codes are chosen by minutes attended."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/session-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/iop-billing-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert Map(#group-psychotherapy, #G0410, #equivalent)
* insert Map(#interactive-group-psychotherapy, #G0411, #equivalent)
* insert Map(#occupational-therapy, #G0129, #equivalent)
* insert Map(#activity-therapy, #G0176, #equivalent)
* insert Map(#psychoeducation, #G0177, #equivalent)
* insert NoMap(#medication-management, Not part of the IOP/PHP service lines: the prescriber bills E/M on a professional claim.)
* group[1].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "http://www.ama-assn.org/go/cpt"
* insert MapWithComment(#individual-psychotherapy, #90832, narrower, 16-37 minutes attended.)
* insert AlsoMap(#90834, narrower, 38-52 minutes attended.)
* insert AlsoMap(#90837, narrower, 53 or more minutes attended.)
* insert MapWithComment(#family-psychotherapy, #90847, narrower, Patient present.)
* insert AlsoMap(#90846, narrower, Patient not present.)
* insert Map(#multi-family-group, #90849, #equivalent)
* insert MapWithComment(#psychiatric-evaluation, #90791, narrower, Without medical services.)
* insert AlsoMap(#90792, narrower, With medical services.)
* insert MapWithComment(#crisis-intervention, #90839, narrower, First 60 minutes; add 90840 per added 30 minutes.)

Instance: session-type-to-medicaid
InstanceOf: ConceptMap
Usage: #definition
Title: "Session type to Medicaid billing code"
Description: "Illustrative per-service defaults for Medicaid. State plans differ (many pay SUD IOP per diem with H0015, see program-to-per-diem-code): override per payer."
* insert ConceptMapMetadata(session-type-to-medicaid, SessionTypeToMedicaid, Session type to Medicaid billing code)
* description = "Illustrative per-service defaults for Medicaid. State plans differ (many pay SUD IOP per diem with H0015, see program-to-per-diem-code): override per payer."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/session-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/iop-billing-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "http://www.ama-assn.org/go/cpt"
* insert Map(#group-psychotherapy, #90853, #equivalent)
* insert MapWithComment(#interactive-group-psychotherapy, #90853, wider, Add 90785 for interactive complexity.)
* insert MapWithComment(#individual-psychotherapy, #90832, narrower, 16-37 minutes attended.)
* insert AlsoMap(#90834, narrower, 38-52 minutes attended.)
* insert AlsoMap(#90837, narrower, 53 or more minutes attended.)
* insert MapWithComment(#family-psychotherapy, #90847, narrower, Patient present.)
* insert AlsoMap(#90846, narrower, Patient not present.)
* insert Map(#multi-family-group, #90849, #equivalent)
* insert MapWithComment(#psychiatric-evaluation, #90791, narrower, Without medical services.)
* insert AlsoMap(#90792, narrower, With medical services.)
* insert MapWithComment(#medication-management, #99213, narrower, E/M level 99212-99215 by complexity.)
* insert MapWithComment(#crisis-intervention, #90839, narrower, First 60 minutes; add 90840 per added 30 minutes.)
* group[1].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert MapWithComment(#psychoeducation, #H0004, relatedto, Per 15-minute unit where the state plan covers education as counseling.)

Instance: session-type-to-commercial
InstanceOf: ConceptMap
Usage: #definition
Title: "Session type to commercial billing code"
Description: "Per-service CPT defaults for commercial payers. Most commercial IOP/PHP contracts pay a per diem instead (S9480, H0015, S0201: see program-to-per-diem-code)."
* insert ConceptMapMetadata(session-type-to-commercial, SessionTypeToCommercial, Session type to commercial billing code)
* description = "Per-service CPT defaults for commercial payers. Most commercial IOP/PHP contracts pay a per diem instead (S9480, H0015, S0201: see program-to-per-diem-code)."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/session-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/iop-billing-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/session-type"
* group[=].target = "http://www.ama-assn.org/go/cpt"
* insert Map(#group-psychotherapy, #90853, #equivalent)
* insert MapWithComment(#interactive-group-psychotherapy, #90853, wider, Add 90785 for interactive complexity.)
* insert MapWithComment(#individual-psychotherapy, #90832, narrower, 16-37 minutes attended.)
* insert AlsoMap(#90834, narrower, 38-52 minutes attended.)
* insert AlsoMap(#90837, narrower, 53 or more minutes attended.)
* insert MapWithComment(#family-psychotherapy, #90847, narrower, Patient present.)
* insert AlsoMap(#90846, narrower, Patient not present.)
* insert Map(#multi-family-group, #90849, #equivalent)
* insert MapWithComment(#psychiatric-evaluation, #90791, narrower, Without medical services.)
* insert AlsoMap(#90792, narrower, With medical services.)
* insert MapWithComment(#medication-management, #99213, narrower, E/M level 99212-99215 by complexity.)
* insert MapWithComment(#crisis-intervention, #90839, narrower, First 60 minutes; add 90840 per added 30 minutes.)

Instance: program-to-per-diem-code
InstanceOf: ConceptMap
Usage: #definition
Title: "Program type to per-diem code"
Description: "The HCPCS per-diem code of each program type, for payers that pay IOP/PHP per day of attendance (commercial, many Medicaid plans; not Medicare)."
* insert ConceptMapMetadata(program-to-per-diem-code, ProgramToPerDiemCode, Program type to per-diem code)
* description = "The HCPCS per-diem code of each program type, for payers that pay IOP/PHP per day of attendance (commercial, many Medicaid plans; not Medicare)."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/program-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/per-diem-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/program-type"
* group[=].target = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* insert Map(#mh-iop, #S9480, #equivalent)
* insert Map(#sud-iop, #H0015, #equivalent)
* insert MapWithComment(#cod-iop, #S9480, relatedto, Co-occurring programs bill S9480 or H0015 by primary diagnosis and payer.)
* insert AlsoMap(#H0015, relatedto, Co-occurring programs bill S9480 or H0015 by primary diagnosis and payer.)
* insert Map(#mh-php, #S0201, #equivalent)
* insert AlsoMap(#H0035, relatedto, Some Medicaid plans use H0035 for mental-health partial hospitalization.)
* insert MapWithComment(#sud-php, #S0201, relatedto, Some plans use H2036 for SUD day treatment.)

Instance: program-to-condition-code
InstanceOf: ConceptMap
Usage: #definition
Title: "Program and level of care to condition code"
Description: "The NUBC condition code of an IOP (92) or PHP (41) institutional claim, from the program type or the level of care. Codes only; labels are iop-fhir's own."
* insert ConceptMapMetadata(program-to-condition-code, ProgramToConditionCode, Program and level of care to condition code)
* description = "The NUBC condition code of an IOP (92) or PHP (41) institutional claim, from the program type or the level of care. Codes only; labels are iop-fhir's own."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/program-type"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/condition-code"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/program-type"
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
Description: "The NUBC revenue code of each IOP/PHP claim line by its HCPCS or CPT code. Codes only, with iop-fhir's own labels (AHA descriptions are licensed). Pairs marked relatedto need payer review."
* insert ConceptMapMetadata(hcpcs-to-revenue-code, HcpcsToRevenueCode, HCPCS/CPT to revenue code)
* description = "The NUBC revenue code of each IOP/PHP claim line by its HCPCS or CPT code. Codes only, with iop-fhir's own labels (AHA descriptions are licensed). Pairs marked relatedto need payer review."
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
* insert MapWithComment(#S0201, #0912, relatedto, 0912 for a less intensive day or 0913 for an intensive day by payer.)
* insert AlsoMap(#0913, relatedto, 0912 for a less intensive day or 0913 for an intensive day by payer.)
* group[1].source = "http://www.ama-assn.org/go/cpt"
* group[=].target = "https://www.nubc.org/CodeSystem/RevenueCodes"
* insert Map(#90832, #0914, #equivalent)
* insert Map(#90834, #0914, #equivalent)
* insert Map(#90837, #0914, #equivalent)
* insert Map(#90846, #0916, #equivalent)
* insert Map(#90847, #0916, #equivalent)
* insert Map(#90849, #0916, #equivalent)
* insert Map(#90853, #0915, #equivalent)
* insert MapWithComment(#90791, #0900, relatedto, General behavioral health treatment line.)
* insert MapWithComment(#90792, #0900, relatedto, General behavioral health treatment line.)
* insert Map(#96127, #0918, #equivalent)
