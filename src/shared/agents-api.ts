import { z } from 'zod';
import { readCall } from './api/kinds';
import { memberNameSchema, teamNameSchema } from './schemas';

/**
 * The running-agents part of the window's contract (merged into API and EVENTS in api/): main answers
 * these with the store's AgentService (src/store/agents), the same implementation the CLI uses.
 */

export const AGENT_RUNTIMES = ['claude', 'codex', 'custom'] as const;
const runtimeSchema = z.enum(AGENT_RUNTIMES);
/** An argv (never a shell string): each word passed literally. */
const commandSchema = z.array(z.string().max(4096)).min(1, 'give the command to run').max(200);
const folderSchema = z.string().trim().min(1, 'give the working folder').max(4096);
const templateNameSchema = z.string().trim().min(1, 'choose a template').max(200);

const heldClaimSchema = z.object({
  taskId: z.string(),
  subject: z.string(),
  since: z.string(),
  pid: z.number().optional(),
  leaseUntil: z.string().optional(),
});

const runSchema = z.object({
  id: z.string(),
  agent: z.string(),
  runtime: z.string(),
  command: z.array(z.string()),
  task: z.string(),
  cwd: z.string(),
  pid: z.number(),
  startedMs: z.number(),
  endedMs: z.number().optional(),
  exitCode: z.number().nullable().optional(),
  stoppedBecause: z.string().optional(),
});

export const agentStatusSchema = z.object({
  team: z.string(),
  agent: z.string(),
  /** unknown: it holds claims, but nothing tells whether it runs (no registry entry, no claim pid here, no lease). */
  state: z.enum(['running', 'idle', 'exited', 'not-started', 'unknown']),
  sinceMs: z.number().nullable(),
  source: z.enum(['lockstep', 'registry', 'claims', 'none']),
  pid: z.number().nullable(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  lastOutput: z.object({ line: z.string(), atMs: z.number().nullable() }).nullable(),
  run: runSchema.nullable(),
  claims: z.array(heldClaimSchema),
  deadWithClaims: z.boolean(),
  summary: z.string(),
});
export type AgentStatusView = z.output<typeof agentStatusSchema>;

const stepSchema = z.object({
  kind: z.enum(['session', 'text', 'tool', 'result', 'done', 'error', 'output']),
  text: z.string(),
  tool: z.string().optional(),
  isError: z.boolean().optional(),
});
export type AgentStepView = z.output<typeof stepSchema>;

const planSchema = z.object({
  team: z.string(),
  description: z.string(),
  cwd: z.string(),
  members: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      leader: z.boolean(),
      task: z.string(),
      command: z.array(z.string()),
      runtime: z.string(),
    }),
  ),
  tasks: z.array(z.object({ subject: z.string(), description: z.string(), owner: z.string() })),
});

const launchInput = z
  .object({
    template: templateNameSchema,
    team: teamNameSchema,
    goal: z.string().max(20_000),
    cwd: folderSchema.optional(),
    runtime: runtimeSchema.optional(),
    command: commandSchema.optional(),
  })
  .strict();

const agentRef = { team: teamNameSchema, agent: memberNameSchema };

export const AGENT_API = {
  /** Liveness of every member of a team (and of agents that ran there); main then pushes agentsChanged for it. */
  listAgents: readCall({
    input: z.object({ team: teamNameSchema }).strict(),
    output: z.object({ agents: z.array(agentStatusSchema), cwd: z.string() }),
  }),
  /** Starts an agent detached; its working folder is remembered for the team. One sentence when it cannot run. */
  startAgent: {
    input: z
      .object({
        ...agentRef,
        runtime: runtimeSchema,
        command: commandSchema.optional(),
        cwd: folderSchema,
        task: z.string().max(20_000).optional(),
      })
      .strict(),
    output: agentStatusSchema,
  },
  /** SIGTERM to its group, SIGKILL after a grace period; answers the claims it still holds (offered, not released). */
  stopAgent: {
    input: z.object(agentRef).strict(),
    output: z.object({ wasRunning: z.boolean(), signal: z.string().nullable(), claims: z.array(heldClaimSchema) }),
  },
  /** Releases a stopped agent's claims after the person confirmed (journaled). */
  releaseAgentClaims: {
    input: z.object({ ...agentRef, taskIds: z.array(z.string().max(200)).max(1000).optional() }).strict(),
    output: z.object({ released: z.array(z.string()) }),
  },
  restartAgent: { input: z.object(agentRef).strict(), output: agentStatusSchema },
  /**
   * A bounded piece of the agent's newest run's log: by default its last 64 KB; `offset` reads from there (new
   * output), `before` reads the piece ending there (older output). JSON-line runtimes also come back as steps.
   */
  readAgentLog: readCall({
    input: z
      .object({
        ...agentRef,
        runId: z.string().max(100).optional(),
        offset: z.number().int().min(0).optional(),
        before: z.number().int().min(0).optional(),
      })
      .strict(),
    output: z.object({
      runId: z.string(),
      format: z.enum(['claude', 'codex', 'text']),
      text: z.string(),
      steps: z.array(stepSchema),
      offset: z.number(),
      next: z.number(),
      size: z.number(),
    }),
  }),
  listTemplates: readCall({
    input: z.object({}).strict(),
    output: z.object({
      templates: z.array(z.object({ name: z.string(), description: z.string(), builtin: z.boolean(), problem: z.string().optional() })),
      cwd: z.string(),
    }),
  }),
  /** What launching would create (members, their commands, tasks); creates nothing. */
  planLaunch: readCall({ input: launchInput, output: planSchema }),
  /** Creates the team and its tasks from the template and starts every agent. */
  launchTeam: {
    input: launchInput,
    output: planSchema.extend({ failures: z.array(z.object({ agent: z.string(), message: z.string() })) }),
  },
} as const;

export const AGENT_EVENTS = {
  /** Liveness or last output of a team's agents changed (polled and watched in main, bounded). */
  agentsChanged: z.object({ team: z.string(), agents: z.array(agentStatusSchema), at: z.number() }),
  /** New bytes in an agent's log (`size` is the log's size now). */
  agentOutput: z.object({ team: z.string(), agent: z.string(), runId: z.string(), size: z.number() }),
  /** Something the person must know about their agents: the budget stopped them, and why. */
  agentNotice: z.object({ team: z.string(), message: z.string(), at: z.number() }),
} as const;
