// Examples: Ana's Medicare Advantage coverage with an IOP authorization, and the claim for her 3 March 2025 group.

Instance: ana-medicare-advantage
InstanceOf: IopCoverage
Usage: #example
Title: "Ana's Medicare Advantage coverage, 24 IOP days authorized"
* extension[authorizedUnits].extension[authorizationNumber].valueString = "AUTH-2025-0117"
* extension[authorizedUnits].extension[levelOfCare].valueCodeableConcept = MhLevelOfCareCS#mh-iop
* extension[authorizedUnits].extension[service].valueCodeableConcept = $hcpcs#G0410 "Group psychotherapy (not multiple-family), PHP/IOP, 45-50 min"
* extension[authorizedUnits].extension[units].valuePositiveInt = 24
* extension[authorizedUnits].extension[unitType].valueCode = #day
* extension[authorizedUnits].extension[period].valuePeriod.start = "2025-02-24"
* extension[authorizedUnits].extension[period].valuePeriod.end = "2025-04-18"
* status = #active
* type = PayerClassCS#medicare-advantage "Medicare Advantage"
* subscriberId = "EHP-88421907"
* beneficiary = Reference(ana-rivera)
* relationship = http://terminology.hl7.org/CodeSystem/subscriber-relationship#self
* payor = Reference(example-health-plan)
* period.start = "2025-01-01"

Instance: ana-claim-2025-03-03
InstanceOf: IopClaim
Usage: #example
Title: "Institutional IOP claim for Ana's 3 March 2025 group"
* status = #active
* type = $claim-type#institutional
* use = #claim
* patient = Reference(ana-rivera)
* billablePeriod.start = "2025-03-03"
* billablePeriod.end = "2025-03-03"
* created = "2025-03-04"
* provider = Reference(riverbend-bh)
* priority = http://terminology.hl7.org/CodeSystem/processpriority#normal
* supportingInfo[typeOfBill].sequence = 1
* supportingInfo[typeOfBill].category = ClaimInformationCategoryCS#type-of-bill
* supportingInfo[typeOfBill].code = $nubc-tob#0132 "Hospital outpatient, interim first"
* supportingInfo[conditionCode].sequence = 2
* supportingInfo[conditionCode].category = ClaimInformationCategoryCS#condition-code
* supportingInfo[conditionCode].code = $nubc-condition#92 "Intensive outpatient claim"
* diagnosis[0].sequence = 1
* diagnosis[0].diagnosisCodeableConcept = $icd10cm#F33.1 "Major depressive disorder, recurrent, moderate"
* insurance[0].sequence = 1
* insurance[0].focal = true
* insurance[0].coverage = Reference(ana-medicare-advantage)
* insurance[0].preAuthRef = "AUTH-2025-0117"
* item[0].sequence = 1
* item[0].diagnosisSequence = 1
* item[0].revenue = $nubc-revenue#0915 "Behavioral health: group therapy"
* item[0].productOrService = $hcpcs#G0410 "Group psychotherapy (not multiple-family), PHP/IOP, 45-50 min"
* item[0].servicedDate = "2025-03-03"
* item[0].locationCodeableConcept = $pos#22 "On campus-outpatient hospital"
* item[0].quantity.value = 1
* item[0].unitPrice.value = 95.00
* item[0].unitPrice.currency = #USD
* item[0].net.value = 95.00
* item[0].net.currency = #USD
* item[0].encounter = Reference(ana-attendance-2025-03-03)
* total.value = 95.00
* total.currency = #USD
