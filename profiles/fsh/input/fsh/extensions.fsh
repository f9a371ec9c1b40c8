// Extensions used by the IOP profiles. Each has a context, one value type and a short definition.

Extension: Part2Program
Id: part2-program
Title: "42 CFR Part 2 program"
Description: "True when the program is a federally assisted 42 CFR Part 2 program (it holds itself out as providing substance use disorder diagnosis, treatment or referral). Everything the program produces is labelled 42CFRPart2 and released only as the patient's consent allows."
Context: HealthcareService
* value[x] 1..1
* value[x] only boolean

Extension: LevelOfCare
Id: level-of-care
Title: "Level of care"
Description: "The level of care of a program or of an enrollment: an ASAM level (3rd or 4th edition) or a mental-health program level (IOP, PHP)."
Context: HealthcareService, EpisodeOfCare
* value[x] 1..1
* value[x] only CodeableConcept
* value[x] from LevelOfCareVS (required)

Extension: ProgramReference
Id: program
Title: "IOP program"
Description: "The program track (an IOP Program HealthcareService) that an enrollment, session, attendance, plan or prescription belongs to. On a MedicationRequest or MedicationStatement it makes the prescription the program's: the prescription rules apply, and a 42 CFR Part 2 program's prescriptions (MOUD) are labelled Part 2."
Context: EpisodeOfCare, Appointment, Encounter, CarePlan, MedicationRequest, MedicationStatement
* value[x] 1..1
* value[x] only Reference(IopProgram)

Extension: EnrollmentReference
Id: enrollment
Title: "Enrollment"
Description: "The enrollment (EpisodeOfCare) a treatment plan, risk flag or care team belongs to; R4 CarePlan, Flag and CareTeam have no element for it."
Context: CarePlan, Flag, CareTeam
* value[x] 1..1
* value[x] only Reference(IopEnrollment)

Extension: MinutesAttended
Id: minutes-attended
Title: "Minutes attended"
Description: "Face-to-face (or video) minutes this patient attended, after late arrival and early departure. Drives per-session units (e.g. G0410 needs 45-50 minutes) and the weekly 9 h (IOP) / 20 h (PHP) checks."
Context: Encounter
* obeys iop-minutes-1
* value[x] 1..1
* value[x] only integer

Invariant: iop-minutes-1
Description: "Minutes attended is between 0 and 1440"
Severity: #error
Expression: "value.ofType(integer).all($this >= 0 and $this <= 1440)"

Extension: AttendanceStatus
Id: attendance-status
Title: "Attendance status"
Description: "How the patient attended a session: present, late, left early, or one of the absence codes (on the patient's Appointment)."
Context: Encounter, Appointment
* value[x] 1..1
* value[x] only CodeableConcept
* value[x] from AttendanceStatusVS (required)

Extension: SessionAppointment
Id: session-appointment
Title: "Session appointment"
Description: "On a patient's own Appointment: the session-level Appointment (the group occurrence) it belongs to."
Context: Appointment
* value[x] 1..1
* value[x] only Reference(IopGroupSessionAppointment)

Extension: AdmissionType
Id: admission-type
Title: "Admission type"
Description: "How the patient entered this level of care: a new admission, a step-down or step-up from another level, a readmission or a transfer."
Context: EpisodeOfCare
* value[x] 1..1
* value[x] only CodeableConcept
* value[x] from AdmissionTypeVS (required)

Extension: PreviousEpisode
Id: previous-episode
Title: "Previous enrollment"
Description: "The enrollment at the previous level of care that this one continues (step-down, step-up, transfer)."
Context: EpisodeOfCare
* value[x] 1..1
* value[x] only Reference(IopEnrollment)

Extension: DischargeReason
Id: discharge-reason
Title: "Discharge reason"
Description: "Why the patient left this level of care."
Context: EpisodeOfCare
* value[x] 1..1
* value[x] only CodeableConcept
* value[x] from DischargeReasonVS (extensible)

Extension: NextReviewDate
Id: next-review-date
Title: "Next treatment-plan review"
Description: "The date by which the treatment plan must next be reviewed (Medicare IOP: no less than every other month; payers may require more often)."
Context: CarePlan
* value[x] 1..1
* value[x] only date

Extension: RiskEvidence
Id: risk-evidence
Title: "Risk evidence"
Description: "The assessment answer, score, condition or message that raised a risk flag (e.g. the PHQ-9 response whose item 9 was endorsed, a message mentioning self-harm)."
Context: Flag
* value[x] 1..1
* value[x] only Reference(Observation or QuestionnaireResponse or Condition or Encounter or Communication)

Extension: AuthorizedUnits
Id: authorized-units
Title: "Authorized units"
Description: "A payer authorization on the coverage: how many units (days, sessions or timed units) of a service or level of care are authorized, for which period, under which authorization number."
Context: Coverage
* obeys iop-auth-1
* extension contains
    authorizationNumber 0..1 and
    levelOfCare 0..1 and
    service 0..1 and
    units 1..1 and
    unitType 1..1 and
    period 1..1 and
    usedUnits 0..1 and
    countedDate 0..*
* extension[authorizationNumber] ^short = "Payer's authorization (reference) number"
* extension[authorizationNumber].value[x] only string
* extension[authorizationNumber].value[x] 1..1
* extension[levelOfCare] ^short = "Level of care authorized"
* extension[levelOfCare].value[x] only CodeableConcept
* extension[levelOfCare].value[x] 1..1
* extension[levelOfCare].value[x] from LevelOfCareVS (required)
* extension[service] ^short = "Billing code authorized (HCPCS/CPT)"
* extension[service].value[x] only CodeableConcept
* extension[service].value[x] 1..1
* extension[service].value[x] from IopBillingCodeVS (extensible)
* extension[units] ^short = "Number of units authorized"
* extension[units].value[x] only positiveInt
* extension[units].value[x] 1..1
* extension[unitType] ^short = "What one unit is: a day, a session, a 15-minute unit or an hour"
* extension[unitType].value[x] only code
* extension[unitType].value[x] 1..1
* extension[unitType].value[x] from AuthorizationUnitTypeVS (required)
* extension[period] ^short = "Period the authorization covers"
* extension[period].value[x] only Period
* extension[period].value[x] 1..1
* extension[usedUnits] ^short = "Units used so far (kept by the server as signed sessions are billed)"
* extension[usedUnits].value[x] only unsignedInt
* extension[usedUnits].value[x] 1..1
* extension[countedDate] ^short = "A service date already counted (day units: one unit per date however many sessions)"
* extension[countedDate].value[x] only date
* extension[countedDate].value[x] 1..1
* value[x] 0..0

Invariant: iop-auth-1
Description: "Either a level of care or a service is authorized"
Severity: #error
Expression: "extension.where(url = 'levelOfCare').exists() or extension.where(url = 'service').exists()"

Extension: ReadReceipt
Id: read-receipt
Title: "Read receipt"
Description: "That one recipient of a message has read it, and when: one extension per reader, added by that reader. A message is unread for a recipient until their receipt is on it (docs/engagement.md, Secure messaging)."
Context: Communication
* extension contains
    reader 1..1 and
    readAt 1..1
* extension[reader].value[x] only Reference(Patient or RelatedPerson or Practitioner or PractitionerRole)
* extension[readAt].value[x] only dateTime

Extension: CareTeamSynced
Id: care-team-synced
Title: "Kept by the enrolment"
Description: "On a CareTeam participant: the server added this participant from the enrolment (the patient, program staff by their PractitionerRole, the care manager, linked family) and keeps it current, removing it when it no longer applies. Participants without it were added by people and the server leaves them alone."
Context: CareTeam.participant
* value[x] 1..1
* value[x] only boolean
