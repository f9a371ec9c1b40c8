/**
 * What a person opening the server's address sees (GET /): the product, its version and the organisation that runs
 * it, with links to the apps, the FHIR base, its CapabilityStatement and SMART configuration, the implementation-guide
 * pages and the documentation (docs/*.md, served as text at /docs/). Public and free of patient data.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import express, { Response, Router } from 'express';
import type { Pool } from 'pg';
import { escapeHtml, LOGO_SVG } from '../auth/pages';
import { serverIdentity, type ServerIdentity } from '../auth/server-identity';
import { REPO_ROOT } from '../repo-root';

const DOCS_DIR = path.join(REPO_ROOT, 'docs');

const APPS = [
  { path: 'group-documentation', name: 'Group documentation', who: 'clinicians: attendance, group notes, signing' },
  { path: 'outcomes-dashboard', name: 'Outcomes dashboard', who: 'clinicians and program managers: PHQ-9/GAD-7 outcomes by patient and program' },
  { path: 'patient-portal', name: 'Patient portal', who: 'patients: sessions, check-ins, progress, privacy' },
];

const DOC_TITLES: Record<string, string> = {
  'auth.md': 'SMART authorization, clients, users, audit', 'profiles.md': 'The implementation guide (profiles, terminology)',
  'bulk-data.md': 'Bulk Data $export, $everything and $summary', 'part2.md': '42 CFR Part 2 consent and disclosures',
  'operations.md': 'Limits, hostile input, faults', 'search.md': 'Search', 'iop-workflows.md': 'IOP workflows and operations',
};

function documentationFiles(): string[] {
  return existsSync(DOCS_DIR) ? readdirSync(DOCS_DIR).filter((f) => /^[a-z0-9-]+\.md$/.test(f)).sort() : [];
}

function renderLanding(identity: ServerIdentity): string {
  const link = (href: string, text: string, note?: string) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a>${note ? ` <span class="hint">${escapeHtml(note)}</span>` : ''}</li>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(identity.organizationName ?? identity.productName)} · ${escapeHtml(identity.productName)} ${escapeHtml(identity.version)}</title>
<link rel="icon" href="/apps/shared/icon.svg" type="image/svg+xml">
<style>
body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1c2733;margin:0;line-height:1.45}
header{display:flex;gap:.8rem;align-items:center;background:#fff;border-bottom:1px solid #c9d1da;padding:.9rem 1.2rem}
header h1{font-size:1.35rem;margin:0} header .org{color:#48515c}
main{max-width:56rem;margin:0 auto;padding:1rem 1.2rem 3rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
section{background:#fff;border:1px solid #c9d1da;border-radius:6px;padding:1rem 1.2rem}
h2{font-size:1.1rem;margin-top:0} ul{padding-left:1.1rem} li{margin:.3rem 0} a{color:#2a6ebb} .hint{color:#48515c;font-size:.9rem}
code{font-size:.9rem} :focus-visible{outline:3px solid #f0b400;outline-offset:2px}
</style></head><body>
<header>${LOGO_SVG}<div><h1>${escapeHtml(identity.productName)} <span class="hint">version ${escapeHtml(identity.version)}</span></h1>
<div class="org">${escapeHtml(identity.organizationName ?? 'FHIR R4 server for behavioral-health IOP and PHP programs')}</div></div></header>
<main>
<section aria-labelledby="apps-heading"><h2 id="apps-heading">Apps</h2><ul>
${link('/apps/', 'All apps')}
${APPS.map((a) => link(`/apps/${a.path}/launch.html`, a.name, a.who)).join('\n')}
</ul></section>
<section aria-labelledby="fhir-heading"><h2 id="fhir-heading">FHIR API</h2><ul>
${link('/fhir/metadata', 'CapabilityStatement', 'GET /fhir/metadata, public')}
${link('/fhir/.well-known/smart-configuration', 'SMART configuration', 'authorization endpoints and capabilities')}
${link('/fhir/profiles/', 'Implementation guide', 'profiles, extensions, value sets, templates')}
</ul><p class="hint">FHIR base: <code>/fhir</code>. Every other request needs a SMART bearer token.</p></section>
<section aria-labelledby="docs-heading"><h2 id="docs-heading">Documentation</h2><ul>
${documentationFiles().map((f) => link(`/docs/${f}`, DOC_TITLES[f] ?? f, f)).join('\n')}
</ul></section>
<section aria-labelledby="ops-heading"><h2 id="ops-heading">Operations</h2><ul>
${link('/healthz', 'Health', 'process up')}
${link('/readyz', 'Readiness', 'database reachable, migrations applied')}
${link('/metrics', 'Metrics', 'Prometheus')}
</ul></section>
</main></body></html>`;
}

function sendPage(res: Response, html: string): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.type('html').send(html);
}

export function landingPage(pool: Pool): Router {
  const router = express.Router();
  router.get('/', (_req, res, next) => {
    serverIdentity(pool).then((identity) => sendPage(res, renderLanding(identity))).catch(next);
  });
  // The documentation as plain text: only the listed Markdown files, never a path from the request.
  router.get('/docs/:file', (req, res, next) => {
    const file = documentationFiles().find((f) => f === req.params.file);
    if (!file) return next();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(path.join(DOCS_DIR, file), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  });
  return router;
}
