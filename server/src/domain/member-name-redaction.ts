/**
 * Removing other group members' names from free text. Source: IOP.md §6.2 "Documentation" (one note per patient,
 * "never name other members") and DESIGN.md §8.
 *
 * Approach: from every other member's HumanNames (official, usual, nickname, maiden …) we build the terms full
 * name ("Given Family", "Family, Given", HumanName.text) and each given and family name on its own. Matching
 * ignores accents on both sides (José, Jose and JOSÉ all match). Terms are replaced longest first (so "Adelina Walker" becomes one
 * placeholder), case-insensitively, only as whole words (letters or digits on either side stop a match; "Sam's"
 * matches, "Samantha" does not). Names that are also common words (Will, Grace, May, Rose …) are replaced only
 * when capitalised, so "she will return" is left alone. Single letters are never terms.
 * Privacy beats fidelity: when another member shares this patient's first name, that name is replaced in this
 * patient's note too. Known limits: initials ("A.W."), misspellings and descriptions ("the man in the red hat")
 * are not detected; clinicians are still told not to name members.
 */
import type { HumanName } from '@medplum/fhirtypes';

export const OTHER_MEMBER_PLACEHOLDER = '[another group member]';

/** Names that are also everyday words: replaced only when written with a capital letter. */
export const COMMON_WORD_NAMES: ReadonlySet<string> = new Set([
  'will', 'grace', 'may', 'june', 'april', 'august', 'rose', 'hope', 'joy', 'faith', 'mark', 'bill', 'pat', 'art',
  'dawn', 'amber', 'ruby', 'summer', 'autumn', 'winter', 'sunny', 'chase', 'hunter', 'rich', 'sue', 'don', 'guy',
  'jack', 'frank', 'miles', 'lane', 'page', 'young', 'long', 'king', 'brown', 'white', 'black', 'green', 'gray',
  'price', 'cash', 'love', 'early', 'best', 'hall', 'wood', 'ward', 'rice', 'ray', 'sky', 'star', 'river', 'stone',
]);

export interface RedactionResult {
  text: string;
  /** How many name occurrences were replaced. */
  replacements: number;
}

export interface NameTerm {
  term: string;
  /** Match only capitalised occurrences. */
  capitalisedOnly: boolean;
}

/** The terms that identify a person, from their HumanNames (accents folded: see foldAccents). */
export function nameTermsFor(names: readonly HumanName[]): NameTerm[] {
  const raw = new Set<string>();
  for (const name of names) {
    const given = (name.given ?? []).map(clean).filter(Boolean);
    const family = clean(name.family ?? '');
    if (name.text) raw.add(clean(name.text));
    if (given.length > 0 && family) {
      raw.add(`${given.join(' ')} ${family}`);
      raw.add(`${given[0]} ${family}`);
      raw.add(`${family}, ${given[0]}`);
    }
    for (const part of [...given, family]) if (part) raw.add(part);
  }
  const terms = new Map<string, NameTerm>();
  for (const term of raw) {
    const folded = foldAccents(term);
    if ([...folded].length < 2) continue;
    const key = folded.toLowerCase();
    terms.set(key, { term: folded, capitalisedOnly: !/\s/.test(folded) && COMMON_WORD_NAMES.has(key) });
  }
  return [...terms.values()].sort((a, b) => b.term.length - a.term.length);
}

/** `text` with every occurrence of the terms replaced by the placeholder. */
export function redactNames(text: string, terms: readonly NameTerm[], placeholder: string = OTHER_MEMBER_PLACEHOLDER): RedactionResult {
  // Matching runs on an accent-folded copy of the text that has the same length, so a match's position is also
  // its position in the original. Replacements become a one-character sentinel in both copies, so a later,
  // shorter term never matches inside an earlier replacement (or inside the placeholder's own words).
  const sentinel = '\u0000';
  let original = text.normalize('NFC').replace(/\u0000/g, '');
  let folded = foldAccents(original);
  let replacements = 0;
  for (const { term, capitalisedOnly } of terms) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${escapeRegExp(term).replace(/ /g, '\\s+')}(?![\\p{L}\\p{M}\\p{N}])`, 'giu');
    let nextOriginal = '';
    let nextFolded = '';
    let from = 0;
    for (const match of folded.matchAll(pattern)) {
      const start = match.index as number;
      const end = start + match[0].length;
      const first = original[start];
      if (capitalisedOnly && first === first.toLowerCase()) continue;
      nextOriginal += original.slice(from, start) + sentinel;
      nextFolded += folded.slice(from, start) + sentinel;
      from = end;
      replacements += 1;
    }
    original = nextOriginal + original.slice(from);
    folded = nextFolded + folded.slice(from);
  }
  return { text: original.split(sentinel).join(placeholder), replacements };
}

/** Typographic variants that must match their plain form in names (O’Hara, Silva‐Pérez). */
const PUNCTUATION_FOLDS: Readonly<Record<string, string>> = { '\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u2010': '-', '\u2011': '-', '\u2013': '-' };

/** Each character without its accents when that keeps its length (é → e), curly apostrophes and hyphen variants plain. */
export function foldAccents(value: string): string {
  let out = '';
  for (const ch of value) {
    const base = PUNCTUATION_FOLDS[ch] ?? ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += base.length === ch.length ? base : ch;
  }
  return out;
}

function clean(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
