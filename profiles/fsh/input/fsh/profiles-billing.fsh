// Coverage with authorized units, and the institutional claim of IOP/PHP services.

Profile: IopCoverage
Parent: Coverage
Id: iop-coverage
Title: "IOP Coverage"
Description: "A patient's coverage, with the payer class that selects billing rules (Medicare, Medicaid, commercial …) and the payer's authorizations: units of a level of care or service for a period."
* extension contains AuthorizedUnits named authorizedUnits 0..* MS
* obeys iop-cov-1
* status MS
* type 1..1 MS
* type from PayerClassVS (extensible)
* beneficiary MS
* beneficiary only Reference(IopPatient)
* subscriberId MS
* payor MS
* period MS

Invariant: iop-cov-1
Description: "Each authorization states units, unit type, period, and a level of care or a service"
Severity: #error
Expression: "extension.where(url = 'http://iop-fhir.org/fhir/StructureDefinition/authorized-units').all(extension.where(url = 'units').value.ofType(positiveInt).exists() and extension.where(url = 'unitType').value.ofType(code).exists() and extension.where(url = 'period').value.ofType(Period).exists() and (extension.where(url = 'levelOfCare').exists() or extension.where(url = 'service').exists()))"

Profile: IopClaim
Parent: Claim
Id: iop-claim
Title: "IOP Claim"
Description: "The internal model of an institutional (UB-04/837I) claim for IOP or PHP services: type of bill and condition code (92 IOP, 41 PHP) as supporting information, one line per covered service with revenue code, HCPCS/CPT code, modifiers, date and units, each line tied to the attendance encounters it bills. Actual submission is X12 837I."
* type = $claim-type#institutional
* use = #claim
* patient MS
* patient only Reference(IopPatient)
* billablePeriod 1..1 MS
* billablePeriod.start 1..1
* billablePeriod.end 1..1
* provider MS
* insurance MS
* insurance.coverage only Reference(IopCoverage)
* supportingInfo ^slicing.discriminator.type = #pattern
* supportingInfo ^slicing.discriminator.path = "category"
* supportingInfo ^slicing.rules = #open
* supportingInfo ^slicing.description = "Type of bill and condition codes"
* supportingInfo contains typeOfBill 1..1 MS and conditionCode 0..* MS
* supportingInfo[typeOfBill].category = ClaimInformationCategoryCS#type-of-bill
* supportingInfo[typeOfBill].code 1..1
* supportingInfo[typeOfBill].code from TypeOfBillVS (required)
* supportingInfo[conditionCode].category = ClaimInformationCategoryCS#condition-code
* supportingInfo[conditionCode].code 1..1
* supportingInfo[conditionCode].code from ConditionCodeVS (extensible)
* diagnosis 1..* MS
* diagnosis.diagnosis[x] only CodeableConcept
* diagnosis.diagnosisCodeableConcept from IopDiagnosisVS (extensible)
* item 1..* MS
* item.revenue 1..1 MS
* item.revenue from RevenueCodeVS (extensible)
* item.productOrService MS
* item.productOrService from IopBillingCodeVS (extensible)
* item.modifier MS
* item.modifier from BillingModifierVS (extensible)
* item.serviced[x] 1..1 MS
* item.serviced[x] only date
* item.location[x] only CodeableConcept
* item.locationCodeableConcept from PlaceOfServiceVS (extensible)
* item.quantity 1..1 MS
* item.encounter 1..* MS
* item.encounter only Reference(IopSessionAttendance or Encounter)
