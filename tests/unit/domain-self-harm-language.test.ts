/** The self-harm screen of messages (domain/self-harm-language.ts): whole words, negation in the same clause. */
import { findSelfHarmMention } from '../../server/src/domain/self-harm-language';

const term = (text: string) => findSelfHarmMention(text)?.term;

test.each([
  ['I keep thinking I want to die', 'want to die'],
  ['Sometimes I think about Suicide.', 'suicide'],
  ['I cut myself again last night', 'cut myself'],
  ['thinking about self-harm', 'self harm'],
  ['I’d be better off dead', 'better off dead'],
  ["I can't stop thinking about killing myself", 'killing myself'],
  ["I don't know, I want to die", 'want to die'],
  ['No, but I feel suicidal tonight', 'suicidal'],
  ['Life is not worth living', 'not worth living'],
  ["Honestly I don't want to live like this", "don't want to live"],
  ['I do not want to be here anymore. I do not want to live', 'do not want to live'],
])('a mention: %s', (text, expected) => {
  expect(term(text)).toBe(expected);
});

test.each([
  "I'm not suicidal, just tired",
  "I don't want to hurt myself",
  'I would never kill myself',
  'I am not going to harm myself',
  'The cutting board broke; I cut my finger',
  'Suicidality scale? No idea what that is',
  'Can we move Thursday to Friday?',
])('no mention: %s', (text) => {
  expect(findSelfHarmMention(text)).toBeUndefined();
});

test('a negation in an earlier clause does not hide a later mention', () => {
  expect(term("I'm not sleeping. I want to die")).toBe('want to die');
});

test('the excerpt is the text around the mention, for the clinician', () => {
  expect(findSelfHarmMention('We talked about my week. Since Friday I keep thinking I want to die.')?.excerpt).toContain('I want to die');
});
