// Reads cases in the shared IAM case format (one JSON object per line on stdin) and prints,
// for each, one JSON line with iam-simulate's decision: {"i": n, "decision": "Allowed" |
// "ExplicitlyDenied" | "ImplicitlyDenied" | "Error", "error": "..."}. The Python test drives it;
// it holds no knowledge of its own about AWS, only the mapping between the two input shapes.
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate'

// A policy in the case format may be an object, JSON text, or {name, document}.
function unwrap(raw, fallbackName) {
  let name = fallbackName
  let doc = raw
  if (doc && typeof doc === 'object' && 'document' in doc && !('Statement' in doc)) {
    if (typeof doc.name === 'string') name = doc.name
    doc = doc.document
  }
  if (typeof doc === 'string') doc = JSON.parse(doc)
  return { name, policy: doc }
}

function accountOf(arn) {
  const parts = String(arn).split(':')
  return parts.length > 4 && /^\d{12}$/.test(parts[4]) ? parts[4] : ''
}

// Context values: the peer takes strings or lists of strings only.
function contextOf(raw) {
  const out = {}
  for (const [key, value] of Object.entries(raw || {})) {
    out[key] = Array.isArray(value) ? value.map(String) : String(value)
  }
  return out
}

function orgLevels(levels, prefix) {
  return (levels || []).map((level, i) => ({
    orgIdentifier: `${prefix}-${i}`,
    policies: level.map((p, j) => unwrap(p, `${prefix}-${i}-${j}`)),
  }))
}

export function toSimulation(c) {
  const req = c.request
  const anonymous = req.principal === '*'
  const account =
    req.resource_account || accountOf(req.resource) || accountOf(req.principal) || ''
  const simulation = {
    request: {
      principal: anonymous ? anonymousPrincipal : req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: account },
      contextVariables: contextOf(req.context),
    },
    identityPolicies: (c.identity_policies || []).map((p, i) => unwrap(p, `identity-${i}`)),
    serviceControlPolicies: orgLevels(c.scp_levels, 'scp'),
    resourceControlPolicies: orgLevels(c.rcp_levels, 'rcp'),
  }
  if (c.resource_policy) simulation.resourcePolicy = unwrap(c.resource_policy, 'resource').policy
  if (c.permissions_boundary) {
    simulation.permissionBoundaryPolicies = [unwrap(c.permissions_boundary, 'boundary')]
  }
  if (c.session_policy) simulation.sessionPolicy = unwrap(c.session_policy, 'session').policy
  return simulation
}

async function main() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let i = 0
  for await (const line of lines) {
    if (!line.trim()) continue
    const n = i++
    let out
    try {
      const result = await runSimulation(toSimulation(JSON.parse(line)), {})
      if (result.resultType === 'error') {
        out = { i: n, decision: 'Error', error: JSON.stringify(result.errors).slice(0, 500) }
      } else {
        out = { i: n, decision: result.overallResult }
      }
    } catch (err) {
      out = { i: n, decision: 'Error', error: String(err && err.message ? err.message : err) }
    }
    process.stdout.write(JSON.stringify(out) + '\n')
  }
}

// Run only as a script: compare.mjs imports toSimulation from here.
if (import.meta.url === pathToFileURL(process.argv[1]).href) main()
