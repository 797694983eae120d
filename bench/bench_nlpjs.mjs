// nlp.js (node-nlp 4.x) on the messages hotline is measured on: trained on
// the training set, each message classified once to warm up and then
// `rounds` times, one at a time as a chat would.  Prints one JSON line with
// messages per second, p50/p99 latency and training time, for
// bench_nlpjs.sh to set beside hotline's figures.  nlp.js is told each
// message's language (Cyrillic: ru, else the set's label): its own guess
// costs it a third of its speed, and the comparison should not flatter
// hotline, which guesses for itself.
//
//	node bench_nlpjs.mjs NODE_MODULES TRAIN.jsonl ROUNDS FILE.jsonl...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [modules, train, roundsArg, ...sets] = process.argv.slice(2);
const require = createRequire(join(modules, 'x.js'));
const { NlpManager } = require('node-nlp');
const lines = (f) => readFileSync(f, 'utf8').split('\n')
  .filter((l) => l.trim()).map((l) => JSON.parse(l));
const langOf = (i) => (/[а-яё]/i.test(i.text) || i.lang !== 'en' ? 'ru' : 'en');

const manager = new NlpManager({ languages: ['ru', 'en'], forceNER: false,
  nlu: { log: false }, autoSave: false });
for (const item of lines(train))
  manager.addDocument(langOf(item), item.text, item.intent);
let t0 = process.hrtime.bigint();
await manager.train();
const trainMs = Number(process.hrtime.bigint() - t0) / 1e6;

const items = sets.flatMap((f) => lines(f));
for (const i of items) await manager.process(langOf(i), i.text);
const rounds = Math.max(1, parseInt(roundsArg, 10) || 1);
const lat = [];
t0 = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) {
  for (const i of items) {
    const a = process.hrtime.bigint();
    await manager.process(langOf(i), i.text);
    lat.push(Number(process.hrtime.bigint() - a) / 1e3);
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
lat.sort((a, b) => a - b);
console.log(JSON.stringify({
  messages: lat.length,
  per_second: lat.length / secs,
  p50_us: lat[Math.floor(lat.length / 2)],
  p99_us: lat[Math.floor(lat.length * 0.99)],
  train_ms: trainMs,
}));
