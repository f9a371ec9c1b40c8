/**
 * The implementation-guide pages: a human-readable HTML page per profile and extension (elements, bindings,
 * invariants, examples), per value set, code system, ConceptMap and clinical template, and an index, at
 * /fhir/profiles/. Built from the same JSON the server loads (profiles/, terminology/); public, no PHI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type { ElementDefinition, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { notFound } from '../errors';
import { REPO_ROOT } from '../repo-root';

const FOLDERS = { profiles: 'profiles', examples: 'profiles/examples', templates: 'profiles/questionnaires', terminology: 'terminology' };
const PAGE_TYPES = ['ValueSet', 'CodeSystem', 'ConceptMap', 'Questionnaire', 'SearchParameter'] as const;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Content {
  definitions: StructureDefinition[];
  byUrl: Map<string, Json>;
  byTypeAndId: Map<string, Json>;
  examples: Resource[];
}

export function profilePages(root = REPO_ROOT): Router {
  let content: Content | undefined;
  const load = () => (content ??= readContent(root));
  const router = express.Router();
  router.get('/', (_req, res) => sendHtml(res, renderIndex(load())));
  router.get('/:type/:id', (req, res, next) => {
    const resource = load().byTypeAndId.get(`${req.params.type}/${req.params.id}`);
    if (!resource || !(PAGE_TYPES as readonly string[]).includes(resource.resourceType)) return next(notFound(`No ${req.params.type} ${req.params.id} in the implementation guide`));
    sendHtml(res, renderTerminology(resource, load()));
  });
  router.get('/:name', (req, res, next) => {
    const { definitions } = load();
    const sd = definitions.find((d) => d.id === req.params.name || d.name === req.params.name);
    if (!sd) return next(notFound(`No profile or extension named ${req.params.name}; see /fhir/profiles/`));
    sendHtml(res, renderDefinition(sd, load()));
  });
  return router;
}

function readContent(root: string): Content {
  const read = (folder: string): Json[] => {
    const dir = path.join(root, folder);
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return [];
    }
    return names.map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as Json);
  };
  const all = [...read(FOLDERS.profiles), ...read(FOLDERS.templates), ...read(FOLDERS.terminology)];
  const definitions = all.filter((r) => r.resourceType === 'StructureDefinition') as StructureDefinition[];
  definitions.sort((a, b) => Number(a.type === 'Extension') - Number(b.type === 'Extension') || String(a.title).localeCompare(String(b.title)));
  return {
    definitions,
    byUrl: new Map(all.filter((r) => r.url).map((r) => [r.url as string, r])),
    byTypeAndId: new Map(all.map((r) => [`${r.resourceType}/${r.id}`, r])),
    examples: read(FOLDERS.examples) as Resource[],
  };
}

function sendHtml(res: express.Response, html: string): void {
  res.set('Content-Type', 'text/html; charset=utf-8');
  res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.send(html);
}

// ---- rendering ---------------------------------------------------------------------------------------------------

function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} – iop-fhir</title>
<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:75em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}code,pre{font-size:.9em}pre{background:#f7f7f7;padding:1em;overflow:auto;max-height:30em}
.muted{color:#666}.flag{font-size:.8em;background:#e6eefc;padding:0 .3em;border-radius:.2em}</style></head>
<body><p><a href="/fhir/profiles/">iop-fhir implementation guide</a></p><h1>${esc(title)}</h1>${body}</body></html>`;
}

function paragraphs(text: unknown): string {
  return String(text ?? '').split(/\n\s*\n/).filter(Boolean).map((p) => `<p>${esc(p)}</p>`).join('');
}

/** A link to our page for a canonical (profile, extension, value set …), or the canonical as text. */
function linkTo(url: string | undefined, content: Content): string {
  if (!url) return '';
  const target = content.byUrl.get(url.split('|')[0]);
  if (!target) return url.startsWith('http://hl7.org/fhir/') ? `<a href="${esc(url.split('|')[0])}">${esc(url)}</a>` : `<code>${esc(url)}</code>`;
  const href = target.resourceType === 'StructureDefinition' ? `/fhir/profiles/${target.id}` : `/fhir/profiles/${target.resourceType}/${target.id}`;
  return `<a href="${esc(href)}">${esc(target.title ?? target.name ?? target.id)}</a>`;
}

function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  return `<table><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}

function renderIndex(content: Content): string {
  const all = [...content.byTypeAndId.values()];
  const list = (type: string) => all.filter((r) => r.resourceType === type).sort((a, b) => String(a.title ?? a.name).localeCompare(String(b.title ?? b.name)));
  const definitionRows = (extensions: boolean) => content.definitions.filter((sd) => (sd.type === 'Extension') === extensions)
    .map((sd) => [`<a href="/fhir/profiles/${esc(sd.id)}">${esc(sd.title)}</a>`, esc(sd.type), `<code>${esc(sd.url)}</code>`, esc(sd.description)]);
  const resourceRows = (type: string) => list(type).map((r) => [linkTo(r.url, content), `<code>${esc(r.url)}</code>`, esc(r.description)]);
  return page('IOP FHIR Implementation Guide', `
<p>Profiles, extensions, search parameters, terminology and clinical templates of this server, canonical base
<code>http://iop-fhir.org/fhir</code>. Each resource is also served as JSON by the FHIR API (e.g.
<code>/fhir/StructureDefinition/iop-patient</code>). Licence notes of external code systems: <code>terminology/LICENSES.md</code>.</p>
<h2 id="profiles">Profiles</h2>${table(['Profile', 'Resource', 'Canonical', 'Description'], definitionRows(false))}
<h2 id="extensions">Extensions</h2>${table(['Extension', 'Type', 'Canonical', 'Description'], definitionRows(true))}
<h2 id="templates">Clinical templates (Questionnaires)</h2>${table(['Template', 'Canonical', 'Description'], resourceRows('Questionnaire'))}
<h2 id="search-parameters">Search parameters</h2>${table(['Search parameter', 'Code', 'Applies to', 'Description'],
    list('SearchParameter').map((r) => [linkTo(r.url, content), `<code>${esc(r.code)}</code>`, esc((r.base ?? []).join(', ')), esc(r.description)]))}
<h2 id="value-sets">Value sets</h2>${table(['Value set', 'Canonical', 'Description'], resourceRows('ValueSet'))}
<h2 id="code-systems">Code systems</h2>${table(['Code system', 'Canonical', 'Description'], resourceRows('CodeSystem'))}
<h2 id="concept-maps">Concept maps</h2>${table(['Concept map', 'Canonical', 'Description'], resourceRows('ConceptMap'))}`);
}

function renderDefinition(sd: StructureDefinition, content: Content): string {
  const elements = sd.snapshot?.element ?? [];
  const changed = new Set((sd.differential?.element ?? []).map((e) => e.id));
  const shown = elements.filter((e) => changed.has(e.id) || isExtensionSlice(e));
  const rows = shown.map((e) => [
    `<code>${esc(e.id)}</code>${e.mustSupport ? ' <span class="flag">MS</span>' : ''}`,
    `${esc(e.min)}..${esc(e.max)}`,
    renderTypes(e, content),
    renderValueRule(e, content),
    esc(e.short ?? (e.definition && e.definition.length < 200 ? e.definition : '')),
  ]);
  const invariants = elements.flatMap((e) => (e.constraint ?? []).filter((c) => c.source === sd.url || c.key.startsWith('iop-'))
    .map((c) => [`<code>${esc(c.key)}</code>`, esc(c.severity), esc(c.human), `<code>${esc(c.expression)}</code>`]));
  const uniqueInvariants = invariants.filter((row, i) => invariants.findIndex((r) => r[0] === row[0]) === i);
  const examples = content.examples.filter((r) => r.meta?.profile?.includes(sd.url as string));
  const context = (sd.context ?? []).map((c) => `<code>${esc(c.expression)}</code>`).join(', ');
  return page(sd.title ?? sd.name ?? String(sd.id), `${paragraphs(sd.description)}
<table><tr><th>Canonical</th><td><code>${esc(sd.url)}</code></td></tr>
<tr><th>${sd.type === 'Extension' ? 'Used on' : 'Resource'}</th><td>${sd.type === 'Extension' ? context : esc(sd.type)}</td></tr>
<tr><th>Based on</th><td>${linkTo(sd.baseDefinition, content)}</td></tr>
<tr><th>Version, status</th><td>${esc(sd.version)}, ${esc(sd.status)}</td></tr>
<tr><th>JSON</th><td><a href="/fhir/StructureDefinition/${esc(sd.id)}">/fhir/StructureDefinition/${esc(sd.id)}</a></td></tr></table>
<h2>Elements this ${sd.type === 'Extension' ? 'extension' : 'profile'} constrains</h2>
<p class="muted">Only what differs from the base definition; the full snapshot is in the JSON.</p>
${table(['Element', 'Card.', 'Type', 'Binding, value, slicing', 'Meaning'], rows)}
<h2>Invariants</h2>${table(['Key', 'Severity', 'Rule', 'FHIRPath'], uniqueInvariants)}
<h2>Examples</h2>${examples.length === 0 ? '<p class="muted">None.</p>' : examples.map((r) =>
    `<h3>${esc(r.resourceType)}/${esc(r.id)}</h3><pre>${esc(JSON.stringify(r, null, 2))}</pre>`).join('')}`);
}

function isExtensionSlice(element: ElementDefinition): boolean {
  return !!element.sliceName && /\.(modifierE|e)xtension$/.test(element.path ?? '');
}

function renderTypes(element: ElementDefinition, content: Content): string {
  return (element.type ?? []).map((t) => {
    const profiles = [...(t.profile ?? []), ...(t.targetProfile ?? [])].map((p) => linkTo(p, content));
    return `${esc(t.code.startsWith('http://hl7.org/fhirpath/') ? 'string' : t.code)}${profiles.length ? ` (${profiles.join(' | ')})` : ''}`;
  }).join(' | ');
}

function renderValueRule(element: ElementDefinition, content: Content): string {
  const parts: string[] = [];
  if (element.binding?.valueSet) parts.push(`${esc(element.binding.strength)} binding: ${linkTo(element.binding.valueSet, content)}`);
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('fixed') || key.startsWith('pattern')) parts.push(`${esc(key)}: <code>${esc(JSON.stringify(value))}</code>`);
  }
  if (element.slicing) parts.push(`sliced by ${esc((element.slicing.discriminator ?? []).map((d) => `${d.type} ${d.path}`).join(', '))} (${esc(element.slicing.rules)})`);
  if (element.sliceName) parts.push(`slice <code>${esc(element.sliceName)}</code>`);
  return parts.join('<br>');
}

function renderTerminology(resource: Json, content: Content): string {
  const header = `${paragraphs(resource.description)}
<table><tr><th>Canonical</th><td><code>${esc(resource.url)}</code></td></tr>
<tr><th>Version, status</th><td>${esc(resource.version)}, ${esc(resource.status)}</td></tr>
${resource.copyright ? `<tr><th>Copyright / licence</th><td>${esc(resource.copyright)}</td></tr>` : ''}
${resource.content ? `<tr><th>Content</th><td>${esc(resource.content)}${resource.content === 'fragment' ? ' (a subset of the code system)' : ''}</td></tr>` : ''}
<tr><th>JSON</th><td><a href="/fhir/${esc(resource.resourceType)}/${esc(resource.id)}">/fhir/${esc(resource.resourceType)}/${esc(resource.id)}</a></td></tr></table>`;
  const title = resource.title ?? resource.name ?? resource.id;
  switch (resource.resourceType) {
    case 'CodeSystem':
      return page(title, `${header}<h2>Concepts</h2>${table(['Code', 'Display', 'Definition'], conceptRows(resource.concept ?? [], 0))}`);
    case 'ValueSet':
      return page(title, `${header}<h2>Content</h2>${renderCompose(resource, content)}`);
    case 'ConceptMap':
      return page(title, `${header}${(resource.group ?? []).map((g: Json) => `<h2>${linkTo(g.source, content)} → ${linkTo(g.target, content)}</h2>${table(['Source code', 'Target code', 'Equivalence', 'Comment'],
        (g.element ?? []).flatMap((e: Json) => (e.target ?? []).map((t: Json) => [`<code>${esc(e.code)}</code>`, `<code>${esc(t.code ?? '')}</code>`, esc(t.equivalence), esc(t.comment)])))}`).join('')}`);
    case 'Questionnaire':
      return page(title, `${header}<h2>Items</h2>${table(['linkId', 'Text', 'Type', 'Answers'], itemRows(resource.item ?? [], 0, content))}`);
    default:
      return page(title, `${header}<pre>${esc(JSON.stringify(resource, null, 2))}</pre>`);
  }
}

function conceptRows(concepts: Json[], depth: number): string[][] {
  return concepts.flatMap((c) => [
    [`${'&nbsp;'.repeat(depth * 4)}<code>${esc(c.code)}</code>`, esc(c.display), esc(c.definition)],
    ...conceptRows(c.concept ?? [], depth + 1),
  ]);
}

function renderCompose(valueSet: Json, content: Content): string {
  const section = (label: string, parts: Json[]) => parts.map((part) => {
    const from = part.system ? `codes from ${linkTo(part.system, content)}` : '';
    const sets = (part.valueSet ?? []).map((v: string) => linkTo(v, content)).join(', ');
    const filters = (part.filter ?? []).map((f: Json) => `<code>${esc(f.property)} ${esc(f.op)} ${esc(f.value)}</code>`).join(', ');
    const concepts = part.concept ? table(['Code', 'Display'], part.concept.map((c: Json) => [`<code>${esc(c.code)}</code>`, esc(c.display)])) : '';
    return `<p><strong>${label}</strong> ${[from, sets && `value sets ${sets}`, filters && `where ${filters}`].filter(Boolean).join('; ')}${part.concept ? ':' : ''}</p>${concepts}`;
  }).join('');
  return section('Include', valueSet.compose?.include ?? []) + section('Exclude', valueSet.compose?.exclude ?? []);
}

function itemRows(items: Json[], depth: number, content: Content): string[][] {
  return items.flatMap((item) => [
    [`${'&nbsp;'.repeat(depth * 4)}<code>${esc(item.linkId)}</code>`, esc(item.text), `${esc(item.type)}${item.required ? ' (required)' : ''}${item.repeats ? ' (repeats)' : ''}`,
      item.answerValueSet ? linkTo(item.answerValueSet, content)
        : (item.answerOption ?? []).map((o: Json) => esc(o.valueCoding?.display ?? o.valueCoding?.code ?? o.valueString)).join('; ')],
    ...itemRows(item.item ?? [], depth + 1, content),
  ]);
}
