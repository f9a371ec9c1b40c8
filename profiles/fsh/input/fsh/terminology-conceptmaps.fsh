// ConceptMaps: edition changes as data, and the RuleSets every map uses. The billing rules are in
// terminology-billing-maps.fsh (their vocabulary in terminology-billing-rules.fsh).

RuleSet: ConceptMapMetadata(id, name, title)
* url = "http://iop-fhir.org/fhir/ConceptMap/{id}"
* version = "0.1.0"
* name = "{name}"
* title = "{title}"
* status = #active
* publisher = "iop-fhir project"

RuleSet: Map(source, target, equivalence)
* group[=].element[+].code = {source}
* group[=].element[=].target[+].code = {target}
* group[=].element[=].target[=].equivalence = {equivalence}

RuleSet: MapWithComment(source, target, equivalence, comment)
* group[=].element[+].code = {source}
* group[=].element[=].target[+].code = {target}
* group[=].element[=].target[=].equivalence = #{equivalence}
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: AlsoMap(target, equivalence, comment)
* group[=].element[=].target[+].code = {target}
* group[=].element[=].target[=].equivalence = #{equivalence}
* group[=].element[=].target[=].comment = "{comment}"

RuleSet: NoMap(source, comment)
* group[=].element[+].code = {source}
* group[=].element[=].target[+].equivalence = #unmatched
* group[=].element[=].target[=].comment = "{comment}"

Instance: asam-3-to-4
InstanceOf: ConceptMap
Usage: #definition
Title: "ASAM level of care, 3rd to 4th edition"
Description: "Maps ASAM Criteria 3rd edition levels to 4th edition levels: 2.5 partial hospitalization is 2.5 high-intensity outpatient; 3.3 goes away (3.1 or 3.5); withdrawal management is folded into the levels."
* insert ConceptMapMetadata(asam-3-to-4, Asam3To4, ASAM level of care 3rd to 4th edition)
* description = "Maps ASAM Criteria 3rd edition levels to 4th edition levels: 2.5 partial hospitalization is 2.5 high-intensity outpatient; 3.3 goes away (3.1 or 3.5); withdrawal management is folded into the levels."
* sourceCanonical = "http://iop-fhir.org/fhir/ValueSet/asam-level-of-care-3"
* targetCanonical = "http://iop-fhir.org/fhir/ValueSet/asam-level-of-care-4"
* group[0].source = "http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-3"
* group[=].sourceVersion = "3"
* group[=].target = "http://iop-fhir.org/fhir/CodeSystem/asam-level-of-care-4"
* group[=].targetVersion = "4"
* insert NoMap(#0.5, Early intervention has no 4th edition level in this map: review each patient.)
* insert MapWithComment(#1, #1.5, relatedto, 3rd edition outpatient corresponds to 4th edition outpatient therapy.)
* insert Map(#2.1, #2.1, #equivalent)
* insert MapWithComment(#2.5, #2.5, equivalent, Partial hospitalization is renamed high-intensity outpatient.)
* insert Map(#3.1, #3.1, #equivalent)
* insert MapWithComment(#3.3, #3.1, relatedto, 3.3 goes away in the 4th edition: 3.1 or 3.5 by clinical review.)
* insert AlsoMap(#3.5, relatedto, 3.3 goes away in the 4th edition: 3.1 or 3.5 by clinical review.)
* insert Map(#3.5, #3.5, #equivalent)
* insert Map(#3.7, #3.7, #equivalent)
* insert Map(#4, #4, #equivalent)
* insert MapWithComment(#1-WM, #1.7, relatedto, Withdrawal management is folded into the medically managed levels.)
* insert MapWithComment(#2-WM, #2.7, relatedto, Withdrawal management is folded into the medically managed levels.)
* insert MapWithComment(#3.2-WM, #3.7, wider, Clinically managed residential WM goes away; 3.7 is the nearest level.)
* insert MapWithComment(#3.7-WM, #3.7, wider, Withdrawal management is folded into 3.7.)
* insert MapWithComment(#4-WM, #4, wider, Withdrawal management is folded into 4.)
