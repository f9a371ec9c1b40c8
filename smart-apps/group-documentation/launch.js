/** SMART launch of group documentation: a clinician's user-level access (read, create and update what they may see). */
import { startLaunch } from '../shared/smart-session.js';

startLaunch({ clientId: 'group-documentation', scope: 'openid fhirUser user/*.crus' });
