/** SMART launch of the outcomes dashboard: read-only, user-level access (clinicians and program managers). */
import { startLaunch } from '../shared/smart-session.js';

startLaunch({ clientId: 'outcomes-dashboard', scope: 'openid fhirUser user/*.rs' });
