// The peer's side of `classify_compare.py`: for each case of a workload file (JSON list of cases
// in the shared format), one JSON line with iam-simulate's decision and what it rests on:
// {"decision", "error", "kind" (its resultType), "allowed": [[resource type, pattern], ...]}:
// for a request resource of `*` the peer runs one simulation per resource type and pattern of
// the action and allows when any of them allows; `allowed` names those that did.
import { readFileSync } from 'node:fs'
import { runSimulation } from '@cloud-copilot/iam-simulate'
import { toSimulation } from './runner.mjs'

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'))
for (const c of cases) {
  let out
  try {
    const r = await runSimulation(toSimulation(c), {})
    if (r.resultType === 'error') {
      out = { decision: 'Error', error: r.errors?.message ?? JSON.stringify(r.errors).slice(0, 200) }
    } else {
      const results = r.results ?? (r.result ? [r.result] : [])
      const allowed = results
        .filter((x) => x.analysis?.result === 'Allowed')
        .map((x) => [x.resourceType ?? null, x.resourcePattern ?? null])
      out = { decision: r.overallResult, kind: r.resultType, allowed }
    }
  } catch (err) {
    out = { decision: 'Error', error: String(err?.message ?? err) }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
