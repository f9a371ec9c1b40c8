/**
 * Whether a message's text mentions self-harm or suicide, by a documented term list (docs/engagement.md): whole
 * words only, case- and apostrophe-insensitive, and a mention preceded in the same clause by a plain negation
 * ("I'm not suicidal", "I don't want to hurt myself") does not count. Deliberately a screen, not a classifier: when
 * in doubt it reports a mention, because a missed one costs more than a clinician reading a message early.
 */

/** Phrases that raise the risk workflow; spaces match any run of spaces or hyphens. */
export const SELF_HARM_TERMS: readonly string[] = [
  'suicide', 'suicidal', 'kill myself', 'killing myself', 'end my life', 'ending my life', 'take my own life',
  'taking my own life', 'take my life', 'hurt myself', 'hurting myself', 'harm myself', 'harming myself', 'self harm',
  'self harming', 'cut myself', 'cutting myself', 'want to die', 'wanna die', 'wish i was dead', 'wish i were dead',
  'better off dead', 'no reason to live', 'not worth living', 'overdose on purpose', 'end it all', 'end my own life',
  "don't want to live", 'dont want to live', 'do not want to live', "don't want to be alive", "don't want to be here anymore",
];

/** Words that negate what follows them in the same clause. "can't" is not one: "I can't stop thinking about…". */
const NEGATIONS = ['not', 'no', 'never', "don't", 'dont', "didn't", 'didnt', "won't", 'wont', "wouldn't", "isn't", "aren't", "haven't", 'nor', 'without'];
/** How many words before a term a negation may stand. */
const NEGATION_WINDOW = 3;
/** A negation does not reach across these: "No, but I want to die" is a mention. */
const CLAUSE_BREAK = /[.!?;:,\n]|\bbut\b|\bhowever\b|\bthough\b/;

export interface SelfHarmMention {
  /** The term as listed in SELF_HARM_TERMS. */
  term: string;
  /** The words of the message around it, for the clinician. */
  excerpt: string;
}

const termPatterns = SELF_HARM_TERMS.map((term) => ({
  term,
  pattern: new RegExp(`(?<![\\p{L}\\p{N}])${term.split(' ').map(escape).join('[\\s-]+')}(?![\\p{L}\\p{N}])`, 'gu'),
}));

/** The first mention that is not negated, or undefined. */
export function findSelfHarmMention(text: string): SelfHarmMention | undefined {
  const normalised = text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
  for (const { term, pattern } of termPatterns) {
    for (const match of normalised.matchAll(pattern)) {
      const index = match.index ?? 0;
      if (isNegated(normalised.slice(0, index), term)) continue;
      return { term, excerpt: excerptAround(text, index, match[0].length) };
    }
  }
  return undefined;
}

function isNegated(before: string, term: string): boolean {
  // A term that is itself negative ("not worth living", "don't want to live") is never negated away.
  if (/^(not|no|don't|dont|do not) /.test(term)) return false;
  const clauses = before.split(CLAUSE_BREAK);
  const words = (clauses[clauses.length - 1] ?? '').split(/\s+/).filter(Boolean).slice(-NEGATION_WINDOW);
  return words.some((word) => NEGATIONS.includes(word.replace(/^[^\p{L}']+|[^\p{L}']+$/gu, '')));
}

function excerptAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 60);
  const end = Math.min(text.length, index + length + 60);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).replace(/\s+/g, ' ').trim()}${end < text.length ? '…' : ''}`;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
