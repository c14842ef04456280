// The paced simulator in its own process (so its CPU never counts as the client's); answers stats / send-times over IPC.
// Usage (forked): node bench/sim-process.js '<MockOptions JSON>'; sends {type:'ready', url} first.
import { startMockServer } from '../dist/mock/index.js';

const server = await startMockServer({ port: 0, ...JSON.parse(process.argv[2] ?? '{}') });
process.send({ type: 'ready', url: server.url });
process.on('message', async (msg) => {
  if (msg.type === 'stats') process.send({ type: 'stats', id: msg.id, value: await server.stats() });
  else if (msg.type === 'sendTimes') process.send({ type: 'sendTimes', id: msg.id, value: await server.sendTimes() });
  else if (msg.type === 'reset') {
    await server.resetStats();
    process.send({ type: 'reset', id: msg.id, value: null });
  } else if (msg.type === 'close') {
    await server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
