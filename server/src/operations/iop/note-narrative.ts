/** Plain note text → the XHTML narrative of a Composition section (escaped; one paragraph per line). */
import type { Narrative } from '@medplum/fhirtypes';

export function escapeXhtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Paragraphs from `blocks`: each block is an optional bold heading and its text. */
export function narrative(blocks: readonly { heading?: string; text: string }[]): Narrative {
  const paragraphs = blocks.flatMap(({ heading, text }) => text.split('\n').filter((line) => line.trim() !== '').map((line, i) =>
    `<p>${heading && i === 0 ? `<b>${escapeXhtml(heading)}:</b> ` : ''}${escapeXhtml(line)}</p>`));
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs.join('') || '<p>(empty)</p>'}</div>` };
}
