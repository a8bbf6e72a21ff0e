// Counts the tokens of the scorecard designs' requests (from scorecard_requests) with OpenAI's
// o200k_base encoding (gpt-4o's, from npm gpt-tokenizer, which ships the encoding: no network),
// prices them and estimates the extra latency. Prints the Markdown of bench/README.md's section.
//   node bench/scorecard/measure.mjs requests.jsonl
import { readFileSync } from 'node:fs';
import { encode, encodeChat } from 'gpt-tokenizer/model/gpt-4o';

// USD per 1M tokens: shared/reference/providers.md §2.4 (November 2026), the table callbrief's
// own DefaultChatPrices() uses (src/llm/summarizer.h).
const PRICES = { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 0.15, output: 0.6 } };
// Output speed, tokens per second, third-party measurements (no live request is possible here):
// gpt-4o 31.7 t/s and gpt-4o-mini 59.0 t/s (community.openai.com/t/1307310, 2025, 500-token
// answers), gpt-4o 65.5 t/s (community.openai.com/t/768559, 2024, median of 8); time to first
// token of gpt-4o 0.2–0.4 s (michaeljohnpena.com/blog/2024-05-08-gpt4o-speed-improvements).
const SPEED = { 'gpt-4o': [31.7, 65.5], 'gpt-4o-mini': [59.0, 59.0] };
const FIRST_TOKEN_S = [0.2, 0.4];

const lines = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));

// The prompt as billed: the chat messages with their framing (encodeChat), plus the JSON schema
// of response_format counted as its text. OpenAI does not document how a strict schema is
// billed; counting its JSON is an approximation, and the same for both designs.
function inputTokens(body) {
  const chat = encodeChat(body.messages.map((m) => ({ role: m.role, content: m.content })), 'gpt-4o').length;
  const format = body.response_format || {};
  const schema = format.json_schema ? encode(JSON.stringify(format.json_schema.schema)).length : 0;
  return { chat, schema, total: chat + schema };
}

const usd = (model, input, output) => (input * PRICES[model].input + output * PRICES[model].output) / 1e6;
const fmtUsd = (v) => `$${v.toFixed(5)}`;
const range = ([a, b]) => (Math.abs(a - b) < 0.05 ? `${a.toFixed(1)} s` : `${a.toFixed(1)}–${b.toFixed(1)} s`);

const calls = new Map();
for (const line of lines) {
  const entry = calls.get(line.call) || {};
  const input = inputTokens(line.body);
  entry[line.request] = { input, output: encode(line.completion).length };
  entry.transcriptChars = line.body.messages.find((m) => m.role === 'user').content.length;
  calls.set(line.call, entry);
}

console.log('| call | user message (chars) | summary alone: in / out | A: summary + checklist: in / out | A extra: in / out | B: scoring request: in / out |');
console.log('|---|---|---|---|---|---|');
const totals = { aIn: 0, aOut: 0, bIn: 0, bOut: 0, base: 0, n: 0 };
for (const [call, e] of calls) {
  const base = e.summary;
  const a = e.summary_with_checklist;
  const b = e.score;
  const aIn = a.input.total - base.input.total;
  const aOut = a.output - base.output;
  totals.aIn += aIn; totals.aOut += aOut; totals.bIn += b.input.total; totals.bOut += b.output;
  totals.base += usd('gpt-4o', base.input.total, base.output); totals.n += 1;
  console.log(`| ${call} | ${e.transcriptChars} | ${base.input.total} / ${base.output} | ${a.input.total} / ${a.output} | +${aIn} / +${aOut} | ${b.input.total} / ${b.output} |`);
}
console.log('');
console.log('Per call, averaged over the fixtures (the summary model is gpt-4o unless named; the prefill of the extra');
console.log('input tokens is left out of the latency, being far faster than generation):');
console.log('');
const n = totals.n;
const avg = { aIn: totals.aIn / n, aOut: totals.aOut / n, bIn: totals.bIn / n, bOut: totals.bOut / n };
const aCost = usd('gpt-4o', avg.aIn, avg.aOut);
const aMini = usd('gpt-4o-mini', avg.aIn, avg.aOut);
const aMiniLatency = SPEED['gpt-4o-mini'].map((s) => avg.aOut / s);
const b4o = usd('gpt-4o', avg.bIn, avg.bOut);
const bMini = usd('gpt-4o-mini', avg.bIn, avg.bOut);
const aLatency = SPEED['gpt-4o'].map((s) => avg.aOut / s).sort((x, y) => x - y);
const bSequential = (model) => SPEED[model].map((s, i) => FIRST_TOKEN_S[i] + avg.bOut / s).sort((x, y) => x - y);
console.log('| design | extra tokens in / out | extra USD per call | per 1,000 calls | extra latency |');
console.log('|---|---|---|---|---|');
console.log(`| summary alone (for scale) | — | ${fmtUsd(totals.base / n)} in total | $${(totals.base / n * 1000).toFixed(2)} | — |`);
console.log(`| A: checklist inside the summary request | +${avg.aIn.toFixed(0)} / +${avg.aOut.toFixed(0)} | ${fmtUsd(aCost)} | $${(aCost * 1000).toFixed(2)} | +${range(aLatency)} (the extra output tokens at 65–32 t/s) |`);
console.log(`| A, with SUMMARY_MODEL=gpt-4o-mini | +${avg.aIn.toFixed(0)} / +${avg.aOut.toFixed(0)} | ${fmtUsd(aMini)} | $${(aMini * 1000).toFixed(2)} | +${range(aMiniLatency)} |`);
console.log(`| B: second request, gpt-4o | ${avg.bIn.toFixed(0)} / ${avg.bOut.toFixed(0)} | ${fmtUsd(b4o)} | $${(b4o * 1000).toFixed(2)} | +${range(bSequential('gpt-4o'))} after the summary; ≈0 if sent alongside it |`);
console.log(`| B: second request, gpt-4o-mini | ${avg.bIn.toFixed(0)} / ${avg.bOut.toFixed(0)} | ${fmtUsd(bMini)} | $${(bMini * 1000).toFixed(2)} | +${range(bSequential('gpt-4o-mini'))} after the summary; ≈0 if sent alongside it |`);
