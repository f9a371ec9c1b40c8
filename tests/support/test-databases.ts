/** Names shared by global-setup and the per-file test server. */
export const TEMPLATE_DB = 'iop_test_template';

export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}
