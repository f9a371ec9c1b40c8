// Treatment plan and goals, assessments and scores, notes, risk flags.

Profile: IopTreatmentPlan
Parent: CarePlan
Id: iop-treatment-plan
Title: "IOP Treatment Plan"
Description: "The individualized written plan of one enrollment: the conditions it addresses, measurable goals, planned services (e.g. group psychotherapy 3x/week) and the date of the next required review. A review is a new version of the plan plus a treatment-plan review note."
* extension contains
    NextReviewDate named nextReviewDate 1..1 MS and
    EnrollmentReference named enrollment 0..1 MS and
    ProgramReference named program 0..1 MS
* status MS
* intent = #plan
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "The IOP treatment-plan category; other categories may follow"
* category contains treatmentPlan 1..1 MS
* category[treatmentPlan] = CarePlanCategoryCS#treatment-plan
* subject only Reference(IopPatient)
* subject MS
* period 1..1 MS
* period.start 1..1
* author 1..1 MS
* addresses 1..* MS
* goal 1..* MS
* goal only Reference(IopTreatmentGoal)
* activity MS
* activity.detail.code from SessionTypeVS (extensible)

Profile: IopTreatmentGoal
Parent: Goal
Id: iop-treatment-goal
Title: "IOP Treatment Goal"
Description: "A measurable treatment goal: a standardized measure (e.g. PHQ-9 total, LOINC 44261-6) with a target value or range (e.g. < 10) and a due date."
* lifecycleStatus MS
* achievementStatus MS
* description MS
* subject only Reference(IopPatient)
* subject MS
* target 1..* MS
* target.measure 1..1 MS
* target.measure from AssessmentScoreVS (extensible)
* target.detail[x] 1..1 MS
* target.detail[x] only Quantity or Range or integer
* target.due[x] only date
* target.dueDate 1..1 MS
* addresses MS

Profile: IopAssessmentQuestionnaire
Parent: Questionnaire
Id: iop-assessment-questionnaire
Title: "IOP Assessment Questionnaire"
Description: "A standardized instrument as an SDC Questionnaire: canonical url, the instrument's code (LOINC panel), its copyright/licence text, and ordinalValue scores on the scored answers."
* url 1..1 MS
* version 1..1 MS
* name 1..1 MS
* title 1..1 MS
* status MS
* subjectType 1..* MS
* code 1..* MS
* code from AssessmentInstrumentVS (extensible)
* copyright 1..1 MS
* item 1..* MS

Profile: IopNoteTemplate
Parent: Questionnaire
Id: iop-note-template
Title: "IOP Clinical Note Template"
Description: "A clinical documentation template (group-session note, individual therapy note, psychiatric evaluation, medication-management note, treatment-plan review) as an SDC Questionnaire, identified by the kind of note it produces."
* url 1..1 MS
* version 1..1 MS
* name 1..1 MS
* title 1..1 MS
* status MS
* code 1..1 MS
* code from NoteKindVS (required)
* item 1..* MS

Profile: IopAssessmentResponse
Parent: QuestionnaireResponse
Id: iop-assessment-response
Title: "IOP Assessment Response"
Description: "A patient's answers to an IOP assessment (or note template), for one patient, with the canonical of the Questionnaire answered."
* questionnaire 1..1 MS
* status MS
* subject 1..1 MS
* subject only Reference(IopPatient)
* authored 1..1 MS
* author MS
* encounter MS
* item 1..* MS

Profile: IopScoreObservation
Parent: Observation
Id: iop-score-observation
Title: "IOP Score Observation"
Description: "The total score of a standardized instrument (PHQ-9, GAD-7, PCL-5, AUDIT-C), derived from the QuestionnaireResponse it was computed from, with its severity band."
* obeys iop-score-1 and iop-score-2
* status MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "The survey category; other categories may follow"
* category contains survey 1..1 MS
* category[survey] = $obs-category#survey
* code MS
* code from AssessmentScoreVS (required)
* subject 1..1 MS
* subject only Reference(IopPatient)
* effective[x] 1..1 MS
* effective[x] only dateTime
* value[x] 1..1 MS
* value[x] only integer
* interpretation 0..1 MS
* interpretation from ScoreSeverityVS (extensible)
* derivedFrom 1..* MS
* derivedFrom only Reference(QuestionnaireResponse)
* encounter MS

Invariant: iop-score-1
Description: "The score is within the instrument's range (PHQ-9 0-27, GAD-7 0-21, PCL-5 0-80, AUDIT-C 0-12)"
Severity: #error
Expression: "value.ofType(integer).all($this >= 0) and (code.coding.where(system = 'http://loinc.org' and code = '44261-6').exists() implies value.ofType(integer).all($this <= 27)) and (code.coding.where(system = 'http://loinc.org' and code = '70274-6').exists() implies value.ofType(integer).all($this <= 21)) and (code.coding.where(system = 'http://loinc.org' and code = '101698-9').exists() implies value.ofType(integer).all($this <= 80)) and (code.coding.where(system = 'http://loinc.org' and code = '75626-2').exists() implies value.ofType(integer).all($this <= 12))"

Invariant: iop-score-2
Description: "The score is an integer (valueInteger) taken at a point in time (effectiveDateTime)"
Severity: #error
Expression: "value.ofType(integer).exists() and effective.ofType(dateTime).exists()"

Profile: IopSessionNote
Parent: Composition
Id: iop-session-note
Title: "IOP Session Note"
Description: "The signed note of one session for ONE patient (group notes are distributed as one note per member, never naming other members). A group-session note has a shared group-summary section (topic, modality, interventions, duration) and a member-specific section (participation, response, progress toward this member's goals, risk). Psychotherapy notes are not session notes: see IOP Psychotherapy Note."
* obeys iop-note-1
* status MS
* type MS
* type from ClinicalNoteTypeVS (extensible)
* category 1..1 MS
* category from NoteKindVS (required)
* subject 1..1 MS
* subject only Reference(IopPatient)
* encounter 1..1 MS
* encounter only Reference(Encounter)
* date MS
* author MS
* title MS
* confidentiality 1..1 MS
* section 1..* MS
* section ^slicing.discriminator.type = #pattern
* section ^slicing.discriminator.path = "code"
* section ^slicing.rules = #open
* section ^slicing.description = "Group summary and member-specific sections of a group note; other sections allowed"
* section contains groupSummary 0..1 MS and memberSpecific 0..1 MS
* section[groupSummary].code 1..1
* section[groupSummary].code = NoteSectionCS#group-summary
* section[memberSpecific].code 1..1
* section[memberSpecific].code = NoteSectionCS#member-specific
* section.code 1..1
* section.code from NoteSectionVS (extensible)

Invariant: iop-note-1
Description: "A group-session note has a group-summary and a member-specific section"
Severity: #error
Expression: "category.coding.where(system = 'http://iop-fhir.org/fhir/CodeSystem/note-kind' and code = 'group-session-note').exists() implies (section.where(code.coding.where(code = 'group-summary').exists()).exists() and section.where(code.coding.where(code = 'member-specific').exists()).exists())"

Profile: IopPsychotherapyNote
Parent: DocumentReference
Id: iop-psychotherapy-note
Title: "IOP Psychotherapy Note"
Description: "A therapist's private process notes (HIPAA psychotherapy notes, 45 CFR 164.501) or Part 2 SUD counseling notes, kept apart from the session notes and labelled very restricted (V) and PSYTHPN, so that only the author can read them without a specific authorization."
* meta 1..1
* meta.security 2..* MS
* meta.security ^slicing.discriminator.type = #pattern
* meta.security ^slicing.discriminator.path = "$this"
* meta.security ^slicing.rules = #open
* meta.security ^slicing.description = "Very restricted confidentiality and the psychotherapy-note sensitivity"
* meta.security contains veryRestricted 1..1 MS and psychotherapyNote 1..1 MS
* meta.security[veryRestricted] = $confidentiality#V
* meta.security[psychotherapyNote] = $actcode#PSYTHPN
* status MS
* type 1..1 MS
* subject 1..1 MS
* subject only Reference(IopPatient)
* author 1..* MS
* securityLabel MS
* content MS

Profile: IopRiskFlag
Parent: Flag
Id: iop-risk-flag
Title: "IOP Risk Flag"
Description: "A clinical or attendance risk on a patient (e.g. PHQ-9 item 9 endorsed, two consecutive no-shows, weekly hours below the program minimum), with the evidence that raised it. Paired with a Task for the care team."
* extension contains
    RiskEvidence named evidence 0..* MS and
    EnrollmentReference named enrollment 0..1 MS
* obeys iop-flag-1
* status MS
* category 1..* MS
* code MS
* code from RiskFlagTypeVS (required)
* subject MS
* subject only Reference(IopPatient)
* period 1..1 MS
* period.start 1..1
* author MS
* encounter MS

Invariant: iop-flag-1
Description: "An inactive flag has an end date"
Severity: #error
Expression: "status = 'inactive' implies period.end.exists()"
