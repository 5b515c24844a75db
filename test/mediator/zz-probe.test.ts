import { action, failureOf, newAgent, newKey, startWorld } from './support.js';
describe('probe', () => { it('fields', async () => {
  const w = await startWorld();
  const err = await failureOf(() => w.mediator.execute(action(w, 'create_work_item', { project: 'OPS', name: 'x', start_date: '2026-05-01', target_date: '2026-04-01' }, newAgent(), newKey())));
  console.log(JSON.stringify({ code: err.code, message: err.message, fields: err.fields, context: err.context }));
  await w.close();
});});
