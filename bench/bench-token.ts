/**
 * The bearer token every benchmark request carries: BENCH_BEARER_TOKEN when set, else one minted against the
 * bench database for a backend client registered there (the server enforces tokens by default). Stored back in
 * BENCH_BEARER_TOKEN so every phase of the run uses the same one.
 */
import { mintScriptToken } from '../server/src/admin/script-token';
import { createPool } from '../server/src/store/pool';

const BENCH_CLIENT = 'iop-bench';
const TOKEN_SECONDS = 24 * 3600; // a long search run at 100k patients must not outlive its token

export async function ensureBenchToken(databaseUrl: string, serverOrigin: string, log: (line: string) => void): Promise<string> {
  if (process.env.BENCH_BEARER_TOKEN) return process.env.BENCH_BEARER_TOKEN;
  const pool = createPool(databaseUrl, 2);
  try {
    const token = await mintScriptToken(pool, { baseUrl: serverOrigin, clientId: BENCH_CLIENT, scope: 'system/*.cruds', seconds: TOKEN_SECONDS });
    log(`auth: minted a system/*.cruds token for backend client ${BENCH_CLIENT}`);
    process.env.BENCH_BEARER_TOKEN = token;
    return token;
  } finally {
    await pool.end();
  }
}
