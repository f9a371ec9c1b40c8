// Program, session, attendance, enrollment and risk vocabularies (iop-fhir's own codes).

CodeSystem: ProgramTypeCS
Id: program-type
Title: "IOP Program Type"
Description: "Kinds of program tracks an IOP/PHP organization runs."
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* insert NotSelectableProperty
* #iop "Intensive outpatient program" "Grouper for intensive outpatient programs."
* #iop #mh-iop "Mental health intensive outpatient program"
* #iop #sud-iop "Substance use disorder intensive outpatient program"
* #iop #cod-iop "Co-occurring disorders intensive outpatient program"
* #php "Partial hospitalization program" "Grouper for partial hospitalization / high-intensity outpatient programs."
* #php #mh-php "Mental health partial hospitalization program"
* #php #sud-php "Substance use disorder partial hospitalization / high-intensity outpatient program"
* insert Grouper(#iop)
* insert Grouper(#php)

ValueSet: ProgramTypeVS
Id: program-type
Title: "IOP Program Type"
Description: "Program types (groupers excluded)."
* include codes from system ProgramTypeCS
* exclude ProgramTypeCS#iop
* exclude ProgramTypeCS#php

CodeSystem: SessionTypeCS
Id: session-type
Title: "IOP Session Type"
Description: "Kinds of sessions in an IOP/PHP program schedule. The groupBased property marks sessions held with several patients, whose attendance is recorded against a session-level Encounter."
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* ^property[+].code = #groupBased
* ^property[=].description = "Held with several patients at once"
* ^property[=].type = #boolean
* #group-psychotherapy "Group psychotherapy" "Psychotherapy with a group of patients (other than multiple-family)."
* #group-psychotherapy #interactive-group-psychotherapy "Interactive group psychotherapy" "Group psychotherapy using interactive techniques (play, communication aids)."
* #individual-psychotherapy "Individual psychotherapy"
* #family-psychotherapy "Family psychotherapy" "With or without the patient present."
* #multi-family-group "Multiple-family group psychotherapy"
* #psychiatric-evaluation "Psychiatric diagnostic evaluation"
* #medication-management "Medication management"
* #psychoeducation "Patient education and training" "Training and education related to the care of the patient's condition."
* #activity-therapy "Activity therapy" "Music, art, dance or play therapy that is not primarily recreational."
* #occupational-therapy "Occupational therapy"
* #crisis-intervention "Crisis intervention"
* #group-psychotherapy ^property[+].code = #groupBased
* #group-psychotherapy ^property[=].valueBoolean = true
* #group-psychotherapy #interactive-group-psychotherapy ^property[+].code = #groupBased
* #group-psychotherapy #interactive-group-psychotherapy ^property[=].valueBoolean = true
* #multi-family-group ^property[+].code = #groupBased
* #multi-family-group ^property[=].valueBoolean = true
* #psychoeducation ^property[+].code = #groupBased
* #psychoeducation ^property[=].valueBoolean = true
* #activity-therapy ^property[+].code = #groupBased
* #activity-therapy ^property[=].valueBoolean = true

ValueSet: SessionTypeVS
Id: session-type
Title: "IOP Session Type"
Description: "All session types."
* include codes from system SessionTypeCS

CodeSystem: AttendanceStatusCS
Id: attendance-status
Title: "Attendance Status"
Description: "How a patient attended (or missed) a scheduled session."
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* insert NotSelectableProperty
* #attended "Attended" "Grouper: the patient attended at least part of the session."
* #attended #present "Present for the whole session"
* #attended #late-arrival "Arrived late"
* #attended #left-early "Left early"
* #attended #late-and-left-early "Arrived late and left early"
* #absent "Absent" "Grouper: the patient did not attend."
* #absent #absent-excused "Absent, excused" "Absence notified in advance or for an accepted reason."
* #absent #absent-unexcused "Absent, unexcused (no-show)"
* #absent #cancelled-by-program "Session cancelled by the program"
* insert Grouper(#attended)
* insert Grouper(#absent)

ValueSet: AttendanceStatusVS
Id: attendance-status
Title: "Attendance Status"
Description: "Every attendance status (groupers excluded)."
* include codes from system AttendanceStatusCS
* exclude AttendanceStatusCS#attended
* exclude AttendanceStatusCS#absent

ValueSet: AttendedStatusVS
Id: attendance-status-attended
Title: "Attendance Status: Attended"
Description: "The statuses of a patient who attended (used on attendance Encounters)."
* AttendanceStatusCS#present
* AttendanceStatusCS#late-arrival
* AttendanceStatusCS#left-early
* AttendanceStatusCS#late-and-left-early

CodeSystem: AbsenceReasonCS
Id: absence-reason
Title: "Absence Reason"
Description: "Why a patient missed a session (Appointment.cancelationReason on the patient's appointment)."
* ^caseSensitive = true
* ^content = #complete
* #illness "Patient ill"
* #medical-appointment "Other medical appointment"
* #hospitalized "Patient hospitalized"
* #transportation "No transportation"
* #childcare "No childcare"
* #work-school-conflict "Work or school conflict"
* #family-emergency "Family emergency"
* #weather "Weather or travel conditions"
* #technology "Telehealth connection failure"
* #incarcerated "Patient in custody"
* #declined "Patient declined to attend"
* #no-contact "No contact: reason unknown"
* #program-cancelled "Session cancelled by the program"
* #other "Other reason"

ValueSet: AbsenceReasonVS
Id: absence-reason
Title: "Absence Reason"
Description: "All absence reasons."
* include codes from system AbsenceReasonCS

CodeSystem: AdmissionTypeCS
Id: admission-type
Title: "Enrollment Admission Type"
Description: "How a patient entered a level of care."
* ^caseSensitive = true
* ^content = #complete
* #new-admission "New admission"
* #step-down "Step-down from a higher level of care"
* #step-up "Step-up from a lower level of care"
* #readmission "Readmission to the same level of care"
* #transfer "Transfer from another program at the same level"

ValueSet: AdmissionTypeVS
Id: admission-type
Title: "Enrollment Admission Type"
Description: "All admission types."
* include codes from system AdmissionTypeCS

CodeSystem: DischargeReasonCS
Id: discharge-reason
Title: "Discharge Reason"
Description: "Why a patient left a level of care."
* ^caseSensitive = true
* ^content = #complete
* #completed "Completed treatment at this level"
* #step-down "Stepped down to a lower level of care"
* #step-up "Stepped up to a higher level of care"
* #against-advice "Left against clinical advice"
* #non-attendance "Discharged for non-attendance"
* #administrative "Administrative discharge"
* #transferred "Transferred to another provider"
* #hospitalized "Hospitalized"
* #incarcerated "Incarcerated"
* #deceased "Deceased"
* #other "Other reason"

ValueSet: DischargeReasonVS
Id: discharge-reason
Title: "Discharge Reason"
Description: "All discharge reasons."
* include codes from system DischargeReasonCS

CodeSystem: RiskFlagTypeCS
Id: risk-flag-type
Title: "IOP Risk Flag Type"
Description: "Risks the server and clinicians flag on a patient: clinical risks and attendance risks."
* ^caseSensitive = true
* ^content = #complete
* ^hierarchyMeaning = #is-a
* insert NotSelectableProperty
* #clinical-risk "Clinical risk" "Grouper for clinical risks."
* #clinical-risk #suicide-risk "Suicide risk"
* #clinical-risk #suicide-risk #phq9-item9-positive "PHQ-9 item 9 endorsed" "Any answer other than 'Not at all' to PHQ-9 item 9 (thoughts of being better off dead or of self-harm): same-day clinician risk assessment required."
* #clinical-risk #suicide-risk #message-self-harm-mention "Message mentions self-harm" "A message from the patient or their proxy to the care team mentions self-harm or suicide (term list in docs/engagement.md): same-day clinician risk assessment required."
* #clinical-risk #self-harm-risk "Self-harm risk"
* #clinical-risk #violence-risk "Risk of harm to others"
* #clinical-risk #relapse-risk "Substance use relapse risk"
* #clinical-risk #overdose-risk "Overdose risk"
* #clinical-risk #medical-instability "Medical instability"
* #attendance-risk "Attendance risk" "Grouper for attendance and engagement risks."
* #attendance-risk #consecutive-no-shows "Consecutive no-shows" "Two or more consecutive missed sessions (threshold is program data)."
* #attendance-risk #below-weekly-hours "Weekly hours below program minimum" "Attended hours in a week below the level's minimum (IOP 9 h, PHP 20 h)."
* #attendance-risk #no-shows-in-period "Too many no-shows in a period" "Unexcused absences in a rolling period at or above the program threshold."
* #attendance-risk #low-attendance-rate "Attendance rate below program threshold"
* #authorization-risk "Authorization risk" "Grouper for payer-authorization risks."
* #authorization-risk #authorization-exhausted "Authorized units used up"
* #authorization-risk #authorization-exceeded "Units used beyond the authorization"
* #authorization-risk #authorization-expiring "Authorization period ending"
* #authorization-risk #authorization-period-ended "Authorization period ended"
* #authorization-risk #authorization-not-started "Authorization period not started" "A service is planned before the authorized period begins."
* #authorization-risk #authorization-insufficient "Authorization insufficient" "The planned services need more units than the authorization has left."
* insert Grouper(#clinical-risk)
* insert Grouper(#attendance-risk)
* insert Grouper(#authorization-risk)

ValueSet: RiskFlagTypeVS
Id: risk-flag-type
Title: "IOP Risk Flag Type"
Description: "Every risk-flag type (groupers excluded)."
* include codes from system RiskFlagTypeCS
* exclude RiskFlagTypeCS#clinical-risk
* exclude RiskFlagTypeCS#attendance-risk
* exclude RiskFlagTypeCS#authorization-risk

CodeSystem: RiskLevelCS
Id: risk-level
Title: "Risk Level"
Description: "A clinician's overall rating of a risk in a note (not a screening-instrument result)."
* ^caseSensitive = true
* ^content = #complete
* #none "No risk identified"
* #low "Low"
* #moderate "Moderate"
* #high "High"
* #imminent "Imminent"

ValueSet: RiskLevelVS
Id: risk-level
Title: "Risk Level"
Description: "All risk levels."
* include codes from system RiskLevelCS

CodeSystem: PayerClassCS
Id: payer-class
Title: "Payer Class"
Description: "Classes of payer whose billing rules differ (per-diem vs per-service, HCPCS vs CPT, revenue codes, condition codes)."
* ^caseSensitive = true
* ^content = #complete
* #medicare "Medicare fee-for-service"
* #medicare-advantage "Medicare Advantage"
* #medicaid "Medicaid"
* #commercial "Commercial insurance"
* #tricare "TRICARE"
* #self-pay "Self-pay"
* #other "Other payer"

ValueSet: PayerClassVS
Id: payer-class
Title: "Payer Class"
Description: "All payer classes."
* include codes from system PayerClassCS

CodeSystem: AuthorizationUnitTypeCS
Id: authorization-unit-type
Title: "Authorization Unit Type"
Description: "What one authorized unit is."
* ^caseSensitive = true
* ^content = #complete
* #day "Day (per diem)"
* #session "Session"
* #unit-15-min "15-minute unit"
* #hour "Hour"

ValueSet: AuthorizationUnitTypeVS
Id: authorization-unit-type
Title: "Authorization Unit Type"
Description: "All authorization unit types."
* include codes from system AuthorizationUnitTypeCS

CodeSystem: CarePlanCategoryCS
Id: care-plan-category
Title: "IOP Care Plan Category"
Description: "Categories of IOP care plans."
* ^caseSensitive = true
* ^content = #complete
* #treatment-plan "IOP/PHP individualized treatment plan"
* #safety-plan "Crisis safety plan"
* #discharge-plan "Discharge / aftercare plan"

ValueSet: CarePlanCategoryVS
Id: care-plan-category
Title: "IOP Care Plan Category"
Description: "All IOP care-plan categories."
* include codes from system CarePlanCategoryCS

CodeSystem: ClaimInformationCategoryCS
Id: claim-information-category
Title: "IOP Claim Information Category"
Description: "Categories of Claim.supportingInfo the IOP claim uses (CARIN Blue Button has typeofbill; the condition code needs a local category)."
* ^caseSensitive = true
* ^content = #complete
* #type-of-bill "Type of bill"
* #condition-code "Condition code"

ValueSet: ClaimInformationCategoryVS
Id: claim-information-category
Title: "IOP Claim Information Category"
Description: "All claim information categories."
* include codes from system ClaimInformationCategoryCS

CodeSystem: TaskCodeCS
Id: task-code
Title: "IOP Task Code"
Description: "What a work item (Task) asks the care team to do: outreach after missed sessions, a same-day suicide-risk assessment, Medicare certification and recertification, treatment-plan review."
* ^caseSensitive = true
* ^content = #complete
* #attendance-outreach "Attendance outreach" "Contact the patient after missed sessions or short weeks."
* #suicide-risk-assessment "Same-day suicide-risk assessment" "A clinician assesses suicide risk today (e.g. PHQ-9 item 9 endorsed)."
* #complete-phq9-item9 "Complete PHQ-9 item 9" "Item 9 was left unanswered: ask it before the visit ends."
* #certification "Physician certification" "Initial certification that the patient needs the level of care (42 CFR 424.24)."
* #recertification "Physician recertification" "Recertification due (IOP: at least every other month; PHP: by day 18, then every 30 days)."
* #plan-review "Treatment plan review" "The individualized treatment plan is due for review."

ValueSet: TaskCodeVS
Id: task-code
Title: "IOP Task Code"
Description: "All IOP task codes."
* include codes from system TaskCodeCS

CodeSystem: FacilitySettingCS
Id: facility-setting
Title: "IOP Facility Setting"
Description: "Where a program runs, for billing: decides the place of service, the type of bill and the provider-based modifiers (HealthcareService.characteristic)."
* ^caseSensitive = true
* ^content = #complete
* #hospital-on-campus "Hospital outpatient department, on campus"
* #hospital-off-campus-excepted "Hospital outpatient department, off campus, excepted"
* #hospital-off-campus-non-excepted "Hospital outpatient department, off campus, non-excepted"
* #cmhc "Community mental health center"
* #cah "Critical access hospital"
* #rhc-fqhc "Rural health clinic or federally qualified health center"
* #office "Office"
* #sud-facility "Non-residential substance use treatment facility"
* #otp "Opioid treatment program"

ValueSet: FacilitySettingVS
Id: facility-setting
Title: "IOP Facility Setting"
Description: "All facility settings."
* include codes from system FacilitySettingCS

CodeSystem: RecordLockCS
Id: record-lock
Title: "IOP Record Lock"
Description: "meta.tag codes that lock a record: a signed note changes only by amendment."
* ^caseSensitive = true
* ^content = #complete
* #signed "Signed: changes only by amendment"

ValueSet: RecordLockVS
Id: record-lock
Title: "IOP Record Lock"
Description: "All record-lock tags."
* include codes from system RecordLockCS
