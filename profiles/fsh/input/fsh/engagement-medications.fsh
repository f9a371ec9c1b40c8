// Medication management (issue 15 item 5): the prescriptions and medication lists of an IOP's psychiatric
// prescribers, with RxNorm ingredient codes, and side-effect monitoring as structured Observations.
// See docs/engagement.md "Medications".

Alias: $rxnorm = http://www.nlm.nih.gov/research/umls/rxnorm

CodeSystem: RxNormIopSubset
Id: rxnorm-iop-subset
Title: "RxNorm: IOP subset"
Description: "Ingredient-level RxNorm concepts (RxCUIs, term type IN) of medications common in behavioral-health IOP/PHP care: antidepressants, mood stabilisers, antipsychotics, stimulants and other ADHD medication, sleep and anxiety adjuncts, and medications for opioid and alcohol use disorder (MOUD/MAUD). A fragment: RxNorm has many more concepts, and prescriptions may also use clinical-drug (SCD/SBD) codes of the same system."
* ^url = "http://www.nlm.nih.gov/research/umls/rxnorm"
* ^caseSensitive = false
* ^content = #fragment
* ^copyright = "RxNorm is produced by the U.S. National Library of Medicine. RxNorm's own content (term types SAB=RXNORM, which includes these ingredient names and RxCUIs) is free to use without a UMLS licence; see terminology/LICENSES.md."
// antidepressants
* #36437 "sertraline"
* #4493 "fluoxetine"
* #321988 "escitalopram"
* #42347 "bupropion"
* #39786 "venlafaxine"
* #10737 "trazodone"
// mood stabilisers
* #42351 "lithium carbonate"
* #28439 "lamotrigine"
* #11118 "valproic acid"
// antipsychotics
* #51272 "quetiapine"
* #89013 "aripiprazole"
* #61381 "olanzapine"
* #35636 "risperidone"
// stimulants and ADHD
* #6901 "methylphenidate"
* #700810 "lisdexamfetamine"
* #38400 "atomoxetine"
// anxiety, sleep, trauma adjuncts
* #5553 "hydroxyzine"
* #8629 "prazosin"
// medications for opioid / alcohol use disorder
* #1819 "buprenorphine"
* #7242 "naloxone"
* #7243 "naltrexone"

ValueSet: IopMedicationVS
Id: iop-medication
Title: "IOP medications"
Description: "Medications an IOP/PHP prescriber commonly orders (RxNorm ingredients). Extensible: any RxNorm code may be used."
* include codes from system RxNormIopSubset

ValueSet: MoudMedicationVS
Id: moud-medication
Title: "Medications for opioid and alcohol use disorder"
Description: "Buprenorphine, naloxone (in combination) and naltrexone. Prescribed in a 42 CFR Part 2 program they are Part 2 information: the server labels them through their link to the program (see docs/engagement.md)."
* $rxnorm#1819 "buprenorphine"
* $rxnorm#7242 "naloxone"
* $rxnorm#7243 "naltrexone"

CodeSystem: MedicationSideEffectCS
Id: medication-side-effect
Title: "Medication side effects monitored in IOP"
Description: "Side effects a prescriber asks about at each medication-management visit, recorded as one Observation each (value: a side-effect severity). Written for iop-fhir; openly licensed with the project (CC0)."
* ^caseSensitive = true
* ^content = #complete
* #sedation "Sedation or daytime sleepiness"
* #weight-gain "Weight gain or increased appetite"
* #nausea "Nausea or stomach upset"
* #sexual-dysfunction "Sexual side effects"
* #insomnia "Trouble sleeping"
* #akathisia "Restlessness (akathisia)"
* #tremor "Tremor"
* #dizziness "Dizziness"
* #headache "Headache"
* #activation "Agitation, irritability or feeling 'wired'"

ValueSet: MedicationSideEffectVS
Id: medication-side-effect
Title: "Medication side effects"
Description: "All monitored side effects."
* include codes from system MedicationSideEffectCS

CodeSystem: SideEffectSeverityCS
Id: side-effect-severity
Title: "Side-effect severity"
Description: "How much a side effect bothers the patient, as asked at a medication-management visit. Written for iop-fhir (CC0)."
* ^caseSensitive = true
* ^content = #complete
* #none "None"
* #mild "Mild: noticeable, not bothersome"
* #moderate "Moderate: bothersome, daily life not limited"
* #severe "Severe: limits daily life or led to stopping"

ValueSet: SideEffectSeverityVS
Id: side-effect-severity
Title: "Side-effect severity"
Description: "All side-effect severities."
* include codes from system SideEffectSeverityCS

Profile: IopMedicationRequest
Parent: MedicationRequest
Id: iop-medication-request
Title: "IOP Medication Request"
Description: "A prescription of an IOP/PHP prescriber: medication (RxNorm), subject, authoredOn, requester and dosage text are required. The server applies these rules to every MedicationRequest that claims this profile or names an IOP program (the program extension): one without them is refused with 422 and nothing is written. Prescriptions of a 42 CFR Part 2 program (MOUD) are labelled Part 2 through that program reference."
* extension contains ProgramReference named program 0..1 MS
* medication[x] 1..1 MS
* medicationCodeableConcept from IopMedicationVS (extensible)
* subject 1..1 MS
* authoredOn 1..1 MS
* requester 1..1 MS
* dosageInstruction 1..* MS
* dosageInstruction.text 1..1 MS

Profile: IopSideEffectObservation
Parent: Observation
Id: iop-side-effect-observation
Title: "IOP Side-Effect Observation"
Description: "One monitored side effect at a medication-management visit: code from the side-effect code system, value a severity, focus the MedicationRequest when the prescriber attributes it to one medication."
* status MS
* category 1..* MS
* code 1..1 MS
* code from MedicationSideEffectVS (required)
* subject 1..1 MS
* effective[x] 1..1 MS
* value[x] 1..1 MS
* value[x] only CodeableConcept
* valueCodeableConcept from SideEffectSeverityVS (required)
* focus MS

ValueSet: MedicationManagementEmLevelVS
Id: medication-management-em-level
Title: "Medication management E/M level"
Description: "The E/M code a prescriber selects for an established-patient medication-management visit (CPT 99212-99215; our own labels, see terminology/LICENSES.md). Psychotherapy within the visit adds 90833/90836/90838 by minutes (ConceptMap session-type-to-professional)."
* $cpt#99212
* $cpt#99213
* $cpt#99214
* $cpt#99215

Instance: ana-sertraline-prescription
InstanceOf: IopMedicationRequest
Usage: #example
Title: "Ana's sertraline prescription"
* extension[program].valueReference = Reference(adult-mh-iop-am)
* status = #active
* intent = #order
* medicationCodeableConcept = $rxnorm#36437 "sertraline"
* medicationCodeableConcept.text = "Sertraline 50 mg tablet"
* subject = Reference(ana-rivera)
* authoredOn = "2025-03-03"
* requester = Reference(dr-okafor)
* dosageInstruction[0].text = "50 mg by mouth once daily in the morning"

Instance: ana-sedation-side-effect
InstanceOf: IopSideEffectObservation
Usage: #example
Title: "Ana: mild sedation on sertraline"
* status = #final
* category = $obs-category#survey "Survey"
* code = MedicationSideEffectCS#sedation "Sedation or daytime sleepiness"
* subject = Reference(ana-rivera)
* effectiveDateTime = "2025-03-17"
* valueCodeableConcept = SideEffectSeverityCS#mild "Mild: noticeable, not bothersome"
* focus = Reference(ana-sertraline-prescription)
