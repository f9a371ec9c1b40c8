// Documentation vocabularies: kinds of notes, note sections, and the answer lists of the note templates.

CodeSystem: NoteKindCS
Id: note-kind
Title: "IOP Note Kind"
Description: "Kinds of clinical notes (and the templates that produce them)."
* ^caseSensitive = true
* ^content = #complete
* #group-session-note "Group session note" "Per-member note of a group session: shared group summary and member-specific section."
* #individual-therapy-note "Individual therapy note"
* #family-session-note "Family session note"
* #psychiatric-evaluation "Psychiatric evaluation"
* #medication-management-note "Medication management note"
* #treatment-plan-review "Treatment plan review"
* #crisis-note "Crisis intervention note"
* #discharge-summary "Discharge summary"

ValueSet: NoteKindVS
Id: note-kind
Title: "IOP Note Kind"
Description: "All note kinds."
* include codes from system NoteKindCS

CodeSystem: NoteSectionCS
Id: note-section
Title: "IOP Note Section"
Description: "Sections of IOP session notes."
* ^caseSensitive = true
* ^content = #complete
* #group-summary "Group summary" "Shared part of a group note: topic, modality, interventions, duration. Never names other members."
* #member-specific "Member-specific" "This member's attendance, participation, response, progress toward goals and risk."
* #session-content "Session content"
* #mental-status "Mental status examination"
* #risk-assessment "Risk assessment"
* #assessment "Assessment / formulation"
* #plan "Plan"
* #medications "Medications"

ValueSet: NoteSectionVS
Id: note-section
Title: "IOP Note Section"
Description: "All note sections."
* include codes from system NoteSectionCS

ValueSet: ClinicalNoteTypeVS
Id: clinical-note-type
Title: "IOP Clinical Note Type"
Description: "LOINC document types of IOP notes (Composition.type)."
* $loinc#11506-3 "Progress note"
* $loinc#28656-7 "Social worker progress note"
* $loinc#11488-4 "Consult note"
* $loinc#18776-5 "Plan of care note"
* $loinc#18842-5 "Discharge summary"

CodeSystem: TherapyModalityCS
Id: therapy-modality
Title: "Therapy Modality"
Description: "Therapeutic approaches used in a session."
* ^caseSensitive = true
* ^content = #complete
* #cbt "Cognitive behavioral therapy"
* #dbt "Dialectical behavior therapy skills"
* #act "Acceptance and commitment therapy"
* #mi "Motivational interviewing"
* #relapse-prevention "Relapse prevention"
* #psychoeducation "Psychoeducation"
* #mindfulness "Mindfulness"
* #ipt "Interpersonal therapy"
* #solution-focused "Solution-focused therapy"
* #trauma-informed "Trauma-informed skills"
* #twelve-step-facilitation "Twelve-step facilitation"
* #supportive "Supportive therapy"
* #process-group "Process group"
* #expressive "Expressive / activity-based therapy"

ValueSet: TherapyModalityVS
Id: therapy-modality
Title: "Therapy Modality"
Description: "All therapy modalities."
* include codes from system TherapyModalityCS

CodeSystem: GroupParticipationCS
Id: group-participation
Title: "Group Participation"
Description: "How a member took part in a group session."
* ^caseSensitive = true
* ^content = #complete
* #active "Active: initiated and responded"
* #engaged "Engaged when prompted"
* #minimal "Minimal participation"
* #withdrawn "Withdrawn / did not participate"
* #disruptive "Disruptive"

ValueSet: GroupParticipationVS
Id: group-participation
Title: "Group Participation"
Description: "All participation levels."
* include codes from system GroupParticipationCS

CodeSystem: InterventionResponseCS
Id: intervention-response
Title: "Response to Intervention"
Description: "How the patient responded to the session's interventions."
* ^caseSensitive = true
* ^content = #complete
* #receptive "Receptive, applied the skills"
* #partially-receptive "Partially receptive"
* #ambivalent "Ambivalent"
* #resistant "Resistant"
* #unable "Unable to engage (symptoms, intoxication)"

ValueSet: InterventionResponseVS
Id: intervention-response
Title: "Response to Intervention"
Description: "All responses to interventions."
* include codes from system InterventionResponseCS

ValueSet: GoalProgressVS
Id: goal-progress
Title: "Progress Toward Goal"
Description: "Progress toward a treatment goal, from the FHIR goal-achievement code system."
* $goal-achievement#in-progress "In Progress"
* $goal-achievement#improving "Improving"
* $goal-achievement#worsening "Worsening"
* $goal-achievement#no-change "No Change"
* $goal-achievement#achieved "Achieved"
* $goal-achievement#sustaining "Sustaining"
* $goal-achievement#not-achieved "Not Achieved"

CodeSystem: PlanReviewDecisionCS
Id: plan-review-decision
Title: "Treatment Plan Review Decision"
Description: "Outcome of a treatment-plan review."
* ^caseSensitive = true
* ^content = #complete
* #continue "Continue the plan at the current level of care"
* #modify "Modify the plan at the current level of care"
* #step-down "Step down to a lower level of care"
* #step-up "Step up to a higher level of care"
* #discharge "Discharge"

ValueSet: PlanReviewDecisionVS
Id: plan-review-decision
Title: "Treatment Plan Review Decision"
Description: "All plan-review decisions."
* include codes from system PlanReviewDecisionCS

CodeSystem: MedicationAdherenceCS
Id: medication-adherence
Title: "Medication Adherence"
Description: "Reported adherence to the prescribed regimen since the last visit."
* ^caseSensitive = true
* ^content = #complete
* #full "Taking as prescribed"
* #partial "Missing some doses"
* #poor "Missing most doses"
* #stopped "Stopped taking"
* #not-applicable "No current medication"

ValueSet: MedicationAdherenceVS
Id: medication-adherence
Title: "Medication Adherence"
Description: "All adherence levels."
* include codes from system MedicationAdherenceCS

CodeSystem: ScoreSeverityCS
Id: score-severity
Title: "Score Severity Band"
Description: "Severity bands of instrument totals: PHQ-9 0-4 none/minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe; GAD-7 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; AUDIT-C and PCL-5 positive/negative screens."
* ^caseSensitive = true
* ^content = #complete
* #none-minimal "None or minimal"
* #mild "Mild"
* #moderate "Moderate"
* #moderately-severe "Moderately severe"
* #severe "Severe"
* #positive-screen "Positive screen" "At or above the instrument's screening cut-point."
* #negative-screen "Negative screen"

ValueSet: ScoreSeverityVS
Id: score-severity
Title: "Score Severity Band"
Description: "All severity bands."
* include codes from system ScoreSeverityCS

CodeSystem: Pcl5ResponseCS
Id: pcl5-response
Title: "PCL-5 Response"
Description: "The five PCL-5 answer choices (0-4). Local codes, because the LOINC answer codes of the PCL-5 items were not verified."
* ^caseSensitive = true
* ^content = #complete
* #0 "Not at all"
* #1 "A little bit"
* #2 "Moderately"
* #3 "Quite a bit"
* #4 "Extremely"

ValueSet: Pcl5ResponseVS
Id: pcl5-response
Title: "PCL-5 Response"
Description: "PCL-5 answer choices."
* include codes from system Pcl5ResponseCS
