// Billing code subsets (content = fragment). CPT and NUBC carry codes only with iop-fhir's OWN short labels:
// their descriptors are licensed (AMA, AHA). See terminology/LICENSES.md.

CodeSystem: HcpcsIopSubset
Id: hcpcs-iop-subset
Title: "HCPCS Level II: IOP subset"
Description: "HCPCS Level II codes and modifiers on IOP/PHP claims. Labels are iop-fhir's short paraphrases; load the official CMS HCPCS file for long descriptors. Yearly changes belong in a new version of this resource, not in code."
* ^url = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
* ^version = "2024"
* ^caseSensitive = true
* ^content = #fragment
* ^copyright = "HCPCS Level II codes are maintained by CMS and are in the public domain. Labels here are iop-fhir's own."
* ^property[+].code = #kind
* ^property[=].description = "code (a billable service) or modifier"
* ^property[=].type = #code
* #G0410 "Group psychotherapy (not multiple-family), PHP/IOP, 45-50 min"
* #G0411 "Interactive group psychotherapy, PHP/IOP, 45-50 min"
* #G0129 "Occupational therapy, PHP/IOP, per session of 45 min or more"
* #G0176 "Activity therapy, not recreational, PHP/IOP, per session of 45 min or more"
* #G0177 "Training and education for disabling mental health problems, PHP/IOP, per session of 45 min or more"
* #G0137 "Intensive outpatient services in an opioid treatment program, per week"
* #S9480 "Intensive outpatient psychiatric services, per diem"
* #H0015 "Alcohol and/or drug intensive outpatient treatment (3 h/day, 3 days/week)"
* #H0035 "Mental health partial hospitalization, less than 24 hours"
* #S0201 "Partial hospitalization services, less than 24 hours, per diem"
* #H2036 "Alcohol and/or drug treatment program, per diem"
* #H0037 "Community psychiatric supportive treatment program, per diem"
* #H0004 "Behavioral health counseling and therapy, per 15 minutes"
* #H0005 "Alcohol and/or drug group counseling by a clinician"
* #FQ "Modifier: service furnished using audio-only technology"
* #GT "Modifier: via interactive audio and video telecommunication (legacy)"
* #PN "Modifier: non-excepted service, off-campus provider-based department"
* #PO "Modifier: excepted service, off-campus provider-based department"
* #CG "Modifier: policy criteria applied (RHC payment line)"
* #FQ ^property[+].code = #kind
* #FQ ^property[=].valueCode = #modifier
* #GT ^property[+].code = #kind
* #GT ^property[=].valueCode = #modifier
* #PN ^property[+].code = #kind
* #PN ^property[=].valueCode = #modifier
* #PO ^property[+].code = #kind
* #PO ^property[=].valueCode = #modifier
* #CG ^property[+].code = #kind
* #CG ^property[=].valueCode = #modifier

CodeSystem: CptIopSubset
Id: cpt-iop-subset
Title: "CPT: IOP subset (codes only)"
Description: "CPT codes and modifiers used by IOP/PHP programs. CODES ONLY: the displays are iop-fhir's own short labels, written for this project; the CPT descriptors are copyrighted by the AMA and must be loaded from a licensed file."
* ^url = "http://www.ama-assn.org/go/cpt"
* ^version = "2024"
* ^caseSensitive = true
* ^content = #fragment
* ^copyright = "CPT is a registered trademark of the American Medical Association (AMA). CPT descriptors are copyright AMA and are NOT included: the displays here are iop-fhir's own labels. Using CPT codes in a product may require an AMA licence."
* #90785 "Interactive complexity (add-on)"
* #90791 "Psychiatric diagnostic evaluation"
* #90792 "Psychiatric diagnostic evaluation with medical services"
* #90832 "Psychotherapy, 16-37 min"
* #90833 "Psychotherapy add-on to E/M, 16-37 min"
* #90834 "Psychotherapy, 38-52 min"
* #90836 "Psychotherapy add-on to E/M, 38-52 min"
* #90837 "Psychotherapy, 53 min or more"
* #90838 "Psychotherapy add-on to E/M, 53 min or more"
* #90839 "Crisis psychotherapy, first hour"
* #90840 "Crisis psychotherapy, each added half hour (add-on)"
* #90846 "Family psychotherapy, patient not present"
* #90847 "Family psychotherapy, patient present"
* #90849 "Multiple-family group psychotherapy"
* #90853 "Group psychotherapy"
* #96127 "Brief behavioral assessment, per standardized instrument"
* #99212 "Office visit, established patient, level 2"
* #99213 "Office visit, established patient, level 3"
* #99214 "Office visit, established patient, level 4"
* #99215 "Office visit, established patient, level 5"
* #93 "Modifier: telehealth, audio only"
* #95 "Modifier: telehealth, real-time audio and video"

CodeSystem: PlaceOfServiceIopSubset
Id: place-of-service-iop-subset
Title: "CMS Place of Service: IOP subset"
Description: "Place-of-service codes of IOP/PHP professional claims and telehealth."
* ^url = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
* ^caseSensitive = true
* ^content = #fragment
* ^copyright = "The CMS Place of Service code set is public."
* #02 "Telehealth provided other than in patient's home"
* #10 "Telehealth provided in patient's home"
* #11 "Office"
* #19 "Off campus-outpatient hospital"
* #22 "On campus-outpatient hospital"
* #52 "Psychiatric facility-partial hospitalization"
* #53 "Community mental health center"
* #57 "Non-residential substance abuse treatment facility"
* #58 "Non-residential opioid treatment facility"

RuleSet: NubcCopyright
* ^copyright = "NUBC (UB-04) codes are copyright American Hospital Association (AHA): 'UB-04 codes and descriptions may not be ... utilized within any software ... without the written consent of the AHA'. Only the code values needed for billing rules are shipped, with iop-fhir's own labels; get legal sign-off before production use, or import a licensed table."

CodeSystem: NubcRevenueIopSubset
Id: nubc-revenue-iop-subset
Title: "NUBC Revenue Codes: IOP subset (codes only)"
Description: "Revenue codes of IOP/PHP institutional claim lines. CODES ONLY, with iop-fhir's own labels (AHA descriptions are licensed). 0430 and 0942 were not verified against the NUBC manual."
* ^url = "https://www.nubc.org/CodeSystem/RevenueCodes"
* ^caseSensitive = true
* ^content = #fragment
* insert NubcCopyright
* #0430 "Occupational therapy"
* #0900 "Behavioral health treatment"
* #0904 "Behavioral health: activity therapy"
* #0905 "Behavioral health: intensive outpatient, psychiatric"
* #0906 "Behavioral health: intensive outpatient, chemical dependency"
* #0912 "Partial hospitalization, less intensive"
* #0913 "Partial hospitalization, intensive"
* #0914 "Behavioral health: individual therapy"
* #0915 "Behavioral health: group therapy"
* #0916 "Behavioral health: family therapy"
* #0918 "Behavioral health: testing"
* #0942 "Education and training"

CodeSystem: NubcConditionIopSubset
Id: nubc-condition-iop-subset
Title: "NUBC Condition Codes: IOP subset (codes only)"
Description: "Condition codes that mark a claim as IOP (92) or PHP (41). CODES ONLY, with iop-fhir's own labels."
* ^url = "https://www.nubc.org/CodeSystem/ConditionCodes"
* ^caseSensitive = true
* ^content = #fragment
* insert NubcCopyright
* #41 "Partial hospitalization claim"
* #92 "Intensive outpatient claim"

CodeSystem: NubcTypeOfBillIopSubset
Id: nubc-type-of-bill-iop-subset
Title: "NUBC Type of Bill: IOP subset (codes only)"
Description: "Types of bill of IOP/PHP claims: hospital outpatient 013x, CMHC 076x, CAH 085x; frequency 1 admit-through-discharge, 2 interim first, 3 interim continuing, 4 interim last. CODES ONLY, with iop-fhir's own labels."
* ^url = "https://www.nubc.org/CodeSystem/TypeOfBill"
* ^caseSensitive = true
* ^content = #fragment
* insert NubcCopyright
* #0131 "Hospital outpatient, admit through discharge"
* #0132 "Hospital outpatient, interim first"
* #0133 "Hospital outpatient, interim continuing"
* #0134 "Hospital outpatient, interim last"
* #0761 "CMHC, admit through discharge"
* #0762 "CMHC, interim first"
* #0763 "CMHC, interim continuing"
* #0764 "CMHC, interim last"
* #0851 "Critical access hospital, admit through discharge"
* #0852 "Critical access hospital, interim first"
* #0853 "Critical access hospital, interim continuing"
* #0854 "Critical access hospital, interim last"
* #0711 "Rural health clinic, admit through discharge"
* #0712 "Rural health clinic, interim first"
* #0713 "Rural health clinic, interim continuing"
* #0714 "Rural health clinic, interim last"

ValueSet: IopBillingCodeVS
Id: iop-billing-code
Title: "IOP Billing Code"
Description: "HCPCS and CPT service codes (not modifiers) on IOP/PHP claims."
* $hcpcs#G0410 "Group psychotherapy (not multiple-family), PHP/IOP, 45-50 min"
* $hcpcs#G0411 "Interactive group psychotherapy, PHP/IOP, 45-50 min"
* $hcpcs#G0129 "Occupational therapy, PHP/IOP, per session of 45 min or more"
* $hcpcs#G0176 "Activity therapy, not recreational, PHP/IOP, per session of 45 min or more"
* $hcpcs#G0177 "Training and education for disabling mental health problems, PHP/IOP, per session of 45 min or more"
* $hcpcs#G0137 "Intensive outpatient services in an opioid treatment program, per week"
* $hcpcs#S9480 "Intensive outpatient psychiatric services, per diem"
* $hcpcs#H0015 "Alcohol and/or drug intensive outpatient treatment (3 h/day, 3 days/week)"
* $hcpcs#H0035 "Mental health partial hospitalization, less than 24 hours"
* $hcpcs#S0201 "Partial hospitalization services, less than 24 hours, per diem"
* $hcpcs#H2036 "Alcohol and/or drug treatment program, per diem"
* $hcpcs#H0037 "Community psychiatric supportive treatment program, per diem"
* $hcpcs#H0004 "Behavioral health counseling and therapy, per 15 minutes"
* $hcpcs#H0005 "Alcohol and/or drug group counseling by a clinician"
* $cpt#90785 "Interactive complexity (add-on)"
* $cpt#90791 "Psychiatric diagnostic evaluation"
* $cpt#90792 "Psychiatric diagnostic evaluation with medical services"
* $cpt#90832 "Psychotherapy, 16-37 min"
* $cpt#90833 "Psychotherapy add-on to E/M, 16-37 min"
* $cpt#90834 "Psychotherapy, 38-52 min"
* $cpt#90836 "Psychotherapy add-on to E/M, 38-52 min"
* $cpt#90837 "Psychotherapy, 53 min or more"
* $cpt#90838 "Psychotherapy add-on to E/M, 53 min or more"
* $cpt#90839 "Crisis psychotherapy, first hour"
* $cpt#90840 "Crisis psychotherapy, each added half hour (add-on)"
* $cpt#90846 "Family psychotherapy, patient not present"
* $cpt#90847 "Family psychotherapy, patient present"
* $cpt#90849 "Multiple-family group psychotherapy"
* $cpt#90853 "Group psychotherapy"
* $cpt#96127 "Brief behavioral assessment, per standardized instrument"
* $cpt#99212 "Office visit, established patient, level 2"
* $cpt#99213 "Office visit, established patient, level 3"
* $cpt#99214 "Office visit, established patient, level 4"
* $cpt#99215 "Office visit, established patient, level 5"

ValueSet: MedicareIopPhpServiceVS
Id: medicare-iop-php-service
Title: "Medicare IOP/PHP Service Codes (CY2024, illustrative)"
Description: "HCPCS/CPT codes that count as IOP/PHP services on Medicare facility claims. Illustrative subset for CY2024: the authoritative list is the CMS I/OCE PHP/IOP code list, which should be imported as a new version each year."
* ^version = "CY2024"
* $hcpcs#G0410 "Group psychotherapy (not multiple-family), PHP/IOP, 45-50 min"
* $hcpcs#G0411 "Interactive group psychotherapy, PHP/IOP, 45-50 min"
* $hcpcs#G0129 "Occupational therapy, PHP/IOP, per session of 45 min or more"
* $hcpcs#G0176 "Activity therapy, not recreational, PHP/IOP, per session of 45 min or more"
* $hcpcs#G0177 "Training and education for disabling mental health problems, PHP/IOP, per session of 45 min or more"
* $cpt#90791 "Psychiatric diagnostic evaluation"
* $cpt#90792 "Psychiatric diagnostic evaluation with medical services"
* $cpt#90832 "Psychotherapy, 16-37 min"
* $cpt#90834 "Psychotherapy, 38-52 min"
* $cpt#90837 "Psychotherapy, 53 min or more"
* $cpt#90846 "Family psychotherapy, patient not present"
* $cpt#90847 "Family psychotherapy, patient present"
* $cpt#90849 "Multiple-family group psychotherapy"
* $cpt#90853 "Group psychotherapy"

ValueSet: PerDiemCodeVS
Id: per-diem-code
Title: "IOP/PHP Per-Diem Program Codes"
Description: "HCPCS program codes billed once per day of attendance (commercial and Medicaid payers)."
* $hcpcs#S9480 "Intensive outpatient psychiatric services, per diem"
* $hcpcs#H0015 "Alcohol and/or drug intensive outpatient treatment (3 h/day, 3 days/week)"
* $hcpcs#H0035 "Mental health partial hospitalization, less than 24 hours"
* $hcpcs#S0201 "Partial hospitalization services, less than 24 hours, per diem"
* $hcpcs#H2036 "Alcohol and/or drug treatment program, per diem"
* $hcpcs#H0037 "Community psychiatric supportive treatment program, per diem"

ValueSet: BillingModifierVS
Id: billing-modifier
Title: "IOP Billing Modifier"
Description: "Modifiers on IOP/PHP claim lines: telehealth (CPT 93/95, HCPCS FQ/GT) and provider-based department (PN/PO), RHC payment line (CG)."
* $cpt#93 "Modifier: telehealth, audio only"
* $cpt#95 "Modifier: telehealth, real-time audio and video"
* $hcpcs#FQ "Modifier: service furnished using audio-only technology"
* $hcpcs#GT "Modifier: via interactive audio and video telecommunication (legacy)"
* $hcpcs#PN "Modifier: non-excepted service, off-campus provider-based department"
* $hcpcs#PO "Modifier: excepted service, off-campus provider-based department"
* $hcpcs#CG "Modifier: policy criteria applied (RHC payment line)"

ValueSet: TelehealthModifierVS
Id: telehealth-modifier
Title: "Telehealth Modifier"
Description: "Modifiers that mark a service as furnished by telehealth. Payers differ (Medicare 2024+: POS 02/10, modifier 95 only in some settings): choose per payer."
* $cpt#93 "Modifier: telehealth, audio only"
* $cpt#95 "Modifier: telehealth, real-time audio and video"
* $hcpcs#FQ "Modifier: service furnished using audio-only technology"
* $hcpcs#GT "Modifier: via interactive audio and video telecommunication (legacy)"

ValueSet: PlaceOfServiceVS
Id: place-of-service
Title: "IOP Place of Service"
Description: "Places of service of IOP/PHP services, including telehealth."
* $pos#02 "Telehealth provided other than in patient's home"
* $pos#10 "Telehealth provided in patient's home"
* $pos#11 "Office"
* $pos#19 "Off campus-outpatient hospital"
* $pos#22 "On campus-outpatient hospital"
* $pos#52 "Psychiatric facility-partial hospitalization"
* $pos#53 "Community mental health center"
* $pos#57 "Non-residential substance abuse treatment facility"
* $pos#58 "Non-residential opioid treatment facility"

ValueSet: RevenueCodeVS
Id: revenue-code
Title: "IOP Revenue Code (codes only)"
Description: "NUBC revenue codes of IOP/PHP claim lines, with iop-fhir's own labels."
* insert NubcCopyright
* $nubc-revenue#0430 "Occupational therapy"
* $nubc-revenue#0900 "Behavioral health treatment"
* $nubc-revenue#0904 "Behavioral health: activity therapy"
* $nubc-revenue#0905 "Behavioral health: intensive outpatient, psychiatric"
* $nubc-revenue#0906 "Behavioral health: intensive outpatient, chemical dependency"
* $nubc-revenue#0912 "Partial hospitalization, less intensive"
* $nubc-revenue#0913 "Partial hospitalization, intensive"
* $nubc-revenue#0914 "Behavioral health: individual therapy"
* $nubc-revenue#0915 "Behavioral health: group therapy"
* $nubc-revenue#0916 "Behavioral health: family therapy"
* $nubc-revenue#0918 "Behavioral health: testing"
* $nubc-revenue#0942 "Education and training"

ValueSet: ConditionCodeVS
Id: condition-code
Title: "IOP Condition Code (codes only)"
Description: "NUBC condition codes: 41 partial hospitalization, 92 intensive outpatient."
* insert NubcCopyright
* $nubc-condition#41 "Partial hospitalization claim"
* $nubc-condition#92 "Intensive outpatient claim"

ValueSet: TypeOfBillVS
Id: type-of-bill
Title: "IOP Type of Bill (codes only)"
Description: "NUBC types of bill of IOP/PHP claims."
* insert NubcCopyright
* $nubc-tob#0131 "Hospital outpatient, admit through discharge"
* $nubc-tob#0132 "Hospital outpatient, interim first"
* $nubc-tob#0133 "Hospital outpatient, interim continuing"
* $nubc-tob#0134 "Hospital outpatient, interim last"
* $nubc-tob#0761 "CMHC, admit through discharge"
* $nubc-tob#0762 "CMHC, interim first"
* $nubc-tob#0763 "CMHC, interim continuing"
* $nubc-tob#0764 "CMHC, interim last"
* $nubc-tob#0851 "Critical access hospital, admit through discharge"
* $nubc-tob#0852 "Critical access hospital, interim first"
* $nubc-tob#0853 "Critical access hospital, interim continuing"
* $nubc-tob#0854 "Critical access hospital, interim last"
* $nubc-tob#0711 "Rural health clinic, admit through discharge"
* $nubc-tob#0712 "Rural health clinic, interim first"
* $nubc-tob#0713 "Rural health clinic, interim continuing"
* $nubc-tob#0714 "Rural health clinic, interim last"

CodeSystem: ApcIopSubset
Id: apc-iop-subset
Title: "CMS APC: IOP/PHP per-diem subset"
Description: "Ambulatory Payment Classifications of the Medicare IOP and PHP per diems, by provider type and services per day (CY2024) [IOP.md 2.1]. 5861-5864 were not verified against the OPPS addenda."
* ^url = "https://www.cms.gov/medicare/payment/prospective-payment-systems/hospital-outpatient/apc"
* ^version = "2024"
* ^caseSensitive = true
* ^content = #fragment
* ^copyright = "APC numbers are published by CMS in the OPPS addenda (public domain)."
* #5851 "Intensive outpatient, 3 services per day, CMHC"
* #5852 "Intensive outpatient, 4 or more services per day, CMHC"
* #5853 "Partial hospitalization, 3 services per day, CMHC"
* #5854 "Partial hospitalization, 4 or more services per day, CMHC"
* #5861 "Intensive outpatient, 3 services per day, hospital"
* #5862 "Intensive outpatient, 4 or more services per day, hospital"
* #5863 "Partial hospitalization, 3 services per day, hospital"
* #5864 "Partial hospitalization, 4 or more services per day, hospital"
