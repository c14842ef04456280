// One multi-turn conversation being replayed: the history grows by the model's real reply and the next user turn.
import type { ChatMessage, Prompt } from './prompts.js';
import { estimateTokens } from './tokens.js';

export class Conversation {
  private readonly messages: ChatMessage[];
  /** Turns sent so far minus one: 0 while the first turn is in flight. */
  turn = 0;

  constructor(
    private readonly first: Prompt,
    private readonly count: (text: string) => number = estimateTokens,
  ) {
    this.messages = first.messages.slice();
  }

  get hasNextTurn(): boolean {
    return this.turn < (this.first.turns?.length ?? 0);
  }

  /** The dataset's recorded pause before the next turn (--think-time data); undefined when it has none. */
  get recordedThinkMs(): number | undefined {
    return this.first.thinkTimesMs?.[this.turn];
  }

  /** Appends the reply and the next user turn; returns the next request's prompt (the whole history). */
  next(reply: string): Prompt {
    const user = this.first.turns![this.turn]!;
    this.messages.push({ role: 'assistant', content: reply }, { role: 'user', content: user });
    this.turn++;
    const messages = this.messages.slice();
    const text = messages.map((m) => m.content).join('\n');
    const prompt: Prompt = { messages, text, inputTokensEstimate: this.count(text) };
    if (this.first.outputTokens !== undefined) prompt.outputTokens = this.first.outputTokens;
    return prompt;
  }
}
