/**
 * How a patient took part in a session, for attendance and billing: the modality given with the participant
 * (in-person, video, audio-only), else the session's own (its virtual-service channel: VIDEOCONF → video, PHONE →
 * audio-only; no virtual service → in person). A telehealth attendance says where the patient was: at home (POS 10,
 * the default: an IOP's virtual groups are joined from home) or elsewhere (POS 02).
 */
import type { Encounter, Extension } from '@medplum/fhirtypes';
import type { Modality } from '../../domain/billing-types';
import { EXT, findExtension } from './iop-vocabulary';

/** HL7 v3 ParticipationMode (R4 core terminology): the channel of a virtual service. */
const PARTICIPATION_MODE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode';
const MODALITIES: readonly Modality[] = ['in-person', 'video', 'audio-only'];

export function parseModality(code: string | undefined): Modality | undefined {
  return MODALITIES.find((m) => m === code);
}

/** The modality a session's virtual-service extension implies. */
export function modalityOfVirtualService(virtualService: Extension | undefined): Modality {
  if (!virtualService) return 'in-person';
  const channel = findExtension(virtualService, 'channel')?.valueCoding;
  return channel?.system === PARTICIPATION_MODE && channel.code === 'PHONE' ? 'audio-only' : 'video';
}

/** The join address of a virtual-service extension (a URL or a dial-in string). */
export function joinAddressOf(virtualService: Extension | undefined): string | undefined {
  const address = findExtension(virtualService, 'address');
  return address?.valueUrl ?? address?.valueString;
}

/** The billing facts of an attendance Encounter: its recorded modality (older records: class VR = video). */
export function attendedModalityOf(encounter: Encounter): { modality: Modality; patientAtHome: boolean } {
  const recorded = parseModality(findExtension(encounter, EXT.sessionModality)?.valueCoding?.code);
  const modality = recorded ?? (encounter.class?.code === 'VR' ? 'video' : 'in-person');
  const atHome = findExtension(encounter, EXT.telehealthPatientAtHome)?.valueBoolean;
  // $record-attendance always says where a telehealth patient was; older records (class VR alone) were billed as
  // telehealth elsewhere than the home (POS 02), and stay so.
  return { modality, patientAtHome: modality !== 'in-person' && atHome === true };
}
