/**
 * SMART launch of the patient portal: a patient's standalone launch (their own record: read it, and create their
 * check-ins and what scoring derives from them); offline_access keeps them signed in across token expiry.
 */
import { startLaunch } from '../shared/smart-session.js';

startLaunch({ clientId: 'patient-portal', scope: 'openid fhirUser launch/patient offline_access patient/*.crus' });
