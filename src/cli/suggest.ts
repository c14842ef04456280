// The closest known word to a typo (`swep` -> `sweep`), for messages about unknown commands.
import { UsageError } from '../errors.js';

/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours count 1 each). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known word nearest to `typed`, when it is near enough to be a typo (at most a third of its letters off). */
export function closest(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const word of known) {
    const distance = word.startsWith(typed) && typed.length >= 2 ? 0.5 : editDistance(typed.toLowerCase(), word);
    if (distance < bestDistance) {
      best = word;
      bestDistance = distance;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

/**
 * The default command (`run`) takes no arguments, so a first word that is not a command is a mistyped one:
 * say so, with the closest command, instead of commander's "too many arguments for 'run'".
 */
export function checkCommandWord(argv: readonly string[], commands: readonly string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || commands.includes(first) || first === 'help') return;
  const near = closest(first, commands);
  const hint = near ? `did you mean 'llmperf ${near}'?` : `the commands are ${commands.join(', ')}`;
  throw new UsageError(`'${first}' is not an llmperf command; ${hint} (see 'llmperf --help')`);
}
