// Patient education (issue 15 item 3): a library of openly licensed materials (profiles/education/, stored at start)
// that a clinician assigns with $assign-education and the patient reads in the portal. See docs/engagement.md.

CodeSystem: PatientEducationCS
Id: patient-education
Title: "Patient education"
Description: "Codes of the patient-education workflow: the DocumentReference category of education material, and the Task code of an assignment to read it."
* ^caseSensitive = true
* ^content = #complete
* #education "Patient education material" "A DocumentReference written for patients to read (category)."
* #read-education "Read assigned education material" "A Task asking the patient to read a piece of education material; completed when the patient has read it (the read receipt)."

ValueSet: PatientEducationVS
Id: patient-education
Title: "Patient education"
Description: "All patient-education codes."
* include codes from system PatientEducationCS

CodeSystem: EducationTopicCS
Id: education-topic
Title: "Education topic"
Description: "Topics of the education library (DocumentReference.type)."
* ^caseSensitive = true
* ^content = #complete
* #cbt-skills "Cognitive behavioral therapy (CBT) skills"
* #dbt-skills "Dialectical behavior therapy (DBT) skills"
* #relapse-prevention "Relapse prevention"
* #sleep "Sleep"
* #medication-basics "Medication basics"
* #crisis-resources "Crisis resources"

ValueSet: EducationTopicVS
Id: education-topic
Title: "Education topic"
Description: "All education topics."
* include codes from system EducationTopicCS

Profile: IopEducationMaterial
Parent: DocumentReference
Id: iop-education-material
Title: "IOP Education Material"
Description: "A piece of patient-education material: in the library (no subject) or the patient's own copy made when a clinician assigns it (subject the patient, relatesTo the library item with code transforms). Text content inline (attachment.data) with a title."
* status MS
* type 1..1 MS
* type from EducationTopicVS (extensible)
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains education 1..1 MS
* category[education] = PatientEducationCS#education
* subject MS
* description 1..1 MS
* content 1..* MS
* content.attachment.title 1..1 MS
* content.attachment.data 1..1 MS
* content.attachment.contentType 1..1 MS

Instance: ana-education-sleep
InstanceOf: IopEducationMaterial
Usage: #example
Title: "Ana's copy of the sleep material"
* status = #current
* docStatus = #final
* type = EducationTopicCS#sleep "Sleep"
* category[education] = PatientEducationCS#education "Patient education material"
* subject = Reference(ana-rivera)
* date = "2025-03-04T10:00:00Z"
* description = "Sleep: habits that help your mood and recovery"
* relatesTo[0].code = #transforms
* relatesTo[0].target.identifier.system = "http://iop-fhir.org/fhir/identifier/education-material"
* relatesTo[0].target.identifier.value = "sleep"
* content[0].attachment.contentType = #text/plain
* content[0].attachment.language = #en
* content[0].attachment.title = "Sleep: habits that help your mood and recovery"
* content[0].attachment.data = "S2VlcCB0aGUgc2FtZSB3YWtlLXVwIHRpbWUgZXZlcnkgZGF5Lg=="
