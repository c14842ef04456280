// The arena from config to document: start simulators, collect answers, ask the judge, rate, and hand back arena.json's content.
import { join } from 'node:path';
import { resolveTarget } from '../../engine/jobs.js';
import { startMockServer, type MockServer } from '../../mock/index.js';
import { redactUrl } from '../../util/redact.js';
import { collectPairBattles, collectSingleGrades, planJudgeTasks, uniquePrompts, type AnswerTable, type PairBattleRecord, type Reply, type SingleGradeRecord } from './battles.js';
import type { ArenaConfig, EndpointConfig } from './config.js';
import { collectPeerBattles, peerPrompts, summarizePeer, type PeerResult } from './peer.js';
import { loadPrompts, type PromptSet } from './prompts.js';
import { secondTurnHistory, secondTurns, transcripts } from './turn2.js';
import { loadQuestions } from './questions.js';
import { summarizePairs, summarizeSingle, type PairSummary, type SingleLeaderboardRow } from './ratings.js';
import { askAll, chatJob, type Endpoint, type EndpointPerf } from './requests.js';
import type { ArenaMode, Question } from './types.js';

export const ARENA_SCHEMA = 'llmperf/arena@1';

export interface PairModeResult extends PairSummary {
  battles: PairBattleRecord[];
  /** MT-bench two-turn questions: the second turn judged on its own (absent: no question has a second turn). */
  turn2?: PairModeResult;
}

export interface SingleModeResult {
  leaderboard: SingleLeaderboardRow[];
  grades: SingleGradeRecord[];
  turn2?: SingleModeResult;
}

/** arena.json */
export interface ArenaDocument {
  schema: typeof ARENA_SCHEMA;
  started_at: string;
  ended_at: string;
  config: {
    file: string;
    modes: ArenaMode[];
    baseline: string | null;
    questions: string;
    question_count: number;
    candidates: { name: string; url: string; model: string }[];
    judge: { name: string; url: string; model: string };
    rating: ArenaConfig['rating'];
  };
  /** `answer_turn2`/`error_turn2` only for questions with a second turn. */
  answers: Record<string, { question_id: number; answer: string | null; error: string | null; answer_turn2?: string | null; error_turn2?: string | null }[]>;
  modes: { single?: SingleModeResult; baseline?: PairModeResult; pairwise?: PairModeResult; peer?: PeerResult };
  /** `peer_judges`: what each candidate's judging cost in peer mode (requests and the engine's result document). */
  perf: { candidates: EndpointPerf[]; judge: EndpointPerf; peer_judges?: EndpointPerf[]; second_turns?: EndpointPerf[] };
}

export interface ArenaRunOptions {
  outDir: string;
  /** False disables the on-disk reply cache (`--no-cache`); the config's `cache: false` does too. */
  cache?: boolean;
  log?: (line: string) => void;
}

function simOptions(config: EndpointConfig, role: 'candidate' | 'judge', index: number, peer = false): Record<string, unknown> {
  // Fast defaults so the offline demo takes seconds; candidates get different lengths so a 'longer' judge separates them.
  // In peer mode a simulated candidate is also a judge: 'longer' unless its sim options name another rule.
  const defaults: Record<string, unknown> = role === 'judge' ? { judgeRule: 'longer' } : { outputTokens: 16 * (index + 1), ...(peer ? { judgeRule: 'longer' } : {}) };
  return { ttftMs: 5, itlMs: 1, ...defaults, ...config.sim, host: '127.0.0.1', port: 0, model: config.model ?? `sim-${config.name}` };
}

async function openEndpoint(config: EndpointConfig, role: 'candidate' | 'judge', index: number, limits: { timeoutMs: number; maxResponseBytes: number }, servers: MockServer[], peer = false): Promise<Endpoint> {
  if (config.url === null) {
    const options = simOptions(config, role, index, peer);
    const server = await startMockServer(options);
    servers.push(server);
    return { name: config.name, target: { baseUrl: server.url, model: server.config.model, ...limits }, simulated: true, cacheSalt: `sim:${JSON.stringify(options)}` };
  }
  const target = await resolveTarget(config.url, config.model ?? undefined, config.keyEnv ?? undefined);
  // Two servers may serve the same model id (say, two quantisations): their replies must not share cache entries.
  return { name: config.name, target: { ...target, ...limits }, simulated: false, cacheSalt: `url:${target.baseUrl}` };
}

function describe(endpoint: Endpoint): { name: string; url: string; model: string } {
  return { name: endpoint.name, url: endpoint.simulated ? 'sim' : redactUrl(endpoint.target.baseUrl), model: endpoint.target.model };
}

export async function runArena(config: ArenaConfig, options: ArenaRunOptions): Promise<ArenaDocument> {
  const log = options.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const questions = loadQuestions(config.questionsPath, config.limit);
  const prompts = loadPrompts(config.prompts);
  const cacheDir = options.cache === false || !config.cache ? null : join(options.outDir, 'cache');
  const requestOptions = { concurrency: config.concurrency, timeoutMs: config.timeoutMs, cacheDir };
  const servers: MockServer[] = [];
  try {
    const limits = { timeoutMs: config.timeoutMs, maxResponseBytes: config.maxResponseBytes };
    const peer = config.modes.includes('peer');
    const candidates = await Promise.all(config.candidates.map((c, i) => openEndpoint(c, 'candidate', i, limits, servers, peer)));
    const judge = await openEndpoint(config.judge, 'judge', 0, limits, servers);
    const models = candidates.map((c) => c.name);

    log(`arena: ${questions.length} questions, ${models.length} candidates, modes ${config.modes.join(', ')}; collecting answers`);
    const answerRuns = await Promise.all(candidates.map((c) => askAll(c, questions.map((q) => q.question), config.answer, { ...requestOptions, log, what: 'answers' })));
    const answers: AnswerTable = new Map(models.map((model, i) => [model, answerRuns[i]!.replies.map((r) => (r.ok ? r.text : null))]));

    // Second turns (MT-bench): asked only where the first answer exists, with that answer in the history.
    const twoTurn = questions.filter((q) => q.turn2);
    const turn2Runs = twoTurn.length === 0 ? [] : await Promise.all(candidates.map((c, i) => {
      const asked = twoTurn.filter((q) => answers.get(models[i]!)![q.id] != null);
      log(`arena: ${c.name}: ${asked.length} second turns`);
      return askAll(c, asked.map((q) => secondTurnHistory(q, answers.get(models[i]!)![q.id]!)), config.answer, { ...requestOptions, log, what: 'second-turn answers' }).then((run) => ({ asked, run }));
    }));
    const secondAnswers: AnswerTable = new Map(models.map((model, i) => {
      const row: (string | null)[] = questions.map(() => null);
      const t = turn2Runs[i];
      t?.asked.forEach((q, k) => (row[q.id] = t.run.replies[k]!.ok ? t.run.replies[k]!.text : null));
      return [model, row];
    }));
    const questions2 = secondTurns(questions);
    const answersTurn2 = transcripts(questions, answers, secondAnswers);
    const prompts2 = questions2.length > 0 ? loadPrompts(config.promptsTurn2, '_turn2') : null;

    const tasks = [
      ...planJudgeTasks(config.modes, models, config.baseline, questions, answers, prompts),
      ...(prompts2 ? planJudgeTasks(config.modes, models, config.baseline, questions2, answersTurn2, prompts2) : []),
    ];
    const judgePrompts = uniquePrompts(tasks);
    log(`arena: asking the judge ${judgePrompts.length} questions (${tasks.length - judgePrompts.length} shared between modes)`);
    const judgeRun = await askAll(judge, judgePrompts, config.judging, { ...requestOptions, log, what: 'verdicts' });
    const replies = new Map<string, Reply>(judgePrompts.map((prompt, i) => [prompt, judgeRun.replies[i]!]));

    const modes: ArenaDocument['modes'] = {};
    let peerPerf: EndpointPerf[] | undefined;
    if (peer) {
      // Every candidate judges every pair of the others, in both orders, on both turns; all judges work at once.
      const asked1 = candidates.map((c) => peerPrompts(c.name, models, questions, answers, prompts));
      const asked2 = candidates.map((c) => (prompts2 ? peerPrompts(c.name, models, questions2, answersTurn2, prompts2) : []));
      const asked = asked1.map((first, i) => [...first, ...asked2[i]!]);
      log(`arena: peer examination, ${asked.reduce((a, p) => a + p.length, 0)} judge requests spread over ${models.length} candidates${prompts2 ? ` (${asked2.reduce((a, p) => a + p.length, 0)} of them on second turns)` : ''}`);
      const runs = await Promise.all(candidates.map((c, i) => askAll(c, asked[i]!, config.judging, { ...requestOptions, log, what: 'peer verdicts' })));
      const peerReplies = candidates.map((_, i) => new Map<string, Reply>(asked[i]!.map((p, k) => [p, runs[i]!.replies[k]!])));
      const battles = candidates.flatMap((c, i) => collectPeerBattles(c.name, models, questions, answers, prompts, peerReplies[i]!));
      modes.peer = summarizePeer(battles, models, answers, Object.fromEntries(models.map((m, i) => [m, asked1[i]!.length])), config.rating);
      if (prompts2) {
        // The second turn judged on its own, as the referee modes do: each judge sees the others' whole conversations.
        const battles2 = candidates.flatMap((c, i) => collectPeerBattles(c.name, models, questions2, answersTurn2, prompts2, peerReplies[i]!));
        modes.peer.turn2 = summarizePeer(battles2, models, answersTurn2, Object.fromEntries(models.map((m, i) => [m, asked2[i]!.length])), config.rating);
      }
      peerPerf = runs.map((r) => r.perf);
    }
    for (const mode of config.modes) {
      if (mode === 'peer') continue;
      if (mode === 'single') {
        const grades = collectSingleGrades(models, questions, answers, prompts, replies);
        modes.single = { ...summarizeSingle(grades, models), grades };
        if (prompts2) {
          const grades2 = collectSingleGrades(models, questions2, answersTurn2, prompts2, replies);
          modes.single.turn2 = { ...summarizeSingle(grades2, models), grades: grades2 };
        }
      } else {
        const battles = collectPairBattles(mode, models, config.baseline, questions, answers, prompts, replies);
        modes[mode] = { ...summarizePairs(battles, models, config.rating), battles };
        if (prompts2) {
          const battles2 = collectPairBattles(mode, models, config.baseline, questions2, answersTurn2, prompts2, replies);
          modes[mode]!.turn2 = { ...summarizePairs(battles2, models, config.rating), battles: battles2 };
        }
      }
    }
    return {
      schema: ARENA_SCHEMA,
      started_at: startedAt,
      ended_at: new Date().toISOString(),
      config: {
        file: config.file, modes: config.modes, baseline: config.baseline, questions: config.questionsPath, question_count: questions.length,
        candidates: candidates.map(describe), judge: describe(judge), rating: config.rating,
      },
      answers: Object.fromEntries(models.map((model, i) => [model, answerRuns[i]!.replies.map((r, q) => {
        const entry: ArenaDocument['answers'][string][number] = { question_id: q, answer: r.ok ? r.text : null, error: r.error };
        const t = turn2Runs[i];
        const k = t ? t.asked.findIndex((x) => x.id === q) : -1;
        if (questions[q]!.turn2) Object.assign(entry, { answer_turn2: k >= 0 && t!.run.replies[k]!.ok ? t!.run.replies[k]!.text : null, error_turn2: k >= 0 ? t!.run.replies[k]!.error : 'no first answer' });
        return entry;
      })])),
      modes,
      perf: { candidates: answerRuns.map((run) => run.perf), judge: judgeRun.perf, ...(peerPerf ? { peer_judges: peerPerf } : {}), ...(turn2Runs.length > 0 ? { second_turns: turn2Runs.map((t) => t.run.perf) } : {}) },
    };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

export interface DryRunPlan {
  questions: number;
  answerRequests: Record<string, number>;
  judgeRequests: number;
  total: number;
  text: string;
}

/**
 * What a run would send, sending nothing: no simulator is started and no model is looked up. Judge
 * prompts are built with placeholder answers, which dedupe across modes exactly as real answers do.
 */
export function planArena(config: ArenaConfig): DryRunPlan {
  const questions: Question[] = loadQuestions(config.questionsPath, config.limit);
  const prompts: PromptSet = loadPrompts(config.prompts);
  const models = config.candidates.map((c) => c.name);
  const placeholders: AnswerTable = new Map(models.map((m) => [m, questions.map((q) => `<answer of ${m} to question ${q.id + 1}>`)]));
  const questions2 = secondTurns(questions);
  const placeholders2 = transcripts(questions, placeholders, new Map(models.map((m) => [m, questions.map((q) => `<second answer of ${m} to question ${q.id + 1}>`)])));
  const judgePrompts = uniquePrompts([
    ...planJudgeTasks(config.modes, models, config.baseline, questions, placeholders, prompts),
    ...(questions2.length > 0 ? planJudgeTasks(config.modes, models, config.baseline, questions2, placeholders2, loadPrompts(config.promptsTurn2, '_turn2')) : []),
  ]);
  const where = (c: EndpointConfig) => `${c.url ?? 'built-in simulator'}, model ${c.model ?? (c.url === null ? `sim-${c.name}` : '(asked from /v1/models at run time)')}`;
  const lines = [
    `llmperf arena --dry-run: nothing is sent`,
    `questions: ${questions.length} from ${config.questionsPath}; modes: ${config.modes.join(', ')}${config.baseline ? `; baseline: ${config.baseline}` : ''}`,
  ];
  const answerRequests: Record<string, number> = {};
  for (const candidate of config.candidates) {
    answerRequests[candidate.name] = questions.length + questions2.length;
    lines.push(`candidate ${candidate.name} (${where(candidate)}): ${questions.length + questions2.length} requests to POST /v1/chat/completions${questions2.length > 0 ? ` (${questions2.length} of them second turns)` : ''}, the first:`);
    lines.push(`  ${JSON.stringify({ model: candidate.model ?? (candidate.url === null ? `sim-${candidate.name}` : '(from /v1/models)'), ...chatJob(questions[0]!.question, config.answer).body, stream: true })}`);
  }
  lines.push(`judge ${config.judge.name} (${where(config.judge)}): ${judgePrompts.length} requests (pair modes ask both orders; prompts shared between modes are sent once), the first prompt:`);
  lines.push(...(judgePrompts[0] ?? '(none)').split('\n').map((line) => `  | ${line}`));
  let peerRequests = 0;
  if (config.modes.includes('peer')) {
    let secondTurnPeer = 0;
    const prompts2 = questions2.length > 0 ? loadPrompts(config.promptsTurn2, '_turn2') : null;
    for (const m of models) {
      peerRequests += peerPrompts(m, models, questions, placeholders, prompts).length;
      if (prompts2) secondTurnPeer += peerPrompts(m, models, questions2, placeholders2, prompts2).length;
    }
    peerRequests += secondTurnPeer;
    lines.push(`peer: every candidate judges every pair of the others in both orders: ${peerRequests} requests to the candidates themselves${secondTurnPeer > 0 ? ` (${secondTurnPeer} of them on second turns)` : ''}`);
  }
  const total = (questions.length + questions2.length) * models.length + judgePrompts.length + peerRequests;
  lines.push(`total: ${total} requests (fewer when the reply cache already holds some)`);
  return { questions: questions.length, answerRequests, judgeRequests: judgePrompts.length, total, text: lines.join('\n') };
}
