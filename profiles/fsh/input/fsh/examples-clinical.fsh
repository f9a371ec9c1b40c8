// Examples: Ana's goal and treatment plan, a PHQ-9 with its score and item-9 risk flag, her group note and a psychotherapy note.

Instance: ana-phq9-goal
InstanceOf: IopTreatmentGoal
Usage: #example
Title: "Goal: PHQ-9 below 10 by 18 April 2025"
* lifecycleStatus = #active
* achievementStatus = $goal-achievement#improving "Improving"
* description.text = "Reduce depressive symptoms to mild or less: PHQ-9 total below 10"
* subject = Reference(ana-rivera)
* startDate = "2025-02-24"
* target[0].measure = $loinc#44261-6 "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
* target[0].detailQuantity.comparator = #<
* target[0].detailQuantity.value = 10
* target[0].detailQuantity.unit = "{score}"
* target[0].detailQuantity.system = $ucum
* target[0].detailQuantity.code = #{score}
* target[0].dueDate = "2025-04-18"
* addresses = Reference(ana-recurrent-depression)

Instance: ana-iop-treatment-plan
InstanceOf: IopTreatmentPlan
Usage: #example
Title: "Ana's IOP treatment plan"
* extension[nextReviewDate].valueDate = "2025-04-21"
* extension[enrollment].valueReference = Reference(ana-iop-enrollment)
* extension[program].valueReference = Reference(adult-mh-iop-am)
* status = #active
* intent = #plan
* category[treatmentPlan] = CarePlanCategoryCS#treatment-plan "IOP/PHP individualized treatment plan"
* title = "Adult MH IOP individualized treatment plan"
* subject = Reference(ana-rivera)
* period.start = "2025-02-24"
* period.end = "2025-04-18"
* author = Reference(dr-okafor)
* addresses = Reference(ana-recurrent-depression)
* goal = Reference(ana-phq9-goal)
* activity[0].detail.kind = #Appointment
* activity[0].detail.code = SessionTypeCS#group-psychotherapy "Group psychotherapy"
* activity[0].detail.status = #in-progress
* activity[0].detail.description = "Group psychotherapy (CBT skills), 3 sessions a day, 3 days a week"
* activity[1].detail.kind = #Appointment
* activity[1].detail.code = SessionTypeCS#medication-management "Medication management"
* activity[1].detail.status = #scheduled
* activity[1].detail.description = "Medication management every 2 weeks"

Instance: ana-phq9-2025-03-03
InstanceOf: IopAssessmentResponse
Usage: #example
Title: "Ana's PHQ-9 on 3 March 2025 (total 12, item 9 endorsed)"
* questionnaire = "http://iop-fhir.org/fhir/Questionnaire/phq-9|0.1.0"
* status = #completed
* subject = Reference(ana-rivera)
* encounter = Reference(ana-attendance-2025-03-03)
* authored = "2025-03-03T08:50:00-06:00"
* author = Reference(ana-rivera)
* source = Reference(ana-rivera)
* insert PhqAnswer(44250-9, LA6570-1, More than half the days)
* insert PhqAnswer(44255-8, LA6570-1, More than half the days)
* insert PhqAnswer(44259-0, LA6569-3, Several days)
* insert PhqAnswer(44254-1, LA6570-1, More than half the days)
* insert PhqAnswer(44251-7, LA6569-3, Several days)
* insert PhqAnswer(44258-2, LA6569-3, Several days)
* insert PhqAnswer(44252-5, LA6569-3, Several days)
* insert PhqAnswer(44253-3, LA6569-3, Several days)
* insert PhqAnswer(44260-8, LA6569-3, Several days)
* item[+].linkId = "44261-6"
* item[=].text = "PHQ-9 total score"
* item[=].answer[0].valueInteger = 12
* insert PhqAnswer(69722-7, LA6573-5, Somewhat difficult)

RuleSet: PhqAnswer(linkId, code, display)
* item[+].linkId = "{linkId}"
* item[=].answer[0].valueCoding = $loinc#{code} "{display}"

Instance: ana-phq9-score-2025-03-03
InstanceOf: IopScoreObservation
Usage: #example
Title: "Ana's PHQ-9 total on 3 March 2025: 12 (moderate)"
* status = #final
* category[survey] = $obs-category#survey "Survey"
* code = $loinc#44261-6 "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
* subject = Reference(ana-rivera)
* encounter = Reference(ana-attendance-2025-03-03)
* effectiveDateTime = "2025-03-03T08:50:00-06:00"
* valueInteger = 12
* interpretation = ScoreSeverityCS#moderate "Moderate"
* derivedFrom = Reference(ana-phq9-2025-03-03)

Instance: ana-item9-flag
InstanceOf: IopRiskFlag
Usage: #example
Title: "Risk flag: PHQ-9 item 9 endorsed on 3 March 2025"
* extension[evidence].valueReference = Reference(ana-phq9-2025-03-03)
* extension[enrollment].valueReference = Reference(ana-iop-enrollment)
* status = #active
* category = $flag-category#safety "Safety"
* code = RiskFlagTypeCS#phq9-item9-positive "PHQ-9 item 9 endorsed"
* subject = Reference(ana-rivera)
* period.start = "2025-03-03T08:55:00-06:00"
* encounter = Reference(ana-attendance-2025-03-03)
* author = Reference(therapist-lee)

Instance: ana-group-note-response-2025-03-03
InstanceOf: IopAssessmentResponse
Usage: #example
Title: "Group-session note template answers for Ana, 3 March 2025"
* questionnaire = "http://iop-fhir.org/fhir/Questionnaire/group-session-note|0.1.0"
* status = #completed
* subject = Reference(ana-rivera)
* encounter = Reference(ana-attendance-2025-03-03)
* authored = "2025-03-03T11:30:00-06:00"
* author = Reference(therapist-lee)
* item[0].linkId = "shared"
* item[0].item[0].linkId = "shared.topic"
* item[0].item[0].answer[0].valueString = "Cognitive restructuring: catching and challenging automatic thoughts"
* item[0].item[1].linkId = "shared.modality"
* item[0].item[1].answer[0].valueCoding = TherapyModalityCS#cbt "Cognitive behavioral therapy"
* item[0].item[2].linkId = "shared.interventions"
* item[0].item[2].answer[0].valueString = "Thought records, guided discovery, homework review"
* item[0].item[3].linkId = "shared.duration"
* item[0].item[3].answer[0].valueInteger = 50
* item[1].linkId = "member"
* item[1].item[0].linkId = "member.attendance"
* item[1].item[0].answer[0].valueCoding = AttendanceStatusCS#late-arrival "Arrived late"
* item[1].item[1].linkId = "member.minutes"
* item[1].item[1].answer[0].valueInteger = 45
* item[1].item[2].linkId = "member.participation"
* item[1].item[2].answer[0].valueCoding = GroupParticipationCS#engaged "Engaged when prompted"
* item[1].item[3].linkId = "member.response"
* item[1].item[3].answer[0].valueCoding = InterventionResponseCS#receptive "Receptive, applied the skills"
* item[1].item[4].linkId = "member.goal-progress"
* item[1].item[4].item[0].linkId = "member.goal-progress.goal"
* item[1].item[4].item[0].answer[0].valueReference = Reference(ana-phq9-goal)
* item[1].item[4].item[1].linkId = "member.goal-progress.status"
* item[1].item[4].item[1].answer[0].valueCoding = $goal-achievement#improving "Improving"
* item[1].item[5].linkId = "member.risk"
* item[1].item[5].item[0].linkId = "member.risk.level"
* item[1].item[5].item[0].answer[0].valueCoding = RiskLevelCS#low "Low"
* item[1].item[5].item[1].linkId = "member.risk.details"
* item[1].item[5].item[1].answer[0].valueString = "PHQ-9 item 9 endorsed (several days); denies plan or intent; safety plan reviewed"

Instance: ana-group-note-2025-03-03
InstanceOf: IopSessionNote
Usage: #example
Title: "Ana's group psychotherapy note, 3 March 2025"
* meta.security[0] = $confidentiality#R "restricted"
* meta.security[1] = $actcode#PSY "psychiatry disorder information sensitivity"
* status = #final
* type = $loinc#11506-3 "Progress note"
* category = NoteKindCS#group-session-note "Group session note"
* subject = Reference(ana-rivera)
* encounter = Reference(ana-attendance-2025-03-03)
* date = "2025-03-03T11:30:00-06:00"
* author = Reference(therapist-lee)
* title = "Group psychotherapy note - 3 March 2025"
* confidentiality = #R
* section[groupSummary].title = "Group summary"
* section[groupSummary].code = NoteSectionCS#group-summary "Group summary"
* section[groupSummary].text.status = #generated
* section[groupSummary].text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Topic: cognitive restructuring. Modality: CBT. Interventions: thought records, guided discovery, homework review. Duration: 50 minutes.</p></div>"
* section[memberSpecific].title = "Member-specific"
* section[memberSpecific].code = NoteSectionCS#member-specific "Member-specific"
* section[memberSpecific].text.status = #generated
* section[memberSpecific].text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Arrived 5 minutes late, attended 45 minutes. Engaged when prompted; completed a thought record on a work situation. Progress toward PHQ-9 goal: improving. Risk: low; PHQ-9 item 9 endorsed (several days), denies plan or intent, safety plan reviewed.</p></div>"
* section[memberSpecific].entry[0] = Reference(ana-group-note-response-2025-03-03)
* section[memberSpecific].entry[1] = Reference(ana-phq9-score-2025-03-03)

Instance: ana-psychotherapy-note-2025-03-03
InstanceOf: IopPsychotherapyNote
Usage: #example
Title: "Therapist's psychotherapy note (very restricted)"
* meta.security[veryRestricted] = $confidentiality#V "very restricted"
* meta.security[psychotherapyNote] = $actcode#PSYTHPN "psychotherapy note information sensitivity"
* status = #current
* type.text = "Psychotherapy note"
* subject = Reference(ana-rivera)
* date = "2025-03-03T12:00:00-06:00"
* author = Reference(therapist-lee)
* content[0].attachment.contentType = #text/plain
* content[0].attachment.data = "UHJvY2VzcyBub3RlcyBrZXB0IGJ5IHRoZSB0aGVyYXBpc3QgKGV4YW1wbGUpLg=="
