// A firehose agent for bench/agents-app.mjs: coloured lines of about 100 bytes, 1 MB/s by default
// (SPEW_BYTES_PER_S), for SPEW_SECONDS, in 20 bursts a second. Ignores its prompt.
const rate = Number(process.env.SPEW_BYTES_PER_S ?? 1_000_000);
const seconds = Number(process.env.SPEW_SECONDS ?? 60);
const colours = ['\x1b[36m', '\x1b[33m', '\x1b[32m', '\x1b[35m'];
let n = 0;
const line = () => `${colours[n % 4]}step ${String(n++).padStart(8, '0')}\x1b[0m ${'x'.repeat(70)} \x1b[2mdone\x1b[0m\n`;
const perBurst = Math.round(rate / 20 / line().length);
const end = Date.now() + seconds * 1000;
const timer = setInterval(() => {
  let chunk = '';
  for (let i = 0; i < perBurst; i++) chunk += line();
  process.stdout.write(chunk);
  if (Date.now() > end) {
    clearInterval(timer);
    setInterval(() => undefined, 1000); // stays alive (an agent that went quiet) until stopped
  }
}, 50);
