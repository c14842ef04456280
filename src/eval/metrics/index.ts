// The eval metrics, re-exported by name.
export { meanWithStderr, accuracy, weightedAverage, pooledStderr, macroAverage, type ScoreWithError } from './accuracy.js';
export { normalizeAnswer, exactMatch, f1Score, maxOverGolds } from './squad.js';
export { normalizeTriviaQa, triviaqaExactMatch, triviaqaF1 } from './triviaqa.js';
export { rouge, rougeN, rougeL, rougeTokenize, rougeTokenizeCjk, lcsLength, type RougeScores, type RougeTokenizer } from './rouge.js';
export { corpusBleu, sentenceBleu, tokenize13a, type BleuResult } from './bleu.js';
export { passAtK } from './passk.js';
export { perplexity, corpusPerplexity, weightedPerplexity, wordPerplexity, bytePerplexity, bitsPerByte, countWords, countBytes } from './perplexity.js';
export { bootstrap, type BootstrapInterval } from './bootstrap.js';
