// Patient, program track and enrollment.

Profile: IopPatient
Parent: Patient
Id: iop-patient
Title: "IOP Patient"
Description: "A patient of an IOP/PHP program: identified by at least one identifier (MRN), with name, administrative gender and birth date, which eligibility, claims and age-banded payer rules need."
* identifier 1..* MS
* identifier.system 1..1
* identifier.value 1..1
* name 1..* MS
* name obeys iop-pat-1
* gender 1..1 MS
* birthDate 1..1 MS
* telecom MS
* address MS
* communication MS

Invariant: iop-pat-1
Description: "A name has a family name or a text"
Severity: #error
Expression: "family.exists() or text.exists()"

Profile: IopProgram
Parent: HealthcareService
Id: iop-program
Title: "IOP Program"
Description: "A program track, e.g. \"Adult MH IOP – morning\", \"SUD IOP 2.1 – evening\" or \"PHP\": provided by an organization at one or more sites, with its level of care, program type and whether it is a 42 CFR Part 2 program."
* extension contains
    Part2Program named part2Program 1..1 MS and
    LevelOfCare named levelOfCare 1..1 MS
* active 1..1 MS
* providedBy 1..1 MS
* type 1..* MS
* type from ProgramTypeVS (extensible)
* name 1..1 MS
* location 1..* MS
* telecom MS

Profile: IopEnrollment
Parent: EpisodeOfCare
Id: iop-enrollment
Title: "IOP Enrollment"
Description: "One admission of a patient to one level of care in one program. A step-down or step-up finishes this enrollment (with its discharge reason) and starts the next one, which points back to it, so certification periods, authorizations and bills line up with the level of care."
* extension contains
    ProgramReference named program 1..1 MS and
    LevelOfCare named levelOfCare 1..1 MS and
    AdmissionType named admissionType 1..1 MS and
    PreviousEpisode named previousEpisode 0..1 MS and
    DischargeReason named dischargeReason 0..1 MS
* obeys iop-enr-1 and iop-enr-2
* status MS
* type from ProgramTypeVS (extensible)
* patient only Reference(IopPatient)
* patient MS
* managingOrganization 1..1 MS
* period 1..1 MS
* period.start 1..1
* careManager MS
* team MS

Invariant: iop-enr-1
Description: "A finished enrollment has an end date and a discharge reason"
Severity: #error
Expression: "status = 'finished' implies (period.end.exists() and extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/discharge-reason').exists())"

Invariant: iop-enr-2
Description: "A step-down or step-up admission names the previous enrollment"
Severity: #error
Expression: "extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/admission-type').value.coding.where(code = 'step-down' or code = 'step-up').exists() implies extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/previous-episode').exists()"
