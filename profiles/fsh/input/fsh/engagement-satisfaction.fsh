// Patient satisfaction (issue 15 item 4): the MHSIP Adult Consumer Survey's 28 perception-of-care items as an SDC
// Questionnaire the portal offers at discharge; $outcome-report scores it (domain/satisfaction-score.ts). Licence:
// terminology/LICENSES.md. See docs/engagement.md "Satisfaction and goal attainment".

CodeSystem: PatientExperienceCS
Id: patient-experience
Title: "Patient experience"
Description: "iop-fhir's codes for patient-experience surveys: the instrument, its agreement scale and its MHSIP domains. Written for iop-fhir (CC0)."
* ^caseSensitive = true
* ^content = #complete
* #mhsip-adult "MHSIP Adult Consumer Survey (perception of care)"
* #strongly-agree "Strongly agree"
* #agree "Agree"
* #neutral "I am neutral"
* #disagree "Disagree"
* #strongly-disagree "Strongly disagree"
* #not-applicable "Does not apply to me"
* #general-satisfaction "General satisfaction (items 1-3)"
* #access "Access (items 4-9)"
* #quality "Quality and appropriateness (items 10-20)"
* #outcomes "Outcomes (items 21-28)"

ValueSet: PatientExperienceVS
Id: patient-experience
Title: "Patient experience"
Description: "All patient-experience codes."
* include codes from system PatientExperienceCS

RuleSet: AgreementOptions
* insert ScoredOption(PatientExperienceCS, strongly-agree, Strongly agree, 1)
* insert ScoredOption(PatientExperienceCS, agree, Agree, 2)
* insert ScoredOption(PatientExperienceCS, neutral, I am neutral, 3)
* insert ScoredOption(PatientExperienceCS, disagree, Disagree, 4)
* insert ScoredOption(PatientExperienceCS, strongly-disagree, Strongly disagree, 5)
* item[=].answerOption[+].valueCoding = PatientExperienceCS#not-applicable "Does not apply to me"

Instance: mhsip-satisfaction
InstanceOf: IopAssessmentQuestionnaire
Usage: #definition
Title: "How was your care? (MHSIP Adult Consumer Survey)"
* insert InstrumentMetadata(mhsip-satisfaction, MhsipSatisfaction)
* title = "How was your care? (MHSIP Adult Consumer Survey)"
* description = "The 28 perception-of-care items of the Mental Health Statistics Improvement Program (MHSIP) Adult Consumer Survey, answered on a 5-point agreement scale (1 strongly agree ... 5 strongly disagree, or does not apply). Domains: general satisfaction 1-3, access 4-9, quality and appropriateness 10-20, outcomes 21-28. A domain is scored as the mean of its answered items when at least two thirds are answered; a mean below 2.5 is a positive perception. The portal offers it at discharge."
* code = PatientExperienceCS#mhsip-adult "MHSIP Adult Consumer Survey (perception of care)"
* copyright = "MHSIP Consumer Survey: developed by the Mental Health Statistics Improvement Program with the Center for Mental Health Services (SAMHSA), U.S. federal funding; used without fee by state mental health authorities. Treated here as public domain: see terminology/LICENSES.md for what was and was not verified."
* insert Instructions(instructions, Please tell us how much you agree or disagree with each statement about the services you received in this program.)
* item[+].linkId = "mhsip-1"
* item[=].text = "I like the services that I received here."
* item[=].type = #choice
* item[=].required = true
* insert AgreementOptions
* item[+].linkId = "mhsip-2"
* item[=].text = "If I had other choices, I would still get services from this agency."
* item[=].type = #choice
* item[=].required = true
* insert AgreementOptions
* item[+].linkId = "mhsip-3"
* item[=].text = "I would recommend this agency to a friend or family member."
* item[=].type = #choice
* item[=].required = true
* insert AgreementOptions
* item[+].linkId = "mhsip-4"
* item[=].text = "The location of services was convenient (parking, public transportation, distance, etc.)."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-5"
* item[=].text = "Staff were willing to see me as often as I felt it was necessary."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-6"
* item[=].text = "Staff returned my call in 24 hours."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-7"
* item[=].text = "Services were available at times that were good for me."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-8"
* item[=].text = "I was able to get all the services I thought I needed."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-9"
* item[=].text = "I was able to see a psychiatrist when I wanted to."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-10"
* item[=].text = "Staff here believe that I can grow, change and recover."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-11"
* item[=].text = "I felt comfortable asking questions about my treatment and medication."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-12"
* item[=].text = "I felt free to complain."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-13"
* item[=].text = "I was given information about my rights."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-14"
* item[=].text = "Staff encouraged me to take responsibility for how I live my life."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-15"
* item[=].text = "Staff told me what side effects to watch out for."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-16"
* item[=].text = "Staff respected my wishes about who is and who is not to be given information about my treatment."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-17"
* item[=].text = "I, not staff, decided my treatment goals."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-18"
* item[=].text = "Staff were sensitive to my cultural background (race, religion, language, etc.)."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-19"
* item[=].text = "Staff helped me obtain the information I needed so that I could take charge of managing my illness."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-20"
* item[=].text = "I was encouraged to use consumer-run programs (support groups, drop-in centers, crisis phone line, etc.)."
* item[=].type = #choice
* insert AgreementOptions
* insert Instructions(outcomes-intro, As a direct result of the services I received:)
* item[+].linkId = "mhsip-21"
* item[=].text = "I deal more effectively with daily problems."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-22"
* item[=].text = "I am better able to control my life."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-23"
* item[=].text = "I am better able to deal with crisis."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-24"
* item[=].text = "I am getting along better with my family."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-25"
* item[=].text = "I do better in social situations."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-26"
* item[=].text = "I do better in school and/or work."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-27"
* item[=].text = "My housing situation has improved."
* item[=].type = #choice
* insert AgreementOptions
* item[+].linkId = "mhsip-28"
* item[=].text = "My symptoms are not bothering me as much."
* item[=].type = #choice
* insert AgreementOptions

Instance: iop-satisfaction-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-satisfaction-rate, IopSatisfactionRate, Satisfaction rate)
* description = "Share of respondents to the MHSIP satisfaction survey (Questionnaire mhsip-satisfaction) in the period whose general satisfaction (items 1-3) is positive: mean below 2.5 on the 1 (strongly agree) to 5 (strongly disagree) scale. The latest survey of an episode counts; it belongs to the episode it was answered in, or up to 30 days after its end."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Episodes with a survey answered in the period whose general satisfaction could be scored)
* insert Population(numerator, Those with a mean general satisfaction below 2.5)

Instance: iop-goal-attainment-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-goal-attainment-rate, IopGoalAttainmentRate, Goal attainment rate)
* description = "Treatment goals achieved of goals due in the period. A goal (Goal of the patient started during the episode) is due on its earliest target due date, or at the end of its episode if that comes first (a discharge makes its open goals due; a step-down or step-up carries them into the next level of care); achieved means achievementStatus achieved or sustaining."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Goals of the program's episodes due in the period)
* insert Population(numerator, Goals due in the period that were achieved)
