import { startServer } from './server.mjs';
import { simulateShoppers } from './simulator.mjs';
import { readFileSync } from 'node:fs';
const s = await startServer({ port: 0, collectorProcess: ['--memory'] });
await s.collectorReady;
const catalogText = await (await fetch(s.url + 'catalog.json')).text();
const r = await simulateShoppers({ n: 120, endpoint: s.url + 'collector', catalogText, promotions: readFileSync('demo/public/data/promotions.json','utf8'), campaigns: readFileSync('demo/public/data/campaigns.json','utf8') });
console.log(r);
for (const p of ['api/stats','api/lift','api/interests','priors']) { const res = await fetch(s.url + 'collector/' + p); console.log(p, res.status, (await res.text()).slice(0, 500)); }
await s.close();
