// The response path is warmed on a loopback replay in this process: once per thread, bounded, nothing left open.
import { describe, expect, it } from 'vitest';
import { warmResponsePath } from '../../src/engine/warm-up.js';

const openSockets = () => process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP')).length;

describe('warmResponsePath', () => {
  it('replays a stream through the engine once, then reports nothing more to do, leaving no socket open', async () => {
    const before = openSockets();
    const firstMs = await warmResponsePath();
    expect(firstMs).toBeGreaterThan(0);
    // Bounded: it never holds a run back more than its 2 s limit (plus the replay server's own close).
    expect(firstMs).toBeLessThan(2500);
    expect(await warmResponsePath()).toBe(0);
    // Sockets finish closing in the next turns of the loop.
    for (let i = 0; i < 20 && openSockets() > before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(openSockets()).toBeLessThanOrEqual(before);
  });
});
