// Group sessions: the session-level Appointment and Encounter, each patient's Appointment, and attendance.

Profile: IopGroupSessionAppointment
Parent: Appointment
Id: iop-group-session-appointment
Title: "IOP Group Session (scheduling)"
Description: "The session-level Appointment of one group occurrence: program, session type, facilitators, room and time. It never lists patients; each patient has an IOP Patient Session Appointment pointing to it."
* extension contains ProgramReference named program 1..1 MS
* obeys iop-gsa-1 and iop-gsa-2
* serviceType 1..1 MS
* serviceType from SessionTypeVS (required)
* start 1..1 MS
* end 1..1 MS
* participant MS
* participant.actor 1..1 MS

Invariant: iop-gsa-1
Description: "A session-level appointment lists no patient (patients have their own appointments)"
Severity: #error
Expression: "participant.actor.where(type = 'Patient' or reference.matches('(^|/)Patient/')).empty()"

Invariant: iop-gsa-2
Description: "At least one facilitator (Practitioner or PractitionerRole) takes part"
Severity: #error
Expression: "participant.actor.where(type = 'Practitioner' or type = 'PractitionerRole' or reference.matches('(^|/)Practitioner(Role)?/') or reference.startsWith('urn:')).exists()"

Profile: IopPatientSessionAppointment
Parent: Appointment
Id: iop-patient-session-appointment
Title: "IOP Patient Session Appointment"
Description: "One patient's Appointment for a session (group or individual). Attendance is its status (fulfilled / noshow / cancelled with a cancelation reason), never participant.status, which is only the answer to the invitation."
* extension contains
    ProgramReference named program 1..1 MS and
    SessionAppointment named sessionAppointment 0..1 MS and
    AttendanceStatus named attendanceStatus 0..1 MS
* obeys iop-psa-1 and iop-psa-2
* serviceType 1..1 MS
* serviceType from SessionTypeVS (required)
* cancelationReason from AbsenceReasonVS (extensible)
* cancelationReason MS
* start 1..1 MS
* end 1..1 MS
* participant MS

Invariant: iop-psa-1
Description: "A patient's session appointment names at most one patient"
Severity: #error
Expression: "participant.actor.where(type = 'Patient' or reference.matches('(^|/)Patient/')).count() <= 1"

Invariant: iop-psa-2
Description: "A cancelled or no-show appointment says why (cancelationReason or an absence attendance status)"
Severity: #error
Expression: "(status = 'cancelled' or status = 'noshow') implies (cancelationReason.exists() or extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/attendance-status').exists())"

Profile: IopGroupSessionEncounter
Parent: Encounter
Id: iop-group-session-encounter
Title: "IOP Group Session (encounter)"
Description: "The session-level Encounter of a group occurrence that took place: facilitators, period, session type, and the therapy group as subject. Each attending patient has an IOP Session Attendance Encounter partOf it."
* extension contains ProgramReference named program 1..1 MS
* serviceType 1..1 MS
* serviceType from SessionTypeVS (required)
* subject only Reference(Group)
* subject MS
* participant 1..* MS
* participant.individual 1..1
* participant.individual only Reference(Practitioner or PractitionerRole)
* period 1..1 MS
* period.start 1..1
* appointment only Reference(IopGroupSessionAppointment)
* appointment MS
* partOf 0..0
* location MS

Profile: IopSessionAttendance
Parent: Encounter
Id: iop-session-attendance
Title: "IOP Session Attendance"
Description: "One patient's attendance at a session: the per-patient Encounter partOf the session Encounter (for group sessions), in the patient's enrollment, with minutes attended and how the patient attended. Absences have no attendance Encounter: the patient's Appointment is noshow or cancelled."
* extension contains
    ProgramReference named program 0..1 MS and
    MinutesAttended named minutesAttended 1..1 MS and
    AttendanceStatus named attendanceStatus 1..1 MS
* extension[attendanceStatus].value[x] from AttendedStatusVS (required)
* obeys iop-att-1 and iop-att-2 and iop-att-3 and iop-att-4
* serviceType 1..1 MS
* serviceType from SessionTypeVS (required)
* subject 1..1 MS
* subject only Reference(IopPatient)
* partOf only Reference(IopGroupSessionEncounter)
* partOf MS
* episodeOfCare 1..1 MS
* episodeOfCare only Reference(IopEnrollment)
* appointment only Reference(IopPatientSessionAppointment)
* appointment MS
* period 1..1 MS
* period.start 1..1
* length MS

Invariant: iop-att-1
Description: "An attendance encounter is in progress, finished or entered in error (absences are recorded on the Appointment)"
Severity: #error
Expression: "status = 'in-progress' or status = 'finished' or status = 'entered-in-error'"

Invariant: iop-att-2
Description: "Attendance at a group-based session is partOf the session-level Encounter"
Severity: #error
Expression: "serviceType.coding.where(system = 'http://iop-fhir.org/fhir/CodeSystem/session-type' and (code = 'group-psychotherapy' or code = 'interactive-group-psychotherapy' or code = 'multi-family-group' or code = 'psychoeducation' or code = 'activity-therapy')).exists() implies partOf.exists()"

Invariant: iop-att-3
Description: "Encounter.length, when present, is in minutes (UCUM min)"
Severity: #error
Expression: "length.exists() implies (length.system = 'http://unitsofmeasure.org' and length.code = 'min')"

Invariant: iop-att-4
Description: "Minutes attended is a whole number of minutes between 0 and 1440"
Severity: #error
Expression: "extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/minutes-attended').all(value.ofType(integer).exists() and value.ofType(integer) >= 0 and value.ofType(integer) <= 1440)"
