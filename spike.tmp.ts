import { PgliteSession } from './src/db/pglite-session.js';
import { createLogger } from './src/observability/logger.js';
const logger = createLogger({ logLevel: 'silent' });
let t = Date.now();
const lap = (l: string) => { console.log(l, Date.now() - t); t = Date.now(); };
const s1 = await PgliteSession.open(':memory:', logger); lap('open1');
console.log((await s1.executeSql('select 1 as x')).rows);
const s2 = await PgliteSession.open(':memory:', logger); lap('open2');
await s1.close(); await s2.close();
