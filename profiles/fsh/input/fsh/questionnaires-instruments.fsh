// Standardized instruments as SDC Questionnaires, with ordinalValue scores on every scored answer and the total as a
// calculatedExpression. Totals are only calculated when every scored item is answered (no silent under-scoring);
// the server's scoring rules decide what to do with incomplete forms.
// Sources: PHQ-9 and GAD-7 wording and LOINC codes from the LHC-Forms PHQ-9 (LHNCBC/lforms) and the HL7 Personal
// Health Record IG (../shared/data/questionnaires), ordinalValue added where the source lacked it; PCL-5 from the
// public-domain VA National Center for PTSD form; AUDIT-C LOINC answer lists LL2179-1 and the AUDIT-C items.

RuleSet: InstrumentMetadata(id, name)
* url = "http://iop-fhir.org/fhir/Questionnaire/{id}"
* version = "0.1.0"
* name = "{name}"
* status = #active
* subjectType = #Patient
* publisher = "iop-fhir project"
* date = "2025-01-01"

RuleSet: ScoredOption(system, code, display, score)
* item[=].answerOption[+].valueCoding = {system}#{code} "{display}"
* item[=].answerOption[=].extension[0].url = $ordinal
* item[=].answerOption[=].extension[0].valueDecimal = {score}

RuleSet: PhqFrequencyOptions
* insert ScoredOption($loinc, LA6568-5, Not at all, 0)
* insert ScoredOption($loinc, LA6569-3, Several days, 1)
* insert ScoredOption($loinc, LA6570-1, More than half the days, 2)
* insert ScoredOption($loinc, LA6571-9, Nearly every day, 3)

RuleSet: ScoredLoincItem(code)
* item[+].linkId = "{code}"
* item[=].code = $loinc#{code}
* item[=].type = #choice
* item[=].required = true

RuleSet: TotalScoreItem(code, text)
* item[+].linkId = "{code}"
* item[=].code = $loinc#{code}
* item[=].text = "{text}"
* item[=].type = #integer
* item[=].readOnly = true

RuleSet: Instructions(linkId, text)
* item[+].linkId = "{linkId}"
* item[=].type = #display
* item[=].text = "{text}"

Instance: phq-9
InstanceOf: IopAssessmentQuestionnaire
Usage: #definition
Title: "Patient Health Questionnaire-9 (PHQ-9)"
* insert InstrumentMetadata(phq-9, PHQ9)
* title = "Patient Health Questionnaire-9 (PHQ-9)"
* description = "Depression severity, 9 scored items (0-3 each, total 0-27: 0-4 none/minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe) and an unscored difficulty item. Any answer other than 'Not at all' to item 9 requires a same-day clinician risk assessment."
* code = $loinc#44249-1 "PHQ-9 quick depression assessment panel [Reported.PHQ]"
* copyright = "PHQ-9: Copyright (c) Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute. LOINC codes: see http://loinc.org/license."
* extension[0].url = $variable
* extension[0].valueExpression.name = "scored"
* extension[0].valueExpression.language = #text/fhirpath
* extension[0].valueExpression.expression = "%resource.item.where(linkId in ('44250-9' | '44255-8' | '44259-0' | '44254-1' | '44251-7' | '44258-2' | '44252-5' | '44253-3' | '44260-8')).answer.value"
* insert Instructions(instructions, Over the last 2 weeks\, how often have you been bothered by any of the following problems?)
* insert ScoredLoincItem(44250-9)
* item[=].text = "Little interest or pleasure in doing things"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44255-8)
* item[=].text = "Feeling down, depressed, or hopeless"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44259-0)
* item[=].text = "Trouble falling or staying asleep, or sleeping too much"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44254-1)
* item[=].text = "Feeling tired or having little energy"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44251-7)
* item[=].text = "Poor appetite or overeating"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44258-2)
* item[=].text = "Feeling bad about yourself - or that you are a failure or have let yourself or your family down"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44252-5)
* item[=].text = "Trouble concentrating on things, such as reading the newspaper or watching television"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44253-3)
* item[=].text = "Moving or speaking so slowly that other people could have noticed. Or the opposite - being so fidgety or restless that you have been moving around a lot more than usual"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(44260-8)
* item[=].text = "Thoughts that you would be better off dead, or of hurting yourself in some way"
* insert PhqFrequencyOptions
* insert TotalScoreItem(44261-6, PHQ-9 total score)
* item[=].extension[0].url = $calculated
* item[=].extension[0].valueExpression.description = "Sum of items 1-9 (0-3 each); empty unless all nine are answered"
* item[=].extension[0].valueExpression.language = #text/fhirpath
* item[=].extension[0].valueExpression.expression = "iif(%scored.count() = 9, %scored.where(code = 'LA6569-3').count() + 2 * %scored.where(code = 'LA6570-1').count() + 3 * %scored.where(code = 'LA6571-9').count(), {})"
* item[+].linkId = "69722-7"
* item[=].code = $loinc#69722-7
* item[=].text = "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?"
* item[=].type = #choice
* item[=].required = false
* item[=].answerOption[0].valueCoding = $loinc#LA6572-7 "Not difficult at all"
* item[=].answerOption[1].valueCoding = $loinc#LA6573-5 "Somewhat difficult"
* item[=].answerOption[2].valueCoding = $loinc#LA6575-0 "Very difficult"
* item[=].answerOption[3].valueCoding = $loinc#LA6574-3 "Extremely difficult"

Instance: gad-7
InstanceOf: IopAssessmentQuestionnaire
Usage: #definition
Title: "Generalized Anxiety Disorder-7 (GAD-7)"
* insert InstrumentMetadata(gad-7, GAD7)
* title = "Generalized Anxiety Disorder-7 (GAD-7)"
* description = "Anxiety severity, 7 items (0-3 each, total 0-21: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe; 10 or more warrants further evaluation)."
* code = $loinc#69737-5 "Generalized anxiety disorder 7 item (GAD-7)"
* copyright = "GAD-7: Copyright (c) Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute. LOINC codes: see http://loinc.org/license."
* extension[0].url = $variable
* extension[0].valueExpression.name = "scored"
* extension[0].valueExpression.language = #text/fhirpath
* extension[0].valueExpression.expression = "%resource.item.where(linkId in ('69725-0' | '68509-9' | '69733-4' | '69734-2' | '69735-9' | '69689-8' | '69736-7')).answer.value"
* insert Instructions(instructions, Over the last 2 weeks\, how often have you been bothered by the following problems?)
* insert ScoredLoincItem(69725-0)
* item[=].text = "Feeling nervous, anxious or on edge"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(68509-9)
* item[=].text = "Not being able to stop or control worrying"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(69733-4)
* item[=].text = "Worrying too much about different things"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(69734-2)
* item[=].text = "Trouble relaxing"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(69735-9)
* item[=].text = "Being so restless that it is hard to sit still"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(69689-8)
* item[=].text = "Becoming easily annoyed or irritable"
* insert PhqFrequencyOptions
* insert ScoredLoincItem(69736-7)
* item[=].text = "Feeling afraid as if something awful might happen"
* insert PhqFrequencyOptions
* insert TotalScoreItem(70274-6, GAD-7 total score)
* item[=].extension[0].url = $calculated
* item[=].extension[0].valueExpression.description = "Sum of the 7 items (0-3 each); empty unless all seven are answered"
* item[=].extension[0].valueExpression.language = #text/fhirpath
* item[=].extension[0].valueExpression.expression = "iif(%scored.count() = 7, %scored.where(code = 'LA6569-3').count() + 2 * %scored.where(code = 'LA6570-1').count() + 3 * %scored.where(code = 'LA6571-9').count(), {})"

RuleSet: Pcl5Item(number, text)
* item[+].linkId = "pcl5-{number}"
* item[=].prefix = "{number}."
* item[=].text = "{text}"
* item[=].type = #choice
* item[=].required = true
* insert ScoredOption(Pcl5ResponseCS, 0, Not at all, 0)
* insert ScoredOption(Pcl5ResponseCS, 1, A little bit, 1)
* insert ScoredOption(Pcl5ResponseCS, 2, Moderately, 2)
* insert ScoredOption(Pcl5ResponseCS, 3, Quite a bit, 3)
* insert ScoredOption(Pcl5ResponseCS, 4, Extremely, 4)

Instance: pcl-5
InstanceOf: IopAssessmentQuestionnaire
Usage: #definition
Title: "PTSD Checklist for DSM-5 (PCL-5)"
* insert InstrumentMetadata(pcl-5, PCL5)
* title = "PTSD Checklist for DSM-5 (PCL-5)"
* description = "PTSD symptom severity over the past month, 20 items (0-4 each, total 0-80). A 5-10 point change is reliable, 10-20 points clinically significant. Item answers use local codes (pcl5-response); the LOINC item codes were not verified."
* code = $loinc#101697-1 "PTSD Checklist for DSM-5 (PCL-5)"
* copyright = "PCL-5: Weathers, Litz, Keane, Palmieri, Marx and Schnurr (2013), National Center for PTSD, US Department of Veterans Affairs. Public domain."
* extension[0].url = $variable
* extension[0].valueExpression.name = "scored"
* extension[0].valueExpression.language = #text/fhirpath
* extension[0].valueExpression.expression = "%resource.item.where(linkId.startsWith('pcl5-')).answer.value"
* insert Instructions(instructions, Below is a list of problems that people sometimes have in response to a very stressful experience. Please read each problem carefully and then indicate how much you have been bothered by that problem in the past month. In the past month\, how much were you bothered by:)
* insert Pcl5Item(1, Repeated\, disturbing\, and unwanted memories of the stressful experience?)
* insert Pcl5Item(2, Repeated\, disturbing dreams of the stressful experience?)
* insert Pcl5Item(3, Suddenly feeling or acting as if the stressful experience were actually happening again [as if you were actually back there reliving it]?)
* insert Pcl5Item(4, Feeling very upset when something reminded you of the stressful experience?)
* insert Pcl5Item(5, Having strong physical reactions when something reminded you of the stressful experience [for example\, heart pounding\, trouble breathing\, sweating]?)
* insert Pcl5Item(6, Avoiding memories\, thoughts\, or feelings related to the stressful experience?)
* insert Pcl5Item(7, Avoiding external reminders of the stressful experience [for example\, people\, places\, conversations\, activities\, objects\, or situations]?)
* insert Pcl5Item(8, Trouble remembering important parts of the stressful experience?)
* insert Pcl5Item(9, Having strong negative beliefs about yourself\, other people\, or the world [for example\, having thoughts such as: I am bad\, there is something seriously wrong with me\, no one can be trusted\, the world is completely dangerous]?)
* insert Pcl5Item(10, Blaming yourself or someone else for the stressful experience or what happened after it?)
* insert Pcl5Item(11, Having strong negative feelings such as fear\, horror\, anger\, guilt\, or shame?)
* insert Pcl5Item(12, Loss of interest in activities that you used to enjoy?)
* insert Pcl5Item(13, Feeling distant or cut off from other people?)
* insert Pcl5Item(14, Trouble experiencing positive feelings [for example\, being unable to feel happiness or have loving feelings for people close to you]?)
* insert Pcl5Item(15, Irritable behavior\, angry outbursts\, or acting aggressively?)
* insert Pcl5Item(16, Taking too many risks or doing things that could cause you harm?)
* insert Pcl5Item(17, Being 'superalert' or watchful or on guard?)
* insert Pcl5Item(18, Feeling jumpy or easily startled?)
* insert Pcl5Item(19, Having difficulty concentrating?)
* insert Pcl5Item(20, Trouble falling or staying asleep?)
* insert TotalScoreItem(101698-9, PCL-5 total score)
* item[=].extension[0].url = $calculated
* item[=].extension[0].valueExpression.description = "Sum of the 20 items (0-4 each); empty unless all twenty are answered"
* item[=].extension[0].valueExpression.language = #text/fhirpath
* item[=].extension[0].valueExpression.expression = "iif(%scored.count() = 20, %scored.where(code = '1').count() + 2 * %scored.where(code = '2').count() + 3 * %scored.where(code = '3').count() + 4 * %scored.where(code = '4').count(), {})"

Instance: audit-c
InstanceOf: IopAssessmentQuestionnaire
Usage: #definition
Title: "Alcohol Use Disorders Identification Test - Consumption (AUDIT-C)"
* insert InstrumentMetadata(audit-c, AUDITC)
* title = "Alcohol Use Disorders Identification Test - Consumption (AUDIT-C)"
* description = "Alcohol consumption screen, 3 items (0-4 each, total 0-12). Positive at 4 or more for men, 3 or more for women; when all points come from question 1, drinking is likely below recommended limits."
* code = $loinc#72109-2 "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"
* copyright = "AUDIT-C is the first three questions of the AUDIT (Babor, Higgins-Biddle, Saunders and Monteiro, World Health Organization, 2001), as adapted by the US Department of Veterans Affairs. The WHO AUDIT is widely reproduced without fee; check the WHO terms before commercial distribution. LOINC codes: see http://loinc.org/license."
* extension[0].url = $variable
* extension[0].valueExpression.name = "scored"
* extension[0].valueExpression.language = #text/fhirpath
* extension[0].valueExpression.expression = "%resource.item.where(linkId in ('68518-0' | '68519-8' | '68520-6')).answer.value"
* insert ScoredLoincItem(68518-0)
* item[=].text = "How often do you have a drink containing alcohol?"
* insert ScoredOption($loinc, LA6270-8, Never, 0)
* insert ScoredOption($loinc, LA18926-8, Monthly or less, 1)
* insert ScoredOption($loinc, LA18927-6, 2-4 times a month, 2)
* insert ScoredOption($loinc, LA18928-4, 2-3 times a week, 3)
* insert ScoredOption($loinc, LA18929-2, 4 or more times a week, 4)
* insert ScoredLoincItem(68519-8)
* item[=].text = "How many standard drinks containing alcohol do you have on a typical day?"
* insert ScoredOption($loinc, LA15694-5, 1 or 2, 0)
* insert ScoredOption($loinc, LA15695-2, 3 or 4, 1)
* insert ScoredOption($loinc, LA18930-0, 5 or 6, 2)
* insert ScoredOption($loinc, LA18931-8, 7 to 9, 3)
* insert ScoredOption($loinc, LA18932-6, 10 or more, 4)
* insert ScoredLoincItem(68520-6)
* item[=].text = "How often do you have six or more drinks on one occasion?"
* insert ScoredOption($loinc, LA6270-8, Never, 0)
* insert ScoredOption($loinc, LA18933-4, Less than monthly, 1)
* insert ScoredOption($loinc, LA18876-5, Monthly, 2)
* insert ScoredOption($loinc, LA18891-4, Weekly, 3)
* insert ScoredOption($loinc, LA18934-2, Daily or almost daily, 4)
* insert TotalScoreItem(75626-2, AUDIT-C total score)
* item[=].extension[0].url = $calculated
* item[=].extension[0].valueExpression.description = "Sum of the 3 items (0-4 each); empty unless all three are answered"
* item[=].extension[0].valueExpression.language = #text/fhirpath
* item[=].extension[0].valueExpression.expression = "iif(%scored.count() = 3, %scored.where(code = 'LA18926-8' or code = 'LA15695-2' or code = 'LA18933-4').count() + 2 * %scored.where(code = 'LA18927-6' or code = 'LA18930-0' or code = 'LA18876-5').count() + 3 * %scored.where(code = 'LA18928-4' or code = 'LA18931-8' or code = 'LA18891-4').count() + 4 * %scored.where(code = 'LA18929-2' or code = 'LA18932-6' or code = 'LA18934-2').count(), {})"
