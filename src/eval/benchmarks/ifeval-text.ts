// IFEval's text counters (words, sentences, tokens) and Python's str.isupper/islower, as instructions_util.py defines them.

/**
 * google-research's rule sentence splitter (instructions_util.split_into_sentences), step for step.
 * The reference counts sentences with NLTK's trained punkt model instead; llmperf uses this splitter from
 * the same file because punkt is a model, not a rule: counts can differ on rare abbreviations (documented).
 */
export function splitIntoSentences(input: string): string[] {
  const ALPHA = '([A-Za-z])';
  const PREFIXES = '(Mr|St|Mrs|Ms|Dr)[.]';
  const SUFFIXES = '(Inc|Ltd|Jr|Sr|Co)';
  const STARTERS = '(Mr|Mrs|Ms|Dr|Prof|Capt|Cpt|Lt|He\\s|She\\s|It\\s|They\\s|Their\\s|Our\\s|We\\s|But\\s|However\\s|That\\s|This\\s|Wherever)';
  const ACRONYMS = '([A-Z][.][A-Z][.](?:[A-Z][.])?)';
  const WEBSITES = '[.](com|net|org|io|gov|edu|me)';
  const DIGITS = '([0-9])';
  let text = ` ${input}  `.replace(/\n/g, ' ');
  text = text.replace(new RegExp(PREFIXES, 'g'), '$1<prd>');
  text = text.replace(new RegExp(WEBSITES, 'g'), '<prd>$1');
  text = text.replace(new RegExp(`${DIGITS}[.]${DIGITS}`, 'g'), '$1<prd>$2');
  text = text.replace(/\.{2,}/g, (m) => '<prd>'.repeat(m.length) + '<stop>');
  if (text.includes('Ph.D')) text = text.split('Ph.D.').join('Ph<prd>D<prd>');
  text = text.replace(new RegExp(`\\s${ALPHA}[.] `, 'g'), ' $1<prd> ');
  text = text.replace(new RegExp(`${ACRONYMS} ${STARTERS}`, 'g'), '$1<stop> $2');
  text = text.replace(new RegExp(`${ALPHA}[.]${ALPHA}[.]${ALPHA}[.]`, 'g'), '$1<prd>$2<prd>$3<prd>');
  text = text.replace(new RegExp(`${ALPHA}[.]${ALPHA}[.]`, 'g'), '$1<prd>$2<prd>');
  text = text.replace(new RegExp(` ${SUFFIXES}[.] ${STARTERS}`, 'g'), ' $1<stop> $2');
  text = text.replace(new RegExp(` ${SUFFIXES}[.]`, 'g'), ' $1<prd>');
  text = text.replace(new RegExp(` ${ALPHA}[.]`, 'g'), ' $1<prd>');
  text = text.split('.\u201d').join('\u201d.');
  text = text.split('."').join('".');
  text = text.split('!"').join('"!');
  text = text.split('?"').join('"?');
  text = text.split('.').join('.<stop>').split('?').join('?<stop>').split('!').join('!<stop>').split('<prd>').join('.');
  const sentences = text.split('<stop>').map((s) => s.trim());
  if (sentences.length > 0 && sentences[sentences.length - 1] === '') sentences.pop();
  return sentences;
}

export const countSentences = (text: string): number => splitIntoSentences(text).length;

/** count_words: NLTK's RegexpTokenizer(r"\w+"); Python's \w is Unicode letters, digits and underscore. */
export const countWords = (text: string): number => (text.match(/[\p{L}\p{M}\p{N}_]+/gu) ?? []).length;

/**
 * Word tokens for capital_word_frequency. The reference uses nltk.word_tokenize (Treebank); llmperf splits
 * on whitespace and peels punctuation off both ends, keeping inner hyphens and apostrophes, so
 * "STATE-OF-THE-ART," is one word, as the reference comment says hyphenated words are.
 */
export function wordTokens(text: string): string[] {
  return text.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter((w) => w.length > 0);
}

const hasCased = (s: string): boolean => s.toLowerCase() !== s.toUpperCase() || [...s].some((c) => c.toLowerCase() !== c.toUpperCase());

/** Python str.isupper(): at least one cased character and no lowercase one. */
export const isUpper = (s: string): boolean => hasCased(s) && s === s.toUpperCase();
