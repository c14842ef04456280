// The eval metrics, re-exported by name.
export { meanWithStderr, accuracy, weightedAverage, macroAverage, type ScoreWithError } from './accuracy.js';
export { normalizeAnswer, exactMatch, f1Score, maxOverGolds } from './squad.js';
export { rouge, rougeN, rougeL, rougeTokenize, lcsLength, type RougeScores } from './rouge.js';
export { corpusBleu, sentenceBleu, tokenize13a, type BleuResult } from './bleu.js';
export { passAtK } from './passk.js';
export { perplexity, corpusPerplexity, wordPerplexity } from './perplexity.js';
export { bootstrap, type BootstrapInterval } from './bootstrap.js';
