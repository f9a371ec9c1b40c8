// Levels of care: ASAM 3rd and 4th edition (level codes only; ASAM criteria text is copyrighted), and the
// mental-health (non-SUD) program levels. Groupers (e.g. "2") are notSelectable and carry the hierarchy for $subsumes.

RuleSet: NotSelectableProperty
* ^property[+].code = #notSelectable
* ^property[=].uri = "http://hl7.org/fhir/concept-properties#notSelectable"
* ^property[=].description = "A grouper: not to be used as a value"
* ^property[=].type = #boolean

RuleSet: Grouper(code)
* {code} ^property[+].code = #notSelectable
* {code} ^property[=].valueBoolean = true

CodeSystem: AsamLevelOfCare3CS
Id: asam-level-of-care-3
Title: "ASAM Level of Care (3rd edition, 2013)"
Description: "ASAM Criteria 3rd edition level codes, as most payers and state rules still cite them. Codes only, with short iop-fhir labels; the ASAM Criteria text is copyrighted by ASAM and is not included."
* ^version = "3"
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* ^copyright = "Level numbers are those of The ASAM Criteria (3rd ed., 2013). Labels are iop-fhir's own; the ASAM Criteria content is copyrighted and not reproduced."
* insert NotSelectableProperty
* ^property[+].code = #minWeeklyHoursAdult
* ^property[=].description = "Minimum clinical hours per week for adults, where the level defines one"
* ^property[=].type = #integer
* #0.5 "Early intervention"
* #1 "Outpatient services" "Adults fewer than 9 clinical hours per week."
* #2 "Intensive outpatient / partial hospitalization services" "Grouper for levels 2.1 and 2.5."
* #2 #2.1 "Intensive outpatient services" "Adults 9 or more clinical hours per week (commonly 9-19), adolescents 6 or more."
* #2 #2.5 "Partial hospitalization services" "20 or more clinical hours per week."
* #3 "Residential / inpatient services" "Grouper for levels 3.1 to 3.7."
* #3 #3.1 "Clinically managed low-intensity residential services"
* #3 #3.3 "Clinically managed population-specific high-intensity residential services"
* #3 #3.5 "Clinically managed high-intensity residential services"
* #3 #3.7 "Medically monitored intensive inpatient services"
* #4 "Medically managed intensive inpatient services"
* #WM "Withdrawal management" "Grouper for the withdrawal-management levels."
* #WM #1-WM "Ambulatory withdrawal management without extended on-site monitoring"
* #WM #2-WM "Ambulatory withdrawal management with extended on-site monitoring"
* #WM #3.2-WM "Clinically managed residential withdrawal management"
* #WM #3.7-WM "Medically monitored inpatient withdrawal management"
* #WM #4-WM "Medically managed intensive inpatient withdrawal management"
* insert Grouper(#2)
* insert Grouper(#3)
* insert Grouper(#WM)
* #2 #2.1 ^property[+].code = #minWeeklyHoursAdult
* #2 #2.1 ^property[=].valueInteger = 9
* #2 #2.5 ^property[+].code = #minWeeklyHoursAdult
* #2 #2.5 ^property[=].valueInteger = 20

CodeSystem: AsamLevelOfCare4CS
Id: asam-level-of-care-4
Title: "ASAM Level of Care (4th edition, 2023)"
Description: "ASAM Criteria 4th edition level codes. Level 2.5 is renamed High-Intensity Outpatient (HIOP); withdrawal management is folded into the levels. Codes only, with short iop-fhir labels. The names of 1.5, 1.7 and 2.7 were not confirmed against the ASAM text."
* ^version = "4"
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* ^copyright = "Level numbers are those of The ASAM Criteria (4th ed., 2023). Labels are iop-fhir's own; the ASAM Criteria content is copyrighted and not reproduced."
* insert NotSelectableProperty
* #1 "Outpatient levels" "Grouper for levels 1.0 to 1.7."
* #1 #1.0 "Long-term remission monitoring"
* #1 #1.5 "Outpatient therapy"
* #1 #1.7 "Medically managed outpatient"
* #2 "Intensive outpatient / high-intensity outpatient levels" "Grouper for levels 2.1 to 2.7."
* #2 #2.1 "Intensive outpatient (IOP)"
* #2 #2.5 "High-intensity outpatient (HIOP)" "Formerly partial hospitalization (3rd edition 2.5)."
* #2 #2.7 "Medically managed intensive outpatient"
* #3 "Residential levels" "Grouper for levels 3.1 to 3.7."
* #3 #3.1 "Clinically managed low-intensity residential"
* #3 #3.5 "Clinically managed high-intensity residential"
* #3 #3.7 "Medically managed residential"
* #4 "Medically managed intensive inpatient"
* insert Grouper(#1)
* insert Grouper(#2)
* insert Grouper(#3)

CodeSystem: MhLevelOfCareCS
Id: mh-level-of-care
Title: "Mental Health Level of Care"
Description: "Levels of care of mental-health (non-SUD) programs, with the Medicare need thresholds (IOP at least 9 hours per week, PHP at least 20 hours per week)."
* ^caseSensitive = true
* ^content = #complete
* ^property[+].code = #minWeeklyHours
* ^property[=].description = "Minimum therapeutic hours per week the level requires (Medicare need criterion)"
* ^property[=].type = #integer
* #mh-op "Mental health outpatient"
* #mh-iop "Mental health intensive outpatient (IOP)" "At least 9 hours per week of therapeutic services (Medicare IOP need criterion, 42 CFR 410.44)."
* #mh-php "Mental health partial hospitalization (PHP)" "At least 20 hours per week of therapeutic services; would otherwise require inpatient psychiatric care (42 CFR 410.43)."
* #mh-inpatient "Mental health inpatient"
* #mh-iop ^property[+].code = #minWeeklyHours
* #mh-iop ^property[=].valueInteger = 9
* #mh-php ^property[+].code = #minWeeklyHours
* #mh-php ^property[=].valueInteger = 20

ValueSet: LevelOfCareVS
Id: level-of-care
Title: "IOP Level of Care"
Description: "Any level of care a program or an enrollment may have: ASAM 3rd and 4th edition levels and the mental-health program levels (groupers excluded)."
* include codes from system AsamLevelOfCare3CS
* include codes from system AsamLevelOfCare4CS
* include codes from system MhLevelOfCareCS
* exclude AsamLevelOfCare3CS#2
* exclude AsamLevelOfCare3CS#3
* exclude AsamLevelOfCare3CS#WM
* exclude AsamLevelOfCare4CS#1
* exclude AsamLevelOfCare4CS#2
* exclude AsamLevelOfCare4CS#3

ValueSet: IopPhpLevelOfCareVS
Id: iop-php-level-of-care
Title: "IOP and PHP Levels of Care"
Description: "The levels of care this server's programs run: ASAM 2.1 and 2.5 (both editions) and mental-health IOP and PHP."
* AsamLevelOfCare3CS#2.1
* AsamLevelOfCare3CS#2.5
* AsamLevelOfCare4CS#2.1
* AsamLevelOfCare4CS#2.5
* MhLevelOfCareCS#mh-iop
* MhLevelOfCareCS#mh-php

ValueSet: AsamLevelOfCare3VS
Id: asam-level-of-care-3
Title: "ASAM Level of Care, 3rd edition"
Description: "All selectable ASAM 3rd edition levels."
* include codes from system AsamLevelOfCare3CS
* exclude AsamLevelOfCare3CS#2
* exclude AsamLevelOfCare3CS#3
* exclude AsamLevelOfCare3CS#WM

ValueSet: AsamLevelOfCare4VS
Id: asam-level-of-care-4
Title: "ASAM Level of Care, 4th edition"
Description: "All selectable ASAM 4th edition levels."
* include codes from system AsamLevelOfCare4CS
* exclude AsamLevelOfCare4CS#1
* exclude AsamLevelOfCare4CS#2
* exclude AsamLevelOfCare4CS#3
