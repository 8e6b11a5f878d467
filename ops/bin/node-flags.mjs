/**
 * The Node.js flags every long-running service is started with (`pnpm start`, `pnpm serve <name>`,
 * `pnpm worker` pass them to `node` before `ops/bin/run.mjs`; a deployment that runs `node` itself
 * passes the same).
 *
 * `--max-semi-space-size=64`: V8's young generation may grow to 64 MiB a semi-space instead of
 * 16. A GraphQL server allocates a great deal that lives for one request (parsed bodies, execution
 * results, the answers it serializes); with the default size a busy gateway ran a scavenge every
 * few dozen requests, 7 % of its CPU. With 64 MiB the gateway's CPU per request in
 * `pnpm bench gateway` fell by 6–10 % side by side (issue 17 §3, docs/benchmarks.md). The cost is
 * memory: up to about 128 MiB more per process under load (two semi-spaces), none when idle.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];
