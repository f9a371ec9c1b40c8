/** The authorization server talks to PostgreSQL directly (its tables are not FHIR resources): a pool or a client. */
import type { Pool, PoolClient } from 'pg';

export type Db = Pool | PoolClient;
