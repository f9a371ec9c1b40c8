// Examples: one organization, its programs, a patient, her PHP then IOP enrollments (a step-down).

Instance: riverbend-bh
InstanceOf: Organization
Usage: #example
Title: "Riverbend Behavioral Health (example organization)"
* active = true
* name = "Riverbend Behavioral Health"
* identifier[0].system = "http://hl7.org/fhir/sid/us-npi"
* identifier[0].value = "1234567893"

Instance: example-health-plan
InstanceOf: Organization
Usage: #example
Title: "Example Medicare Advantage plan"
* active = true
* name = "Example Health Plan (Medicare Advantage)"
* type = http://terminology.hl7.org/CodeSystem/organization-type#ins "Insurance Company"

Instance: riverbend-main-site
InstanceOf: Location
Usage: #example
Title: "Riverbend main site"
* status = #active
* name = "Riverbend Behavioral Health - Main Street"
* managingOrganization = Reference(riverbend-bh)
* address.line = "100 Main Street"
* address.city = "Springfield"
* address.state = "IL"
* address.postalCode = "62701"

Instance: group-room-2
InstanceOf: Location
Usage: #example
Title: "Group room 2"
* status = #active
* name = "Group room 2"
* partOf = Reference(riverbend-main-site)
* managingOrganization = Reference(riverbend-bh)

Instance: dr-okafor
InstanceOf: Practitioner
Usage: #example
Title: "Dr. Grace Okafor, psychiatrist (example)"
* active = true
* identifier[0].system = "http://hl7.org/fhir/sid/us-npi"
* identifier[0].value = "1417093585"
* name.family = "Okafor"
* name.given = "Grace"
* name.prefix = "Dr."

Instance: therapist-lee
InstanceOf: Practitioner
Usage: #example
Title: "Jordan Lee, LCSW (example)"
* active = true
* name.family = "Lee"
* name.given = "Jordan"
* name.suffix = "LCSW"

Instance: ana-rivera
InstanceOf: IopPatient
Usage: #example
Title: "Ana Rivera (example IOP patient)"
* identifier[0].type = $identifier-type#MR "Medical record number"
* identifier[0].system = "http://riverbend-bh.example.org/mrn"
* identifier[0].value = "MRN-10042"
* name[0].family = "Rivera"
* name[0].given = "Ana"
* gender = #female
* birthDate = "1957-06-14"
* telecom[0].system = #phone
* telecom[0].value = "555-0142"
* telecom[0].use = #mobile

Instance: adult-mh-iop-am
InstanceOf: IopProgram
Usage: #example
Title: "Adult MH IOP - morning (example program)"
* extension[part2Program].valueBoolean = false
* extension[levelOfCare].valueCodeableConcept = MhLevelOfCareCS#mh-iop "Mental health intensive outpatient (IOP)"
* active = true
* providedBy = Reference(riverbend-bh)
* type = ProgramTypeCS#mh-iop "Mental health intensive outpatient program"
* name = "Adult MH IOP - morning"
* location = Reference(riverbend-main-site)
* comment = "Monday, Wednesday, Friday 9:00-12:00: three group sessions a day, 9 hours a week."

Instance: sud-iop-evening
InstanceOf: IopProgram
Usage: #example
Title: "SUD IOP 2.1 - evening (example 42 CFR Part 2 program)"
* extension[part2Program].valueBoolean = true
* extension[levelOfCare].valueCodeableConcept = AsamLevelOfCare3CS#2.1 "Intensive outpatient services"
* active = true
* providedBy = Reference(riverbend-bh)
* type = ProgramTypeCS#sud-iop "Substance use disorder intensive outpatient program"
* name = "SUD IOP 2.1 - evening"
* location = Reference(riverbend-main-site)

Instance: adult-php
InstanceOf: IopProgram
Usage: #example
Title: "Adult PHP (example program)"
* extension[part2Program].valueBoolean = false
* extension[levelOfCare].valueCodeableConcept = MhLevelOfCareCS#mh-php "Mental health partial hospitalization (PHP)"
* active = true
* providedBy = Reference(riverbend-bh)
* type = ProgramTypeCS#mh-php "Mental health partial hospitalization program"
* name = "Adult PHP"
* location = Reference(riverbend-main-site)

Instance: ana-recurrent-depression
InstanceOf: Condition
Usage: #example
Title: "Ana's recurrent major depressive disorder"
* clinicalStatus = http://terminology.hl7.org/CodeSystem/condition-clinical#active
* verificationStatus = http://terminology.hl7.org/CodeSystem/condition-ver-status#confirmed
* category = http://terminology.hl7.org/CodeSystem/condition-category#problem-list-item
* code = $icd10cm#F33.1 "Major depressive disorder, recurrent, moderate"
* subject = Reference(ana-rivera)
* onsetDateTime = "2024-11-01"

Instance: ana-php-enrollment
InstanceOf: IopEnrollment
Usage: #example
Title: "Ana's PHP enrollment (finished: stepped down to IOP)"
* extension[program].valueReference = Reference(adult-php)
* extension[levelOfCare].valueCodeableConcept = MhLevelOfCareCS#mh-php
* extension[admissionType].valueCodeableConcept = AdmissionTypeCS#new-admission
* extension[dischargeReason].valueCodeableConcept = DischargeReasonCS#step-down
* status = #finished
* type = ProgramTypeCS#mh-php
* patient = Reference(ana-rivera)
* managingOrganization = Reference(riverbend-bh)
* period.start = "2025-02-03"
* period.end = "2025-02-21"

Instance: ana-iop-enrollment
InstanceOf: IopEnrollment
Usage: #example
Title: "Ana's IOP enrollment (active, after step-down from PHP)"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* extension[levelOfCare].valueCodeableConcept = MhLevelOfCareCS#mh-iop
* extension[admissionType].valueCodeableConcept = AdmissionTypeCS#step-down
* extension[previousEpisode].valueReference = Reference(ana-php-enrollment)
* status = #active
* type = ProgramTypeCS#mh-iop
* patient = Reference(ana-rivera)
* managingOrganization = Reference(riverbend-bh)
* period.start = "2025-02-24"
* careManager = Reference(therapist-lee)

Instance: adult-mh-iop-am-roster
InstanceOf: Group
Usage: #example
Title: "Adult MH IOP morning roster (rolling admission)"
* active = true
* type = #person
* actual = true
* name = "Adult MH IOP - morning group"
* managingEntity = Reference(riverbend-bh)
* member[0].entity = Reference(ana-rivera)
* member[0].period.start = "2025-02-24"
