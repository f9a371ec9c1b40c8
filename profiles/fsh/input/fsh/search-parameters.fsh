// SearchParameters the IOP workflows need beyond R4 core. The server indexes them like the core ones.

RuleSet: SearchParameterMetadata(id, name, code)
* url = "http://iop-fhir.org/fhir/SearchParameter/{id}"
* version = "0.1.0"
* name = "{name}"
* status = #active
* publisher = "iop-fhir project"
* code = #{code}
* xpathUsage = #normal

Instance: SearchParameter-level-of-care
InstanceOf: SearchParameter
Usage: #definition
Title: "Level of care of a program or enrollment"
* id = "level-of-care"
* insert SearchParameterMetadata(level-of-care, LevelOfCare, level-of-care)
* description = "Level of care (ASAM or mental-health level) of a program (HealthcareService) or an enrollment (EpisodeOfCare), e.g. level-of-care=http://iop-fhir.org/fhir/CodeSystem/mh-level-of-care|mh-iop."
* base[0] = #EpisodeOfCare
* base[+] = #HealthcareService
* type = #token
* expression = "EpisodeOfCare.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/level-of-care').value | HealthcareService.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/level-of-care').value"

Instance: SearchParameter-part2-program
InstanceOf: SearchParameter
Usage: #definition
Title: "42 CFR Part 2 program flag"
* id = "part2-program"
* insert SearchParameterMetadata(part2-program, Part2Program, part2-program)
* description = "Whether a program is a 42 CFR Part 2 program: part2-program=true."
* base[0] = #HealthcareService
* type = #token
* expression = "HealthcareService.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/part2-program').value"

Instance: SearchParameter-program
InstanceOf: SearchParameter
Usage: #definition
Title: "Program of an enrollment, session, attendance or plan"
* id = "program"
* insert SearchParameterMetadata(program, Program, program)
* description = "The program (HealthcareService) an enrollment, session appointment, encounter or treatment plan belongs to."
* base[0] = #EpisodeOfCare
* base[+] = #Appointment
* base[+] = #Encounter
* base[+] = #CarePlan
* type = #reference
* target[0] = #HealthcareService
* expression = "EpisodeOfCare.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/program').value | Appointment.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/program').value | Encounter.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/program').value | CarePlan.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/program').value"

Instance: SearchParameter-enrollment
InstanceOf: SearchParameter
Usage: #definition
Title: "Enrollment of a plan or risk flag"
* id = "enrollment"
* insert SearchParameterMetadata(enrollment, Enrollment, enrollment)
* description = "The enrollment (EpisodeOfCare) a treatment plan or risk flag belongs to."
* base[0] = #CarePlan
* base[+] = #Flag
* type = #reference
* target[0] = #EpisodeOfCare
* expression = "CarePlan.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/enrollment').value | Flag.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/enrollment').value"

Instance: SearchParameter-minutes-attended
InstanceOf: SearchParameter
Usage: #definition
Title: "Minutes attended"
* id = "minutes-attended"
* insert SearchParameterMetadata(minutes-attended, MinutesAttended, minutes-attended)
* description = "Minutes a patient attended a session, e.g. minutes-attended=ge45 for sessions long enough for a G0410 unit."
* base[0] = #Encounter
* type = #number
* expression = "Encounter.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/minutes-attended').value"

Instance: SearchParameter-attendance-status
InstanceOf: SearchParameter
Usage: #definition
Title: "Attendance status"
* id = "attendance-status"
* insert SearchParameterMetadata(attendance-status, AttendanceStatus, attendance-status)
* description = "How a patient attended (Encounter) or missed (Appointment) a session."
* base[0] = #Encounter
* base[+] = #Appointment
* type = #token
* expression = "Encounter.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/attendance-status').value | Appointment.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/attendance-status').value"

Instance: SearchParameter-session-appointment
InstanceOf: SearchParameter
Usage: #definition
Title: "Session appointment of a patient's appointment"
* id = "session-appointment"
* insert SearchParameterMetadata(session-appointment, SessionAppointment, session-appointment)
* description = "The session-level Appointment a patient's Appointment belongs to: every patient booked into one group occurrence."
* base[0] = #Appointment
* type = #reference
* target[0] = #Appointment
* expression = "Appointment.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/session-appointment').value"

Instance: SearchParameter-admission-type
InstanceOf: SearchParameter
Usage: #definition
Title: "Admission type of an enrollment"
* id = "admission-type"
* insert SearchParameterMetadata(admission-type, AdmissionType, admission-type)
* description = "How the patient entered the level of care: new-admission, step-down, step-up, readmission, transfer."
* base[0] = #EpisodeOfCare
* type = #token
* expression = "EpisodeOfCare.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/admission-type').value"

Instance: SearchParameter-next-review-date
InstanceOf: SearchParameter
Usage: #definition
Title: "Next treatment-plan review date"
* id = "next-review-date"
* insert SearchParameterMetadata(next-review-date, NextReviewDate, next-review-date)
* description = "Date by which a treatment plan must next be reviewed, e.g. next-review-date=le2025-04-30 for plans due by the end of April."
* base[0] = #CarePlan
* type = #date
* expression = "CarePlan.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/next-review-date').value"

Instance: SearchParameter-authorization-period
InstanceOf: SearchParameter
Usage: #definition
Title: "Authorization period of a coverage"
* id = "authorization-period"
* insert SearchParameterMetadata(authorization-period, AuthorizationPeriod, authorization-period)
* description = "Period of a payer authorization on a coverage, e.g. authorization-period=le2025-04-15 for authorizations ending by then."
* base[0] = #Coverage
* type = #date
* expression = "Coverage.extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/authorized-units').extension.where(url = 'period').value"
