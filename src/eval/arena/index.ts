// The arena's public surface, re-exported by name.
export { loadArenaConfig, parseArenaConfig, type ArenaConfig, type EndpointConfig } from './config.js';
export { loadQuestions } from './questions.js';
export { fillTemplate, loadPrompts, SHIPPED_PROMPTS_DIR, type PromptSet } from './prompts.js';
export { combineBothOrders, parsePairVerdict, parseRating } from './verdict.js';
export { expectedScore, onlineElo } from './elo.js';
export { bootstrapIntervals, bradleyTerry, separatedGroups, winsMatrix, type BradleyTerryFit, type RatingInterval } from './bradley-terry.js';
export { buildMatrices, winTieLoss } from './matrices.js';
export { summarizePairs, summarizeSingle, scoreStats } from './ratings.js';
export { agreementMatrix, peerRank, selfPreference, summarizePeer, type PeerBattleRecord, type PeerResult, type PeerRow } from './peer.js';
export { secondTurnHistory, secondTurns, transcript } from './turn2.js';
export { ARENA_SCHEMA, planArena, runArena, type ArenaDocument, type ArenaRunOptions, type DryRunPlan } from './run.js';
export { arenaConsole } from './report-console.js';
export { renderArenaPage, renderArenaSection } from './report-html.js';
export { writeArenaReports } from './report.js';
export { ARENA_MODES, DEFAULT_RATING_OPTIONS, type ArenaMode, type Battle, type Question, type RatingOptions } from './types.js';
