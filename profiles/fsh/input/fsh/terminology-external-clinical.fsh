// Public subsets of external code systems (content = fragment), with their licence notes. See terminology/LICENSES.md.

RuleSet: LoincCopyright
* ^copyright = "This material contains content from LOINC (http://loinc.org). LOINC is copyright (c) 1995-2024, Regenstrief Institute, Inc. and the Logical Observation Identifiers Names and Codes (LOINC) Committee and is available at no cost under the license at http://loinc.org/license. LOINC(R) is a registered United States trademark of Regenstrief Institute, Inc. The PHQ-9 and GAD-7 instruments are copyright Pfizer Inc. (no permission required to reproduce, translate, display or distribute); the PCL-5 is a public-domain instrument of the VA National Center for PTSD; AUDIT-C derives from the WHO AUDIT."

CodeSystem: LoincIopSubset
Id: loinc-iop-subset
Title: "LOINC: IOP subset"
Description: "The LOINC codes iop-fhir uses: instrument panels, items, totals and answer codes of PHQ-9, GAD-7, PCL-5 and AUDIT-C, and the document types of IOP notes. A fragment: LOINC has many more codes. Displays are the ones of the public instrument forms; they may differ in wording from LOINC's long common names."
* ^url = "http://loinc.org"
* ^version = "2.77"
* ^caseSensitive = false
* ^content = #fragment
* insert LoincCopyright
// PHQ-9
* #44249-1 "PHQ-9 quick depression assessment panel [Reported.PHQ]"
* #44250-9 "Little interest or pleasure in doing things"
* #44255-8 "Feeling down, depressed, or hopeless"
* #44259-0 "Trouble falling or staying asleep, or sleeping too much"
* #44254-1 "Feeling tired or having little energy"
* #44251-7 "Poor appetite or overeating"
* #44258-2 "Feeling bad about yourself - or that you are a failure or have let yourself or your family down"
* #44252-5 "Trouble concentrating on things, such as reading the newspaper or watching television"
* #44253-3 "Moving or speaking so slowly that other people could have noticed. Or the opposite - being so fidgety or restless that you have been moving around a lot more than usual"
* #44260-8 "Thoughts that you would be better off dead, or of hurting yourself in some way"
* #69722-7 "How difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?"
* #44261-6 "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
// GAD-7
* #69737-5 "Generalized anxiety disorder 7 item (GAD-7)"
* #69725-0 "Feeling nervous, anxious or on edge"
* #68509-9 "Not being able to stop or control worrying"
* #69733-4 "Worrying too much about different things"
* #69734-2 "Trouble relaxing"
* #69735-9 "Being so restless that it is hard to sit still"
* #69689-8 "Becoming easily annoyed or irritable"
* #69736-7 "Feeling afraid as if something awful might happen"
* #70274-6 "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
// PCL-5 (panel and total only: the item codes were not verified)
* #101697-1 "PTSD Checklist for DSM-5 (PCL-5)"
* #101698-9 "PTSD Checklist for DSM-5 (PCL-5) total score"
// AUDIT-C
* #72109-2 "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"
* #68518-0 "How often do you have a drink containing alcohol"
* #68519-8 "How many standard drinks containing alcohol do you have on a typical day"
* #68520-6 "How often do you have six or more drinks on one occasion"
* #75626-2 "Total score [AUDIT-C]"
// Answers
* #LA6568-5 "Not at all"
* #LA6569-3 "Several days"
* #LA6570-1 "More than half the days"
* #LA6571-9 "Nearly every day"
* #LA6572-7 "Not difficult at all"
* #LA6573-5 "Somewhat difficult"
* #LA6575-0 "Very difficult"
* #LA6574-3 "Extremely difficult"
* #LA6270-8 "Never"
* #LA18926-8 "Monthly or less"
* #LA18927-6 "2-4 times a month"
* #LA18928-4 "2-3 times a week"
* #LA18929-2 "4 or more times a week"
* #LA15694-5 "1 or 2"
* #LA15695-2 "3 or 4"
* #LA18930-0 "5 or 6"
* #LA18931-8 "7 to 9"
* #LA18932-6 "10 or more"
* #LA18933-4 "Less than monthly"
* #LA18876-5 "Monthly"
* #LA18891-4 "Weekly"
* #LA18934-2 "Daily or almost daily"
// Document types
* #11506-3 "Progress note"
* #28656-7 "Social worker progress note"
* #11488-4 "Consult note"
* #18776-5 "Plan of care note"
* #18842-5 "Discharge summary"

ValueSet: AssessmentInstrumentVS
Id: assessment-instrument
Title: "IOP Assessment Instrument"
Description: "The standardized instruments shipped as Questionnaires (LOINC panel codes)."
* insert LoincCopyright
* $loinc#44249-1 "PHQ-9 quick depression assessment panel [Reported.PHQ]"
* $loinc#69737-5 "Generalized anxiety disorder 7 item (GAD-7)"
* $loinc#101697-1 "PTSD Checklist for DSM-5 (PCL-5)"
* $loinc#72109-2 "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"

ValueSet: AssessmentScoreVS
Id: assessment-score
Title: "IOP Assessment Score"
Description: "Total scores of the shipped instruments (LOINC): what a Score Observation measures and what a Treatment Goal targets."
* insert LoincCopyright
* $loinc#44261-6 "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
* $loinc#70274-6 "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
* $loinc#101698-9 "PTSD Checklist for DSM-5 (PCL-5) total score"
* $loinc#75626-2 "Total score [AUDIT-C]"

ValueSet: PhqFrequencyVS
Id: phq-frequency
Title: "PHQ-9 / GAD-7 Frequency Answers"
Description: "Answer list of the PHQ-9 items 1-9 and GAD-7 items (LOINC LL358-3): scored 0-3."
* insert LoincCopyright
* $loinc#LA6568-5 "Not at all"
* $loinc#LA6569-3 "Several days"
* $loinc#LA6570-1 "More than half the days"
* $loinc#LA6571-9 "Nearly every day"

ValueSet: PhqDifficultyVS
Id: phq-difficulty
Title: "PHQ-9 Difficulty Answers"
Description: "Answer list of PHQ-9 item 10 (not scored)."
* insert LoincCopyright
* $loinc#LA6572-7 "Not difficult at all"
* $loinc#LA6573-5 "Somewhat difficult"
* $loinc#LA6575-0 "Very difficult"
* $loinc#LA6574-3 "Extremely difficult"

ValueSet: AuditCFrequencyVS
Id: audit-c-frequency
Title: "AUDIT-C Drinking Frequency Answers"
Description: "Answers of AUDIT-C question 1 (LOINC LL2179-1), scored 0-4."
* insert LoincCopyright
* $loinc#LA6270-8 "Never"
* $loinc#LA18926-8 "Monthly or less"
* $loinc#LA18927-6 "2-4 times a month"
* $loinc#LA18928-4 "2-3 times a week"
* $loinc#LA18929-2 "4 or more times a week"

ValueSet: AuditCQuantityVS
Id: audit-c-quantity
Title: "AUDIT-C Typical Quantity Answers"
Description: "Answers of AUDIT-C question 2, scored 0-4."
* insert LoincCopyright
* $loinc#LA15694-5 "1 or 2"
* $loinc#LA15695-2 "3 or 4"
* $loinc#LA18930-0 "5 or 6"
* $loinc#LA18931-8 "7 to 9"
* $loinc#LA18932-6 "10 or more"

ValueSet: AuditCHeavyDrinkingVS
Id: audit-c-heavy-drinking
Title: "AUDIT-C Heavy Drinking Frequency Answers"
Description: "Answers of AUDIT-C question 3, scored 0-4."
* insert LoincCopyright
* $loinc#LA6270-8 "Never"
* $loinc#LA18933-4 "Less than monthly"
* $loinc#LA18876-5 "Monthly"
* $loinc#LA18891-4 "Weekly"
* $loinc#LA18934-2 "Daily or almost daily"

CodeSystem: Icd10CmIopSubset
Id: icd10cm-iop-subset
Title: "ICD-10-CM: IOP subset"
Description: "ICD-10-CM Chapter 5 (F) codes common in IOP/PHP programs, with their category codes as groupers so that is-a and $subsumes work. A fragment of ICD-10-CM (FY2024 titles, some shortened)."
* ^url = "http://hl7.org/fhir/sid/icd-10-cm"
* ^version = "2024"
* ^caseSensitive = true
* ^content = #fragment
* ^hierarchyMeaning = #is-a
* ^copyright = "ICD-10-CM is published by the US National Center for Health Statistics (CDC) and is in the public domain."
* #F10 "Alcohol related disorders"
* #F10 #F10.10 "Alcohol abuse, uncomplicated"
* #F10 #F10.20 "Alcohol dependence, uncomplicated"
* #F10 #F10.21 "Alcohol dependence, in remission"
* #F11 "Opioid related disorders"
* #F11 #F11.10 "Opioid abuse, uncomplicated"
* #F11 #F11.20 "Opioid dependence, uncomplicated"
* #F11 #F11.21 "Opioid dependence, in remission"
* #F12 "Cannabis related disorders"
* #F12 #F12.10 "Cannabis abuse, uncomplicated"
* #F12 #F12.20 "Cannabis dependence, uncomplicated"
* #F14 "Cocaine related disorders"
* #F14 #F14.10 "Cocaine abuse, uncomplicated"
* #F14 #F14.20 "Cocaine dependence, uncomplicated"
* #F15 "Other stimulant related disorders"
* #F15 #F15.20 "Other stimulant dependence, uncomplicated"
* #F19 "Other psychoactive substance related disorders"
* #F19 #F19.20 "Other psychoactive substance dependence, uncomplicated"
* #F20 "Schizophrenia"
* #F20 #F20.9 "Schizophrenia, unspecified"
* #F25 "Schizoaffective disorders"
* #F25 #F25.9 "Schizoaffective disorder, unspecified"
* #F31 "Bipolar disorder"
* #F31 #F31.81 "Bipolar II disorder"
* #F31 #F31.9 "Bipolar disorder, unspecified"
* #F32 "Depressive episode"
* #F32 #F32.0 "Major depressive disorder, single episode, mild"
* #F32 #F32.1 "Major depressive disorder, single episode, moderate"
* #F32 #F32.2 "Major depressive disorder, single episode, severe without psychotic features"
* #F32 #F32.3 "Major depressive disorder, single episode, severe with psychotic features"
* #F32 #F32.9 "Major depressive disorder, single episode, unspecified"
* #F32 #F32.A "Depression, unspecified"
* #F33 "Major depressive disorder, recurrent"
* #F33 #F33.0 "Major depressive disorder, recurrent, mild"
* #F33 #F33.1 "Major depressive disorder, recurrent, moderate"
* #F33 #F33.2 "Major depressive disorder, recurrent severe without psychotic features"
* #F33 #F33.3 "Major depressive disorder, recurrent, severe with psychotic symptoms"
* #F33 #F33.41 "Major depressive disorder, recurrent, in partial remission"
* #F33 #F33.9 "Major depressive disorder, recurrent, unspecified"
* #F34 "Persistent mood [affective] disorders"
* #F34 #F34.1 "Dysthymic disorder"
* #F41 "Other anxiety disorders"
* #F41 #F41.0 "Panic disorder [episodic paroxysmal anxiety]"
* #F41 #F41.1 "Generalized anxiety disorder"
* #F41 #F41.9 "Anxiety disorder, unspecified"
* #F43 "Reaction to severe stress, and adjustment disorders"
* #F43 #F43.1 "Post-traumatic stress disorder (PTSD)"
* #F43 #F43.1 #F43.10 "Post-traumatic stress disorder, unspecified"
* #F43 #F43.1 #F43.11 "Post-traumatic stress disorder, acute"
* #F43 #F43.1 #F43.12 "Post-traumatic stress disorder, chronic"
* #F43 #F43.2 "Adjustment disorders"
* #F43 #F43.2 #F43.20 "Adjustment disorder, unspecified"
* #F43 #F43.2 #F43.21 "Adjustment disorder with depressed mood"
* #F43 #F43.2 #F43.22 "Adjustment disorder with anxiety"
* #F43 #F43.2 #F43.23 "Adjustment disorder with mixed anxiety and depressed mood"
* #F60 "Specific personality disorders"
* #F60 #F60.3 "Borderline personality disorder"
* #F90 "Attention-deficit hyperactivity disorders"
* #F90 #F90.2 "Attention-deficit hyperactivity disorder, combined type"

ValueSet: IopDiagnosisVS
Id: iop-diagnosis
Title: "IOP Diagnosis"
Description: "Mental and behavioral disorders (ICD-10-CM Chapter 5) commonly treated in IOP/PHP programs: the billable codes of the iop-fhir subset (category groupers excluded)."
* ^copyright = "ICD-10-CM is in the public domain."
* $icd10cm#F10.10 "Alcohol abuse, uncomplicated"
* $icd10cm#F10.20 "Alcohol dependence, uncomplicated"
* $icd10cm#F10.21 "Alcohol dependence, in remission"
* $icd10cm#F11.10 "Opioid abuse, uncomplicated"
* $icd10cm#F11.20 "Opioid dependence, uncomplicated"
* $icd10cm#F11.21 "Opioid dependence, in remission"
* $icd10cm#F12.10 "Cannabis abuse, uncomplicated"
* $icd10cm#F12.20 "Cannabis dependence, uncomplicated"
* $icd10cm#F14.10 "Cocaine abuse, uncomplicated"
* $icd10cm#F14.20 "Cocaine dependence, uncomplicated"
* $icd10cm#F15.20 "Other stimulant dependence, uncomplicated"
* $icd10cm#F19.20 "Other psychoactive substance dependence, uncomplicated"
* $icd10cm#F20.9 "Schizophrenia, unspecified"
* $icd10cm#F25.9 "Schizoaffective disorder, unspecified"
* $icd10cm#F31.81 "Bipolar II disorder"
* $icd10cm#F31.9 "Bipolar disorder, unspecified"
* $icd10cm#F32.0 "Major depressive disorder, single episode, mild"
* $icd10cm#F32.1 "Major depressive disorder, single episode, moderate"
* $icd10cm#F32.2 "Major depressive disorder, single episode, severe without psychotic features"
* $icd10cm#F32.3 "Major depressive disorder, single episode, severe with psychotic features"
* $icd10cm#F32.9 "Major depressive disorder, single episode, unspecified"
* $icd10cm#F32.A "Depression, unspecified"
* $icd10cm#F33.0 "Major depressive disorder, recurrent, mild"
* $icd10cm#F33.1 "Major depressive disorder, recurrent, moderate"
* $icd10cm#F33.2 "Major depressive disorder, recurrent severe without psychotic features"
* $icd10cm#F33.3 "Major depressive disorder, recurrent, severe with psychotic symptoms"
* $icd10cm#F33.41 "Major depressive disorder, recurrent, in partial remission"
* $icd10cm#F33.9 "Major depressive disorder, recurrent, unspecified"
* $icd10cm#F34.1 "Dysthymic disorder"
* $icd10cm#F41.0 "Panic disorder [episodic paroxysmal anxiety]"
* $icd10cm#F41.1 "Generalized anxiety disorder"
* $icd10cm#F41.9 "Anxiety disorder, unspecified"
* $icd10cm#F43.10 "Post-traumatic stress disorder, unspecified"
* $icd10cm#F43.11 "Post-traumatic stress disorder, acute"
* $icd10cm#F43.12 "Post-traumatic stress disorder, chronic"
* $icd10cm#F43.20 "Adjustment disorder, unspecified"
* $icd10cm#F43.21 "Adjustment disorder with depressed mood"
* $icd10cm#F43.22 "Adjustment disorder with anxiety"
* $icd10cm#F43.23 "Adjustment disorder with mixed anxiety and depressed mood"
* $icd10cm#F60.3 "Borderline personality disorder"
* $icd10cm#F90.2 "Attention-deficit hyperactivity disorder, combined type"

ValueSet: SudDiagnosisVS
Id: sud-diagnosis
Title: "Substance Use Disorder Diagnosis"
Description: "Substance-related disorders (ICD-10-CM F10-F19 in the iop-fhir subset): a record carrying one of these from a Part 2 program is SUD-sensitive."
* ^copyright = "ICD-10-CM is in the public domain."
* include codes from system $icd10cm where concept is-a #F10
* include codes from system $icd10cm where concept is-a #F11
* include codes from system $icd10cm where concept is-a #F12
* include codes from system $icd10cm where concept is-a #F14
* include codes from system $icd10cm where concept is-a #F15
* include codes from system $icd10cm where concept is-a #F19

ValueSet: SecurityConfidentialityVS
Id: security-confidentiality
Title: "DS4P Confidentiality Labels"
Description: "Confidentiality codes used as security labels (HL7 DS4P): N normal (default), R restricted (any sensitive topic), V very restricted (psychotherapy notes, SUD counseling notes)."
* $confidentiality#N "normal"
* $confidentiality#R "restricted"
* $confidentiality#V "very restricted"

ValueSet: SecuritySensitivityVS
Id: security-sensitivity
Title: "DS4P Sensitivity Labels for Behavioral Health"
Description: "Information-sensitivity codes (v3 ActCode) used to label behavioral-health content."
* $actcode#BH "behavioral health information sensitivity"
* $actcode#MH "mental health information sensitivity"
* $actcode#PSY "psychiatry disorder information sensitivity"
* $actcode#PSYTHPN "psychotherapy note information sensitivity"
* $actcode#SUD "substance use disorder information sensitivity"
* $actcode#ETH "substance abuse information sensitivity"
* $actcode#ETHUD "alcohol use disorder information sensitivity"
* $actcode#OPIOIDUD "opioid use disorder information sensitivity"

ValueSet: SecurityPolicyVS
Id: security-policy
Title: "DS4P Privacy Policy and Obligation Labels"
Description: "Privacy-law and refrain policy codes (v3 ActCode) for 42 CFR Part 2 and HIPAA psychotherapy notes."
* $actcode#42CFRPart2 "42 CFR Part2"
* $actcode#HIPAAPsyNotes "HIPAA psychotherapy notes"
* $actcode#NORDSCLCD "no redisclosure without consent directive"
* $actcode#NODSCLCD "no disclosure without consent directive"

ValueSet: IopSecurityLabelVS
Id: iop-security-label
Title: "IOP Security Labels"
Description: "Every security label the server assigns or honours on IOP data: confidentiality, sensitivity and policy codes (HL7 DS4P)."
* include codes from valueset SecurityConfidentialityVS
* include codes from valueset SecuritySensitivityVS
* include codes from valueset SecurityPolicyVS
