// Telehealth (issue 15 item 6): R4 has no virtualService element, so a session or program that meets by video or
// phone carries this extension, modelled on R5 VirtualServiceDetail (channelType, address, additionalInfo).
// See docs/engagement.md "Telehealth".

Alias: $participation-mode = http://terminology.hl7.org/CodeSystem/v3-ParticipationMode

ValueSet: TelehealthChannelVS
Id: telehealth-channel
Title: "Telehealth channel"
Description: "HL7 v3 ParticipationMode codes (the code system comes from R4 core terminology): how a virtual session is held: by video (VIDEOCONF, billed as modality video) or by telephone (PHONE, audio only)."
* $participation-mode#VIDEOCONF "videoconferencing"
* $participation-mode#PHONE "telephone"

Extension: VirtualService
Id: virtual-service
Title: "Virtual service (telehealth)"
Description: "The session (Appointment) or program (HealthcareService) meets online: the channel (HL7 v3 ParticipationMode VIDEOCONF or PHONE), the join address the patient opens, the platform, and instructions. The R4 stand-in for R5's Appointment.virtualService / HealthcareService VirtualServiceDetail. $schedule-sessions copies a program's virtual service onto its new session and patient Appointments."
Context: Appointment, HealthcareService
* extension contains
    channel 1..1 and
    address 0..1 and
    platform 0..1 and
    additionalInfo 0..1
* extension[channel] ^short = "Video or telephone (v3 ParticipationMode)"
* extension[channel].value[x] only Coding
* extension[channel].value[x] 1..1
* extension[channel].value[x] from TelehealthChannelVS (required)
* extension[address] ^short = "Join link (https) or dial-in"
* extension[address].value[x] only url or string
* extension[address].value[x] 1..1
* extension[platform] ^short = "Video platform name"
* extension[platform].value[x] only string
* extension[platform].value[x] 1..1
* extension[additionalInfo] ^short = "Instructions for joining"
* extension[additionalInfo].value[x] only string
* extension[additionalInfo].value[x] 1..1

Extension: SessionModalityExtension
Id: session-modality
Title: "Session modality"
Description: "How the patient actually took part in an attended session (in person, video, audio only), recorded by $record-attendance. Billing reads it for place of service (02/10) and the telehealth modifiers."
Context: Encounter
* value[x] 1..1
* value[x] only Coding
* value[x] from SessionModalityVS (required)

Extension: TelehealthPatientAtHome
Id: telehealth-patient-at-home
Title: "Telehealth: patient at home"
Description: "For a telehealth attendance: true when the patient was at home (POS 10), false when elsewhere (POS 02)."
Context: Encounter
* value[x] 1..1
* value[x] only boolean
