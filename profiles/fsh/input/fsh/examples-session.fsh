// Examples: one group session on 3 March 2025 (scheduled, held), Ana's appointment and attendance, and a missed session.

Instance: group-session-2025-03-03
InstanceOf: IopGroupSessionAppointment
Usage: #example
Title: "Group psychotherapy, 3 March 2025 09:00 (session-level appointment)"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* status = #fulfilled
* serviceType = SessionTypeCS#group-psychotherapy "Group psychotherapy"
* description = "CBT skills group: cognitive restructuring"
* start = "2025-03-03T09:00:00-06:00"
* end = "2025-03-03T09:50:00-06:00"
* minutesDuration = 50
* participant[0].actor = Reference(therapist-lee)
* participant[0].required = #required
* participant[0].status = #accepted
* participant[1].actor = Reference(group-room-2)
* participant[1].status = #accepted

Instance: ana-session-2025-03-03
InstanceOf: IopPatientSessionAppointment
Usage: #example
Title: "Ana's appointment for the 3 March 2025 group (fulfilled)"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* extension[sessionAppointment].valueReference = Reference(group-session-2025-03-03)
* status = #fulfilled
* serviceType = SessionTypeCS#group-psychotherapy "Group psychotherapy"
* start = "2025-03-03T09:00:00-06:00"
* end = "2025-03-03T09:50:00-06:00"
* participant[0].actor = Reference(ana-rivera)
* participant[0].status = #accepted

Instance: ana-session-2025-03-05
InstanceOf: IopPatientSessionAppointment
Usage: #example
Title: "Ana's appointment for the 5 March 2025 group (missed: ill)"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* extension[attendanceStatus].valueCodeableConcept = AttendanceStatusCS#absent-excused "Absent, excused"
* status = #cancelled
* cancelationReason = AbsenceReasonCS#illness "Patient ill"
* serviceType = SessionTypeCS#group-psychotherapy "Group psychotherapy"
* start = "2025-03-05T09:00:00-06:00"
* end = "2025-03-05T09:50:00-06:00"
* participant[0].actor = Reference(ana-rivera)
* participant[0].status = #declined

Instance: group-session-encounter-2025-03-03
InstanceOf: IopGroupSessionEncounter
Usage: #example
Title: "Group psychotherapy held on 3 March 2025 (session-level encounter)"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* status = #finished
* class = $act-encounter#AMB "ambulatory"
* serviceType = SessionTypeCS#group-psychotherapy "Group psychotherapy"
* subject = Reference(adult-mh-iop-am-roster)
* participant[0].type = $participant-type#PPRF "primary performer"
* participant[0].individual = Reference(therapist-lee)
* appointment = Reference(group-session-2025-03-03)
* period.start = "2025-03-03T09:00:00-06:00"
* period.end = "2025-03-03T09:50:00-06:00"
* location[0].location = Reference(group-room-2)

Instance: ana-attendance-2025-03-03
InstanceOf: IopSessionAttendance
Usage: #example
Title: "Ana attended the 3 March 2025 group (arrived 5 minutes late, 45 minutes)"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* extension[minutesAttended].valueInteger = 45
* extension[attendanceStatus].valueCodeableConcept = AttendanceStatusCS#late-arrival "Arrived late"
* status = #finished
* class = $act-encounter#AMB "ambulatory"
* serviceType = SessionTypeCS#group-psychotherapy "Group psychotherapy"
* subject = Reference(ana-rivera)
* episodeOfCare = Reference(ana-iop-enrollment)
* partOf = Reference(group-session-encounter-2025-03-03)
* appointment = Reference(ana-session-2025-03-03)
* period.start = "2025-03-03T09:05:00-06:00"
* period.end = "2025-03-03T09:50:00-06:00"
* length = 45 'min' "min"
