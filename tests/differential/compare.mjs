// The peer's side of `make compare`: times iam-simulate's runSimulation on the workloads that
// compare.py wrote (a JSON file: [{name, cases: [...]}, ...], cases in the shared format), the
// way a caller pays for it: every call validates and loads its policies again (the peer keeps
// no parse cache). Per workload: one untimed pass (the JIT's warm-up), then `repeat` timed
// passes with performance.now(). Prints one JSON line per workload:
// {"name", "us": [µs per request, one per timed pass], "decisions": [...first pass...]}.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { toSimulation } from './runner.mjs'

const [file, repeatText] = process.argv.slice(2)
const repeat = Number(repeatText || 3)
const workloads = JSON.parse(readFileSync(file, 'utf8'))

async function pass(cases, decisions) {
  const start = performance.now()
  for (const c of cases) {
    // The case → simulation mapping is inside the timed loop on purpose: our side also reads
    // the case format each time. It only renames fields.
    const result = await runSimulation(toSimulation(c), {})
    if (decisions) {
      decisions.push(result.resultType === 'error' ? 'Error' : result.overallResult)
    }
  }
  return ((performance.now() - start) * 1000) / cases.length
}

for (const { name, cases } of workloads) {
  const decisions = []
  await pass(cases, decisions)
  const us = []
  for (let r = 0; r < repeat; r++) us.push(await pass(cases, null))
  process.stdout.write(JSON.stringify({ name, us, decisions }) + '\n')
}
