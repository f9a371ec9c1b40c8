// The program measures $outcome-report returns as MeasureReports (MeasureReport.measure is the Measure's url).
// Computed by server/src/domain/program-measures.ts; each population's criteria is stated in plain words.

RuleSet: ProgramMeasure(id, name, title)
* url = "http://iop-fhir.org/fhir/Measure/{id}"
* version = "0.1.0"
* name = "{name}"
* title = "{title}"
* status = #active
* publisher = "iop-fhir project"
* scoring = http://terminology.hl7.org/CodeSystem/measure-scoring#proportion
* improvementNotation = http://terminology.hl7.org/CodeSystem/measure-improvement-notation#increase

RuleSet: Population(code, criteria)
* group[0].population[+].code = http://terminology.hl7.org/CodeSystem/measure-population#{code}
* group[0].population[=].criteria.language = #text/plain
* group[0].population[=].criteria.description = "{criteria}"

Instance: iop-measurement-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-measurement-rate, IopMeasurementRate, Measurement rate)
* description = "Share of the program's patients in the period who were measured with the instrument (PHQ-9 by default) at least once."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Patients with an episode overlapping the period)
* insert Population(numerator, Patients with at least one score of the instrument in the period)

Instance: iop-response-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-response-rate, IopResponseRate, Response rate)
* description = "Share of patients with an elevated baseline whose latest score dropped by at least 50 %."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Patients with an elevated baseline and a later score)
* insert Population(numerator, Patients whose latest score is at least 50 % below baseline)

Instance: iop-remission-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-remission-rate, IopRemissionRate, Remission rate)
* description = "Share of patients with an elevated baseline whose latest score is below the remission threshold (PHQ-9 < 5)."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Patients with an elevated baseline and a later score)
* insert Population(numerator, Patients whose latest score is below the remission threshold)

Instance: iop-attendance-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-attendance-rate, IopAttendanceRate, Attendance rate)
* description = "Sessions attended out of sessions held for the program's patients in the period."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Patient sessions held in the period - attended or missed)
* insert Population(numerator, Patient sessions attended - present or late or left early)

Instance: iop-completion-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-completion-rate, IopCompletionRate, Completion rate)
* description = "Share of episodes ended in the period that ended by completing the program or stepping down to a lower level of care."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Episodes ended in the period)
* insert Population(numerator, Episodes ended by completion or step-down)

Instance: iop-step-down-rate
InstanceOf: Measure
Usage: #definition
* insert ProgramMeasure(iop-step-down-rate, IopStepDownRate, Step-down rate)
* description = "Share of episodes ended in the period that ended by stepping down to a lower level of care."
* insert Population(initial-population, Episodes of the program overlapping the period)
* insert Population(denominator, Episodes ended in the period)
* insert Population(numerator, Episodes ended by step-down)
